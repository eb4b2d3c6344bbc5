//! The web app: a Yew (client-side rendered) shell over the same core as the CLI.
//!
//! Nothing here decides anything about certificates: files go to [`crate::workspace::Workspace`],
//! the verdict comes from the engine through [`crate::workspace::Workspace::judge`], the sentences
//! from [`crate::report`] and the graph from [`crate::graph`]. The components only render the
//! [`state::State`] and dispatch [`state::Action`]s (see `state` for the one place it changes).
//!
//! One component per file: `root` lays out the page and catches drops and pastes anywhere on it;
//! `intake` is the drop zone, picker and paste box; `summary`, `findings`, `graph_view`,
//! `node_detail` and `steps` show the verdict; `file_list`, `file_card`, `cert_view`,
//! `password_field`, `reg_view` and `bundle_view` show the inputs (`chain_view` a card's issuer
//! and path, with `chain_check` verifying signatures in WebCrypto); `assumptions`, `number_field`, `flighted` and
//! `overrides` edit the agent profile. `share_panel` copies the share link and exports (with
//! `raster` for the PNG) and saves the scenario as a bundle; `share_link` opens `#v1=…` links
//! from the address and `shared_banner` says when the page shows one; `collector` offers the
//! collector script. A dropped Remediation export opens the fleet view instead, which is a
//! second wasm module loaded on the first fleet file (`src/bin/fleet-view.rs`), so that the
//! single-device page does not download it: `fleet_host` is the page's side of it and
//! `fleet_wire` what the two say to each other; in the module, `fleet_page` is its app and
//! state, `fleet_judge` reads and judges the fleet in slices, `fleet_state` is what it keeps of
//! it, and `fleet_view` shows its counts (`fleet_charts`) and its devices (`fleet_table`). A
//! device opens in the page's single-device view.

pub mod assumptions;
pub mod browser;
pub mod bundle_view;
pub mod cert_table;
pub mod cert_view;
pub mod chain_check;
pub mod chain_view;
pub mod claims_view;
pub mod collector;
pub mod error;
pub mod file_card;
pub mod file_list;
pub mod findings;
pub mod fleet_charts;
pub mod fleet_host;
pub mod fleet_judge;
pub mod fleet_page;
pub mod fleet_state;
pub mod fleet_table;
pub mod fleet_view;
pub mod fleet_wire;
pub mod flighted;
pub mod format;
pub mod graph_view;
pub mod intake;
pub mod loader;
pub mod log_panel;
pub mod node_detail;
pub mod number_field;
pub mod overrides;
pub mod password_field;
pub mod pkcs12_open;
pub mod raster;
pub mod reg_view;
pub mod root;
pub mod share_link;
pub mod share_panel;
pub mod shared_banner;
pub mod state;
pub mod steps;
pub mod summary;
pub mod untrusted;

use yew::prelude::*;

pub use root::App;

// The app's unit tests run in a browser (wasm-bindgen-test; `.ci/web.sh`).
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
pub use state::{Action, AppHandle, State};

/// The state handle every component reads (provided once by [`App`]). `None` only outside the
/// app (a component mounted on its own), where components render nothing.
#[hook]
pub fn use_app() -> Option<AppHandle> {
    use_context::<AppHandle>()
}

/// Mounts the app in the page's `#app` element (or the body when the page has none).
pub fn start() {
    browser::install_panic_hook();
    browser::remove_boot_message();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(element) => {
            yew::Renderer::<App>::with_root(element).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
