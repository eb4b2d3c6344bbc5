//! End-to-end tests on small files kept beside the module (see `testdata/README.md`); the
//! fixture files every shell shares are tested in `tests/pkcs12.rs`.

use super::*;
use crate::scenario::Thumbprint;

const A1: &[u8] = include_bytes!("testdata/rfc9579-a1.p12");
const A4: &[u8] = include_bytes!("testdata/rfc9579-a4.p12");
const A5: &[u8] = include_bytes!("testdata/rfc9579-a5.p12");
const A6: &[u8] = include_bytes!("testdata/rfc9579-a6.p12");
const NO_MAC: &[u8] = include_bytes!("testdata/nomac-aes.p12");
const NO_KEY_ID_RSA: &[u8] = include_bytes!("testdata/no-local-key-id-rsa.p12");
const NO_KEY_ID_EC: &[u8] = include_bytes!("testdata/no-local-key-id-ec.p12");
const BER: &[u8] = include_bytes!("testdata/ber-indefinite.p12");

const RSA_LEAF: &str = "54CEBFF1906D6157BD458A4794CB3C5FD0B63967";
const EC_LEAF: &str = "3EDB31883BF5A6127DA9229322E825D0EB409052";
const CA: &str = "AF0320AD82BBC902775EED0FE48E21AAFEB409E6";

/// Thumbprint and has_key of each certificate, in file order.
fn marks(contents: &Pkcs12Contents) -> Vec<(String, bool)> {
    contents
        .certs
        .iter()
        .map(|cert| (Thumbprint::of_der(&cert.der).to_string(), cert.has_key))
        .collect()
}

fn expected(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(t, k)| ((*t).to_owned(), *k)).collect()
}

#[test]
fn opens_the_rfc9579_pbmac1_file() {
    let contents = open(A1, &["1234"]).unwrap();
    assert!(contents.mac_verified);
    assert_eq!(contents.private_keys, 1);
    assert_eq!(contents.certs.len(), 1);
    assert!(contents.certs.iter().all(|cert| cert.has_key));
    assert_eq!(open(A1, &[]), Err(Pkcs12Error::PasswordRequired));
    assert_eq!(
        open(A1, &["4321"]),
        Err(Pkcs12Error::WrongPassword { tried: 1 })
    );
}

#[test]
fn rfc9579_files_with_altered_mac_parameters_are_tampered() {
    assert_eq!(open(A4, &["1234"]), Err(Pkcs12Error::BadMac));
    assert_eq!(open(A5, &["1234"]), Err(Pkcs12Error::BadMac));
}

#[test]
fn rfc9579_pbmac1_without_key_length_is_refused() {
    assert!(matches!(
        Pkcs12File::parse(A6),
        Err(Pkcs12Error::Malformed { location, .. }) if location == "the MAC data"
    ));
}

#[test]
fn without_a_mac_the_password_is_judged_by_decryption_alone() {
    let contents = open(NO_MAC, &["Passw0rd!"]).unwrap();
    assert!(!contents.mac_verified);
    assert_eq!(marks(&contents), expected(&[(RSA_LEAF, true), (CA, false)]));
    assert_eq!(
        contents
            .certs
            .first()
            .and_then(|c| c.friendly_name.as_deref()),
        Some("no mac")
    );
    assert_eq!(
        open(NO_MAC, &["nope"]),
        Err(Pkcs12Error::WrongPassword { tried: 1 })
    );
    assert_eq!(open(NO_MAC, &[]), Err(Pkcs12Error::PasswordRequired));
}

#[test]
fn without_local_key_ids_keys_are_linked_by_public_key() {
    let rsa = open(NO_KEY_ID_RSA, &[]).unwrap();
    assert_eq!(marks(&rsa), expected(&[(RSA_LEAF, true), (CA, false)]));
    let ec = open(NO_KEY_ID_EC, &[]).unwrap();
    assert_eq!(marks(&ec), expected(&[(EC_LEAF, true), (CA, false)]));
    assert!(ec.certs.iter().all(|cert| cert.friendly_name.is_none()));
}

#[test]
fn reads_ber_indefinite_lengths_and_chunked_octet_strings() {
    // The MAC covers the joined chunks, so it verifies exactly as in the DER original.
    let contents = open(BER, &["Passw0rd!"]).unwrap();
    assert!(contents.mac_verified);
    assert_eq!(marks(&contents), expected(&[(RSA_LEAF, true), (CA, false)]));
}

#[test]
fn a_separate_encryption_password_is_told_apart_from_tampering() {
    // The MAC key from the right password, the content keys from another one.
    let file = Pkcs12File::parse(BER).unwrap();
    let requests = file.derivations().unwrap();
    let right = Password::new("Passw0rd!");
    let other = Password::new("something else");
    let keys: Vec<DerivedKey> = requests
        .iter()
        .enumerate()
        .map(|(index, request)| {
            let password = if index == 0 { &right } else { &other };
            RustCryptoDeriver.derive(request, password).unwrap()
        })
        .collect();
    assert_eq!(
        file.open_with(&keys),
        Err(Pkcs12Error::CannotDecrypt {
            part: "encrypted content 1".into()
        })
    );
}

