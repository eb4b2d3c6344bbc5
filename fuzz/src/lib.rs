//! What each fuzz target runs, and the cheap properties it asserts besides "no panic".
//!
//! One function per target, named like the target. The same file is compiled twice: as this
//! fuzz crate's library (libFuzzer calls the functions) and, through `#[path]`, inside the
//! stable test `tests/run_all_fuzz_files.rs`, which replays every corpus and crash file. So a
//! crash found once stays a failing test until its cause is fixed, on every CI run, without
//! nightly Rust.
//!
//! A failed assertion here is a finding just like a panic inside the crate: it means a decoder
//! returned something that contradicts its own contract (a thumbprint that is not 40 hex
//! digits, a chunked parse that differs from a whole one, an SVG that is not well-formed XML).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use ime_cert_inspector::engine;
use ime_cert_inspector::graph::{SvgOptions, render_mermaid, render_svg};
use ime_cert_inspector::ingest::bundle::read_bundle;
use ime_cert_inspector::ingest::log::{LogScanner, scan_lines};
use ime_cert_inspector::ingest::pem::{self, PemBlock};
use ime_cert_inspector::ingest::pkcs7::certificates_from_pkcs7;
use ime_cert_inspector::ingest::pkcs12::{
    self, DerivedKey, KdfRequest, KeyDeriver, MAX_ITERATIONS, MAX_KEY_LEN, Password,
    Pkcs12Contents, Pkcs12Error, Pkcs12File, RustCryptoDeriver,
};
use ime_cert_inspector::ingest::reg::{self, RegistryState};
use ime_cert_inspector::ingest::sniff::{FileKind, sniff as sniff_kind};
use ime_cert_inspector::ingest::x509::{DecodedCert, decode_certificate};
use ime_cert_inspector::report::{Report, TextStyle, render_text};
use ime_cert_inspector::scenario::{
    Assumptions, LogEvent, RegistryFacts, Scenario, Store, Thumbprint,
};
use ime_cert_inspector::share::{self, LinkOptions, ShareError};
use ime_cert_inspector::utc::UtcTime;
use ime_cert_inspector::workspace::Workspace;

/// What a target runs on one input; it panics on a finding.
pub type Check = fn(&[u8]);

/// Every target: its name (the directory under `fuzz/corpus/` and `fuzz/artifacts/`) and the
/// function it runs.
pub const TARGETS: &[(&str, Check)] = &[
    ("sniff", sniff),
    ("pem", pem),
    ("x509", x509),
    ("pkcs7", pkcs7),
    ("pkcs12", pkcs12),
    ("reg", reg),
    ("bundle", bundle),
    ("log", log),
    ("pipeline", pipeline),
    ("share", share),
    ("facts", facts),
    ("fleet", fleet),
];

/// File names that steer sniffing when the content says nothing: each extension the inspector
/// knows, a log name, and none.
const NAMES: &[&str] = &[
    "input",
    "device.cer",
    "device.pem",
    "chain.p7b",
    "device.pfx",
    "export.reg",
    "bundle.json",
    "IntuneManagementExtension.log",
    "notes.txt",
];

/// The password of the committed PKCS#12 fixtures, so seeds built from them open.
const FIXTURE_PASSWORD: &str = "Passw0rd!";

/// Iterations a fuzz run may spend on one key derivation. Real files ask for 2,048 to 600,000
/// and the product allows up to [`MAX_ITERATIONS`]: correct, but seconds per input, which would
/// drown the fuzzer in timeouts that only measure PBKDF2. Above this the fuzz deriver refuses,
/// like the product does above its own limit (the limit itself has its own unit tests).
const FUZZ_MAX_ITERATIONS: u32 = 4_096;

/// The same bound for the pipeline, which derives with the product's own deriver: a PKCS#12 part
/// asking for more in total is left out of that input.
const FUZZ_MAX_TOTAL_ITERATIONS: u64 = 3 * FUZZ_MAX_ITERATIONS as u64;

