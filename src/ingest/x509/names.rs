//! Distinguished names as Windows shows them (`X509Certificate2.Subject`, `certutil`).
//!
//! Admins compare the inspector's subject and issuer with what certlm.msc and PowerShell print,
//! so the form must match: RDNs most specific first (the reverse of the DER order), `", "`
//! between them, `" + "` inside a multi-valued RDN, Windows' attribute keys (`S=` for state,
//! `E=` for e-mail), `OID.1.2.3=` for unknown attributes, and double quotes around values that
//! contain separators. Values stay text: escaping for HTML is the views' job.

use asn1_rs::{Class, Tag};
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

/// `CN=…, OU=…, O=…, C=…`, most specific first.
pub fn windows_dn(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            let parts: Vec<String> = rdn.iter().map(attribute).collect();
            parts.join(" + ")
        })
        .collect();
    let reversed: Vec<String> = rdns.into_iter().rev().collect();
    reversed.join(", ")
}

fn attribute(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = super::dotted(attr.attr_type());
    let key = match windows_key(&oid) {
        Some(key) => key.to_string(),
        None => format!("OID.{oid}"),
    };
    format!("{key}={}", quote(&value_text(attr)))
}

/// The keys `CertNameToStr` uses.
fn windows_key(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "S",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.13" => "Description",
        "2.5.4.17" => "PostalCode",
        "2.5.4.18" => "POBox",
        "2.5.4.20" => "Phone",
        "2.5.4.42" => "G",
        "2.5.4.43" => "I",
        "2.5.4.46" => "dnQualifier",
        "1.2.840.113549.1.9.1" => "E",
        "1.2.840.113549.1.9.2" => "UnstructuredName",
        "1.2.840.113549.1.9.8" => "UnstructuredAddress",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// The attribute value as text, whatever string type it uses; anything else as `#` + hex (the
/// RFC 4514 form for values that are not strings).
fn value_text(attr: &AttributeTypeAndValue<'_>) -> String {
    let any = attr.attr_value();
    let data = any.data;
    if any.class() != Class::Universal {
        return hash_hex(attr.as_slice());
    }
    match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => String::from_utf8_lossy(data).into_owned(),
        // TeletexString in practice holds Latin-1.
        Tag::T61String => data.iter().map(|&b| char::from(b)).collect(),
        Tag::BmpString => {
            let units = data.chunks_exact(2).map(|pair| match pair {
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            });
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        Tag::UniversalString => data
            .chunks_exact(4)
            .map(|quad| match quad {
                [a, b, c, d] => char::from_u32(u32::from_be_bytes([*a, *b, *c, *d]))
                    .unwrap_or(char::REPLACEMENT_CHARACTER),
                _ => char::REPLACEMENT_CHARACTER,
            })
            .collect(),
        _ => hash_hex(attr.as_slice()),
    }
}

fn hash_hex(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("#{hex}")
}

/// Windows puts a value in double quotes (doubling inner quotes) when it holds a separator or
/// starts or ends with a space, so the string can be split back into its parts.
fn quote(value: &str) -> String {
    let special = value.chars().any(|c| {
        matches!(
            c,
            ',' | '+' | '=' | '"' | '\\' | '<' | '>' | '#' | ';' | '\r' | '\n'
        )
    });
    let padded = value.starts_with(' ') || value.ends_with(' ');
    if special || padded {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asn1_rs::FromDer;

    /// One attribute: OID content bytes, string tag, value bytes.
    type Attr<'a> = (&'a [u8], u8, &'a [u8]);

    /// DER of a Name: RDNs in the given (DER) order.
    fn name_der(rdns: &[&[Attr<'_>]]) -> Vec<u8> {
        fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
            let mut out = vec![tag, content.len() as u8];
            out.extend_from_slice(content);
            out
        }
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, tag, value) in rdn.iter() {
                let mut atv = tlv(0x06, oid);
                atv.extend(tlv(*tag, value));
                set.extend(tlv(0x30, &atv));
            }
            seq.extend(tlv(0x31, &set));
        }
        tlv(0x30, &seq)
    }

    const C: &[u8] = &[0x55, 0x04, 0x06];
    const S: &[u8] = &[0x55, 0x04, 0x08];
    const O: &[u8] = &[0x55, 0x04, 0x0A];
    const OU: &[u8] = &[0x55, 0x04, 0x0B];
    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const EMAIL: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01];
    const ODD: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x02];

    fn dn(der: &[u8]) -> String {
        let (_, name) = X509Name::from_der(der).unwrap();
        windows_dn(&name)
    }

    #[test]
    fn most_specific_first_with_windows_keys() {
        let der = name_der(&[
            &[(C, 0x13, b"US")],
            &[(S, 0x0C, b"Washington")],
            &[(O, 0x0C, b"Contoso")],
            &[(OU, 0x0C, b"IT")],
            &[(CN, 0x0C, b"device"), (EMAIL, 0x16, b"a@b.c")],
        ]);
        assert_eq!(
            dn(&der),
            "CN=device + E=a@b.c, OU=IT, O=Contoso, S=Washington, C=US"
        );
    }

    #[test]
    fn separators_are_quoted_and_markup_kept_as_text() {
        let der = name_der(&[
            &[(O, 0x0C, b"Contoso, \"Inc\"")],
            &[(CN, 0x0C, b"<b>x</b>")],
            &[(ODD, 0x0C, b"plain")],
        ]);
        assert_eq!(
            dn(&der),
            "OID.1.3.6.1.4.1.2=plain, CN=\"<b>x</b>\", O=\"Contoso, \"\"Inc\"\"\""
        );
    }

    #[test]
    fn bmp_and_teletex_strings_decode() {
        let der = name_der(&[
            &[(CN, 0x1E, &[0x00, b'A', 0x00, 0xE9])],
            &[(O, 0x14, &[0xE9])],
        ]);
        assert_eq!(dn(&der), "O=é, CN=Aé");
    }
}
