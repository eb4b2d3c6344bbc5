//! Parser-level tests: whole files through the streaming parser.

use crate::scenario::{MetadataTime, RegistryFacts};
use crate::utc::UtcTime;

use super::*;

const G1: &str = "{0A1B2C3D-1111-2222-3333-444455556666}";
const G2: &str = "{5E5E5E5E-AAAA-BBBB-CCCC-DDDDEEEEFFFF}";
const TP1: &str = "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304";
const TP2: &str = "00112233445566778899AABBCCDDEEFF00112233";
const ENR: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments";
const META: &str =
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata";
const OMADM: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Provisioning\\OMADM\\Accounts";

/// A realistic export touching every lexer rule, with CRLF line ends.
fn sample() -> String {
    [
        "Windows Registry Editor Version 5.00",
        "",
        "; exported for a test",
        &format!("[{ENR}]"),
        "",
        &format!("[{ENR}\\Context]"),
        "\"LastLoggedOnUser\"=\"x\"",
        "",
        &format!("[{ENR}\\{G1}]"),
        "@=\"default\"",
        "\"ProviderID\"=\"MS DM Server\"",
        &format!("\"DMPCertThumbPrint\"=\"{}\"", TP1.to_lowercase()),
        "\"UPN\"=hex(2):61,00,40,00,65,00,78,00,2e,00,63,00,6f,00,6d,00,00,00",
        "\"EnrollmentType\"=dword:00000006",
        "\"CurCryptoProvider\"=\"Microsoft Platform Crypto Provider\"",
        "\"RenewErrorCode\"=dword:00000000",
        "\"Flags\"=hex(7):61,00,00,00,62,00,00,00,00,00",
        "\"Blob\"=hex:01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\\",
        "  17,18,19,1a",
        "",
        &format!("[{ENR}\\{G1}\\DMClient\\MS DM Server]"),
        "\"EntDMID\"=\"11111111-2222-3333-4444-555555555555\"",
        "",
        &format!("[{OMADM}\\{G1}]"),
        &format!("\"SslClientCertReference\"=\"MY;System;{TP1}\""),
        "\"ServerVer\"=\"4.0\"",
        "",
        &format!("[{META}]"),
        "\"Subject\"=\"CN=\\\"quoted\\\" \\\\ device\"",
        &format!("\"Thumbprint\"=\"{TP1}\""),
        "\"ValidatedTime\"=hex(b):00,00,00,00,00,00,00,00",
        "\"ValidatedTime\"=\"2026-11-24T08:00:00.0000000Z\"",
        "",
        "[HKEY_CURRENT_USER\\Software\\Other]",
        "\"x\"=dword:00000001",
        "",
    ]
    .join("\r\n")
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn parse_chunked(bytes: &[u8], chunk: usize) -> (Result<RegSummary, RegError>, RegistryFacts) {
    let mut state = RegistryState::new();
    let mut parser = state.parser();
    for piece in bytes.chunks(chunk.max(1)) {
        parser.feed(piece);
    }
    let result = parser.finish();
    (result, state.facts())
}

fn parse(bytes: &[u8]) -> (RegSummary, RegistryFacts) {
    let (result, facts) = parse_chunked(bytes, usize::MAX);
    (result.expect("a valid export"), facts)
}

fn reg(lines: &[&str]) -> Vec<u8> {
    lines.join("\r\n").into_bytes()
}

#[test]
fn the_sample_yields_the_expected_facts() {
    let (summary, facts) = parse(&utf16le_bom(&sample()));
    assert_eq!(summary.encoding, RegEncoding::Utf16Le { bom: true });
    assert_eq!(summary.format, RegFormat::Version5);
    assert_eq!(summary.bad_line_count, 0, "{:?}", summary.bad_lines);
    assert_eq!(summary.lines, 35);
    assert_eq!(summary.keys_seen, 7);
    assert_eq!(summary.keys_kept, 4);
    assert_eq!(summary.other_keys, 3);

    assert_eq!(facts.enrollments.len(), 1, "Context is not an enrollment");
    let e = &facts.enrollments[0];
    assert_eq!(e.id, G1);
    assert!(e.is_intune());
    assert_eq!(
        e.dmp_cert_thumbprint.as_ref().map(|t| t.as_str()),
        Some(TP1)
    );
    assert_eq!(e.upn.as_deref(), Some("a@ex.com"));
    assert_eq!(e.enrollment_type, Some(6));
    assert_eq!(e.renew_error_code, Some(0));
    assert_eq!(
        e.ent_dmid.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert_eq!(
        e.cur_crypto_provider.as_deref(),
        Some("Microsoft Platform Crypto Provider")
    );

    let account = facts
        .omadm_account_for(e)
        .expect("account of the enrollment");
    assert_eq!(
        account
            .referenced_thumbprint()
            .map(|t| t.to_string())
            .as_deref(),
        Some(TP1)
    );

    let meta = facts.cert_metadata.expect("metadata");
    assert_eq!(meta.subject.as_deref(), Some("CN=\"quoted\" \\ device"));
    assert_eq!(meta.thumbprint.map(|t| t.to_string()).as_deref(), Some(TP1));
    // The later line for the same value wins.
    assert_eq!(
        meta.validated_at,
        MetadataTime::Readable {
            at: UtcTime::from_civil(2026, 11, 24, 8, 0, 0).unwrap(),
            nanos: 0,
        }
    );
}

#[test]
fn any_chunking_gives_the_same_result() {
    for bytes in [utf16le_bom(&sample()), sample().into_bytes()] {
        let (whole, whole_facts) = parse_chunked(&bytes, usize::MAX);
        let whole = whole.expect("valid");
        for chunk in [1, 2, 3, 5, 7, 13, 64, 4095] {
            let (summary, facts) = parse_chunked(&bytes, chunk);
            assert_eq!(summary.as_ref(), Ok(&whole), "chunk size {chunk}");
            assert_eq!(facts, whole_facts, "chunk size {chunk}");
        }
    }
}

#[test]
fn every_encoding_and_line_end_reads_the_same_facts() {
    let text = sample();
    let (_, want) = parse(&utf16le_bom(&text));
    let lf = text.replace("\r\n", "\n");
    let cr = text.replace("\r\n", "\r");
    let utf8_bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let cases: [(&[u8], RegEncoding); 5] = [
        (lf.as_bytes(), RegEncoding::Utf8 { bom: false }),
        (cr.as_bytes(), RegEncoding::Utf8 { bom: false }),
        (&utf8_bom, RegEncoding::Utf8 { bom: true }),
        (&utf16be, RegEncoding::Utf16Be { bom: true }),
        (text.as_bytes(), RegEncoding::Utf8 { bom: false }),
    ];
    for (bytes, encoding) in cases {
        let (summary, facts) = parse(bytes);
        assert_eq!(summary.encoding, encoding);
        assert_eq!(summary.lines, 35);
        assert_eq!(facts, want, "{encoding:?}");
    }
}

#[test]
fn regedit4_ansi_decodes_windows_1252_and_ansi_hex_strings() {
    let mut bytes = reg(&[
        "REGEDIT4",
        "",
        &format!("[{ENR}\\{G1}]"),
        "\"ProviderID\"=\"MS DM Server\"",
    ]);
    // "UPN"="J\x9Ar\x92n@x" with ANSI bytes (š = 0x9A, ’ = 0x92 in Windows-1252).
    bytes.extend_from_slice(b"\r\n\"UPN\"=\"J\x9Ar\x92n@x\"\r\n");
    // REG_EXPAND_SZ in a REGEDIT4 file is ANSI bytes: "C:\€".
    bytes.extend_from_slice(b"\"CurCryptoProvider\"=hex(2):43,3a,5c,80,00\r\n");
    let (summary, facts) = parse(&bytes);
    assert_eq!(summary.format, RegFormat::Regedit4);
    assert_eq!(summary.encoding, RegEncoding::Windows1252);
    let e = &facts.enrollments[0];
    assert_eq!(e.upn.as_deref(), Some("Jšr’n@x"));
    assert_eq!(e.cur_crypto_provider.as_deref(), Some("C:\\€"));
    // Plain ASCII REGEDIT4 is reported as ANSI too: that is what regedit wrote.
    let (summary, _) = parse(b"REGEDIT4\r\n");
    assert_eq!(summary.encoding, RegEncoding::Windows1252);
}

#[test]
fn files_that_are_not_exports_are_errors_that_say_why() {
    let parse_err = |bytes: &[u8]| parse_chunked(bytes, 3).0.unwrap_err();
    assert_eq!(parse_err(b""), RegError::Empty);
    assert_eq!(parse_err(b"W"), RegError::TooShort { len: 1 });
    assert_eq!(parse_err(&[0xFF, 0xFE]), RegError::TooShort { len: 2 });
    assert!(
        parse_err(b"R")
            .to_string()
            .contains("too short to be a registry export")
    );
    assert_eq!(parse_err(b"\r\n\r\n   \r\n\r\n"), RegError::Blank);

    let der = [0x30, 0x82, 0x03, 0x5A, 0x30, 0x82, 0x02, 0x42, 0xA0, 0x03];
    let message = parse_err(&der).to_string();
    assert!(message.contains("not a registry export"), "{message}");
    assert!(message.contains("30 82 03 5A"), "{message}");
    assert!(message.contains("DER certificate"), "{message}");

    let message = parse_err(b"-----BEGIN CERTIFICATE-----\nMIIB\n").to_string();
    assert!(message.contains("\"-----BEGIN CERTI"), "{message}");
    assert!(message.contains("PEM"), "{message}");

    let message = parse_err(&utf16le_bom("Hello there\r\n")).to_string();
    assert!(message.contains("\"Hello there"), "{message}");

    let mut odd = utf16le_bom("Windows Registry Editor Version 5.00\r\n");
    odd.push(0x5B);
    assert_eq!(parse_err(&odd), RegError::OddUtf16Length { len: 79 });
}

#[test]
fn a_large_file_without_line_ends_is_refused_early() {
    let mut state = RegistryState::new();
    let mut parser = state.parser();
    let junk = [b'A'; 4096];
    for _ in 0..256 {
        parser.feed(&junk);
    }
    assert!(parser.buffered_bytes() <= 4096);
    assert_eq!(parser.bytes_read(), 1 << 20);
    let error = parser.finish().unwrap_err();
    assert!(
        matches!(&error, RegError::NotRegistryExport { first_bytes, .. } if first_bytes.starts_with("\"AAAA")),
        "{error}"
    );
}

/// A refused first line is quoted the same however the file arrives. Found by fuzzing: with
/// Windows-1252 dashes the start passed the header's byte length early, and a chunked read
/// quoted a shorter start than a whole one.
#[test]
fn a_refused_first_line_is_quoted_the_same_in_any_chunking() {
    let bytes =
        b"W\x97\x91\x9b\x99ws Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\r\n";
    let whole = parse_chunked(bytes, usize::MAX).0.unwrap_err();
    for chunk in [1, 2, 3, 5, 8, 13, 64] {
        assert_eq!(
            parse_chunked(bytes, chunk).0.unwrap_err(),
            whole,
            "chunk size {chunk}"
        );
    }
    assert!(
        whole.to_string().contains(
            "but starts with \"W\u{2014}\u{2018}\u{203A}\u{2122}ws Registry Editor Version\""
        ),
        "{whole}"
    );
}

#[test]
fn a_file_that_fails_changes_nothing() {
    let mut state = RegistryState::new();
    parse_reg_bytes(&mut state, &utf16le_bom(&sample())).expect("valid");
    let before = state.clone();
    let mut truncated = utf16le_bom(&format!(
        "Windows Registry Editor Version 5.00\r\n[-{ENR}\\{G1}]\r\n"
    ));
    truncated.push(0);
    assert!(parse_reg_bytes(&mut state, &truncated).is_err());
    assert_eq!(state, before);
}

#[test]
fn garbage_lines_are_listed_and_the_rest_is_read() {
    let bytes = reg(&[
        "Windows Registry Editor Version 5.00",
        "\"orphan\"=\"before any key\"",
        &format!("[{ENR}\\{G1}]"),
        "\"ProviderID\"=\"MS DM Server\"",
        "this is garbage",
        "\"UPN\"=dword:xyz",
        "[not a root\\x]",
        "\"UPN\"=\"belongs to the bad key\"",
        &format!("[{ENR}\\{G1}]"),
        &format!("\"DMPCertThumbPrint\"=\"{TP1}\""),
        "\u{1}\u{2}binary junk",
    ]);
    let (summary, facts) = parse(&bytes);
    let lines: Vec<u64> = summary.bad_lines.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![2, 5, 6, 7, 11]);
    assert_eq!(summary.bad_line_count, 5);
    assert_eq!(summary.bad_lines[0].reason, "a value before any [key] line");
    assert_eq!(summary.bad_lines[1].excerpt, "this is garbage");
    assert!(summary.bad_lines[2].reason.contains("dword"));
    let e = &facts.enrollments[0];
    assert!(e.is_intune());
    assert_eq!(e.upn, None, "the bad key's value is not the enrollment's");
    assert_eq!(
        e.dmp_cert_thumbprint.as_ref().map(|t| t.as_str()),
        Some(TP1)
    );
}

#[test]
fn bad_lines_are_counted_beyond_the_listed_ones() {
    let mut text = String::from("REGEDIT4\n");
    for _ in 0..120 {
        text.push_str("garbage\n");
    }
    let (summary, _) = parse(text.as_bytes());
    assert_eq!(summary.bad_line_count, 120);
    assert_eq!(summary.bad_lines.len(), MAX_LISTED_BAD_LINES);
    assert_eq!(summary.bad_lines.last().map(|b| b.line), Some(51));
}

#[test]
fn over_long_lines_are_bad_lines_and_do_not_break_the_key() {
    let long_hex = vec!["00"; 400].join(",");
    let text = format!(
        "REGEDIT4\n[{ENR}\\{G1}]\n\"Blob\"=hex:{long_hex}\n\"ProviderID\"=\"MS DM Server\"\n"
    );
    let mut state = RegistryState::new();
    let mut parser = state.parser().with_max_line_bytes(256);
    parser.feed(text.as_bytes());
    let summary = parser.finish().expect("valid");
    assert_eq!(summary.bad_line_count, 1);
    assert_eq!(summary.bad_lines[0].line, 3);
    assert_eq!(
        summary.bad_lines[0].reason,
        "the line is longer than 256 bytes; skipped"
    );
    assert!(state.facts().enrollments[0].is_intune());
}

#[test]
fn a_file_without_line_ends_stays_within_the_line_limit() {
    let mut state = RegistryState::new();
    let mut parser = state.parser().with_max_line_bytes(4096);
    parser.feed(b"REGEDIT4\n");
    let junk = [b'x'; 1 << 16];
    for _ in 0..64 {
        parser.feed(&junk);
        assert!(parser.buffered_bytes() <= 4096);
    }
    let summary = parser.finish().expect("valid header");
    assert_eq!(summary.bad_line_count, 1);
    assert_eq!(summary.lines, 2);
}

#[test]
fn deletions_remove_keys_and_values_within_a_file() {
    let bytes = reg(&[
        "Windows Registry Editor Version 5.00",
        &format!("[{ENR}\\{G1}]"),
        "\"ProviderID\"=\"MS DM Server\"",
        "\"UPN\"=\"a@x\"",
        &format!("[{ENR}\\{G1}\\DMClient\\MS DM Server]"),
        "\"EntDMID\"=\"dev\"",
        &format!("[{ENR}\\{G2}]"),
        "\"ProviderID\"=\"MS DM Server\"",
        &format!("[-{ENR}\\{G2}]"),
        &format!("[{ENR}\\{G1}]"),
        "\"UPN\"=-",
        &format!("[-{ENR}\\{G1}\\DMClient]"),
        &format!("[{META}]"),
        &format!("\"Thumbprint\"=\"{TP1}\""),
        "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension]",
    ]);
    let (summary, facts) = parse(&bytes);
    assert_eq!(summary.deleted_keys, 3);
    assert_eq!(facts.enrollments.len(), 1);
    let e = &facts.enrollments[0];
    assert_eq!(e.id, G1);
    assert_eq!(e.upn, None);
    assert_eq!(e.ent_dmid, None);
    assert_eq!(facts.cert_metadata, None);
}

#[test]
fn several_files_apply_in_order_and_per_file_states_combine_the_same_way() {
    let first = reg(&[
        "Windows Registry Editor Version 5.00",
        &format!("[{ENR}\\{G1}]"),
        "\"ProviderID\"=\"MS DM Server\"",
        &format!("\"DMPCertThumbPrint\"=\"{TP1}\""),
        "\"UPN\"=\"a@x\"",
        &format!("[{ENR}\\{G2}]"),
        "\"ProviderID\"=\"MS DM Server\"",
        &format!("[{META}]"),
        &format!("\"Thumbprint\"=\"{TP1}\""),
    ]);
    let second = reg(&[
        "REGEDIT4",
        &format!("[-{ENR}\\{G2}]"),
        &format!("[{ENR}\\{G1}]"),
        &format!("\"DMPCertThumbPrint\"=\"{TP2}\""),
        "\"UPN\"=-",
        &format!("[{META}]"),
        "\"Thumbprint\"=-",
    ]);
    let mut sequential = RegistryState::new();
    parse_reg_bytes(&mut sequential, &first).expect("first");
    parse_reg_bytes(&mut sequential, &second).expect("second");
    let facts = sequential.facts();
    assert_eq!(facts.enrollments.len(), 1);
    let e = &facts.enrollments[0];
    assert_eq!(
        e.dmp_cert_thumbprint.as_ref().map(|t| t.as_str()),
        Some(TP2)
    );
    assert_eq!(e.upn, None);
    assert!(e.is_intune());
    assert_eq!(facts.cert_metadata, None);

    let (mut a, mut b) = (RegistryState::new(), RegistryState::new());
    parse_reg_bytes(&mut a, &first).expect("first");
    parse_reg_bytes(&mut b, &second).expect("second");
    let mut combined = RegistryState::new();
    combined.apply(&a);
    combined.apply(&b);
    assert_eq!(combined.facts(), facts);
}

#[test]
fn concatenated_exports_and_stray_nuls_are_tolerated() {
    let mut text = sample();
    text.push_str("\r\nWindows Registry Editor Version 5.00\r\n\r\n");
    text.push_str(&format!(
        "[{ENR}\\{G2}]\r\n\"ProviderID\"=\"Other\"\r\n\0\0"
    ));
    let (summary, facts) = parse(&utf16le_bom(&text));
    assert_eq!(summary.bad_line_count, 0, "{:?}", summary.bad_lines);
    assert_eq!(facts.enrollments.len(), 2);
    assert!(!facts.enrollments[1].is_intune());
}

#[test]
fn metadata_time_formats_through_files() {
    let file = |value: &str| {
        let text = format!("REGEDIT4\n[{META}]\n\"ValidatedTime\"={value}\n");
        parse(text.as_bytes())
            .1
            .cert_metadata
            .expect("metadata")
            .validated_at
    };
    let at = |y, mo, d, h| MetadataTime::Readable {
        at: UtcTime::from_civil(y, mo, d, h, 0, 0).unwrap(),
        nanos: 0,
    };
    assert_eq!(
        file("\"2026-11-24T08:00:00.0000000Z\""),
        at(2026, 11, 24, 8)
    );
    assert_eq!(file("\"2026-11-24T08:00:00\""), at(2026, 11, 24, 8));
    assert_eq!(file("\"11/24/2026 08:00:00\""), at(2026, 11, 24, 8));
    // 2026-11-24T08:00:00Z as .NET ticks (0x08de29e0aa83c000) and as FILETIME.
    let ticks: u64 = 621_355_968_000_000_000 + 1_795_507_200 * 10_000_000;
    let filetime: u64 = 116_444_736_000_000_000 + 1_795_507_200 * 10_000_000;
    let hex = |n: u64| {
        n.to_le_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(file(&format!("hex(b):{}", hex(ticks))), at(2026, 11, 24, 8));
    assert_eq!(
        file(&format!("hex(b):{}", hex(filetime))),
        at(2026, 11, 24, 8)
    );
    assert_eq!(file(&format!("qword:{ticks:016x}")), at(2026, 11, 24, 8));
    assert_eq!(
        file("\"last tuesday\""),
        MetadataTime::Unreadable {
            raw: "last tuesday".into()
        }
    );
}

#[test]
fn looks_like_reg_sniffs_every_encoding() {
    assert!(looks_like_reg(&utf16le_bom(&sample())));
    assert!(looks_like_reg(sample().as_bytes()));
    assert!(looks_like_reg(b"\xEF\xBB\xBFREGEDIT4\r\n"));
    assert!(looks_like_reg(b"regedit4"));
    assert!(!looks_like_reg(b"R"));
    assert!(!looks_like_reg(b""));
    assert!(!looks_like_reg(b"-----BEGIN CERTIFICATE-----"));
    assert!(!looks_like_reg(&[0x30, 0x82, 0x01, 0x00]));
}

/// Streams a generated UTF-16LE export of `keys` ordinary keys (about 800 bytes each) through the
/// parser in odd-sized chunks, never holding the file, and checks counts and flat memory.
fn stream_generated_export(keys: u64) {
    const OTHER_KEY: &str = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID\\{00000000-0000-0000-0000-NNNNNNNNNNNN}]\r\n\
@=\"Some COM component with a long descriptive name\"\r\n\
\"InprocServer32\"=\"C:\\\\Windows\\\\System32\\\\component.dll\"\r\n\
\"Flags\"=dword:00000001\r\n\
\"Data\"=hex:01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,17,\\\r\n\
  18,19,1a,1b,1c,1d,1e,1f,20\r\n\
\"Path\"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,74,00,25,00,00,00\r\n\
\r\n";
    const LINES_PER_KEY: u64 = 8;
    let kept = format!(
        "[{ENR}\\{G1}]\r\n\"ProviderID\"=\"MS DM Server\"\r\n\"DMPCertThumbPrint\"=\"{TP1}\"\r\n\r\n"
    );
    let meta = format!("[{META}]\r\n\"Thumbprint\"=\"{TP1}\"\r\n\r\n");
    let account = format!("[{OMADM}\\{G1}]\r\n\"ServerVer\"=\"4.0\"\r\n");
    let header = "Windows Registry Editor Version 5.00\r\n\r\n";

    let utf16 =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    // The ordinary key is encoded once; each copy only gets its 12-digit number patched in.
    let mut key_bytes = utf16(OTHER_KEY);
    let digits_at = OTHER_KEY.find("NNNNNNNNNNNN").map_or(0, |at| at * 2);

    let mut state = RegistryState::new();
    let mut parser = state.parser();
    let mut pending: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut total_bytes = 0u64;
    let mut max_buffered = 0usize;
    // An odd chunk size splits code units, CRLFs and lines everywhere.
    const CHUNK: usize = 65_537;
    let mut push = |bytes: &[u8], parser: &mut RegParser<'_>, flush: bool| {
        pending.extend_from_slice(bytes);
        let mut start = 0;
        while pending.len() - start >= CHUNK || (flush && start < pending.len()) {
            let end = (start + CHUNK).min(pending.len());
            parser.feed(&pending[start..end]);
            total_bytes += (end - start) as u64;
            start = end;
            max_buffered = max_buffered.max(parser.buffered_bytes());
        }
        pending.drain(..start);
    };
    push(
        &utf16(&format!("\u{FEFF}{header}{kept}")),
        &mut parser,
        false,
    );
    let mut lines = 2 + 4;
    for n in 0..keys {
        if n == keys / 2 {
            push(
                &utf16(&format!("{meta}garbage in the middle\r\n")),
                &mut parser,
                false,
            );
            lines += 4;
        }
        let mut rest = n;
        for i in (0..12).rev() {
            if let Some(unit) = key_bytes.get_mut(digits_at + 2 * i) {
                *unit = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
        }
        push(&key_bytes, &mut parser, false);
        lines += LINES_PER_KEY;
    }
    push(&utf16(&account), &mut parser, true);
    lines += 2;
    let garbage_line = 2 + 4 + (keys / 2) * LINES_PER_KEY + 3 + 1;

    let summary = parser.finish().expect("valid export");
    assert_eq!(summary.bytes, total_bytes);
    assert_eq!(summary.lines, lines);
    assert_eq!(summary.keys_seen, keys + 3);
    assert_eq!(summary.keys_kept, 3);
    assert_eq!(summary.other_keys, keys);
    assert_eq!(summary.bad_line_count, 1, "{:?}", summary.bad_lines);
    assert_eq!(summary.bad_lines[0].line, garbage_line);
    // Flat memory: the line buffer never outgrew one ordinary line, and only three keys were kept.
    assert!(
        max_buffered <= 1024,
        "line buffer grew to {max_buffered} bytes"
    );
    assert_eq!(state.kept_key_count(), 3);
    let facts = state.facts();
    assert!(facts.enrollments[0].is_intune());
    assert_eq!(facts.omadm_accounts[0].server_ver.as_deref(), Some("4.0"));
    assert!(facts.cert_metadata.is_some());
}

/// About 200 MB; some 12 s in a debug build, well under a second in release.
#[test]
fn streams_a_200_mb_export_with_flat_memory() {
    stream_generated_export(200 * 1024 * 1024 / 800);
}

#[test]
fn a_kept_value_too_long_to_be_real_is_a_bad_line() {
    let long = "x".repeat(MAX_KEPT_VALUE_LINE_BYTES);
    let bytes = reg(&[
        "REGEDIT4",
        &format!("[{ENR}\\{G1}]"),
        &format!("\"UPN\"=\"{long}\""),
        "\"ProviderID\"=\"MS DM Server\"",
        // The same length in a value nobody reads is fine.
        &format!("\"Other\"=\"{long}\""),
    ]);
    let (summary, facts) = parse(&bytes);
    assert_eq!(summary.bad_line_count, 1);
    assert_eq!(summary.bad_lines[0].line, 3);
    assert!(
        summary.bad_lines[0]
            .reason
            .contains("\"UPN\" is longer than 8 KiB")
    );
    assert_eq!(facts.enrollments[0].upn, None);
    assert!(facts.enrollments[0].is_intune());
}

#[test]
fn kept_keys_beyond_the_limit_are_bad_lines() {
    let mut text = String::from("REGEDIT4\n");
    for n in 0..=MAX_KEPT_KEYS {
        text.push_str(&format!(
            "[{ENR}\\{n:032x}]\n\"ProviderID\"=\"MS DM Server\"\n"
        ));
    }
    let (summary, facts) = parse(text.as_bytes());
    assert_eq!(facts.enrollments.len(), MAX_KEPT_KEYS);
    assert_eq!(summary.bad_line_count, 1);
    assert_eq!(summary.keys_kept, MAX_KEPT_KEYS as u64);
    assert_eq!(summary.other_keys, 1);
}

/// Every value of the enrollment key in `escapes.reg` (escaped quotes and backslashes in names
/// and strings, `@`, multi-strings with continuation lines, a QWORD) decodes to what the
/// manifest says. Goes below the public API, which keeps only the values the facts use.
#[test]
fn the_escapes_fixture_decodes_every_value_as_the_manifest_says() {
    use super::lexer::{Line, parse_line};
    use super::lines::LineAssembler;

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(dir.join("reg/escapes.reg")).expect("escapes.reg");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest is JSON");
    let entry = &manifest["reg"]["reg/escapes.reg"];
    let guid = entry["enrollments"][0]["guid"]
        .as_str()
        .expect("enrollment guid");

    let (text, _) = decode::decode_prefix(&bytes);
    let mut assembler = LineAssembler::new(DEFAULT_MAX_LINE_BYTES);
    let mut logical = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let took = assembler.push_text(rest);
        rest = &rest[took..];
        if assembler.is_ready() {
            logical.push(assembler.take().text.to_string());
        }
    }
    let mut values = std::collections::BTreeMap::new();
    let mut in_enrollment = false;
    for line in &logical {
        match parse_line(line) {
            Ok(Line::Key(path)) => in_enrollment = path.ends_with(&format!("Enrollments\\{guid}")),
            Ok(Line::Value(v)) if in_enrollment => {
                let value =
                    RegValue::from_raw(&v.data, RegFormat::Version5).expect("not a deletion");
                values.insert(v.name.unescaped().into_owned(), value);
            }
            Ok(_) => {}
            Err(problem) => panic!("{line:?}: {problem}"),
        }
    }
    let expected = entry["values"].as_object().expect("values");
    assert!(!expected.is_empty());
    for (name, want) in expected {
        let name = if name == "@" { "" } else { name.as_str() };
        let want = match want {
            serde_json::Value::String(s) => RegValue::Sz(s.clone()),
            serde_json::Value::Array(items) => RegValue::MultiSz(
                items
                    .iter()
                    .map(|i| i.as_str().unwrap_or_default().to_string())
                    .collect(),
            ),
            serde_json::Value::Number(n) => RegValue::Qword(n.as_u64().expect("qword")),
            other => panic!("unexpected manifest value {other}"),
        };
        assert_eq!(values.get(name), Some(&want), "value {name:?}");
    }
}