/// Splits a pipeline input into files (the fixture seeds join a certificate, a `.reg` export and
/// so on with it).
pub const FILE_SEPARATOR: &[u8] = b"\n--imecert-fuzz-next-file--\n";

/// How large a JSON report may be: a fixed part (the steps, the assumptions, the finding texts)
/// plus a bounded amount per input byte. A certificate's row, extensions and mentions in the
/// steps are a few times its DER; anything far beyond means one input byte became many report
/// lines (a PKCS#7 of 300,000 empty certificates once listed 300,000 problems: 600 KB in, 50 MB
/// out).
const MAX_REPORT_BASE: usize = 256 * 1024;
const MAX_REPORT_GROWTH: usize = 40;

/// At most this many files per pipeline input.
const MAX_PIPELINE_FILES: usize = 6;

/// Content sniffing: the content decides, the name only when the content says nothing.
pub fn sniff(data: &[u8]) {
    let by_content = sniff_kind(NAMES[0], data);
    assert_eq!(
        by_content == FileKind::Empty,
        data.iter().all(u8::is_ascii_whitespace),
        "Empty is exactly the blank input"
    );
    for name in NAMES {
        let kind = sniff_kind(name, data);
        assert!(!kind.describe().is_empty());
        if by_content != FileKind::Unknown {
            assert_eq!(kind, by_content, "the name {name:?} overrode the content");
        }
    }
    let _ = pkcs12::looks_like_pkcs12(data);
    let _ = reg::looks_like_reg(data);
}

/// PEM and bare base64 text, then each block through its decoder.
pub fn pem(data: &[u8]) {
    let text = pem::text_from_bytes(data);
    let line_count = text.split(['\r', '\n']).count().max(1);
    for (position, block) in pem::parse_text(&text).into_iter().enumerate() {
        match block {
            Ok(block) => {
                assert!(!block.der.is_empty(), "a good block holds DER");
                assert!((1..=line_count).contains(&block.line), "line out of range");
                check_block(&block);
            }
            Err(error) => {
                assert_eq!(error.index, position + 1, "blocks are numbered in order");
                assert!((1..=line_count).contains(&error.line), "line out of range");
                assert!(!error.message.is_empty());
            }
        }
    }
}

fn check_block(block: &PemBlock) {
    if block.is_certificate() {
        if let Ok(cert) = decode_certificate(&block.der) {
            check_cert(&cert, &block.der);
        }
    } else if block.is_pkcs7() {
        check_pkcs7(&block.der);
    }
}

/// One DER certificate.
pub fn x509(data: &[u8]) {
    match decode_certificate(data) {
        Ok(cert) => check_cert(&cert, data),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

/// What every decoded certificate must satisfy.
fn check_cert(cert: &DecodedCert, der: &[u8]) {
    assert_eq!(cert.der, der, "the decoded certificate keeps its exact DER");
    let thumbprint = cert.facts.thumbprint.as_str();
    assert!(
        thumbprint.len() == 40
            && thumbprint
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)),
        "thumbprint {thumbprint:?} is not 40 upper-case hex digits"
    );
    assert_eq!(cert.facts.thumbprint, Thumbprint::of_der(der));
    // x509-parser reads any version number, so only "counted from 1" holds:
    // a certificate claiming version 19 is shown as such rather than refused.
    assert!(cert.details.version >= 1, "X.509 version counts from 1");
}

/// PKCS#7 certificate lists, and each certificate in them.
pub fn pkcs7(data: &[u8]) {
    check_pkcs7(data);
}

fn check_pkcs7(data: &[u8]) {
    let Ok(list) = certificates_from_pkcs7(data) else {
        return;
    };
    let total: usize = list.iter().map(Vec::len).sum();
    assert!(total <= data.len(), "certificates are parts of the input");
    for der in &list {
        assert!(!der.is_empty());
        if let Ok(cert) = decode_certificate(der) {
            check_cert(&cert, der);
        }
    }
}

