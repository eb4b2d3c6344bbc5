//! The limits of the README's *Limits* section, each met by a file just over it: a clear error
//! naming the file and the limit, the other files still judged, and (for counts) what was kept.
//! The 1 GB cap of streamed `.reg`/log files and the PKCS#12 iteration limits have unit tests
//! beside the code (`ingest::limits`, `ingest::pkcs12`): a 1 GB file is no test fixture.

mod common;

use std::path::PathBuf;

use base64::Engine as _;
use common::*;

/// A scratch directory for this test binary, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("imecert-limits-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    /// Writes `bytes` as `name` and returns its path as an argument.
    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("scratch file");
        path.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read_fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixture(path)).expect("fixture")
}

/// Judges `file` beside m1.cer; returns the errors reported for `name` (m1 must still be used).
fn errors_beside_m1(file: &str, name: &str) -> Vec<String> {
    let r = report(&["@certs/m1.cer", file]);
    assert_eq!(
        r["agent"]["cert"],
        tp("m1"),
        "m1 is still judged beside {name}"
    );
    errors(&r)
        .into_iter()
        .filter(|(source, _)| source == name)
        .map(|(_, message)| message)
        .collect()
}

/// `bytes` followed by zeros up to `size`: still sniffed as what `bytes` is.
fn padded(mut bytes: Vec<u8>, size: usize) -> Vec<u8> {
    bytes.resize(size, 0);
    bytes
}

const MIB: usize = 1024 * 1024;

#[test]
fn each_kind_over_its_size_limit_is_refused_by_name() {
    let scratch = Scratch::new("size");
    let cases = [
        (
            "big.cer",
            padded(read_fixture("certs/m2.cer"), MIB + 1),
            "over the 1 MB limit",
        ),
        (
            "big.pem",
            read_fixture("formats/m1-m2-with-text.pem").repeat(MIB / 7000 + 2),
            "over the 1 MB limit",
        ),
        (
            "big.p7b",
            padded(read_fixture("formats/chain.p7b"), MIB + 1),
            "over the 1 MB limit",
        ),
        (
            "big.pfx",
            padded(read_fixture("pfx/m1-aes256.pfx"), 5 * MIB + 1),
            "over the 5 MB limit",
        ),
    ];
    for (name, bytes, needle) in cases {
        let path = scratch.write(name, &bytes);
        let messages = errors_beside_m1(&path, name);
        assert_eq!(messages.len(), 1, "{name}: {messages:?}");
        assert!(
            messages[0].starts_with(name) && messages[0].contains(needle),
            "{name}: {}",
            messages[0]
        );
    }
}

#[test]
fn a_bundle_over_64_mb_is_refused_before_it_is_read() {
    let scratch = Scratch::new("bundle");
    let mut text = br#"{"schema":"ime-cert-inspector/scenario/v1","device":""#.to_vec();
    text.resize(64 * MIB + 10, b'A');
    text.extend_from_slice(br#"","certificates":[]}"#);
    let path = scratch.write("huge.json", &text);
    let messages = errors_beside_m1(&path, "huge.json");
    assert_eq!(
        messages,
        ["huge.json is 65 MB, over the 64 MB limit for this kind of file"]
    );
}

#[test]
fn at_most_10000_certificates_are_read_from_one_file() {
    let scratch = Scratch::new("count");
    let m2 = base64::engine::general_purpose::STANDARD.encode(read_fixture("certs/m2.cer"));
    let entry =
        format!(r#"{{"der_base64":"{m2}","store":"LocalMachine\\My","private_key":"present"}}"#);
    let entries = vec![entry; 10_003].join(",");
    let bundle = format!(
        r#"{{"schema":"ime-cert-inspector/scenario/v1","collected_at":"2026-11-24T09:58:12Z","certificates":[{entries}]}}"#
    );
    let path = scratch.write("many.json", bundle.as_bytes());
    let r = report(&["@certs/m1.cer", &path]);
    let messages: Vec<String> = errors(&r)
        .into_iter()
        .filter(|(source, _)| source == "many.json")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(
        messages,
        ["many.json: 3 more certificate(s) not read: at most 10000 are read from one file"]
    );
    // The 10,000 read are one certificate (the same m2 each time), judged as usual.
    let m2_entry = r["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .find(|c| c["thumbprint"] == tp("m2"))
        .expect("m2 is judged");
    assert_eq!(m2_entry["private_key"], "present");
}

#[test]
fn a_log_keeps_its_latest_10000_events_and_counts_the_rest() {
    let scratch = Scratch::new("log");
    let (m1, m2) = (tp("m1"), tp("m2"));
    let mut log = String::new();
    for _ in 0..12_000 {
        log.push_str(&format!("Set MdmDeviceCertificate : {m2}\n"));
    }
    log.push_str(&format!("Set MdmDeviceCertificate : {m1}\n"));
    let path = scratch.write("IntuneManagementExtension.log", log.as_bytes());
    let messages = errors_beside_m1(&path, "IntuneManagementExtension.log");
    assert_eq!(
        messages,
        [
            "IntuneManagementExtension.log: 2001 older log line(s) about the MDM certificate left out: the latest 10000 are kept"
        ]
    );
}

#[test]
fn nesting_is_bounded_a_deep_bundle_is_an_error_not_a_stack_overflow() {
    let scratch = Scratch::new("nesting");
    let mut text = br#"{"schema":"ime-cert-inspector/scenario/v1","certificates":"#.to_vec();
    text.extend(std::iter::repeat_n(b'[', 100_000));
    let path = scratch.write("deep.json", &text);
    let messages = errors_beside_m1(&path, "deep.json");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("deep.json") && messages[0].contains("recursion limit"),
        "{}",
        messages[0]
    );
}
