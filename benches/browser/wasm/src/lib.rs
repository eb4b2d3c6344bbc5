//! What the browser benchmark calls in our wasm build: the core's decoders behind small
//! wasm-bindgen functions, so `page/bench.js` can time them next to PKI.js in the same page.
//!
//! Each function returns a number derived from its result (a length or a count), so the work
//! cannot be skipped, and an error as a JavaScript exception, so a failing input is never timed
//! as if it had been decoded.
//!
//! PKCS#12 has two entry points: [`open_pfx`] derives keys in pure Rust (what runs natively and
//! in a worker without WebCrypto), and [`PfxSteps`] exposes the core's parse → derive → open
//! split so the page can derive PBKDF2 keys with WebCrypto (`crypto.subtle.deriveBits`), the way
//! the web app can plug the browser's native PBKDF2 into the core.

use ime_cert_inspector::ingest::pem::{parse_text, text_from_bytes};
use ime_cert_inspector::ingest::pkcs12::{self, DerivedKey, KdfRequest, Password, Pkcs12File};
use ime_cert_inspector::ingest::reg::RegistryState;
use ime_cert_inspector::ingest::x509::decode_certificate;
use ime_cert_inspector::scenario::Assumptions;
use ime_cert_inspector::utc::UtcTime;
use ime_cert_inspector::workspace::Workspace;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

/// The generator of the native benchmark, by path: both sides parse the same bytes.
#[allow(dead_code)]
#[path = "../../../speed/reg_export.rs"]
mod reg_export;

/// Why a benchmark input did not go through; shown in the page as the exception's message.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("the certificate does not decode: {0}")]
    Certificate(String),
    #[error("the PKCS#12 file does not open: {0}")]
    Pkcs12(String),
    #[error("the .reg export does not parse: {0}")]
    Registry(String),
    #[error("derived key {index} is missing or not a byte array")]
    MissingKey { index: u32 },
    #[error("no key derivation number {index}")]
    NoSuchRequest { index: u32 },
    #[error("cannot build the request list for JavaScript: {0}")]
    Js(String),
}

impl From<BenchError> for JsValue {
    fn from(e: BenchError) -> Self {
        js_sys::Error::new(&e.to_string()).into()
    }
}

/// DER certificate → facts and details; returns the subject's length.
#[wasm_bindgen]
pub fn decode_der(der: &[u8]) -> Result<u32, BenchError> {
    let cert = decode_certificate(der).map_err(|e| BenchError::Certificate(e.to_string()))?;
    Ok(u32::try_from(cert.facts.subject.len()).unwrap_or(u32::MAX))
}

/// A PEM file's bytes → text → blocks → certificates; returns how many certificates decoded.
/// Bytes, as the web app has them from the file (`text_from_bytes` then `parse_text`, as
/// `Workspace::add_file` does), not a JavaScript string to convert on every call.
#[wasm_bindgen]
pub fn decode_pem(bytes: &[u8]) -> u32 {
    let decoded = parse_text(&text_from_bytes(bytes))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|block| block.is_certificate())
        .filter_map(|block| decode_certificate(&block.der).ok())
        .count();
    u32::try_from(decoded).unwrap_or(u32::MAX)
}

/// Opens a PKCS#12 file with pure-Rust key derivation; returns the number of certificates.
#[wasm_bindgen]
pub fn open_pfx(bytes: &[u8], password: &str) -> Result<u32, BenchError> {
    let contents =
        pkcs12::open(bytes, &[password]).map_err(|e| BenchError::Pkcs12(e.to_string()))?;
    Ok(u32::try_from(contents.certs.len()).unwrap_or(u32::MAX))
}

/// A parsed PKCS#12 file and one password, opened in steps so that JavaScript can run the
/// PBKDF2 derivations with WebCrypto.
#[wasm_bindgen]
pub struct PfxSteps {
    file: Pkcs12File,
    requests: Vec<KdfRequest>,
    password: Password,
}