/// A request and the password bytes it was derived for.
type DerivationKey = (KdfRequest, Vec<u8>, Vec<u8>);

/// Runs the product's derivations, refusing those a fuzz run cannot afford, and runs each one
/// once per input: the three ways of opening below ask for many of the same keys, and
/// derivation is nearly all of the time spent (most of all in the unoptimised replay test).
#[derive(Default)]
struct CappedDeriver {
    done: RefCell<HashMap<DerivationKey, DerivedKey>>,
}

impl KeyDeriver for CappedDeriver {
    fn derive(&self, request: &KdfRequest, password: &Password) -> Result<DerivedKey, Pkcs12Error> {
        if request.iterations() > FUZZ_MAX_ITERATIONS {
            return Err(Pkcs12Error::TooManyIterations {
                part: "a fuzzed key".into(),
                iterations: u64::from(request.iterations()),
            });
        }
        let key = (
            request.clone(),
            password.pbkdf2_bytes().to_vec(),
            password.bmp_bytes().to_vec(),
        );
        if let Some(derived) = self.done.borrow().get(&key) {
            return Ok(derived.clone());
        }
        let derived = RustCryptoDeriver.derive(request, password)?;
        self.done.borrow_mut().insert(key, derived.clone());
        Ok(derived)
    }
}

/// PKCS#12: the structure, the derivation list, opening with no password and with one, and the
/// split derive-then-open path the web app uses.
pub fn pkcs12(data: &[u8]) {
    let Ok(file) = Pkcs12File::parse(data) else {
        return;
    };
    let requests = match file.derivations() {
        Ok(requests) => requests,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    for request in &requests {
        assert!((1..=MAX_ITERATIONS).contains(&u64::from(request.iterations())));
        assert!((1..=MAX_KEY_LEN).contains(&request.len()));
    }
    if file.is_encrypted() || file.has_mac() {
        assert!(!requests.is_empty(), "a protected file needs keys");
    }
    let deriver = CappedDeriver::default();
    for passwords in [&[][..], &[FIXTURE_PASSWORD][..]] {
        if let Ok(contents) = file.open_with_passwords(passwords, &deriver) {
            check_pkcs12_contents(&contents);
        }
    }
    // The web app derives itself and hands the keys back.
    let password = Password::new(FIXTURE_PASSWORD);
    let derived: Result<Vec<DerivedKey>, _> = requests
        .iter()
        .map(|r| deriver.derive(r, &password))
        .collect();
    if let Ok(derived) = derived {
        assert!(
            derived
                .iter()
                .zip(&requests)
                .all(|(k, r)| k.len() == r.len())
        );
        if let Ok(contents) = file.open_with(&derived) {
            check_pkcs12_contents(&contents);
        }
        // Keys that do not fit the requests are an error, not a panic.
        if let Some((_, fewer)) = derived.split_last() {
            assert!(file.open_with(fewer).is_err(), "one key short must fail");
        }
    }
}

fn check_pkcs12_contents(contents: &Pkcs12Contents) {
    for cert in &contents.certs {
        assert!(!cert.der.is_empty());
        if let Ok(decoded) = decode_certificate(&cert.der) {
            check_cert(&decoded, &cert.der);
        }
    }
    if contents.private_keys == 0 {
        assert!(
            contents.certs.iter().all(|c| !c.has_key),
            "a certificate has a key the file does not hold"
        );
    }
}

/// Chunk sizes for streaming: odd sizes split UTF-16 code units, CRLF pairs and UTF-8 sequences.
const CHUNKS: &[usize] = &[1, 2, 3, 5, 8, 13, 64, 4096];

/// `.reg` exports: whole and pushed in odd chunks must read the same.
pub fn reg(data: &[u8]) {
    let mut whole_state = RegistryState::new();
    let whole = reg::parse_reg_bytes(&mut whole_state, data);
    let mut chunked_state = RegistryState::new();
    let mut parser = chunked_state.parser();
    let mut rest = data;
    for &size in CHUNKS.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        parser.feed(chunk);
        rest = after;
    }
    assert_eq!(parser.bytes_read(), data.len() as u64);
    let chunked = parser.finish();
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "chunked and whole summaries differ");
            assert_eq!(a.bytes, data.len() as u64);
            assert!(a.bad_lines.len() as u64 <= a.bad_line_count);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("chunked and whole reads disagree: {whole:?} vs {chunked:?}"),
    }
    assert_eq!(
        whole_state, chunked_state,
        "chunked and whole states differ"
    );
    let facts = whole_state.facts();
    assert_eq!(facts, chunked_state.facts());
    // Laying a state over itself (the same export imported twice) changes no fact. The order
    // may change: a key the export deletes and creates again moves to the end, as it does when
    // regedit imports the file a second time.
    let mut twice = whole_state.clone();
    twice.apply(&whole_state);
    assert_eq!(
        sorted(twice.facts()),
        sorted(facts),
        "importing an export twice changed the facts"
    );
}