#[test]
fn the_mac_key_is_derived_first_and_each_part_follows_in_file_order() {
    let file = Pkcs12File::parse(A1).unwrap();
    let requests = file.derivations().unwrap();
    // MAC (PBMAC1: PBKDF2, 32 bytes), the encrypted certificate content, the shrouded key.
    assert_eq!(requests.len(), 3);
    assert!(matches!(
        requests.first(),
        Some(KdfRequest::Pbkdf2 {
            len: 32,
            iterations: 2048,
            ..
        })
    ));
    let password = Password::new("1234");
    let keys: Vec<DerivedKey> = requests
        .iter()
        .map(|request| RustCryptoDeriver.derive(request, &password).unwrap())
        .collect();
    let contents = file.open_with(&keys).unwrap();
    assert_eq!(contents, open(A1, &["1234"]).unwrap());
    // A key of the wrong length is refused before use.
    let mut short = keys.clone();
    if let Some(last) = short.last_mut() {
        *last = DerivedKey::new(vec![0; 3]);
    }
    assert!(matches!(
        file.open_with(&short),
        Err(Pkcs12Error::DerivedKeysMismatch { .. })
    ));
}

#[test]
fn conclude_prefers_the_most_specific_failure() {
    let wrong = || Pkcs12Error::WrongPassword { tried: 1 };
    assert_eq!(
        conclude(vec![wrong(), Pkcs12Error::BadMac, wrong()], 1),
        Pkcs12Error::BadMac
    );
    assert_eq!(
        conclude(vec![wrong(), wrong()], 0),
        Pkcs12Error::PasswordRequired
    );
    assert_eq!(
        conclude(vec![wrong()], 3),
        Pkcs12Error::WrongPassword { tried: 3 }
    );
    assert_eq!(conclude(vec![], 0), Pkcs12Error::PasswordRequired);
}

#[test]
fn sniffs_every_file_here() {
    for file in [A1, A4, A5, A6, NO_MAC, NO_KEY_ID_RSA, NO_KEY_ID_EC, BER] {
        assert!(looks_like_pkcs12(file));
    }
}

/// A PFX whose authenticated safe holds `parts` encrypted contents, each asking for
/// `iterations` PBKDF2 iterations (the ciphertext is junk: it is never reached).
fn many_encrypted_parts(parts: usize, iterations: u64) -> Vec<u8> {
    use super::der_builder::*;
    let pbes2 = algorithm(
        oids::PBES2,
        Some(seq(&[
            algorithm(oids::PBKDF2, Some(seq(&[octets(&[1; 8]), int(iterations)]))),
            algorithm(oids::AES256_CBC, Some(octets(&[0; 16]))),
        ])),
    );
    let encrypted = seq(&[int(0), seq(&[oid(oids::DATA), pbes2, tlv(0x80, &[0; 32])])]);
    let info = seq(&[oid(oids::ENCRYPTED_DATA), explicit(0, encrypted)]);
    let auth_safe = seq(&vec![info; parts]);
    seq(&[
        int(3),
        seq(&[oid(oids::DATA), explicit(0, octets(&auth_safe))]),
    ])
}

#[test]
fn many_expensive_parts_are_refused_as_a_whole_before_any_work() {
    let hostile = many_encrypted_parts(5, 9_000_000);
    let file = Pkcs12File::parse(&hostile).unwrap();
    assert_eq!(
        file.derivations(),
        Err(Pkcs12Error::TooMuchWork {
            total: 45_000_000,
            keys: 5
        })
    );
    assert!(matches!(
        open(&hostile, &["x"]),
        Err(Pkcs12Error::TooMuchWork { .. })
    ));
    // Within budget, the same shape is merely a wrong password (junk ciphertext).
    let cheap = many_encrypted_parts(3, 1);
    assert_eq!(
        open(&cheap, &["x"]),
        Err(Pkcs12Error::WrongPassword { tried: 1 })
    );
}

/// Drives an opening with all-zero keys of the right length (no real derivation, so hostile
/// iteration counts cost nothing here) and returns the verdict and the iterations asked for.
fn drive_counting(file: &Pkcs12File, passwords: &[&str]) -> (Result<usize, Pkcs12Error>, u64) {
    let mut opening = file.opening(passwords).unwrap();
    let mut asked = 0u64;
    loop {
        let keys = match opening.step() {
            Step::Derive { requests, .. } => requests
                .iter()
                .map(|request| {
                    asked += u64::from(request.iterations());
                    DerivedKey::new(vec![0; request.len()])
                })
                .collect(),
            Step::Done(outcome) => return (outcome.map(|c| c.certs.len()), asked),
        };
        opening.supply(keys);
    }
}

#[test]
fn all_passwords_tried_share_one_budget() {
    // No MAC, 27M iterations per password: a wrong password, then the empty and the absent one
    // would have cost 81M. The guessing stops once the next set would pass 40M.
    let hostile = many_encrypted_parts(3, 9_000_000);
    let file = Pkcs12File::parse(&hostile).unwrap();
    let (outcome, asked) = drive_counting(&file, &["x"]);
    assert_eq!(outcome, Err(Pkcs12Error::WrongPassword { tried: 1 }));
    assert_eq!(asked, 27_000_000);
    let (outcome, asked) = drive_counting(&file, &[]);
    assert_eq!(outcome, Err(Pkcs12Error::PasswordRequired));
    assert!(asked <= MAX_TOTAL_ITERATIONS, "{asked}");

    // A cheap file of the same shape still gets every candidate (three sets of three keys).
    let cheap = many_encrypted_parts(3, 1000);
    let file = Pkcs12File::parse(&cheap).unwrap();
    assert_eq!(drive_counting(&file, &["x"]).1, 9_000);
}
