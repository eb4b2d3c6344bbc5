//! The web app's asynchronous PKCS#12 opener (`app::pkcs12_open`: WebCrypto PBKDF2, the PKCS#12
//! KDF in slices) against the core's synchronous `pkcs12::open`, in headless Chromium: the same
//! certificates, keys and verdicts for modern, legacy, tampered and password-less files and a
//! wrong password; and the reducer turning its outcome into the same file card.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use ime_cert_inspector::app::pkcs12_open;
use ime_cert_inspector::app::{Action, State};
use ime_cert_inspector::ingest::pkcs12::{self, Pkcs12Error};
use ime_cert_inspector::scenario::KeyPresence;
use ime_cert_inspector::utc::UtcTime;
use ime_cert_inspector::workspace::FileStatus;
use wasm_bindgen_test::*;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

const AES256: &[u8] = include_bytes!("fixtures/pfx/m1-aes256.pfx");
const LEGACY_3DES: &[u8] = include_bytes!("fixtures/pfx/m2-legacy-3des.pfx");
const BAD_MAC: &[u8] = include_bytes!("fixtures/pfx/m1-bad-mac.pfx");
const EMPTY_PASSWORD: &[u8] = include_bytes!("fixtures/pfx/m1-empty-password.pfx");
const NULL_PASSWORD: &[u8] = include_bytes!("fixtures/pfx/m1-null-password-aes.pfx");
const SHA1_PRF: &[u8] = include_bytes!("fixtures/pfx/m1-sha1-prf.pfx");
const TOO_MANY: &[u8] = include_bytes!("fixtures/pfx/m1-too-many-iterations.pfx");
const PASSWORD: &str = "Passw0rd!";

/// Opens both ways and asserts the same outcome; returns it.
async fn same_as_sync(
    name: &str,
    bytes: &[u8],
    passwords: &[&str],
) -> Result<pkcs12::Pkcs12Contents, Pkcs12Error> {
    let sync = pkcs12::open(bytes, passwords);
    let not_blocking = pkcs12_open::open(bytes, passwords).await;
    assert_eq!(
        not_blocking,
        sync,
        "{name} with {} password(s)",
        passwords.len()
    );
    not_blocking
}

#[wasm_bindgen_test]
async fn a_modern_aes_file_opens_with_its_key_linked() {
    let contents = same_as_sync("m1-aes256.pfx", AES256, &[PASSWORD])
        .await
        .expect("opens");
    assert_eq!(contents.certs.len(), 2);
    assert_eq!(contents.certs.iter().filter(|c| c.has_key).count(), 1);
}

#[wasm_bindgen_test]
async fn a_legacy_triple_des_file_opens_through_the_pkcs12_kdf() {
    let contents = same_as_sync("m2-legacy-3des.pfx", LEGACY_3DES, &[PASSWORD])
        .await
        .expect("opens");
    assert_eq!(contents.certs.iter().filter(|c| c.has_key).count(), 1);
}

#[wasm_bindgen_test]
async fn a_tampered_mac_is_told_from_a_wrong_password() {
    let outcome = same_as_sync("m1-bad-mac.pfx", BAD_MAC, &[PASSWORD]).await;
    assert_eq!(outcome, Err(Pkcs12Error::BadMac));
}

#[wasm_bindgen_test]
async fn files_without_a_password_open_with_none_given() {
    for (name, bytes) in [
        ("m1-empty-password.pfx", EMPTY_PASSWORD),
        ("m1-null-password-aes.pfx", NULL_PASSWORD),
    ] {
        let contents = same_as_sync(name, bytes, &[]).await.expect("opens");
        assert!(contents.certs.iter().any(|c| c.has_key), "{name}");
    }
}

#[wasm_bindgen_test]
async fn wrong_missing_and_refused_passwords_give_the_sync_verdicts() {
    let wrong = same_as_sync("m1-aes256.pfx", AES256, &["not it"]).await;
    assert_eq!(wrong, Err(Pkcs12Error::WrongPassword { tried: 1 }));
    let none = same_as_sync("m1-aes256.pfx", AES256, &[]).await;
    assert_eq!(none, Err(Pkcs12Error::PasswordRequired));
    let refused = same_as_sync("m1-too-many-iterations.pfx", TOO_MANY, &[PASSWORD]).await;
    assert!(matches!(
        refused,
        Err(Pkcs12Error::TooManyIterations { .. })
    ));
    same_as_sync("m1-sha1-prf.pfx", SHA1_PRF, &[PASSWORD])
        .await
        .expect("opens");
    let junk = same_as_sync("junk", b"\x30\x03\x02\x01\x03", &[PASSWORD]).await;
    assert!(junk.is_err());
}

#[wasm_bindgen_test]
async fn the_reducer_adds_then_unlocks_an_asynchronously_opened_file() {
    let state = Rc::new(State::new(UtcTime(1_795_514_400)));
    let opened = pkcs12_open::open(AES256, &[]).await;
    let state = state.reduce(Action::AddPkcs12 {
        name: "m1-aes256.pfx".into(),
        bytes: Rc::from(AES256),
        opened: Box::new(opened),
    });
    let file = state.workspace.files().first().expect("a card");
    assert_eq!(file.status, FileStatus::NeedsPassword);
    let id = file.id;
    let bytes = state
        .workspace
        .locked_pkcs12(id)
        .expect("kept for the password");
    let opened = pkcs12_open::open(bytes, &[PASSWORD]).await;
    let state = state
        .reduce(Action::Unlocking(id))
        .reduce(Action::Unlocked {
            id,
            opened: Box::new(opened),
        });
    assert!(!state.is_unlocking(id));
    let file = state.workspace.file(id).expect("still there");
    assert_eq!(file.status, FileStatus::Read);
    let keys = file
        .certs
        .iter()
        .filter(|c| c.private_key == KeyPresence::Present)
        .count();
    assert_eq!(keys, 1);
    assert!(state.judgement.is_some(), "unlocking re-judges");
}
