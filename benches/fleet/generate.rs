//! A synthetic fleet with a realistic mix, as the admin center's Remediation export (CSV) writes
//! it: one row per device, the facts token in the output column.
//!
//! The mix (per 100 devices): 62 healthy (one MDM certificate, enrolled, fresh `CertMetadata`,
//! the log agreeing), 10 with two certificates after a tenant move (the enrollment names the new
//! one), 6 with an expired certificate beside a valid one, 4 with only an expired one, 5 whose key
//! is gone after a TPM clear, 6 inside the renewal window, 5 on a tenant that is not flighted
//! with two certificates, and 2 rows whose detection failed (no token). Every device also holds
//! 0-3 other certificates (counted, not carried). Deterministic for a given count.

use ime_cert_inspector::ingest::facts::{
    Facts, FactsAccount, FactsCert, FactsEnrollment, FactsLog, FactsLogEvent, FactsMetadata,
    OtherCerts, base64_standard, pack,
};
use ime_cert_inspector::utc::UtcTime;

/// 2026-11-24T09:00:00Z: every device is collected in the hour after.
pub const COLLECTED_FROM: i64 = 1_795_510_800;
/// The Intune account every flighted device belongs to (`--flighted` it when benchmarking).
pub const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
const DAY: i64 = 86_400;

pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        out[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        out
    }

    fn thumbprint(&mut self) -> String {
        format!(
            "{:016X}{:016X}{:08X}",
            self.next_u64(),
            self.next_u64(),
            self.next_u64() as u32
        )
    }
}

fn guid_text(b: &[u8; 16]) -> String {
    // .NET byte order, as Windows shows the extension's GUID.
    format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[3],
        b[2],
        b[1],
        b[0],
        b[5],
        b[4],
        b[7],
        b[6],
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    )
}

fn octet(b: &[u8; 16]) -> String {
    let mut v = vec![0x04, 0x10];
    v.extend_from_slice(b);
    base64_standard(&v)
}

fn account_a() -> [u8; 16] {
    [
        0xA4, 0xC1, 0xE3, 0xB7, 0x6D, 0x2F, 0x8B, 0x4E, 0x9A, 0x1C, 0x3D, 0x5E, 0x7F, 0x9B, 0x1C,
        0x2D,
    ]
}

/// An MDM certificate of `device` for `account`, valid `from` → `from + 365 d`.
fn mdm(
    rng: &mut SplitMix,
    device: &[u8; 16],
    account: &[u8; 16],
    from: i64,
    key: &str,
) -> FactsCert {
    let mut x = std::collections::BTreeMap::new();
    x.insert("5.4".to_string(), base64_standard(device));
    x.insert("5.6".to_string(), octet(account));
    x.insert("5.10".to_string(), octet(&rng.bytes16()));
    x.insert("5.14".to_string(), octet(&rng.bytes16()));
    FactsCert {
        t: rng.thumbprint(),
        nd: false,
        s: Some(guid_text(device)),
        i: Some("Microsoft Intune MDM Device CA".into()),
        issuer_dn: None,
        nb: from,
        na: from + 365 * DAY,
        st: "m".into(),
        k: Some(key.into()),
        kp: Some("Microsoft Platform Crypto Provider".into()),
        x,
    }
}

/// One device's row: (name, Intune device ID, output, error).
pub fn device(index: u64) -> (String, String, String, String) {
    let mut rng = SplitMix::new(index.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let name = format!("WS-{index:07}");
    let device = rng.bytes16();
    let id = guid_text(&device);
    let at = COLLECTED_FROM + rng.below(3600) as i64;
    let kind = rng.below(100);
    if kind >= 98 {
        return (
            name,
            id,
            String::new(),
            "Script timed out after 3600 seconds".into(),
        );
    }
    let a = account_a();
    let other_account = rng.bytes16();
    let recent = at - (30 + rng.below(200) as i64) * DAY;
    let mut certs = Vec::new();
    let mut enrolled = 0usize;
    match kind {
        0..=61 => certs.push(mdm(&mut rng, &device, &a, recent, "p")),
        62..=71 => {
            // Tenant move: the old account's certificate stays beside the new one.
            certs.push(mdm(
                &mut rng,
                &device,
                &other_account,
                recent - 200 * DAY,
                "p",
            ));
            certs.push(mdm(&mut rng, &device, &a, recent, "p"));
            enrolled = 1;
        }
        72..=77 => {
            certs.push(mdm(&mut rng, &device, &a, at - 400 * DAY, "p"));
            certs.push(mdm(&mut rng, &device, &a, recent, "p"));
            enrolled = 1;
        }
        78..=81 => certs.push(mdm(&mut rng, &device, &a, at - 380 * DAY, "p")),
        82..=86 => certs.push(mdm(&mut rng, &device, &a, recent, "a")),
        87..=92 => certs.push(mdm(&mut rng, &device, &a, at - 300 * DAY, "p")),
        _ => {
            certs.push(mdm(
                &mut rng,
                &device,
                &other_account,
                recent - 20 * DAY,
                "p",
            ));
            certs.push(mdm(&mut rng, &device, &other_account, recent, "p"));
        }
    }
    let named = certs[enrolled].t.clone();
    let enrollment = rng.bytes16();
    let key = format!("{{{}}}", guid_text(&enrollment).to_uppercase());
    let facts = Facts {
        dev: Some(name.clone()),
        at: Some(at),
        tz: Some(60),
        c: certs,
        o: Some(OtherCerts {
            m: rng.below(4) as u32,
            u: 0,
            x: 0,
        }),
        e: vec![FactsEnrollment {
            k: key.clone(),
            p: Some("MS DM Server".into()),
            d: Some(named.clone()),
            id: Some(id.clone()),
            r: Some(0),
            ty: Some(6),
        }],
        a: vec![FactsAccount {
            k: key,
            reference: Some(format!("MY;System;{named}")),
        }],
        m: Some(FactsMetadata {
            t: Some(named.clone()),
            v: Some(UtcTime(at - rng.below(30 * 3600) as i64).to_rfc3339()),
            vr: None,
            s: Some(format!("CN={id}")),
        }),
        l: Some(FactsLog {
            v: Some("1.93.102.0".into()),
            acc: Some(ACCOUNT_A.into()),
            dev: Some(id.clone()),
            s: Some(FactsLogEvent {
                t: Some(named),
                lt: Some("2026-11-24T09:12:03.1230000".into()),
                f: Some("IntuneManagementExtension.log".into()),
                ..FactsLogEvent::default()
            }),
            ..FactsLog::default()
        }),
        ..Facts::new()
    };
    let json = serde_json::to_vec(&facts).unwrap_or_default();
    (name, id, pack(&json), String::new())
}

fn cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The admin center's CSV of `count` devices, written to `out`.
pub fn write_csv(count: u64, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF\"Device name\",\"Device ID\",\"UPN\",\"Detection status\",\"Pre-remediation detection output\",\"Pre-remediation detection error\"\r\n")?;
    for i in 0..count {
        let (name, id, output, error) = device(i);
        let status = if output.is_empty() {
            "Failed"
        } else {
            "Without issues"
        };
        writeln!(
            out,
            "{},{},{},{},{},{}\r",
            cell(&name),
            cell(&id),
            cell(&format!("user{i}@contoso.com")),
            cell(status),
            cell(&output),
            cell(&error)
        )?;
    }
    Ok(())
}
