//! Opening PKCS#12 files in the page without freezing it.
//!
//! Key derivation is the slow part of opening a PFX (a modern export asks for 600,000 PBKDF2
//! iterations per key, and its classic MAC for 600,000 PKCS#12 KDF hashes), and the core's
//! [`open`](crate::ingest::pkcs12::open) would run it in one go on the page's only thread:
//! about two seconds of a frozen page, twice (when the file is added, for the silent try of
//! the empty password, and when its password is typed). Here the core's [`Opening`] decides what to derive, and:
//!
//! * PBKDF2 goes to the browser's WebCrypto (`crypto.subtle.deriveBits`), which runs natively
//!   and off the main thread. Every PBKDF2 key a password could need is started as soon as the
//!   password is first tried, so the parts' keys derive while the MAC key is checked;
//! * the PKCS#12 KDF (legacy encryption, the classic MAC; WebCrypto has no equivalent) runs in
//!   Rust in slices of about [`SLICE_MS`], with the event loop in between;
//! * without WebCrypto (an insecure `http:` page) or for a hash WebCrypto lacks (SHA-224), the
//!   core's [`RustCryptoDeriver`] derives the PBKDF2 key instead (correct, but in one piece).
//!
//! The verdict is the core's, step for step: the same [`Opening`] drives the core's
//! [`open`](crate::ingest::pkcs12::open).
//! Passwords and keys stay in wiped-on-drop buffers; the JavaScript copies WebCrypto needs (the
//! password it imports, the bits it returns) are overwritten with zeros as soon as they are used.

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise, spawn_local};
use web_sys::{CryptoKey, Pbkdf2Params, SubtleCrypto};
use zeroize::Zeroizing;

use crate::ingest::limits;
use crate::ingest::pkcs12::{
    DerivedKey, HashAlg, KdfRequest, KeyDeriver, Opening, Password, Pkcs12Contents, Pkcs12Error,
    Pkcs12File, Pkcs12KdfRun, RustCryptoDeriver, Step,
};
use crate::ingest::sniff::FileKind;
use crate::workspace::FileId;

use super::error::js_detail;
use super::state::{Action, AppHandle};

/// How long one slice of PKCS#12 KDF hashing may keep the page busy (a frame or so).
pub const SLICE_MS: f64 = 20.0;
/// Hashes in the first slice (about 2 ms of SHA-256 in wasm); later slices adapt to [`SLICE_MS`].
const FIRST_SLICE: u32 = 4096;
const MIN_SLICE: u32 = 256;
const MAX_SLICE: u32 = 1 << 22;

