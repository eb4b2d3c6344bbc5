//! The fleet view's wasm module, built by Trunk beside the page's (`www/index.html`) and loaded
//! by the page on its first fleet file (`ime_cert_inspector::app::fleet_host`), so that the
//! single-device page does not download the fleet's code.
//!
//! Its exports are defined here, in the binary, not in the library: the page's module links
//! the same library, and exports there would pull the fleet's code back into it.

#[cfg(target_arch = "wasm32")]
mod exports {
    use ime_cert_inspector::app::fleet_page::MountedFleet;
    use wasm_bindgen::prelude::*;

    /// The mounted fleet view, as the page holds it.
    #[wasm_bindgen]
    pub struct FleetView(MountedFleet);

    /// Mounts the fleet view in `root`; `host` is the page's `{ open_device, closed, notify }`.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::Element, host: JsValue) -> Result<FleetView, JsError> {
        MountedFleet::mount(root, &host)
            .map(FleetView)
            .map_err(|e| JsError::new(&e))
    }

    #[wasm_bindgen]
    impl FleetView {
        /// A fleet file: a new fleet (`replace`), or more devices for the one shown.
        pub fn add_file(&self, name: String, bytes: js_sys::Uint8Array, replace: bool) {
            self.0.add_file(name, bytes, replace);
        }

        /// The page's question (`FleetQuestion` JSON).
        pub fn ask(&self, question: &str) {
            self.0.ask(question);
        }

        /// Whether the page shows the fleet (not while one of its devices is open).
        pub fn show(&self, visible: bool) {
            self.0.show(visible);
        }

        /// The page closed the fleet.
        pub fn clear(&self) {
            self.0.clear();
        }
    }
}

/// Nothing runs at start: the page calls `mount`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "The fleet view runs in a browser, loaded by the web app: build it with trunk \
         (`trunk build --release`) and drop a fleet export on the page it serves."
    );
}
