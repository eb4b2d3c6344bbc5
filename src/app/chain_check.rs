//! The chain in the page: the core's links (computed once per set of certificates, not on every
//! edit) and each link's signature checked with the browser's WebCrypto, asynchronously, after
//! the verdict is on screen.
//!
//! The core decides what to check ([`chain::signature_check`]: algorithm, signed bytes, issuer
//! key) exactly as for the CLI's RustCrypto verifier; this module only runs the check with
//! `crypto.subtle.importKey('spki', …)` and `crypto.subtle.verify`, so no RSA or ECDSA code is
//! compiled into the wasm. Results are cached per (certificate, issuer), so re-rendering a card
//! or editing a store does not verify again.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::chain::{
    self, ChainReport, SignatureAlgorithm, SignatureCheck, SignatureStatus, ecdsa_der_to_fixed,
};
use crate::scenario::{RegistryFacts, Thumbprint};
use crate::workspace::Workspace;

/// What the chain of a set of certificates depends on: their thumbprints in order and the
/// enrollments' `DMPCertThumbPrint` / `RootCertThumbPrint`.
type ChainKey = (
    Vec<Thumbprint>,
    Vec<(Option<Thumbprint>, Option<Thumbprint>)>,
);

thread_local! {
    static CHAIN: RefCell<Option<(ChainKey, Rc<ChainReport>)>> = const { RefCell::new(None) };
    static SIGNATURES: RefCell<BTreeMap<(Thumbprint, Thumbprint), SignatureStatus>> =
        const { RefCell::new(BTreeMap::new()) };
}

/// The links and paths of the workspace's certificates (signatures `not_checked`; see
/// [`link_signature`]), recomputed only when the certificates or the enrollment roots change.
pub fn chain_of(workspace: &Workspace, registry: &RegistryFacts) -> Rc<ChainReport> {
    let key: ChainKey = (
        workspace
            .files()
            .iter()
            .flat_map(|f| &f.certs)
            .map(|c| c.decoded.facts.thumbprint.clone())
            .collect(),
        registry
            .intune_enrollments()
            .map(|e| {
                (
                    e.dmp_cert_thumbprint.clone(),
                    e.root_cert_thumbprint.clone(),
                )
            })
            .collect(),
    );
    CHAIN.with(|cell| {
        let mut cached = cell.borrow_mut();
        if let Some((k, report)) = cached.as_ref()
            && *k == key
        {
            return report.clone();
        }
        let report = Rc::new(chain::analyze(
            workspace
                .files()
                .iter()
                .flat_map(|f| &f.certs)
                .map(|c| c.decoded.der.as_slice()),
            registry,
            None,
        ));
        *cached = Some((key, report.clone()));
        report
    })
}

/// A status already known for this link (verified earlier, or decided by the core without a
/// verifier: unsupported algorithm, mismatched key).
pub fn cached_signature(child: &Thumbprint, issuer: &Thumbprint) -> Option<SignatureStatus> {
    SIGNATURES.with(|s| s.borrow().get(&(child.clone(), issuer.clone())).cloned())
}

/// Checks `child`'s signature with `issuer`'s key in WebCrypto. `not_checked` when the page
/// has no WebCrypto (an insecure `http:` page) or WebCrypto refuses the key.
pub async fn link_signature(
    child: (&Thumbprint, &[u8]),
    issuer: (&Thumbprint, &[u8]),
) -> SignatureStatus {
    if let Some(known) = cached_signature(child.0, issuer.0) {
        return known;
    }
    let prepared = chain::signature_check(child.1, issuer.1);
    let valid = match &prepared {
        Ok(check) => verify(check).await.ok(),
        Err(_) => None,
    };
    let status = chain::status_of(prepared, valid);
    if status != SignatureStatus::NotChecked {
        SIGNATURES.with(|s| {
            s.borrow_mut()
                .insert((child.0.clone(), issuer.0.clone()), status.clone())
        });
    }
    status
}

/// One `crypto.subtle.verify`; `Err` when WebCrypto is missing or refuses.
async fn verify(check: &SignatureCheck) -> Result<bool, JsValue> {
    let subtle = subtle()?;
    let (import, verify) = algorithms(check)?;
    let usages = Array::of1(&JsValue::from_str("verify"));
    let spki = Uint8Array::from(check.issuer_spki.as_slice());
    let key: CryptoKey = JsFuture::from(subtle.import_key_with_object(
        "spki",
        spki.unchecked_ref::<Object>(),
        &import,
        false,
        &usages,
    )?)
    .await?
    .dyn_into()?;
    let signature = match check.algorithm {
        // WebCrypto takes ECDSA signatures as fixed-width r ‖ s, certificates carry DER.
        SignatureAlgorithm::Ecdsa { curve, .. } => ecdsa_der_to_fixed(&check.signature, curve)
            .ok_or_else(|| JsValue::from_str("malformed ECDSA signature"))?,
        _ => check.signature.clone(),
    };
    let ok = JsFuture::from(subtle.verify_with_object_and_u8_array_and_u8_array(
        &verify,
        &key,
        &signature,
        &check.signed,
    )?)
    .await?;
    Ok(ok.as_bool() == Some(true))
}