/// Why WebCrypto did not derive a key (the core's deriver then does).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebCryptoError {
    /// No `crypto.subtle`: the page is not a secure context (plain `http:` from another host).
    #[error("the browser offers no WebCrypto here (the page is not served over https)")]
    Unavailable,
    /// WebCrypto has no PBKDF2 with this hash (SHA-224).
    #[error("WebCrypto has no PBKDF2 with {0}")]
    UnsupportedHash(&'static str),
    /// A WebCrypto call failed or gave something unexpected.
    #[error("WebCrypto refused to {step}: {detail}")]
    Refused { step: &'static str, detail: String },
}

/// Whether a PKCS#12 file of this size is opened with [`open`] (within the size limit; a bigger
/// one goes to the workspace, which refuses it with the limit's message).
pub fn fits(name: &str, size: usize) -> bool {
    limits::check_size(FileKind::Pkcs12, name, size).is_none()
}

/// Opens a PKCS#12 file as the core's [`open`](crate::ingest::pkcs12::open) does (same
/// candidates, same verdict), without blocking the page for more than about [`SLICE_MS`] at a time.
pub async fn open(bytes: &[u8], passwords: &[&str]) -> Result<Pkcs12Contents, Pkcs12Error> {
    let file = Pkcs12File::parse(bytes)?;
    let every_request = file.derivations()?;
    let mut opening: Opening<'_> = file.opening(passwords)?;
    let mut keys = KeyStore::new(WebCrypto::of_page());
    let outcome = loop {
        let derived = match opening.step() {
            Step::Done(outcome) => break outcome,
            Step::Derive { password, requests } => {
                keys.start_all(password, &every_request);
                let mut derived = Vec::with_capacity(requests.len());
                for request in requests {
                    derived.push(keys.derive(request, password).await?);
                }
                derived
            }
        };
        opening.supply(derived);
    };
    keys.wipe_unused();
    outcome
}

/// Tries `password` on a locked PKCS#12 file of the workspace, off the main thread as far as
/// the browser allows, and hands the outcome to the workspace ([`Action::Unlocked`]). The card
/// shows "Opening…" meanwhile ([`Action::Unlocking`]).
pub fn unlock(app: &AppHandle, id: FileId, password: Zeroizing<String>) {
    let Some(bytes) = app.workspace.locked_pkcs12(id).map(<[u8]>::to_vec) else {
        return;
    };
    app.dispatch(Action::Unlocking(id));
    let app = app.clone();
    spawn_local(async move {
        // Let the browser paint "Opening…" first.
        TimeoutFuture::new(30).await;
        let opened = open(&bytes, &[password.as_str()]).await;
        drop(password);
        app.dispatch(Action::Unlocked {
            id,
            opened: Box::new(opened),
        });
    });
}

/// The next slice's size: doubled while slices take under half of [`SLICE_MS`], halved when one
/// took over one and a half times it.
pub fn next_slice(budget: u32, took_ms: f64) -> u32 {
    if took_ms < SLICE_MS / 2.0 {
        budget.saturating_mul(2).min(MAX_SLICE)
    } else if took_ms > SLICE_MS * 1.5 {
        (budget / 2).max(MIN_SLICE)
    } else {
        budget
    }
}

/// Runs a PKCS#12 KDF derivation slice by slice, yielding to the page in between.
async fn derive_in_slices(mut run: Pkcs12KdfRun) -> DerivedKey {
    let mut budget = FIRST_SLICE;
    loop {
        let started = js_sys::Date::now();
        if run.run(budget) {
            break;
        }
        budget = next_slice(budget, js_sys::Date::now() - started);
        TimeoutFuture::new(0).await;
    }
    run.into_key()
}

/// The page's WebCrypto.
#[derive(Clone)]
struct WebCrypto {
    subtle: SubtleCrypto,
}

impl WebCrypto {
    /// `crypto.subtle`, if the page has it (secure contexts only).
    fn of_page() -> Result<Self, WebCryptoError> {
        let crypto = web_sys::window()
            .ok_or(WebCryptoError::Unavailable)?
            .crypto()
            .map_err(|_| WebCryptoError::Unavailable)?;
        let subtle: JsValue = crypto.subtle().into();
        if subtle.is_undefined() || subtle.is_null() {
            return Err(WebCryptoError::Unavailable);
        }
        Ok(WebCrypto {
            subtle: subtle.unchecked_into(),
        })
    }

    /// Starts a PBKDF2 derivation; the promise resolves to the bits as an `ArrayBuffer`.
    fn start_pbkdf2(
        &self,
        password: &[u8],
        prf: HashAlg,
        salt: &[u8],
        iterations: u32,
        len: usize,
    ) -> Result<Promise, WebCryptoError> {
        if prf == HashAlg::Sha224 {
            return Err(WebCryptoError::UnsupportedHash(prf.name()));
        }
        let bits = u32::try_from(len)
            .ok()
            .and_then(|len| len.checked_mul(8))
            .ok_or(WebCryptoError::Refused {
                step: "derive a key",
                detail: format!("{len} bytes is too long"),
            })?;
        let subtle = self.subtle.clone();
        // The password's JavaScript copy, zeroed as soon as WebCrypto has imported it.
        let secret = Uint8Array::from(password);
        let params =
            Pbkdf2Params::new_with_str("PBKDF2", prf.name(), iterations, &Uint8Array::from(salt));
        Ok(future_to_promise(async move {
            let usages = Array::of1(&JsValue::from_str("deriveBits"));
            let imported = subtle.import_key_with_str("raw", &secret, "PBKDF2", false, &usages);
            let imported = match imported {
                Ok(promise) => JsFuture::from(promise).await,
                Err(error) => Err(error),
            };
            secret.fill(0, 0, secret.length());
            let key: CryptoKey = imported?.dyn_into()?;
            JsFuture::from(subtle.derive_bits_with_object(&params, &key, bits)?).await
        }))
    }
}

/// The bits a finished WebCrypto derivation gave, copied into a wiped-on-drop key; the
/// JavaScript buffer is zeroed.
async fn finish_pbkdf2(promise: Promise, len: usize) -> Result<DerivedKey, WebCryptoError> {
    let refused = |detail: String| WebCryptoError::Refused {
        step: "derive a key",
        detail,
    };
    let buffer: ArrayBuffer = JsFuture::from(promise)
        .await
        .map_err(|e| refused(js_detail(&e)))?
        .dyn_into()
        .map_err(|_| refused("it gave no bytes".into()))?;
    let view = Uint8Array::new(&buffer);
    let key = DerivedKey::new(view.to_vec());
    view.fill(0, 0, view.length());
    if key.len() == len {
        Ok(key)
    } else {
        Err(refused(format!(
            "{} bytes came back, {len} were asked",
            key.len()
        )))
    }
}

/// A PBKDF2 derivation started for one password (by its PBKDF2 bytes: the empty and the absent
/// password share them, so they share keys too).
struct Started {
    password: Zeroizing<Vec<u8>>,
    request: KdfRequest,
    state: Derivation,
}

enum Derivation {
    Running(Promise),
    Done(DerivedKey),
    /// WebCrypto could not; the core's deriver will.
    Failed,
}

/// Every key derived or being derived during one opening. Dropping it wipes the keys.
struct KeyStore {
    crypto: Result<WebCrypto, WebCryptoError>,
    started: Vec<Started>,
}

impl KeyStore {
    fn new(crypto: Result<WebCrypto, WebCryptoError>) -> Self {
        KeyStore {
            crypto,
            started: Vec::new(),
        }
    }

    /// Starts every PBKDF2 derivation `password` could need that is not started yet.
    fn start_all(&mut self, password: &Password, requests: &[KdfRequest]) {
        for request in requests {
            self.start(password, request);
        }
    }

    fn start(&mut self, password: &Password, request: &KdfRequest) -> Option<usize> {
        let KdfRequest::Pbkdf2 {
            prf,
            salt,
            iterations,
            len,
        } = request
        else {
            return None;
        };
        let bytes = password.pbkdf2_bytes();
        if let Some(index) = self
            .started
            .iter()
            .position(|s| s.request == *request && s.password.as_slice() == bytes)
        {
            return Some(index);
        }
        let state = match &self.crypto {
            Ok(crypto) => match crypto.start_pbkdf2(bytes, *prf, salt, *iterations, *len) {
                Ok(promise) => Derivation::Running(promise),
                Err(_) => Derivation::Failed,
            },
            Err(_) => Derivation::Failed,
        };
        self.started.push(Started {
            password: Zeroizing::new(bytes.to_vec()),
            request: request.clone(),
            state,
        });
        Some(self.started.len() - 1)
    }

    /// One key: WebCrypto's for PBKDF2 (the core's deriver if WebCrypto could not), the PKCS#12
    /// KDF in slices.
    async fn derive(
        &mut self,
        request: &KdfRequest,
        password: &Password,
    ) -> Result<DerivedKey, Pkcs12Error> {
        if let Some(run) = Pkcs12KdfRun::for_request(request, password) {
            return Ok(derive_in_slices(run).await);
        }
        let Some(started) = self
            .start(password, request)
            .and_then(|i| self.started.get_mut(i))
        else {
            return RustCryptoDeriver.derive(request, password);
        };
        let state = std::mem::replace(&mut started.state, Derivation::Failed);
        let key = match state {
            Derivation::Done(key) => Some(key),
            Derivation::Running(promise) => finish_pbkdf2(promise, request.len()).await.ok(),
            Derivation::Failed => None,
        };
        let key = match key {
            Some(key) => key,
            None => {
                // Let the page paint before the derivation that cannot be sliced.
                TimeoutFuture::new(0).await;
                RustCryptoDeriver.derive(request, password)?
            }
        };
        started.state = Derivation::Done(key.clone());
        Ok(key)
    }

    /// Derivations started for a password that turned out not to need them still hold their
    /// bits in JavaScript once they finish: zero those too.
    fn wipe_unused(&mut self) {
        for started in self.started.drain(..) {
            if let Derivation::Running(promise) = started.state {
                spawn_local(async move {
                    let _ = finish_pbkdf2(promise, 0).await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::ingest::pkcs12;
    use crate::ingest::sniff::sniff;

    #[wasm_bindgen_test]
    fn slices_grow_while_quick_and_shrink_when_slow() {
        assert_eq!(next_slice(4096, 1.0), 8192);
        assert_eq!(next_slice(4096, SLICE_MS), 4096);
        assert_eq!(next_slice(4096, SLICE_MS * 2.0), 2048);
        assert_eq!(next_slice(MAX_SLICE, 0.0), MAX_SLICE);
        assert_eq!(next_slice(MIN_SLICE, 1000.0), MIN_SLICE);
    }

    #[wasm_bindgen_test]
    fn only_pkcs12_content_within_the_limit_is_opened_here() {
        let pfx = include_bytes!("../../tests/fixtures/pfx/m1-aes256.pfx");
        assert_eq!(sniff("renamed.bin", pfx), FileKind::Pkcs12);
        assert!(fits("renamed.bin", pfx.len()));
        assert!(!fits("huge.pfx", limits::limit_for(FileKind::Pkcs12) + 1));
        assert_ne!(
            sniff("m1.pfx", b"-----BEGIN CERTIFICATE-----"),
            FileKind::Pkcs12
        );
    }

    #[wasm_bindgen_test]
    async fn webcrypto_pbkdf2_matches_the_core_and_zeroes_its_buffers() {
        let crypto = WebCrypto::of_page().expect("the test page is a secure context");
        let request = KdfRequest::Pbkdf2 {
            prf: HashAlg::Sha256,
            salt: b"NaCl".to_vec(),
            iterations: 1000,
            len: 32,
        };
        let password = Password::new("Passw0rd!");
        let promise = crypto
            .start_pbkdf2(password.pbkdf2_bytes(), HashAlg::Sha256, b"NaCl", 1000, 32)
            .expect("started");
        let buffer: ArrayBuffer = JsFuture::from(promise.clone())
            .await
            .expect("derived")
            .unchecked_into();
        let key = finish_pbkdf2(promise, 32).await.expect("derived");
        let expected = RustCryptoDeriver
            .derive(&request, &password)
            .expect("derived");
        assert_eq!(key, expected);
        assert!(Uint8Array::new(&buffer).to_vec().iter().all(|b| *b == 0));
        // The empty password (every file's silent first try) derives natively too.
        let empty = crypto
            .start_pbkdf2(b"", HashAlg::Sha256, b"NaCl", 1000, 32)
            .expect("started");
        let key = finish_pbkdf2(empty, 32).await.expect("derived");
        let expected = RustCryptoDeriver.derive(&request, &Password::empty());
        assert_eq!(Ok(key), expected);
        // SHA-224 is not WebCrypto's: refused up front, so the core's deriver takes over.
        assert_eq!(
            crypto.start_pbkdf2(b"", HashAlg::Sha224, b"s", 1, 28).err(),
            Some(WebCryptoError::UnsupportedHash("SHA-224"))
        );
    }

    #[wasm_bindgen_test]
    async fn without_webcrypto_the_core_derives_and_the_verdict_is_the_same() {
        let bytes = include_bytes!("../../tests/fixtures/pfx/m1-aes256.pfx");
        let file = Pkcs12File::parse(bytes).expect("parsed");
        let mut opening = file.opening(&["Passw0rd!"]).expect("opening");
        let mut keys = KeyStore::new(Err(WebCryptoError::Unavailable));
        let outcome = loop {
            let derived = match opening.step() {
                Step::Done(outcome) => break outcome,
                Step::Derive { password, requests } => {
                    let mut derived = Vec::new();
                    for request in requests {
                        derived.push(keys.derive(request, password).await.expect("derived"));
                    }
                    derived
                }
            };
            opening.supply(derived);
        };
        assert_eq!(outcome, pkcs12::open(bytes, &["Passw0rd!"]));
    }
}
