//! Every extension of a certificate as a row an admin can read, in three lists: Intune and Entra
//! OIDs (decoded by [`crate::intune`], in table order), the standard ones (named and rendered
//! the way certlm.msc shows them), and the rest (OID and hex). A malformed extension is a row
//! with a note, never a reason to lose the certificate.

use asn1_rs::{Any, FromDer, Oid};
use x509_parser::extensions::{
    DistributionPointName, GeneralName, KeyUsage, ParsedExtension, X509Extension,
};

use super::names::windows_dn;
use super::{Extension, ExtensionView, KeyUsageBit, Name, StandardValue};
use crate::intune::{self, ExtValue};

/// The three lists of [`super::CertDetails`].
#[derive(Default)]
pub(super) struct ExtensionLists {
    pub intune: Vec<Extension>,
    pub standard: Vec<ExtensionView>,
    pub unknown: Vec<Extension>,
}

/// `oids` holds each extension's dotted OID, in the same order (computed once by the caller).
pub(super) fn extension_views(extensions: &[X509Extension<'_>], oids: &[String]) -> ExtensionLists {
    let mut lists = ExtensionLists::default();
    let mut intune_rows: Vec<(usize, Extension)> = Vec::new();
    for (ext, oid) in extensions.iter().zip(oids) {
        let oid = oid.clone();
        let repeated = extensions
            .iter()
            .filter(|other| other.oid == ext.oid)
            .count()
            > 1;
        if is_intune_or_entra(&oid) {
            let position = intune::table_position(&oid).unwrap_or(usize::MAX);
            let value = match intune::lookup(&oid) {
                Some(info) => intune::read_value(info, ext.value),
                None => ExtValue::read(ext.value),
            };
            intune_rows.push((position, typed(oid, ext, value, repeated)));
        } else if let Some(name) = standard_name(&oid) {
            lists.standard.push(standard_view(oid, name, ext));
        } else {
            let value = ExtValue::read(ext.value);
            lists.unknown.push(typed(oid, ext, value, repeated));
        }
    }
    // Stable sort: unknown Intune/Entra OIDs keep their certificate order after the known ones.
    intune_rows.sort_by_key(|(position, _)| *position);
    lists.intune = intune_rows.into_iter().map(|(_, row)| row).collect();
    lists
}

/// The Intune arc and the Entra device certificate arc: listed together, read by the table.
fn is_intune_or_entra(oid: &str) -> bool {
    oid.starts_with("1.2.840.113556.5.") || oid.starts_with(intune::ENTRA_ARC)
}

fn typed(oid: String, ext: &X509Extension<'_>, value: ExtValue, repeated: bool) -> Extension {
    Extension {
        oid,
        critical: ext.critical,
        raw: ext.value.to_vec(),
        value,
        repeated,
    }
}

/// Names as certlm.msc shows them, for the standard and common Microsoft extensions.
fn standard_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.14" => "Subject Key Identifier",
        "2.5.29.15" => "Key Usage",
        "2.5.29.17" => "Subject Alternative Name",
        "2.5.29.18" => "Issuer Alternative Name",
        "2.5.29.19" => "Basic Constraints",
        "2.5.29.30" => "Name Constraints",
        "2.5.29.31" => "CRL Distribution Points",
        "2.5.29.32" => "Certificate Policies",
        "2.5.29.33" => "Policy Mappings",
        "2.5.29.35" => "Authority Key Identifier",
        "2.5.29.36" => "Policy Constraints",
        "2.5.29.37" => "Enhanced Key Usage",
        "2.5.29.54" => "Inhibit Any Policy",
        "1.3.6.1.5.5.7.1.1" => "Authority Information Access",
        "1.3.6.1.5.5.7.1.11" => "Subject Information Access",
        "1.3.6.1.4.1.11129.2.4.2" => "SCT List",
        "2.16.840.1.113730.1.1" => "Netscape Cert Type",
        "1.3.6.1.4.1.311.20.2" => "Certificate Template Name",
        "1.3.6.1.4.1.311.21.1" => "CA Version",
        "1.3.6.1.4.1.311.21.2" => "Previous CA Certificate Hash",
        "1.3.6.1.4.1.311.21.7" => "Certificate Template Information",
        "1.3.6.1.4.1.311.21.10" => "Application Policies",
        "1.3.6.1.4.1.311.25.2" => "NTDS CA Security",
        _ => return None,
    })
}

