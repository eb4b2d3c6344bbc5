//! What the page and its fleet view say to each other.
//!
//! The fleet view is a second wasm module (`src/bin/fleet-view.rs`), loaded on the first fleet
//! drop, so that the single-device page does not download the export readers, the fleet judging
//! and the fleet's components (BENCHMARKS.md, "Size"). The two modules share no memory: the page
//! hands the view the fleet files and the question (assumptions, time), the view hands the page
//! the device to open. Messages cross as JSON of these types, written and read by the same code
//! on both sides.

use serde::{Deserialize, Serialize};

use crate::fleet::FleetOptions;
use crate::fleet::input::{Content, Record};
use crate::scenario::Assumptions;
use crate::utc::UtcTime;

/// What the user reads when a device of the fleet cannot be opened: the fleet view says it for
/// a row without a token, the page for a token that does not read.
pub fn no_verdict(reason: &str) -> String {
    format!("This device has no verdict: {reason}.")
}

/// How much of a fleet file crosses between the modules per task: an export of 100,000 devices
/// is ~90 MB, and copying it in one go held the page for ~150 ms (each side copies it once).
const PIECE: usize = 4 << 20;

/// A file's bytes as a JavaScript array for the other module, copied a piece per task.
pub async fn bytes_to_js(bytes: &[u8]) -> js_sys::Uint8Array {
    let out = js_sys::Uint8Array::new_with_length(js_len(bytes.len()));
    for (i, piece) in bytes.chunks(PIECE).enumerate() {
        if i > 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let start = i * PIECE;
        out.subarray(js_len(start), js_len(start + piece.len()))
            .copy_from(piece);
    }
    out
}

/// The bytes of an array from the other module, copied a piece per task.
pub async fn bytes_from_js(array: &js_sys::Uint8Array) -> Vec<u8> {
    let mut out = vec![0; array.length() as usize];
    for (i, piece) in out.chunks_mut(PIECE).enumerate() {
        if i > 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let start = i * PIECE;
        array
            .subarray(js_len(start), js_len(start + piece.len()))
            .copy_to(piece);
    }
    out
}

/// A length or offset as JavaScript arrays take it: wasm32's `usize` is 32 bits, so this
/// never saturates there.
fn js_len(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The question a fleet is judged under: the assumptions, and one time for every device when
/// the user chose one (else each device at its `collected_at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeKey {
    pub assumptions: Assumptions,
    pub at: Option<UtcTime>,
}

impl JudgeKey {
    /// The options the core judges every device with (`now` for tokens without a time).
    pub fn options(&self, now: UtcTime) -> FleetOptions {
        FleetOptions {
            assumptions: self.assumptions.clone(),
            at: self.at,
            now,
            threads: 1,
        }
    }
}

/// The page's question to the fleet view. `now` (the page's clock, for tokens without a
/// `collected_at`) is not part of what is asked: a new `now` alone does not re-judge the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetQuestion {
    pub key: JudgeKey,
    pub now: UtcTime,
}

/// A device the fleet view asks the page to open: its row of the export, and the names the
/// page's banner shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceToOpen {
    /// Where the row was (`export.csv row 12`).
    pub origin: String,
    pub device: Option<String>,
    pub device_id: Option<String>,
    pub token: String,
    /// The device's name as the table shows it.
    pub name: String,
    /// The fleet's files ("fleet.csv and 2 more").
    pub fleet_title: String,
}

impl DeviceToOpen {
    /// The export row it came from, for the core's `device_scenario`.
    pub fn record(&self) -> Record {
        Record {
            origin: self.origin.clone(),
            device: self.device.clone(),
            device_id: self.device_id.clone(),
            content: Content::Token(self.token.clone()),
        }
    }

    /// The message text (JSON never fails for these types: strings, numbers and maps of them).
    pub fn to_message(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl FleetQuestion {
    pub fn to_message(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn bytes_cross_in_pieces_unchanged() {
        // Three pieces and a bit, so that the last one is short.
        let bytes: Vec<u8> = (0..3 * PIECE + 1234).map(|i| (i % 251) as u8).collect();
        let array = bytes_to_js(&bytes).await;
        assert_eq!(array.length() as usize, bytes.len());
        assert_eq!(bytes_from_js(&array).await, bytes);
        assert!(bytes_from_js(&bytes_to_js(&[]).await).await.is_empty());
    }

    #[wasm_bindgen_test]
    fn messages_read_back_as_written() {
        let assumptions = Assumptions {
            renewal_window_days: 30,
            ..Assumptions::default()
        };
        let question = FleetQuestion {
            key: JudgeKey {
                assumptions,
                at: Some(UtcTime(1_700_000_000)),
            },
            now: UtcTime(1_800_000_000),
        };
        let back: FleetQuestion = serde_json::from_str(&question.to_message()).unwrap();
        assert_eq!(back, question);

        let device = DeviceToOpen {
            origin: "fleet.csv row 3".into(),
            device: Some("PC-3".into()),
            device_id: None,
            token: "IMECERT1:abc".into(),
            name: "PC-3".into(),
            fleet_title: "fleet.csv".into(),
        };
        let back: DeviceToOpen = serde_json::from_str(&device.to_message()).unwrap();
        assert_eq!(back, device);
        assert_eq!(back.record().content, Content::Token("IMECERT1:abc".into()));
    }
}
