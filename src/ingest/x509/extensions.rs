//! Every extension of a certificate as a row an admin can read, in three lists: Intune and Entra
//! OIDs (decoded by [`crate::intune`], in table order), the standard ones (named and rendered
//! the way certlm.msc shows them), and the rest (OID and hex). A malformed extension is a row
//! with a note, never a reason to lose the certificate.

use asn1_rs::{Any, FromDer, Oid};
use x509_parser::extensions::{
    DistributionPointName, GeneralName, KeyUsage, ParsedExtension, X509Extension,
};

use super::names::windows_dn;
use super::{Extension, ExtensionView};
use crate::hex::{hex_compact, hex_spaced};
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
    let (value, note) = match render_standard(&oid, ext) {
        Ok(value) => (value, None),
        Err(note) => (hex_spaced(ext.value), note),
    };
    ExtensionView {
        oid,
        name: name.to_string(),
        critical: ext.critical,
        value,
        note,
    }
}

/// The readable value, or `Err(note)` to show hex (with a note when the extension is malformed).
fn render_standard(oid: &str, ext: &X509Extension<'_>) -> Result<String, Option<String>> {
    if oid == "2.5.29.37" {
        // Parsed here rather than from x509-parser's flags, to keep the order of the certificate.
        return eku(ext.value).ok_or_else(|| Some("malformed: not a list of OIDs".to_string()));
    }
    if oid == "1.3.6.1.4.1.311.20.2" {
        return template_name(ext.value).ok_or(None);
    }
    match ext.parsed_extension() {
        ParsedExtension::KeyUsage(usage) => Ok(key_usage(usage)),
        ParsedExtension::BasicConstraints(bc) => {
            let subject = if bc.ca { "CA" } else { "End Entity" };
            let path = bc
                .path_len_constraint
                .map_or("None".to_string(), |n| n.to_string());
            Ok(format!(
                "Subject Type={subject}, Path Length Constraint={path}"
            ))
        }
        ParsedExtension::SubjectKeyIdentifier(id) => Ok(lower_hex(id.0)),
        ParsedExtension::AuthorityKeyIdentifier(aki) => {
            let mut parts = Vec::new();
            if let Some(id) = &aki.key_identifier {
                parts.push(format!("KeyID={}", lower_hex(id.0)));
            }
            if let Some(names) = &aki.authority_cert_issuer {
                parts.push(format!("Certificate Issuer: {}", general_names(names)));
            }
            if let Some(serial) = aki.authority_cert_serial {
                parts.push(format!("Certificate SerialNumber={}", lower_hex(serial)));
            }
            Ok(parts.join(", "))
        }
        ParsedExtension::SubjectAlternativeName(san) => Ok(general_names(&san.general_names)),
        ParsedExtension::IssuerAlternativeName(ian) => Ok(general_names(&ian.general_names)),
        ParsedExtension::CRLDistributionPoints(points) => {
            let rendered: Vec<String> = points
                .iter()
                .filter_map(|point| match &point.distribution_point {
                    Some(DistributionPointName::FullName(names)) => Some(general_names(names)),
                    Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                        Some("(name relative to the CRL issuer)".to_string())
                    }
                    None => None,
                })
                .collect();
            Ok(rendered.join("; "))
        }
        ParsedExtension::AuthorityInfoAccess(aia) => {
            let rendered: Vec<String> = aia
                .accessdescs
                .iter()
                .map(|desc| {
                    let method = match super::dotted(&desc.access_method).as_str() {
                        "1.3.6.1.5.5.7.48.1" => "OCSP".to_string(),
                        "1.3.6.1.5.5.7.48.2" => "CA Issuers".to_string(),
                        other => other.to_string(),
                    };
                    format!("{method}: {}", general_name(&desc.access_location))
                })
                .collect();
            Ok(rendered.join("; "))
        }
        ParsedExtension::CertificatePolicies(policies) => {
            let ids: Vec<String> = policies
                .iter()
                .map(|p| match super::dotted(&p.policy_id).as_str() {
                    "2.5.29.32.0" => "All Issuance Policies (2.5.29.32.0)".to_string(),
                    other => other.to_string(),
                })
                .collect();
            Ok(ids.join(", "))
        }
        ParsedExtension::ParseError { error } => Err(Some(format!("malformed: {error}"))),
        _ => Err(None),
    }
}