fn standard_view(oid: String, name: &str, ext: &X509Extension<'_>) -> ExtensionView {
    let (value, note) = match decode_standard(&oid, ext) {
        Ok(value) => (value, None),
        Err(note) => (StandardValue::Raw(ext.value.to_vec()), note),
    };
    ExtensionView {
        oid,
        name: name.to_string(),
        critical: ext.critical,
        value,
        note,
    }
}

/// The decoded value, or `Err(note)` to keep the bytes (with a note when it is malformed).
fn decode_standard(oid: &str, ext: &X509Extension<'_>) -> Result<StandardValue, Option<String>> {
    if oid == "2.5.29.37" {
        // Parsed here rather than from x509-parser's flags, to keep the order of the certificate.
        return eku(ext.value)
            .map(StandardValue::Eku)
            .ok_or_else(|| Some("malformed: not a list of OIDs".to_string()));
    }
    if oid == "1.3.6.1.4.1.311.20.2" {
        return template_name(ext.value)
            .map(StandardValue::Text)
            .ok_or(None);
    }
    Ok(match ext.parsed_extension() {
        ParsedExtension::KeyUsage(usage) => StandardValue::KeyUsage(key_usage(usage)),
        ParsedExtension::BasicConstraints(bc) => StandardValue::BasicConstraints {
            ca: bc.ca,
            path_len: bc.path_len_constraint,
        },
        ParsedExtension::SubjectKeyIdentifier(id) => StandardValue::KeyId(id.0.to_vec()),
        ParsedExtension::AuthorityKeyIdentifier(aki) => StandardValue::AuthorityKeyId {
            key_id: aki.key_identifier.as_ref().map(|id| id.0.to_vec()),
            issuer: aki.authority_cert_issuer.as_ref().map(|n| names(n)),
            serial: aki.authority_cert_serial.map(<[u8]>::to_vec),
        },
        ParsedExtension::SubjectAlternativeName(san) => {
            StandardValue::Names(names(&san.general_names))
        }
        ParsedExtension::IssuerAlternativeName(ian) => {
            StandardValue::Names(names(&ian.general_names))
        }
        ParsedExtension::CRLDistributionPoints(points) => StandardValue::CrlPoints(
            points
                .iter()
                .filter_map(|point| match &point.distribution_point {
                    Some(DistributionPointName::FullName(n)) => Some(Some(names(n))),
                    Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => Some(None),
                    None => None,
                })
                .collect(),
        ),
        ParsedExtension::AuthorityInfoAccess(aia) => StandardValue::Access(
            aia.accessdescs
                .iter()
                .map(|desc| {
                    (
                        super::dotted(&desc.access_method),
                        general_name(&desc.access_location),
                    )
                })
                .collect(),
        ),
        ParsedExtension::CertificatePolicies(policies) => StandardValue::Policies(
            policies
                .iter()
                .map(|p| super::dotted(&p.policy_id))
                .collect(),
        ),
        ParsedExtension::ParseError { error } => return Err(Some(format!("malformed: {error}"))),
        _ => return Err(None),
    })
}