#[wasm_bindgen]
impl PfxSteps {
    /// Reads the structure and lists the derivations (no key work yet).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], password: &str) -> Result<PfxSteps, BenchError> {
        let pkcs12 = |e: pkcs12::Pkcs12Error| BenchError::Pkcs12(e.to_string());
        let file = Pkcs12File::parse(bytes).map_err(pkcs12)?;
        let requests = file.derivations().map_err(pkcs12)?;
        Ok(PfxSteps {
            file,
            requests,
            password: Password::new(password),
        })
    }

    /// The derivations, in order: `{ kind: "pbkdf2", hash: "SHA-256", salt, iterations,
    /// bits }` for WebCrypto, or `{ kind: "pkcs12", hash, iterations }` for
    /// [`PfxSteps::derive_here`].
    pub fn requests(&self) -> Result<Array, BenchError> {
        let list = Array::new();
        for request in &self.requests {
            let entry = Object::new();
            let set = |key: &str, value: JsValue| {
                Reflect::set(&entry, &JsValue::from_str(key), &value)
                    .map(|_| ())
                    .map_err(|e| BenchError::Js(format!("{e:?}")))
            };
            match request {
                KdfRequest::Pbkdf2 {
                    prf,
                    salt,
                    iterations,
                    len,
                } => {
                    set("kind", "pbkdf2".into())?;
                    set("hash", prf.name().into())?;
                    set("salt", Uint8Array::from(salt.as_slice()).into())?;
                    set("iterations", (*iterations).into())?;
                    set("bits", (*len as u32).saturating_mul(8).into())?;
                }
                KdfRequest::Pkcs12 {
                    hash, iterations, ..
                } => {
                    set("kind", "pkcs12".into())?;
                    set("hash", hash.name().into())?;
                    set("iterations", (*iterations).into())?;
                }
            }
            list.push(&entry);
        }
        Ok(list)
    }

    /// The password as PBKDF2 reads it (UTF-8), for `crypto.subtle.importKey`.
    pub fn password_utf8(&self) -> Vec<u8> {
        self.password.pbkdf2_bytes().to_vec()
    }

    /// Runs derivation `index` here in Rust with the core's deriver (the PKCS#12 KDF has no
    /// WebCrypto equivalent).
    pub fn derive_here(&self, index: u32) -> Result<Vec<u8>, BenchError> {
        let request = usize::try_from(index)
            .ok()
            .and_then(|i| self.requests.get(i))
            .ok_or(BenchError::NoSuchRequest { index })?;
        use pkcs12::KeyDeriver;
        let key = pkcs12::RustCryptoDeriver
            .derive(request, &self.password)
            .map_err(|e| BenchError::Pkcs12(e.to_string()))?;
        Ok(key.as_bytes().to_vec())
    }

    /// MAC check, decryption and key linking with the derived keys (in request order);
    /// returns the number of certificates.
    pub fn open_with(&self, keys: Array) -> Result<u32, BenchError> {
        let mut derived = Vec::with_capacity(self.requests.len());
        for index in 0..keys.length() {
            let key = keys
                .get(index)
                .dyn_into::<Uint8Array>()
                .map_err(|_| BenchError::MissingKey { index })?;
            derived.push(DerivedKey::new(key.to_vec()));
        }
        let contents = self
            .file
            .open_with(&derived)
            .map_err(|e| BenchError::Pkcs12(e.to_string()))?;
        Ok(u32::try_from(contents.certs.len()).unwrap_or(u32::MAX))
    }
}

/// A generated `.reg` export held in wasm memory, parsed on demand.
#[wasm_bindgen]
pub struct RegExport {
    bytes: Vec<u8>,
}

#[wasm_bindgen]
impl RegExport {
    /// The same export as the native benchmark for the same size and seed.
    #[wasm_bindgen(constructor)]
    pub fn new(target_bytes: u32, seed: u32) -> RegExport {
        RegExport {
            bytes: reg_export::utf16le_export(target_bytes as usize, u64::from(seed)),
        }
    }

    pub fn len(&self) -> u32 {
        u32::try_from(self.bytes.len()).unwrap_or(u32::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Streams the export through the parser in `chunk`-byte pieces; returns the keys seen.
    pub fn parse(&self, chunk: u32) -> Result<u32, BenchError> {
        let mut state = RegistryState::new();
        let mut parser = state.parser();
        for piece in self.bytes.chunks((chunk as usize).max(1)) {
            parser.feed(piece);
        }
        let summary = parser
            .finish()
            .map_err(|e| BenchError::Registry(e.to_string()))?;
        if summary.bad_line_count != 0 {
            return Err(BenchError::Registry(format!(
                "{} bad lines in a generated export",
                summary.bad_line_count
            )));
        }
        Ok(u32::try_from(summary.keys_seen).unwrap_or(u32::MAX))
    }
}

/// Files (`[[name, bytes], …]`) → workspace → judgement → report JSON; returns its length.
#[wasm_bindgen]
pub fn report_json(files: Array, at_unix_seconds: f64) -> u32 {
    let mut workspace = Workspace::new();
    for entry in files.iter() {
        let pair = Array::from(&entry);
        let name = pair.get(0).as_string().unwrap_or_default();
        let bytes = pair
            .get(1)
            .dyn_into::<Uint8Array>()
            .map(|b| b.to_vec())
            .unwrap_or_default();
        workspace.add_file(&name, &bytes, &[]);
    }
    let json = workspace
        .judge(UtcTime(at_unix_seconds as i64), Assumptions::default())
        .report()
        .to_json();
    u32::try_from(json.len()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures/");
        std::fs::read(format!("{root}{path}")).unwrap_or_default()
    }

    #[test]
    fn decodes_der_and_pem_fixtures() {
        assert!(decode_der(&fixture("certs/m1.cer")).is_ok_and(|len| len > 3));
        assert!(decode_der(b"not a certificate").is_err());
        let pem = String::from_utf8(fixture("formats/m1-m2-with-text.pem")).unwrap_or_default();
        assert_eq!(decode_pem(pem.as_bytes()), 2);
    }

    #[test]
    fn stepwise_open_with_rust_keys_matches_the_one_call_open() {
        let bytes = fixture("pfx/m1-aes256.pfx");
        let whole = open_pfx(&bytes, "Passw0rd!").ok();
        let steps = PfxSteps::new(&bytes, "Passw0rd!").ok();
        let keys: Option<Vec<DerivedKey>> = steps.as_ref().map(|s| {
            (0..s.requests.len() as u32)
                .filter_map(|i| s.derive_here(i).ok().map(DerivedKey::new))
                .collect()
        });
        let stepwise = steps
            .zip(keys)
            .and_then(|(s, keys)| s.file.open_with(&keys).ok())
            .map(|c| c.certs.len() as u32);
        assert_eq!(whole, Some(2));
        assert_eq!(stepwise, whole);
    }

    #[test]
    fn a_generated_export_parses_in_any_chunk_size() {
        let export = RegExport::new(300_000, 2026);
        assert!(export.len() >= 300_000);
        let whole = export.parse(u32::MAX).ok();
        assert!(whole.is_some_and(|keys| keys > 100));
        assert_eq!(export.parse(4096).ok(), whole);
        assert_eq!(export.parse(1).ok(), whole);
    }
}
