//! Test-only builders for the spec's *Worked scenarios*, shared by the tests of every layer
//! (issue 13: the engine, graph and share tests each built the same certificates and rows, and
//! the copies could drift apart). Certificates are built from facts, not files: a name (hashed
//! into the thumbprint), a validity and the Intune account ID they carry, if any.
//!
//! The certificates here carry only what the engine reads; `share::samples` dresses the same
//! ones as a real export holds them, and builds the same rows from them through [`Cast`].

use super::{
    CertFacts, CertMetadata, Certificate, Enrollment, GatewayVerdict, GuidShape, GuidValue,
    KeyPresence, MetadataTime, Scenario, Store, Thumbprint,
};
use crate::guid::Guid;
use crate::utc::{HOUR, UtcTime};

/// The Intune account ID of the worked certificates (the one the rows flight).
pub const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
/// Another Intune account, for mixed-account cases.
pub const ACCOUNT_B: &str = "0d4f8e2a-6c1b-4a9e-8f3d-5b7c9e1a2f4b";
pub const INTUNE_CA: &str = "CN=Microsoft Intune MDM Device CA";

pub fn at(text: &str) -> UtcTime {
    UtcTime::parse_rfc3339(text).unwrap()
}

pub fn guid(text: &str) -> Guid {
    text.parse().unwrap()
}

/// One of the worked certificates: its name (hashed into the thumbprint), its validity (dates,
/// from midnight UTC) and the Intune account ID it carries (none: not an MDM certificate).
#[derive(Clone, Copy, Debug)]
pub struct CertSpec {
    pub name: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub account: Option<&'static str>,
}

/// Expired before the rows are judged.
pub const M0: CertSpec = CertSpec {
    name: "M0",
    from: "2025-10-01",
    to: "2026-10-01",
    account: Some(ACCOUNT_A),
};
pub const M1: CertSpec = CertSpec {
    name: "M1",
    from: "2026-03-01",
    to: "2027-03-01",
    account: Some(ACCOUNT_A),
};
/// The newest.
pub const M2: CertSpec = CertSpec {
    name: "M2",
    from: "2026-09-01",
    to: "2027-09-01",
    account: Some(ACCOUNT_A),
};
/// Without the Intune OID.
pub const X: CertSpec = CertSpec {
    name: "X",
    from: "2026-01-01",
    to: "2027-01-01",
    account: None,
};

impl CertSpec {
    /// The certificate with only the facts the engine reads (see [`cert`]).
    pub fn cert(self) -> Certificate {
        cert(self.name, self.from, self.to, self.account)
    }
}

/// A certificate with the facts the engine reads and nothing more: subject `CN=<name>`, issued
/// by the Intune CA, in `LocalMachine\My` with its key present, read from `<name>.cer`.
pub fn cert(name: &str, from: &str, to: &str, account: Option<&str>) -> Certificate {
    Certificate {
        facts: CertFacts {
            thumbprint: Thumbprint::of_der(name.as_bytes()),
            subject: format!("CN={name}"),
            issuer: INTUNE_CA.into(),
            serial: "01".into(),
            not_before: at(&format!("{from}T00:00:00Z")),
            not_after: at(&format!("{to}T00:00:00Z")),
            account_id: account.map(|a| GuidValue::Decoded {
                guid: guid(a),
                shape: GuidShape::OctetString,
            }),
            device_id: None,
        },
        store: Store::LocalMachineMy,
        private_key: KeyPresence::Present,
        sources: vec![format!("{name}.cer")],
        key_provider: None,
        key_note: None,
    }
}

pub fn m0() -> Certificate {
    M0.cert()
}
pub fn m1() -> Certificate {
    M1.cert()
}
pub fn m2() -> Certificate {
    M2.cert()
}
pub fn x() -> Certificate {
    X.cert()
}

pub fn tp(c: &Certificate) -> Thumbprint {
    c.facts.thumbprint.clone()
}