/// The key usage bits set, in bit order.
fn key_usage(usage: &KeyUsage) -> Vec<KeyUsageBit> {
    [
        (usage.digital_signature(), KeyUsageBit::DigitalSignature),
        (usage.non_repudiation(), KeyUsageBit::NonRepudiation),
        (usage.key_encipherment(), KeyUsageBit::KeyEncipherment),
        (usage.data_encipherment(), KeyUsageBit::DataEncipherment),
        (usage.key_agreement(), KeyUsageBit::KeyAgreement),
        (usage.key_cert_sign(), KeyUsageBit::KeyCertSign),
        (usage.crl_sign(), KeyUsageBit::CrlSign),
        (usage.encipher_only(), KeyUsageBit::EncipherOnly),
        (usage.decipher_only(), KeyUsageBit::DecipherOnly),
    ]
    .into_iter()
    .filter(|(set, _)| *set)
    .map(|(_, bit)| bit)
    .collect()
}

/// The enhanced key usage OIDs, in certificate order.
fn eku(value: &[u8]) -> Option<Vec<String>> {
    let (rest, oids) = <Vec<Oid>>::from_der(value).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(oids.iter().map(super::dotted).collect())
}

/// The template name extension holds a BMPString (Windows CA) or another string type.
fn template_name(value: &[u8]) -> Option<String> {
    let (_, any) = Any::from_der(value).ok()?;
    match any.tag().0 {
        0x1E => {
            let units = any.data.chunks_exact(2).map(|pair| match pair {
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            });
            Some(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{FFFD}'))
                    .collect(),
            )
        }
        0x0C | 0x13 | 0x16 => Some(String::from_utf8_lossy(any.data).into_owned()),
        _ => None,
    }
}

fn names(list: &[GeneralName<'_>]) -> Vec<Name> {
    list.iter().map(general_name).collect()
}

fn general_name(name: &GeneralName<'_>) -> Name {
    match name {
        GeneralName::DNSName(dns) => Name::Dns((*dns).to_string()),
        GeneralName::RFC822Name(mail) => Name::Email((*mail).to_string()),
        GeneralName::URI(uri) => Name::Uri((*uri).to_string()),
        GeneralName::IPAddress(bytes) => Name::Ip(bytes.to_vec()),
        GeneralName::DirectoryName(dn) => Name::Directory(windows_dn(dn)),
        GeneralName::RegisteredID(oid) => Name::Registered(super::dotted(oid)),
        GeneralName::OtherName(oid, value) => Name::Other {
            oid: super::dotted(oid),
            text: other_name_text(value),
            raw: value.to_vec(),
        },
        GeneralName::X400Address(any) | GeneralName::EDIPartyName(any) => {
            Name::Opaque(any.data.to_vec())
        }
        GeneralName::Invalid(_, bytes) => Name::Invalid(bytes.to_vec()),
    }
}

/// `[0] EXPLICIT UTF8String` (the UPN form) → the string.
fn other_name_text(value: &[u8]) -> Option<String> {
    let (_, explicit) = Any::from_der(value).ok()?;
    let (_, inner) = Any::from_der(explicit.data).ok()?;
    matches!(inner.tag().0, 0x0C | 0x13 | 0x16)
        .then(|| String::from_utf8_lossy(inner.data).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_keeps_certificate_order() {
        // SEQUENCE { clientAuth, 1.2.3 }
        let value = [
            0x30, 0x0F, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x06, 0x03,
            0x2A, 0x03, 0x04,
        ];
        assert_eq!(
            eku(&value),
            Some(vec!["1.3.6.1.5.5.7.3.2".to_string(), "1.2.3.4".to_string()])
        );
        assert_eq!(eku(&[0x30, 0x05, 0x01]), None);
    }

    #[test]
    fn upn_other_name_is_read() {
        // [0] { UTF8String "a@b" }
        let value = [0xA0, 0x05, 0x0C, 0x03, b'a', b'@', b'b'];
        assert_eq!(other_name_text(&value).as_deref(), Some("a@b"));
        assert_eq!(other_name_text(&[0xA0]), None);
    }

    #[test]
    fn template_name_reads_bmp_strings() {
        assert_eq!(
            template_name(&[0x1E, 0x04, 0x00, b'M', 0x00, b'D']).as_deref(),
            Some("MD")
        );
        assert_eq!(template_name(&[0x02, 0x01, 0x00]), None);
    }
}