/// Windows' wording for key usage bits, in bit order.
fn key_usage(usage: &KeyUsage) -> String {
    let bits = [
        (usage.digital_signature(), "Digital Signature"),
        (usage.non_repudiation(), "Non-Repudiation"),
        (usage.key_encipherment(), "Key Encipherment"),
        (usage.data_encipherment(), "Data Encipherment"),
        (usage.key_agreement(), "Key Agreement"),
        (usage.key_cert_sign(), "Certificate Signing"),
        (usage.crl_sign(), "CRL Signing"),
        (usage.encipher_only(), "Encipher Only"),
        (usage.decipher_only(), "Decipher Only"),
    ];
    let names: Vec<&str> = bits
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

/// `Client Authentication (1.3.6.1.5.5.7.3.2), …` as certlm.msc lists enhanced key usages.
fn eku(value: &[u8]) -> Option<String> {
    let (rest, oids) = <Vec<Oid>>::from_der(value).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let rendered: Vec<String> = oids
        .iter()
        .map(|oid| {
            let id = super::dotted(oid);
            match eku_name(&id) {
                Some(name) => format!("{name} ({id})"),
                None => id,
            }
        })
        .collect();
    Some(rendered.join(", "))
}

fn eku_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.3.6.1.5.5.7.3.1" => "Server Authentication",
        "1.3.6.1.5.5.7.3.2" => "Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "Secure Email",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        "2.5.29.37.0" => "Any Purpose",
        "1.3.6.1.4.1.311.20.2.2" => "Smart Card Logon",
        "1.3.6.1.4.1.311.10.3.4" => "Encrypting File System",
        "1.3.6.1.4.1.311.10.3.12" => "Document Signing",
        "1.3.6.1.5.2.3.5" => "KDC Authentication",
        _ => return None,
    })
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

fn general_names(names: &[GeneralName<'_>]) -> String {
    let rendered: Vec<String> = names.iter().map(general_name).collect();
    rendered.join(", ")
}

/// One general name in certlm.msc's words.
fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(dns) => format!("DNS Name={dns}"),
        GeneralName::RFC822Name(mail) => format!("RFC822 Name={mail}"),
        GeneralName::URI(uri) => format!("URL={uri}"),
        GeneralName::IPAddress(bytes) => format!("IP Address={}", ip_address(bytes)),
        GeneralName::DirectoryName(dn) => format!("Directory Address={}", windows_dn(dn)),
        GeneralName::RegisteredID(oid) => format!("Registered ID={}", super::dotted(oid)),
        GeneralName::OtherName(oid, value) => {
            let id = super::dotted(oid);
            match (id.as_str(), other_name_text(value)) {
                ("1.3.6.1.4.1.311.20.2.3", Some(upn)) => {
                    format!("Other Name: Principal Name={upn}")
                }
                (_, Some(text)) => format!("Other Name: {id}={text}"),
                (_, None) => format!("Other Name: {id}={}", hex_spaced(value)),
            }
        }
        GeneralName::X400Address(any) | GeneralName::EDIPartyName(any) => {
            format!("({})", hex_spaced(any.data))
        }
        GeneralName::Invalid(_, bytes) => format!("(invalid name: {})", hex_spaced(bytes)),
    }
}

/// `[0] EXPLICIT UTF8String` (the UPN form) → the string.
fn other_name_text(value: &[u8]) -> Option<String> {
    let (_, explicit) = Any::from_der(value).ok()?;
    let (_, inner) = Any::from_der(explicit.data).ok()?;
    matches!(inner.tag().0, 0x0C | 0x13 | 0x16)
        .then(|| String::from_utf8_lossy(inner.data).into_owned())
}

fn ip_address(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return std::net::Ipv4Addr::from(v4).to_string();
    }
    if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        return std::net::Ipv6Addr::from(v6).to_string();
    }
    hex_spaced(bytes)
}

fn lower_hex(bytes: &[u8]) -> String {
    hex_compact(bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_keeps_certificate_order_and_names_known_oids() {
        // SEQUENCE { clientAuth, 1.2.3 }
        let value = [
            0x30, 0x0F, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02, 0x06, 0x03,
            0x2A, 0x03, 0x04,
        ];
        assert_eq!(
            eku(&value).as_deref(),
            Some("Client Authentication (1.3.6.1.5.5.7.3.2), 1.2.3.4")
        );
        assert_eq!(eku(&[0x30, 0x05, 0x01]), None);
    }

    #[test]
    fn ip_addresses_render_by_length() {
        assert_eq!(ip_address(&[10, 0, 0, 1]), "10.0.0.1");
        assert_eq!(ip_address(&[0; 16]), "::");
        assert_eq!(ip_address(&[1, 2]), "01 02");
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
