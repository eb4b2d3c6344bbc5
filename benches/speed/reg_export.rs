//! A generated registry export that looks like what `regedit` writes for a large hive: UTF-16LE
//! with a BOM, CRLF line ends, many keys, string/DWORD/QWORD values and long binary values
//! wrapped over `\` continuation lines (`hex:`, `hex(2):`, `hex(7):`).
//!
//! Why generated and not committed: a 100 MB (or 1 GB) fixture has no place in git, and a seeded
//! generator gives the same bytes on every machine, natively and in the browser harness (which
//! includes this file by path), so the two throughput figures read the same input.
//!
//! The Intune keys the inspector keeps (`Enrollments`, `OMADM\Accounts`, `CertMetadata`) come
//! first, as in a real export of `HKLM\SOFTWARE`; the rest is the kind of bulk the parser must
//! read, validate and forget.

/// The Intune part of the export: one enrollment, its OMA-DM account and the cert-picker state.
const INTUNE_KEYS: &str = "\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\8E5B4A2C-1F3D-4B6E-9A7C-2D4F6B8E0A1C]\r\n\
\"ProviderID\"=\"MS DM Server\"\r\n\
\"DMPCertThumbPrint\"=\"4EE6698A33602B7703F34C369DF78921E44D4496\"\r\n\
\"AADTenantID\"=\"72f988bf-86f1-41af-91ab-2d7cd011db47\"\r\n\
\"UPN\"=\"admin@contoso.com\"\r\n\
\"EnrollmentState\"=dword:00000001\r\n\
\"EnrollmentType\"=dword:00000006\r\n\
\"EntDMID\"=\"5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e\"\r\n\
\"CurCryptoProvider\"=\"Microsoft Platform Crypto Provider\"\r\n\
\"RenewErrorCode\"=dword:00000000\r\n\
\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata]\r\n\
\"Subject\"=\"CN=5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e\"\r\n\
\"Thumbprint\"=\"4EE6698A33602B7703F34C369DF78921E44D4496\"\r\n\
\"ValidatedTime\"=\"2026-11-24T08:00:00.0000000Z\"\r\n\
\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Provisioning\\OMADM\\Accounts\\8E5B4A2C-1F3D-4B6E-9A7C-2D4F6B8E0A1C]\r\n\
\"Addr\"=\"https://r.manage.microsoft.com/devicegatewayproxy/cimhandler.ashx\"\r\n\
\"ServerVer\"=\"4.0\"\r\n\
\"SslClientCertReference\"=\"MY;System;4EE6698A33602B7703F34C369DF78921E44D4496\"\r\n\
\r\n";

/// The first line of every export regedit 5 writes.
const HEADER: &str = "Windows Registry Editor Version 5.00\r\n\r\n";

/// regedit wraps binary values so that no line is longer than 80 columns.
const WRAP_COLUMN: usize = 77;

/// Product and component names, so string values are not all alike.
const NAMES: [&str; 8] = [
    "Microsoft Visual C++ 2019 X64 Minimum Runtime - 14.29.30133",
    "Windows Defender Advanced Threat Protection",
    "Contoso Line-of-Business Agent",
    "Microsoft Edge WebView2 Runtime",
    "Intune Management Extension",
    "Microsoft Update Health Tools",
    "Office 16 Click-to-Run Extensibility Component",
    "Teams Machine-Wide Installer",
];

/// Deterministic bytes from a seed (SplitMix64): no `rand` dependency, same stream everywhere.
#[derive(Clone, Debug)]
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

    /// A value in `0..bound` (`bound` > 0; a modulo bias is irrelevant here).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    fn guid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// Writes one key after another; see the module docs.
#[derive(Clone, Debug)]
pub struct ExportGenerator {
    rng: SplitMix,
    keys: u64,
}

impl ExportGenerator {
    pub fn new(seed: u64) -> Self {
        ExportGenerator {
            rng: SplitMix::new(seed),
            keys: 0,
        }
    }

    /// How many bulk keys [`Self::push_key`] has written.
    pub fn keys_written(&self) -> u64 {
        self.keys
    }

    /// The header and the Intune keys: what comes before the bulk.
    pub fn preamble() -> String {
        format!("{HEADER}{INTUNE_KEYS}")
    }

