//! What an opened PKCS#12 file yields: its certificates, each marked with whether the file
//! also holds its private key.

use super::bags::BagAttributes;
use super::public_key::{self, PublicKey};

/// The certificates of an opened PKCS#12 file. Private keys are never returned: only whether
/// each certificate has one in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pkcs12Contents {
    /// Every X.509 certificate, in file order.
    pub certs: Vec<Pkcs12Cert>,
    /// How many private keys the file holds (a key that matches no certificate still counts).
    pub private_keys: usize,
    /// True if the file's integrity check (MAC) was verified; false if it has none.
    pub mac_verified: bool,
}

/// One certificate from a PKCS#12 file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs12Cert {
    pub der: Vec<u8>,
    /// True only for a certificate that belongs to one of the file's private keys: linked by the
    /// `localKeyId` attribute, else by the same public key. Chain certificates are false.
    pub has_key: bool,
    /// The `friendlyName` attribute (the label certmgr shows).
    pub friendly_name: Option<String>,
}

/// A certificate bag as found, before linking.
pub(super) struct FoundCert {
    pub der: Vec<u8>,
    pub attributes: BagAttributes,
}

/// A key bag as found: its link attribute and, when readable, its public half.
pub(super) struct FoundKey {
    pub local_key_id: Option<Vec<u8>>,
    pub public: Option<PublicKey>,
}

/// Marks each certificate that has a key. A key with a `localKeyId` that some certificate
/// shares marks those certificates; otherwise (no id, or an id no certificate carries) the
/// certificates with the key's public key are marked.
pub(super) fn link(certs: Vec<FoundCert>, keys: &[FoundKey], mac_verified: bool) -> Pkcs12Contents {
    let mut has_key = vec![false; certs.len()];
    // Public keys of the certificates, read only if some key needs them.
    let mut cert_keys: Option<Vec<Option<PublicKey>>> = None;
    for key in keys {
        let by_id: Vec<usize> = match &key.local_key_id {
            Some(id) => certs
                .iter()
                .enumerate()
                .filter(|(_, cert)| cert.attributes.local_key_id.as_ref() == Some(id))
                .map(|(index, _)| index)
                .collect(),
            None => Vec::new(),
        };
        let matches = if by_id.is_empty() {
            let Some(public) = &key.public else { continue };
            let cert_keys = cert_keys.get_or_insert_with(|| {
                certs
                    .iter()
                    .map(|cert| public_key::from_certificate(&cert.der))
                    .collect()
            });
            cert_keys
                .iter()
                .enumerate()
                .filter(|(_, cert_key)| cert_key.as_ref() == Some(public))
                .map(|(index, _)| index)
                .collect()
        } else {
            by_id
        };
        for index in matches {
            if let Some(flag) = has_key.get_mut(index) {
                *flag = true;
            }
        }
    }
    Pkcs12Contents {
        certs: certs
            .into_iter()
            .zip(has_key)
            .map(|(cert, has_key)| Pkcs12Cert {
                der: cert.der,
                has_key,
                friendly_name: cert.attributes.friendly_name,
            })
            .collect(),
        private_keys: keys.len(),
        mac_verified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(der: &[u8], id: Option<&[u8]>) -> FoundCert {
        FoundCert {
            der: der.to_vec(),
            attributes: BagAttributes {
                local_key_id: id.map(<[u8]>::to_vec),
                friendly_name: None,
            },
        }
    }

    #[test]
    fn links_by_local_key_id_and_leaves_the_chain_unmarked() {
        let certs = vec![
            cert(b"ca", None),
            cert(b"leaf", Some(&[7])),
            cert(b"other", Some(&[8])),
        ];
        let keys = [FoundKey {
            local_key_id: Some(vec![7]),
            public: None,
        }];
        let contents = link(certs, &keys, true);
        let marked: Vec<bool> = contents.certs.iter().map(|c| c.has_key).collect();
        assert_eq!(marked, [false, true, false]);
        assert_eq!(contents.private_keys, 1);
    }

    #[test]
    fn a_key_without_a_matching_id_marks_nothing_it_cannot_prove() {
        // The certificates here are not parseable, so the public-key fallback finds nothing.
        let certs = vec![cert(b"leaf", Some(&[1]))];
        let keys = [FoundKey {
            local_key_id: Some(vec![2]),
            public: Some(PublicKey::Encoded(vec![4, 1])),
        }];
        let contents = link(certs, &keys, false);
        assert!(!contents.certs.iter().any(|c| c.has_key));
        assert!(!contents.mac_verified);
    }
}
