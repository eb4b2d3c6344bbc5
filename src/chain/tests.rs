//! The link rule and both halves of the signature check on the committed chain fixtures
//! (`tests/fixtures/generate_chain.py`).

use super::*;
use crate::ingest::reg::{RegistryState, parse_reg_bytes};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

fn der(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn tp(name: &str) -> Thumbprint {
    Thumbprint::of_der(&der(name))
}

fn registry(name: &str) -> RegistryFacts {
    let mut state = RegistryState::new();
    parse_reg_bytes(&mut state, &der(name)).expect("the .reg parses");
    state.facts()
}

fn run(names: &[&str], registry: &RegistryFacts) -> ChainReport {
    let ders: Vec<Vec<u8>> = names.iter().map(|n| der(n)).collect();
    analyze(
        ders.iter().map(Vec::as_slice),
        registry,
        Some(&NativeVerifier),
    )
}

const RSA_CHAIN: [&str; 3] = [
    "chain/device-rsa.cer",
    "chain/intune-mdm-device-ca.cer",
    "chain/intune-root.cer",
];

#[test]
fn the_rsa_chain_links_by_key_identifier_verifies_and_reaches_the_intune_root() {
    let report = run(&RSA_CHAIN, &RegistryFacts::default());
    assert_eq!(report.certs.len(), 3);
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    assert_eq!(device.issuer, Some(tp("chain/intune-mdm-device-ca.cer")));
    assert_eq!(device.linked_by, Some(LinkedBy::KeyIdentifier));
    assert_eq!(device.signature, SignatureStatus::Verified);
    assert_eq!(
        device.path,
        vec![
            tp("chain/device-rsa.cer"),
            tp("chain/intune-mdm-device-ca.cer"),
            tp("chain/intune-root.cer")
        ]
    );
    assert_eq!(device.end, PathEnd::Root);
    assert!(device.reaches_intune_root);
    assert!(!device.is_ca);
    assert_eq!(device.registry_root, None, "no registry, no comparison");

    let root = report.get(&tp("chain/intune-root.cer")).unwrap();
    assert_eq!(root.linked_by, Some(LinkedBy::SelfSigned));
    assert_eq!(root.issuer, Some(root.thumbprint.clone()));
    assert_eq!(root.signature, SignatureStatus::Verified);
    assert_eq!(root.path, vec![root.thumbprint.clone()]);
    assert!(root.reaches_intune_root && root.is_ca);
}

#[test]
fn supply_order_does_not_change_the_links() {
    let reversed: Vec<&str> = RSA_CHAIN.iter().rev().copied().collect();
    let a = run(&RSA_CHAIN, &RegistryFacts::default());
    let b = run(&reversed, &RegistryFacts::default());
    for c in &a.certs {
        assert_eq!(Some(c), b.get(&c.thumbprint));
    }
}

#[test]
fn ecdsa_and_rsa_pss_links_verify() {
    let report = run(
        &[
            "chain/device-ec.cer",
            "chain/ec-device-ca.cer",
            "chain/intune-root.cer",
            "chain/ec-root-p256.cer",
        ],
        &RegistryFacts::default(),
    );
    // P-384 issuer key, ecdsa-with-SHA384.
    let device = report.get(&tp("chain/device-ec.cer")).unwrap();
    assert_eq!(device.signature, SignatureStatus::Verified);
    assert!(device.reaches_intune_root);
    assert_eq!(device.path.len(), 3);
    // RSASSA-PSS / SHA-256 by the RSA root.
    let ca = report.get(&tp("chain/ec-device-ca.cer")).unwrap();
    assert_eq!(ca.signature, SignatureStatus::Verified);
    // P-256, ecdsa-with-SHA256, self-signed, not the Intune root.
    let p256 = report.get(&tp("chain/ec-root-p256.cer")).unwrap();
    assert_eq!(p256.signature, SignatureStatus::Verified);
    assert_eq!(p256.end, PathEnd::Root);
    assert!(!p256.reaches_intune_root);
}

#[test]
fn a_tampered_signature_fails_but_keeps_its_path() {
    let report = run(
        &[
            "chain/device-tampered.cer",
            "chain/intune-mdm-device-ca.cer",
            "chain/intune-root.cer",
        ],
        &RegistryFacts::default(),
    );
    let tampered = report.get(&tp("chain/device-tampered.cer")).unwrap();
    assert_eq!(tampered.issuer, Some(tp("chain/intune-mdm-device-ca.cer")));
    assert_eq!(tampered.signature, SignatureStatus::Failed);
    assert_eq!(tampered.path.len(), 3);
}

#[test]
fn a_missing_issuer_ends_the_path_and_is_not_checked() {
    let report = run(&["chain/device-orphan.cer"], &RegistryFacts::default());
    let orphan = &report.certs[0];
    assert_eq!(orphan.issuer, None);
    assert_eq!(orphan.linked_by, None);
    assert_eq!(orphan.signature, SignatureStatus::NotChecked);
    assert_eq!(
        orphan.end,
        PathEnd::IssuerNotSupplied {
            issuer: "CN=Contoso Missing CA".to_string()
        }
    );
    assert!(!orphan.reaches_intune_root);
    // Unrelated to the enrollment and rootless: nothing to compare with RootCertThumbPrint.
    let report = run(
        &["chain/device-orphan.cer"],
        &registry("chain/enr-root-match.reg"),
    );
    assert_eq!(report.certs[0].registry_root, None);
}

#[test]
fn an_intermediate_without_its_root_stops_at_the_missing_root() {
    let report = run(&RSA_CHAIN[..2], &RegistryFacts::default());
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    assert_eq!(device.signature, SignatureStatus::Verified);
    assert_eq!(device.path.len(), 2);
    assert_eq!(
        device.end,
        PathEnd::IssuerNotSupplied {
            issuer: format!("CN={INTUNE_ROOT_CN}")
        }
    );
    assert!(!device.reaches_intune_root);
}

#[test]
fn a_namesake_ca_is_linked_by_name_and_its_signature_fails() {
    // certs/ca.cer is a self-signed `Microsoft Intune MDM Device CA` with another key: the key
    // identifiers do not match, the names do.
    let report = run(
        &["chain/device-rsa.cer", "certs/ca.cer"],
        &RegistryFacts::default(),
    );
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    assert_eq!(device.issuer, Some(tp("certs/ca.cer")));
    assert_eq!(device.linked_by, Some(LinkedBy::Name));
    assert_eq!(device.signature, SignatureStatus::Failed);
}

#[test]
fn the_existing_fixture_devices_verify_against_their_ca() {
    let report = run(&["certs/m1.cer", "certs/ca.cer"], &RegistryFacts::default());
    let m1 = report.get(&tp("certs/m1.cer")).unwrap();
    assert_eq!(m1.signature, SignatureStatus::Verified);
    assert_eq!(m1.end, PathEnd::Root);
    assert!(!m1.reaches_intune_root, "ca.cer is not the Intune root");
}

#[test]
fn ed25519_is_an_unsupported_algorithm() {
    let report = run(&["chain/ed25519-root.cer"], &RegistryFacts::default());
    assert_eq!(
        report.certs[0].signature,
        SignatureStatus::UnsupportedAlgorithm {
            algorithm: "Ed25519".to_string()
        }
    );
}

#[test]
fn root_cert_thumbprint_is_compared_with_the_root_reached() {
    let matching = registry("chain/enr-root-match.reg");
    assert_eq!(
        matching.enrollments[0].root_cert_thumbprint,
        Some(tp("chain/intune-root.cer"))
    );
    let report = run(&RSA_CHAIN, &matching);
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    assert_eq!(
        device.registry_root,
        Some(RootComparison {
            registry: tp("chain/intune-root.cer"),
            outcome: RootMatch::Matches
        })
    );

    let other = registry("chain/enr-root-mismatch.reg");
    let report = run(&RSA_CHAIN, &other);
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    let cmp = device.registry_root.as_ref().unwrap();
    assert_eq!(cmp.outcome, RootMatch::Differs);
    assert_ne!(cmp.registry, tp("chain/intune-root.cer"));

    let report = run(&RSA_CHAIN[..2], &matching);
    let device = report.get(&tp("chain/device-rsa.cer")).unwrap();
    assert_eq!(
        device.registry_root.as_ref().map(|c| c.outcome),
        Some(RootMatch::RootNotSupplied)
    );
}

#[test]
fn without_a_verifier_every_link_is_not_checked_but_still_linked() {
    let ders: Vec<Vec<u8>> = RSA_CHAIN.iter().map(|n| der(n)).collect();
    let report = analyze(
        ders.iter().map(Vec::as_slice),
        &RegistryFacts::default(),
        None,
    );
    for c in &report.certs {
        assert_eq!(c.signature, SignatureStatus::NotChecked);
        assert!(c.reaches_intune_root);
    }
    // The ed25519 root stays unsupported whatever the verifier: the core decides that.
    let ed = der("chain/ed25519-root.cer");
    let report = analyze([ed.as_slice()], &RegistryFacts::default(), None);
    assert!(matches!(
        report.certs[0].signature,
        SignatureStatus::UnsupportedAlgorithm { .. }
    ));
}

#[test]
fn duplicates_and_unreadable_bytes_are_skipped() {
    let device = der("chain/device-rsa.cer");
    let garbage = b"\x30\x03\x02\x01\x01".to_vec();
    let report = analyze(
        [
            device.as_slice(),
            garbage.as_slice(),
            device.as_slice(),
            &[],
        ],
        &RegistryFacts::default(),
        Some(&NativeVerifier),
    );
    assert_eq!(report.certs.len(), 1);
}

#[test]
fn signature_check_prepares_what_both_verifiers_run() {
    let check =
        signature_check(&der("chain/device-ec.cer"), &der("chain/ec-device-ca.cer")).unwrap();
    assert_eq!(
        check.algorithm,
        SignatureAlgorithm::Ecdsa {
            hash: HashAlg::Sha384,
            curve: Curve::P384
        }
    );
    assert!(NativeVerifier.verify(&check));
    assert_eq!(
        check.issuer_point.first(),
        Some(&0x04),
        "uncompressed SEC1 point"
    );

    let check = signature_check(
        &der("chain/ec-device-ca.cer"),
        &der("chain/intune-root.cer"),
    )
    .unwrap();
    assert_eq!(
        check.algorithm,
        SignatureAlgorithm::RsaPss {
            hash: HashAlg::Sha256,
            salt_len: 32
        }
    );
    let mut broken = check.clone();
    if let Some(last) = broken.signed.last_mut() {
        *last ^= 1;
    }
    assert!(NativeVerifier.verify(&check));
    assert!(!NativeVerifier.verify(&broken));

    // An EC certificate "signed" by an RSA key cannot verify.
    assert_eq!(
        signature_check(&der("chain/device-ec.cer"), &der("chain/intune-root.cer")),
        Err(SignatureStatus::Failed)
    );
    assert_eq!(
        signature_check(b"junk", &der("chain/intune-root.cer")),
        Err(SignatureStatus::Failed)
    );
}