/// Facts with their lists in a fixed order.
fn sorted(mut facts: RegistryFacts) -> RegistryFacts {
    facts.enrollments.sort_by(|a, b| a.id.cmp(&b.id));
    facts.omadm_accounts.sort_by(|a, b| a.id.cmp(&b.id));
    facts
}

/// Scenario bundles.
pub fn bundle(data: &[u8]) {
    let Ok(bundle) = read_bundle(data) else {
        return;
    };
    for (position, cert) in bundle.certificates.iter().enumerate() {
        assert!(cert.index > position, "entries are numbered in order");
        if let Ok(decoded) = decode_certificate(&cert.der) {
            check_cert(&decoded, &cert.der);
        }
    }
    for (name, text) in &bundle.registry {
        let mut state = RegistryState::new();
        if let Err(error) = reg::parse_reg_bytes(&mut state, text.as_bytes()) {
            assert!(!error.to_string().is_empty(), "{name}");
        }
    }
    for (name, lines) in &bundle.logs {
        check_events(&scan_lines(name, lines.iter().map(String::as_str)));
    }
}

/// Agent logs: streamed in odd chunks, the same events as in one piece.
pub fn log(data: &[u8]) {
    let mut whole = LogScanner::new("IntuneManagementExtension.log");
    whole.feed(data);
    let (events, summary) = whole.finish();
    let mut chunked = LogScanner::new("IntuneManagementExtension.log");
    let mut rest = data;
    for &size in CHUNKS.iter().rev().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        chunked.feed(chunk);
        rest = after;
    }
    let (chunked_events, chunked_summary) = chunked.finish();
    assert_eq!(events, chunked_events, "chunking changed the events");
    assert_eq!(summary, chunked_summary);
    assert_eq!(summary.bytes, data.len() as u64);
    assert!(summary.kept <= summary.records);
    check_events(&events);
}

fn check_events(events: &[LogEvent]) {
    for event in events {
        assert!(event.message.chars().count() <= 300, "messages are capped");
        assert!(
            event.line.is_some_and(|l| l >= 1),
            "every event knows the 1-based line its record starts on"
        );
        if let Some(local) = &event.local_time {
            assert!(event.at.is_some(), "a written clock is also a time");
            assert!(local.len() <= 64, "the written clock is a date and a time");
        }
    }
}

/// The judging time of pipeline runs: the fixtures' "now".
fn evaluation_time() -> UtcTime {
    UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap_or(UtcTime(1_795_514_400))
}