    /// Appends one key with 2–9 values and the blank line after it. Keys cycle through the
    /// shapes a hive export is made of: COM classes, installer products, services.
    pub fn push_key(&mut self, out: &mut String) {
        self.keys = self.keys.wrapping_add(1);
        let guid = self.rng.guid();
        let short = guid.get(..8).unwrap_or(&guid).to_string();
        let name = NAMES
            .get(usize::try_from(self.rng.below(NAMES.len() as u64)).unwrap_or(0))
            .copied()
            .unwrap_or("Contoso");
        match self.keys % 3 {
            0 => {
                out.push_str(&format!(
                    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID\\{{{guid}}}\\InprocServer32]\r\n"
                ));
                let dll = format!("%SystemRoot%\\System32\\{short}.dll");
                out.push_str(&format!(
                    "@=\"C:\\\\Windows\\\\System32\\\\{short}.dll\"\r\n"
                ));
                self.push_hex(out, "\"ExpandedPath\"", "hex(2)", &utf16z(&[&dll]));
                out.push_str("\"ThreadingModel\"=\"Both\"\r\n");
            }
            1 => {
                let product = guid.replace('-', "");
                out.push_str(&format!(
                    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\Products\\{product}\\InstallProperties]\r\n"
                ));
                out.push_str(&format!("\"DisplayName\"=\"{name}\"\r\n"));
                out.push_str(&format!(
                    "\"InstallSource\"=\"C:\\\\ProgramData\\\\Package Cache\\\\{{{guid}}}v14.29\\\\\"\r\n"
                ));
                out.push_str(&format!(
                    "\"EstimatedSize\"=dword:{:08x}\r\n",
                    self.rng.below(1 << 20)
                ));
                out.push_str(&format!(
                    "\"InstallDate\"=\"2026{:02}{:02}\"\r\n",
                    1 + self.rng.below(12),
                    1 + self.rng.below(28)
                ));
                let len = 16 + self.rng.below(240) as usize;
                let blob = self.bytes(len);
                self.push_hex(out, "\"DigitalProductId\"", "hex", &blob);
                out.push_str(&format!(
                    "\"LastUsed\"=hex(b):{}\r\n",
                    hex_list(&self.rng.next_u64().to_le_bytes())
                ));
            }
            _ => {
                out.push_str(&format!(
                    "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\Svc{short}\\Parameters]\r\n"
                ));
                out.push_str(&format!(
                    "\"DisplayName\"=\"@%SystemRoot%\\\\system32\\\\svc.dll,-{}\"\r\n",
                    self.rng.below(1000)
                ));
                out.push_str(&format!("\"Start\"=dword:{:08x}\r\n", self.rng.below(5)));
                out.push_str(
                    "\"Description\"=\"Keeps \\\"quoted\\\" text; paths like C:\\\\Temp\"\r\n",
                );
                let deps = ["RpcSs", "Tcpip", "Afd", name];
                self.push_hex(out, "\"DependOnService\"", "hex(7)", &utf16z(&deps));
                let len = 64 + self.rng.below(448) as usize;
                let blob = self.bytes(len);
                self.push_hex(out, "\"FailureActions\"", "hex", &blob);
            }
        }
        out.push_str("\r\n");
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(len + 8);
        while bytes.len() < len {
            bytes.extend_from_slice(&self.rng.next_u64().to_le_bytes());
        }
        bytes.truncate(len);
        bytes
    }

    /// `"Name"=hex(k):01,02,…,\` wrapped as regedit does: continuation lines start with two
    /// spaces, and a line breaks once it passes [`WRAP_COLUMN`].
    fn push_hex(&self, out: &mut String, name: &str, kind: &str, bytes: &[u8]) {
        let mut column = name.len() + 1 + kind.len() + 1;
        out.push_str(name);
        out.push('=');
        out.push_str(kind);
        out.push(':');
        let count = bytes.len();
        for (i, byte) in bytes.iter().enumerate() {
            out.push_str(&format!("{byte:02x}"));
            column += 2;
            if i + 1 < count {
                out.push(',');
                column += 1;
                if column >= WRAP_COLUMN {
                    out.push_str("\\\r\n  ");
                    column = 2;
                }
            }
        }
        out.push_str("\r\n");
    }
}

/// Strings as a `REG_EXPAND_SZ`/`REG_MULTI_SZ` value holds them: UTF-16LE, each NUL-terminated,
/// and a final NUL for the list.
fn utf16z(strings: &[&str]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for s in strings {
        for unit in s.encode_utf16().chain(std::iter::once(0)) {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
    }
    if strings.len() > 1 {
        bytes.extend_from_slice(&[0, 0]);
    }
    bytes
}

fn hex_list(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Appends `text` as UTF-16LE.
pub fn push_utf16le(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() * 2);
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
}

/// A whole export of at least `target_bytes` bytes (UTF-16LE with BOM), in memory.
pub fn utf16le_export(target_bytes: usize, seed: u64) -> Vec<u8> {
    let mut stream = ExportStream::new(target_bytes as u64, seed);
    let mut bytes = Vec::with_capacity(target_bytes + (1 << 16));
    while let Some(chunk) = stream.next_chunk() {
        bytes.extend_from_slice(&chunk);
    }
    bytes
}

/// The same export produced piecewise (about 1 MB per chunk), for inputs too large to hold:
/// the 1 GB memory check feeds these chunks straight to the parser.
#[derive(Clone, Debug)]
pub struct ExportStream {
    generator: ExportGenerator,
    target: u64,
    written: u64,
    started: bool,
    text: String,
}

/// Roughly how much text one chunk carries (UTF-16 doubles it).
pub const CHUNK_TEXT: usize = 512 * 1024;

impl ExportStream {
    pub fn new(target_bytes: u64, seed: u64) -> Self {
        ExportStream {
            generator: ExportGenerator::new(seed),
            target: target_bytes,
            written: 0,
            started: false,
            text: String::with_capacity(CHUNK_TEXT + 4096),
        }
    }

    /// The bulk keys written so far.
    pub fn keys_written(&self) -> u64 {
        self.generator.keys_written()
    }

    /// The next chunk, or `None` once `target_bytes` were produced (the last key is finished,
    /// so the total is slightly above the target).
    pub fn next_chunk(&mut self) -> Option<Vec<u8>> {
        if self.written >= self.target {
            return None;
        }
        let mut chunk = Vec::with_capacity(2 * CHUNK_TEXT + 8192);
        self.text.clear();
        if !self.started {
            self.started = true;
            chunk.extend_from_slice(&[0xFF, 0xFE]);
            self.text.push_str(&ExportGenerator::preamble());
        }
        let remaining = self.target.saturating_sub(self.written);
        while self.text.len() < CHUNK_TEXT
            && (chunk.len() as u64 + 2 * self.text.len() as u64) < remaining
        {
            self.generator.push_key(&mut self.text);
        }
        push_utf16le(&mut chunk, &self.text);
        self.written += chunk.len() as u64;
        Some(chunk)
    }
}
