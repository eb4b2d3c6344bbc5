//! Opens every PKCS#12 fixture and checks the outcome, the certificates (in file order) and
//! which one has the key against `tests/fixtures/manifest.json`.

use std::cell::Cell;
use std::path::Path;

use ime_cert_inspector::ingest::pkcs12::{
    self, DerivedKey, KdfRequest, KeyDeriver, Password, Pkcs12Contents, Pkcs12Error, Pkcs12File,
    RustCryptoDeriver,
};
use ime_cert_inspector::scenario::Thumbprint;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn manifest() -> Value {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("manifest.json"))
        .expect("tests/fixtures/manifest.json is readable");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

fn pfx_entries() -> Vec<(String, Value)> {
    let manifest = manifest();
    let pfx = manifest["pfx"]
        .as_object()
        .expect("manifest has a pfx table");
    pfx.iter()
        .map(|(path, entry)| (path.clone(), entry.clone()))
        .collect()
}

fn entry(path: &str) -> Value {
    manifest()["pfx"][path].clone()
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(path)).expect("fixture file exists")
}

/// The manifest's password as the caller would pass it (`null` = no password at all).
fn passwords(entry: &Value) -> Vec<String> {
    entry["password"]
        .as_str()
        .map(str::to_owned)
        .into_iter()
        .collect()
}

fn open(path: &str, passwords: &[String]) -> Result<Pkcs12Contents, Pkcs12Error> {
    let refs: Vec<&str> = passwords.iter().map(String::as_str).collect();
    pkcs12::open(&read(path), &refs)
}

/// Thumbprint, has_key and friendly name of each certificate, in file order.
fn summary(contents: &Pkcs12Contents) -> Vec<(String, bool, Option<String>)> {
    contents
        .certs
        .iter()
        .map(|cert| {
            let thumbprint = Thumbprint::of_der(&cert.der).to_string();
            (thumbprint, cert.has_key, cert.friendly_name.clone())
        })
        .collect()
}