/// Whether the pipeline may open this file with the product's own deriver without spending
/// seconds in key derivation (see [`FUZZ_MAX_TOTAL_ITERATIONS`]).
fn affordable(bytes: &[u8]) -> bool {
    let Ok(file) = Pkcs12File::parse(bytes) else {
        return true;
    };
    file.derivations().map_or(true, |requests| {
        requests
            .iter()
            .map(|r| u64::from(r.iterations()))
            .sum::<u64>()
            <= FUZZ_MAX_TOTAL_ITERATIONS
    })
}

/// The whole product: files → workspace → judgement → JSON and text reports, SVG and Mermaid.
pub fn pipeline(data: &[u8]) {
    let mut workspace = Workspace::new();
    let mut parts = split(data, FILE_SEPARATOR);
    parts.truncate(MAX_PIPELINE_FILES);
    for (index, part) in parts.iter().enumerate() {
        let name = NAMES[(index + part.len()) % NAMES.len()];
        if affordable(part) {
            workspace.add_file(name, part, &[FIXTURE_PASSWORD]);
        }
    }
    let assumptions = workspace.assumptions_from_bundles(Assumptions::default());
    let at = workspace
        .bundle_evaluated_at()
        .unwrap_or_else(evaluation_time);
    let judgement = workspace.judge(at, assumptions);
    let report = judgement.report();
    let json = report.to_json();
    assert!(
        json.len() <= MAX_REPORT_BASE + MAX_REPORT_GROWTH * data.len(),
        "{} input bytes made a {} byte report",
        data.len(),
        json.len()
    );
    check_views(&judgement.scenario, &judgement.trace, &report);
    check_share_round_trip(&judgement.scenario);
    // What a link drops is what no verdict depends on, apart from what was supplied (a link
    // carries facts, not files: the answer's claims rest on `inputs`).
    let mut shared = share::shareable(&judgement.scenario);
    shared.inputs = judgement.scenario.inputs.clone();
    assert_eq!(
        engine::evaluate(&shared),
        judgement.trace,
        "the shared scenario judges differently"
    );
}

/// The views of a judged scenario: the JSON report reads back, the SVG is well-formed XML without
/// scripts, text and Mermaid render.
fn check_views(scenario: &Scenario, trace: &engine::Trace, report: &Report) {
    let json = report.to_json();
    let reread: Report = match serde_json::from_str(&json) {
        Ok(report) => report,
        Err(error) => panic!("the JSON report does not read back: {error}\n{json}"),
    };
    // A share link may name any store; a name that `Store::parse` reads as another store (an
    // empty one, "user") cannot read back the same, and no file yields one.
    let canonical = scenario
        .certificates
        .iter()
        .all(|c| Store::parse(&c.store.to_string()) == c.store);
    if canonical {
        assert_eq!(
            reread.to_json(),
            json,
            "the JSON report does not round-trip"
        );
    }
    assert!(!render_text(report, TextStyle::Plain).is_empty());
    let _ = render_mermaid(scenario, trace);
    for standalone in [false, true] {
        let options = SvgOptions {
            standalone,
            title: None,
        };
        let svg = render_svg(scenario, trace, &options);
        if let Err(error) = roxmltree::Document::parse(&svg) {
            panic!("the SVG is not well-formed XML: {error}\n{svg}");
        }
        assert!(!svg.contains("<script"), "the SVG carries a script");
    }
}

/// `data` cut at every `separator`.
fn split<'a>(data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest
        .windows(separator.len())
        .position(|window| window == separator)
    {
        let (part, after) = rest.split_at(at);
        parts.push(part);
        rest = after.get(separator.len()..).unwrap_or_default();
    }
    parts.push(rest);
    parts
}