fn subtle() -> Result<SubtleCrypto, JsValue> {
    let crypto = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .crypto()?;
    let subtle: JsValue = crypto.subtle().into();
    if subtle.is_undefined() || subtle.is_null() {
        return Err(JsValue::from_str("no WebCrypto"));
    }
    Ok(subtle.unchecked_into())
}

/// The `importKey` and `verify` algorithm objects for a check.
fn algorithms(check: &SignatureCheck) -> Result<(Object, Object), JsValue> {
    let object = |pairs: &[(&str, JsValue)]| -> Result<Object, JsValue> {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &JsValue::from_str(k), v)?;
        }
        Ok(o)
    };
    let s = JsValue::from_str;
    Ok(match check.algorithm {
        SignatureAlgorithm::RsaPkcs1 { hash } => (
            object(&[
                ("name", s("RSASSA-PKCS1-v1_5")),
                ("hash", s(hash.webcrypto_name())),
            ])?,
            object(&[("name", s("RSASSA-PKCS1-v1_5"))])?,
        ),
        SignatureAlgorithm::RsaPss { hash, salt_len } => (
            object(&[("name", s("RSA-PSS")), ("hash", s(hash.webcrypto_name()))])?,
            object(&[
                ("name", s("RSA-PSS")),
                ("saltLength", JsValue::from(salt_len)),
            ])?,
        ),
        SignatureAlgorithm::Ecdsa { hash, curve } => (
            object(&[
                ("name", s("ECDSA")),
                ("namedCurve", s(curve.webcrypto_name())),
            ])?,
            object(&[("name", s("ECDSA")), ("hash", s(hash.webcrypto_name()))])?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn der(bytes: &[u8]) -> (Thumbprint, Vec<u8>) {
        (Thumbprint::of_der(bytes), bytes.to_vec())
    }

    #[wasm_bindgen_test]
    async fn webcrypto_verifies_what_the_native_verifier_verifies() {
        let root = der(include_bytes!("../../tests/fixtures/chain/intune-root.cer"));
        let ca = der(include_bytes!(
            "../../tests/fixtures/chain/intune-mdm-device-ca.cer"
        ));
        let device = der(include_bytes!("../../tests/fixtures/chain/device-rsa.cer"));
        let tampered = der(include_bytes!(
            "../../tests/fixtures/chain/device-tampered.cer"
        ));
        let ec_ca = der(include_bytes!(
            "../../tests/fixtures/chain/ec-device-ca.cer"
        ));
        let ec = der(include_bytes!("../../tests/fixtures/chain/device-ec.cer"));
        let p256 = der(include_bytes!(
            "../../tests/fixtures/chain/ec-root-p256.cer"
        ));
        let ed = der(include_bytes!(
            "../../tests/fixtures/chain/ed25519-root.cer"
        ));
        let status = |c: &(Thumbprint, Vec<u8>), i: &(Thumbprint, Vec<u8>)| {
            let (c, i) = (c.clone(), i.clone());
            async move { link_signature((&c.0, &c.1), (&i.0, &i.1)).await }
        };
        assert_eq!(status(&device, &ca).await, SignatureStatus::Verified);
        assert_eq!(status(&ca, &root).await, SignatureStatus::Verified);
        assert_eq!(status(&root, &root).await, SignatureStatus::Verified);
        assert_eq!(status(&tampered, &ca).await, SignatureStatus::Failed);
        assert_eq!(
            status(&ec_ca, &root).await,
            SignatureStatus::Verified,
            "RSA-PSS"
        );
        assert_eq!(
            status(&ec, &ec_ca).await,
            SignatureStatus::Verified,
            "P-384"
        );
        assert_eq!(
            status(&p256, &p256).await,
            SignatureStatus::Verified,
            "P-256"
        );
        assert!(matches!(
            status(&ed, &ed).await,
            SignatureStatus::UnsupportedAlgorithm { .. }
        ));
        assert_eq!(
            cached_signature(&device.0, &ca.0),
            Some(SignatureStatus::Verified)
        );
    }
}