fn expected_summary(entry: &Value) -> Vec<(String, bool, Option<String>)> {
    let names = &entry["friendly_names"];
    entry["certs"]
        .as_array()
        .expect("certs list")
        .iter()
        .map(|cert| {
            let name = cert["name"].as_str().expect("cert name");
            (
                cert["thumbprint"].as_str().expect("thumbprint").to_owned(),
                cert["has_key"].as_bool().expect("has_key"),
                names[name].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn every_fixture_has_the_outcome_the_manifest_promises() {
    let entries = pfx_entries();
    assert!(
        entries.len() >= 11,
        "expected the PFX fixtures, found {}",
        entries.len()
    );
    for (path, entry) in entries {
        let outcome = entry["expected_outcome"]
            .as_str()
            .expect("expected_outcome");
        let result = open(&path, &passwords(&entry));
        match outcome {
            "ok" => {
                let contents = result.unwrap_or_else(|e| panic!("{path}: {e}"));
                assert_eq!(summary(&contents), expected_summary(&entry), "{path}");
                assert!(contents.mac_verified, "{path}: every fixture has a MAC");
                let keys = entry["key_certs"].as_array().map_or(0, Vec::len);
                assert_eq!(contents.private_keys, keys, "{path}");
            }
            "bad_mac" => assert_eq!(result, Err(Pkcs12Error::BadMac), "{path}"),
            "too_many_iterations" => assert!(
                matches!(
                    result,
                    Err(Pkcs12Error::TooManyIterations {
                        iterations: 10_000_001,
                        ..
                    })
                ),
                "{path}: {result:?}"
            ),
            other => panic!("{path}: unknown expected outcome {other}"),
        }
    }
}

#[test]
fn the_key_certificate_matches_the_manifest_thumbprint() {
    for path in [
        "pfx/m1-aes256.pfx",
        "pfx/m2-legacy-3des.pfx",
        "pfx/m1-unencrypted.pfx",
    ] {
        let entry = entry(path);
        let contents = open(path, &passwords(&entry)).unwrap();
        let with_key: Vec<String> = contents
            .certs
            .iter()
            .filter(|cert| cert.has_key)
            .map(|cert| Thumbprint::of_der(&cert.der).to_string())
            .collect();
        assert_eq!(
            with_key,
            [entry["key_cert_thumbprint"].as_str().unwrap()],
            "{path}"
        );
    }
}

#[test]
fn blank_passwords_open_without_being_given() {
    for path in [
        "pfx/m1-empty-password.pfx",
        "pfx/m1-empty-password-3des.pfx",
        "pfx/m1-null-password.pfx",
        "pfx/m1-null-password-aes.pfx",
    ] {
        let contents = open(path, &[]).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(summary(&contents), expected_summary(&entry(path)), "{path}");
        // A wrong password given first does not stop the blank ones from being tried.
        assert!(open(path, &["nope".to_owned()]).is_ok(), "{path}");
    }
}

#[test]
fn a_protected_file_without_a_password_asks_for_one() {
    for path in [
        "pfx/m1-aes256.pfx",
        "pfx/m2-legacy-3des.pfx",
        "pfx/m1-unencrypted.pfx",
    ] {
        assert_eq!(
            open(path, &[]),
            Err(Pkcs12Error::PasswordRequired),
            "{path}"
        );
        assert_eq!(
            open(path, &[String::new()]),
            Err(Pkcs12Error::PasswordRequired),
            "{path}"
        );
    }
}

#[test]
fn a_wrong_password_is_reported_as_such() {
    let wrong = ["Passw0rd".to_owned(), "passw0rd!".to_owned()];
    for path in [
        "pfx/m1-aes256.pfx",
        "pfx/m2-legacy-3des.pfx",
        "pfx/m1-bad-mac.pfx",
    ] {
        assert_eq!(
            open(path, &wrong),
            Err(Pkcs12Error::WrongPassword { tried: 2 }),
            "{path}"
        );
    }
    // The right password after wrong ones still opens the file.
    let mut tries = wrong.to_vec();
    tries.push("Passw0rd!".to_owned());
    assert!(open("pfx/m1-aes256.pfx", &tries).is_ok());
}

#[test]
fn a_tampered_file_never_yields_certificates() {
    let error = open("pfx/m1-bad-mac.pfx", &["Passw0rd!".to_owned()]).unwrap_err();
    assert_eq!(error, Pkcs12Error::BadMac);
    assert!(error.to_string().contains("integrity check"));
}

/// Counts derivations so tests can see what work was (not) done.
struct Counting {
    calls: Cell<usize>,
    iterations: Cell<u64>,
}

impl KeyDeriver for Counting {
    fn derive(&self, request: &KdfRequest, password: &Password) -> Result<DerivedKey, Pkcs12Error> {
        self.calls.set(self.calls.get() + 1);
        self.iterations
            .set(self.iterations.get() + u64::from(request.iterations()));
        RustCryptoDeriver.derive(request, password)
    }
}

fn counting() -> Counting {
    Counting {
        calls: Cell::new(0),
        iterations: Cell::new(0),
    }
}

#[test]
fn over_limit_iteration_counts_are_refused_before_any_derivation() {
    for path in [
        "pfx/m1-too-many-iterations.pfx",
        "pfx/m1-too-many-mac-iterations.pfx",
    ] {
        let deriver = counting();
        let result = pkcs12::open_using(&read(path), &["Passw0rd!"], &deriver);
        assert!(
            matches!(
                result,
                Err(Pkcs12Error::TooManyIterations {
                    iterations: 10_000_001,
                    ..
                })
            ),
            "{path}: {result:?}"
        );
        assert_eq!(deriver.calls.get(), 0, "{path}: derived before refusing");
        // The split API refuses at the same point.
        let file = Pkcs12File::parse(&read(path)).unwrap();
        assert!(matches!(
            file.derivations(),
            Err(Pkcs12Error::TooManyIterations { .. })
        ));
    }
}

#[test]
fn a_wrong_password_costs_one_mac_derivation_per_candidate() {
    let deriver = counting();
    let path = "pfx/m1-aes256.pfx";
    let result = pkcs12::open_using(&read(path), &["wrong"], &deriver);
    assert_eq!(result, Err(Pkcs12Error::WrongPassword { tried: 1 }));
    // Three candidates ("wrong", empty, absent): one MAC key each, then one key each to check
    // whether the contents decrypt anyway (they do not).
    assert_eq!(deriver.calls.get(), 6);
}

#[test]
fn the_split_api_opens_with_keys_derived_elsewhere() {
    let path = "pfx/m2-legacy-3des.pfx";
    let file = Pkcs12File::parse(&read(path)).unwrap();
    assert!(file.has_mac() && file.is_encrypted());
    let requests = file.derivations().unwrap();
    // MAC key, RC2 cert content key + IV, 3DES key + IV.
    assert_eq!(requests.len(), 5);
    let password = Password::new("Passw0rd!");
    let keys: Vec<DerivedKey> = requests
        .iter()
        .map(|request| RustCryptoDeriver.derive(request, &password).unwrap())
        .collect();
    let contents = file.open_with(&keys).unwrap();
    assert_eq!(summary(&contents), expected_summary(&entry(path)));
    // Keys for the wrong password, or the wrong number of keys, are errors, not panics.
    let wrong = Password::new("x");
    let wrong_keys: Vec<DerivedKey> = requests
        .iter()
        .map(|request| RustCryptoDeriver.derive(request, &wrong).unwrap())
        .collect();
    assert_eq!(
        file.open_with(&wrong_keys),
        Err(Pkcs12Error::WrongPassword { tried: 1 })
    );
    assert!(matches!(
        file.open_with(keys.get(1..).unwrap()),
        Err(Pkcs12Error::DerivedKeysMismatch {
            expected: 5,
            given: 4,
            ..
        })
    ));
    let failures = vec![Pkcs12Error::WrongPassword { tried: 1 }; 3];
    assert_eq!(
        pkcs12::conclude(failures, 1),
        Pkcs12Error::WrongPassword { tried: 1 }
    );
}

#[test]
fn sniffing_recognises_pkcs12_and_nothing_else() {
    for (path, _) in pfx_entries() {
        assert!(pkcs12::looks_like_pkcs12(&read(&path)), "{path}");
    }
    for other in [
        "certs/m1.cer",
        "formats/chain.p7b",
        "formats/m1.pem",
        "bad/random.bin",
    ] {
        assert!(!pkcs12::looks_like_pkcs12(&read(other)), "{other}");
        assert!(matches!(
            pkcs12::open(&read(other), &[]),
            Err(Pkcs12Error::NotPkcs12 { .. })
        ));
    }
}

/// Arbitrary damage must give an error, never a panic or a hang.
#[test]
fn truncated_and_corrupted_files_fail_cleanly() {
    for path in [
        "pfx/m1-aes256.pfx",
        "pfx/m2-legacy-3des.pfx",
        "pfx/two-keys.pfx",
    ] {
        let bytes = read(path);
        for len in 0..bytes.len() {
            let truncated = bytes.get(..len).unwrap();
            assert!(Pkcs12File::parse(truncated).is_err(), "{path} cut at {len}");
        }
        // Parsing is cheap: every byte, three ways.
        for position in 0..bytes.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                if let Some(byte) = damaged.get_mut(position) {
                    *byte ^= mask;
                }
                let _ = Pkcs12File::parse(&damaged);
            }
        }
        // Opening runs the KDFs, so sample: the outer headers, a stride through the body, and
        // the MAC data at the end.
        let positions = (0..16)
            .chain((16..bytes.len()).step_by(211))
            .chain(bytes.len().saturating_sub(32)..bytes.len());
        for (index, position) in positions.enumerate() {
            let mut damaged = bytes.clone();
            if let Some(byte) = damaged.get_mut(position) {
                *byte ^= [0x01u8, 0x80, 0xff][index % 3];
            }
            if let Ok(contents) = pkcs12::open(&damaged, &["Passw0rd!"]) {
                // Only a flip outside what the MAC covers (a redundant header bit) may still
                // open, and then with the same certificates.
                assert_eq!(
                    summary(&contents),
                    expected_summary(&entry(path)),
                    "{path} @{position}"
                );
            }
        }
    }
}