/// A scenario's share link opens as the scenario's shareable projection, redacted or not (unless
/// the scenario is too big for a link, which is a clear error).
fn check_share_round_trip(scenario: &Scenario) {
    let too_big = |e: &ShareError| {
        matches!(
            e,
            ShareError::TooLarge { .. } | ShareError::TooMany { .. } | ShareError::TooLong { .. }
        )
    };
    let plain = share::encode_link(scenario, &LinkOptions::default());
    match share::decode_link(&plain) {
        Ok(opened) => assert_eq!(opened, share::shareable(scenario), "link round trip"),
        Err(e) => assert!(too_big(&e), "a link this tool made does not open: {e}"),
    }
    let redacted = share::encode_link(scenario, &LinkOptions { redact: true });
    if let Err(e) = share::decode_link(&redacted) {
        assert!(too_big(&e), "a redacted link does not open: {e}");
    }
}

/// Share links: the input as link text, and the input as the payload of a well-wrapped link
/// (deflate and base64url done right, so the fuzzer reaches the payload reader). A link that
/// opens is judged and rendered like a file set, and links back to itself.
pub fn share(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    open_link(&text);
    let packed = miniz_oxide::deflate::compress_to_vec(data, 1);
    let link = format!(
        "v1={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    );
    open_link(&link);
}

fn open_link(link: &str) {
    let scenario = match share::decode_link(link) {
        Ok(scenario) => scenario,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    assert_eq!(
        share::shareable(&scenario),
        scenario,
        "a link opens to more than a link carries"
    );
    check_share_round_trip(&scenario);
    let trace = engine::evaluate(&scenario);
    let report = Report::new(&scenario, &trace, &[], &BTreeMap::new());
    check_views(&scenario, &trace, &report);
}

/// Target `facts`: the input as a token (text), as the JSON inside one, and packed into one.
/// A token that reads must judge, and its scenario written back as a token must read back to
/// the same verdict (the writer's cut may only drop certificates, and then says so).
pub fn facts(data: &[u8]) {
    use ime_cert_inspector::ingest::facts::{decode_json, decode_token, pack};
    let text = String::from_utf8_lossy(data);
    let mut found = Vec::new();
    for facts in [
        decode_token(&text),
        decode_json(data),
        decode_token(&pack(data)),
    ] {
        match facts {
            Ok(f) => found.push(f),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    for f in found {
        let at = f.collected_at().unwrap_or(UtcTime(1_795_514_400));
        let (scenario, _problems) = f.scenario(at, "fuzz");
        let trace = engine::evaluate(&scenario);
        let token = share::token::encode_token(&scenario, &share::token::TokenContext::default());
        assert!(
            token.len() <= share::token::MAX_TOKEN_CHARS,
            "a written token is too long"
        );
        let again = decode_token(&token).expect("a written token reads back");
        let (back, problems) = again.scenario(at, "fuzz");
        assert!(
            problems.is_empty(),
            "a written token has bad entries: {problems:?}"
        );
        if again.cut == 0 {
            let retrace = engine::evaluate(&back);
            assert_eq!(
                retrace.task, trace.task,
                "a token's scenario judges differently"
            );
            assert_eq!(
                retrace.agent, trace.agent,
                "a token's scenario judges differently"
            );
        }
    }
}

/// Target `fleet`: the input as a fleet file (CSV, JSON, text; UTF-16 when it starts with a BOM);
/// every row is judged, and a row never holds more than a field's cap.
pub fn fleet(data: &[u8]) {
    use ime_cert_inspector::fleet::input::{MAX_FIELD_BYTES, read_fleet};
    use ime_cert_inspector::fleet::{FleetOptions, judge_record};
    let options = FleetOptions::default();
    let mut rows = 0usize;
    let result = read_fleet(
        "fuzz.csv",
        data,
        &mut |record| {
            rows += 1;
            if let ime_cert_inspector::fleet::input::Content::Token(t) = &record.content {
                assert!(t.len() <= MAX_FIELD_BYTES, "a token longer than a field");
            }
            let row = judge_record(&record, &options);
            assert!(
                row.judged() || row.error.is_some(),
                "a row with neither verdict nor reason"
            );
        },
        &mut |note| assert!(!note.message.is_empty()),
    );
    assert!(result.is_ok(), "reading from memory cannot fail");
}
