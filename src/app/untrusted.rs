//! Text that came out of a dropped file (a subject, a registry value, a file name, a log line),
//! shown so that it can neither run nor mislead. Yew already puts it in the page as text, never as
//! markup; on top of that, hidden characters are spelled out, the direction is isolated (`<bdi>`)
//! so a right-to-left value cannot reorder the words around it, and very long values are cut.

use yew::prelude::*;

use crate::untrusted_text::revealed_within;

/// The most characters of one value shown on a card. Real subjects, UPNs and registry values are
/// far shorter; a crafted 100,000-character value would otherwise push everything else off-screen.
pub const MAX_SHOWN_CHARS: usize = 400;

/// One untrusted value, in a `<bdi>`, cut at [`MAX_SHOWN_CHARS`] with a note of what was left out.
pub fn untrusted(text: &str) -> Html {
    let (shown, left_out) = revealed_within(text, MAX_SHOWN_CHARS);
    html! {
        <bdi class="untrusted">
            { shown }
            if left_out > 0 {
                <span class="muted small">{ format!(" … and {left_out} more characters") }</span>
            }
        </bdi>
    }
}