/// `certs`, in order, judged at 2026-11-24 10:00 UTC with the default assumptions.
pub fn scenario(certs: &[Certificate]) -> Scenario {
    let mut s = Scenario::new(at("2026-11-24T10:00:00Z"));
    for c in certs {
        s.add_certificate(c.clone());
    }
    s
}

/// An Intune enrollment naming `named` (`DMPCertThumbPrint`), and nothing else.
pub fn enrol(s: &mut Scenario, named: &Certificate) {
    s.registry.enrollments.push(Enrollment {
        id: "{11111111-2222-3333-4444-555555555555}".into(),
        provider_id: Some("MS DM Server".into()),
        dmp_cert_thumbprint: Some(tp(named)),
        ..Enrollment::default()
    });
}

/// `CertMetadata` naming `named`, validated `hours_ago` before the scenario is judged.
pub fn meta(s: &mut Scenario, named: &Certificate, hours_ago: i64) {
    s.registry.cert_metadata = Some(CertMetadata {
        subject: Some(named.facts.subject.clone()),
        thumbprint: Some(tp(named)),
        thumbprint_raw: None,
        validated_at: MetadataTime::Readable {
            at: s.evaluated_at.plus_seconds(-hours_ago * HOUR),
            nanos: 0,
        },
    });
}

/// Puts account A in the agent's flight list.
pub fn flight(s: &mut Scenario) {
    s.assumptions.flighted_accounts.push(guid(ACCOUNT_A));
}

/// The rows of the spec's *Worked scenarios* table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
}

impl Row {
    pub const ALL: [Row; 10] = [
        Row::R1,
        Row::R2,
        Row::R3,
        Row::R4,
        Row::R5,
        Row::R6,
        Row::R7,
        Row::R8,
        Row::R9,
        Row::R10,
    ];

    /// The row's number in the spec's table.
    pub fn number(self) -> &'static str {
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"][self as usize]
    }
}

/// The certificates and the enrollment a row is built from: [`Cast::bare`] here, dressed as a
/// real export holds them in `share::samples`.
pub struct Cast {
    pub m0: Certificate,
    pub m1: Certificate,
    pub m2: Certificate,
    pub x: Certificate,
    pub enrol: fn(&mut Scenario, &Certificate),
}

impl Cast {
    pub fn bare() -> Cast {
        Cast {
            m0: m0(),
            m1: m1(),
            m2: m2(),
            x: x(),
            enrol,
        }
    }
}

/// The scenario of a row, from the bare certificates.
pub fn worked(row: Row) -> Scenario {
    worked_with(row, &Cast::bare())
}

/// The scenario of a row, from `cast`'s certificates. The spec's table: M1 (row 1), X (9), M0
/// and M1 (10), else M1 and M2; the enrollment names M1 in rows 2, 3, 5, 6, 7; account A is
/// flighted in 3, 4, 5, 6, 8; row 5 rejects M1; CertMetadata names M1, 2 h old in 6 and 7,
/// 30 h old in 8.
pub fn worked_with(row: Row, cast: &Cast) -> Scenario {
    use Row::*;
    let mut s = match row {
        R1 => scenario(std::slice::from_ref(&cast.m1)),
        R9 => scenario(std::slice::from_ref(&cast.x)),
        R10 => scenario(&[cast.m0.clone(), cast.m1.clone()]),
        _ => scenario(&[cast.m1.clone(), cast.m2.clone()]),
    };
    if matches!(row, R2 | R3 | R5 | R6 | R7) {
        (cast.enrol)(&mut s, &cast.m1);
    }
    if matches!(row, R3 | R4 | R5 | R6 | R8) {
        flight(&mut s);
    }
    if row == R5 {
        let rejected = tp(&cast.m1);
        s.assumptions
            .overrides
            .insert(rejected, GatewayVerdict::Reject);
    }
    match row {
        R6 | R7 => meta(&mut s, &cast.m1, 2),
        R8 => meta(&mut s, &cast.m1, 30),
        _ => {}
    }
    s
}
