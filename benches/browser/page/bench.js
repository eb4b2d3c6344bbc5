// The in-page half of the browser benchmark: our wasm core and PKI.js 4 + asn1js time the same
// files in the same page of the same headless Chromium. run.mjs loads this page, calls
// window.runBench(plan) and writes the results; nothing here talks to anything but this origin.
import init, * as ours from '/pkg/bench.js';
import * as pkijs from 'pkijs';

const BAG_SHROUDED_KEY = '1.2.840.113549.1.12.10.1.2';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';

async function fixture(path) {
  const response = await fetch(`/fixtures/${path}`);
  if (!response.ok) throw new Error(`fixture ${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Calls before timing: JITs (V8's for PKI.js, Liftoff → TurboFan for wasm) settle first. */
const WARM_UP_MS = 500;
const WARM_UP_CALLS = 3;

/** Median time per call (ms) of a synchronous function, in batches of at least 50 ms, after a
 * warm-up of WARM_UP_MS and at least WARM_UP_CALLS calls. */
function measureSync(fn, minTime) {
  const warm = performance.now() + WARM_UP_MS;
  for (let k = 0; k < WARM_UP_CALLS || performance.now() < warm; k += 1) fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) fn();
    if (performance.now() - t0 >= 50 || n >= 1 << 20) break;
    n *= 2;
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < minTime && samples.length < 40)) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) fn();
    samples.push((performance.now() - t0) / n);
  }
  return summarize(samples, n);
}

/** The same for an async function (each call awaited before the next). */
async function measureAsync(fn, minTime) {
  const warm = performance.now() + WARM_UP_MS;
  for (let k = 0; k < WARM_UP_CALLS || performance.now() < warm; k += 1) await fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) await fn();
    if (performance.now() - t0 >= 50 || n >= 1 << 16) break;
    n *= 2;
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < minTime && samples.length < 40)) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) await fn();
    samples.push((performance.now() - t0) / n);
  }
  return summarize(samples, n);
}

function summarize(samples, batch) {
  samples.sort((a, b) => a - b);
  return {
    ms: samples[Math.floor(samples.length / 2)],
    min_ms: samples[0],
    max_ms: samples[samples.length - 1],
    calls: samples.length * batch,
  };
}

/** Runs `work`; an exception becomes { error } so one peer's failure is recorded, not fatal. */
async function attempt(work) {
  try {
    return await work();
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

// ---- certificate decode -------------------------------------------------------------------

/** PKI.js: BER → Certificate, then what a viewer reads (subject, issuer, serial, validity). */
function pkijsDecode(der) {
  const cert = pkijs.Certificate.fromBER(der);
  const name = (n) => n.typesAndValues.map((tv) => `${tv.type}=${tv.value.valueBlock.value}`).join(', ');
  const subject = name(cert.subject);
  const issuer = name(cert.issuer);
  const serial = cert.serialNumber.valueBlock.valueHexView.length;
  const validity = cert.notAfter.value.getTime() - cert.notBefore.value.getTime();
  const extensions = (cert.extensions ?? []).length;
  return subject.length + issuer.length + serial + extensions + (validity > 0 ? 1 : 0);
}

/** PKI.js for a PEM file: every CERTIFICATE block, base64-decoded, then as above. */
function pkijsDecodePem(text) {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  let decoded = 0;
  for (const block of blocks) {
    const b64 = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    pkijsDecode(der);
    decoded += 1;
  }
  return decoded;
}

async function benchDecode(plan) {
  const rows = [];
  for (const path of plan.der) {
    const der = await fixture(path);
    const row = { file: path, kind: 'der', certs: 1 };
    row.ours = await attempt(() => measureSync(() => ours.decode_der(der), plan.minTime));
    row.pkijs = await attempt(() => measureSync(() => pkijsDecode(der), plan.minTime));
    rows.push(row);
  }
  for (const [path, certs] of plan.pem) {
    // Each side gets the file the way it would use it: ours the bytes (as the web app reads
    // them), PKI.js the text its regular expressions need.
    const bytes = await fixture(path);
    const text = new TextDecoder().decode(bytes);
    const row = { file: path, kind: 'pem', certs };
    if (ours.decode_pem(bytes) !== certs) row.ours = { error: `ours decoded ${ours.decode_pem(bytes)} of ${certs}` };
    else row.ours = await attempt(() => measureSync(() => ours.decode_pem(bytes), plan.minTime));
    if (pkijsDecodePem(text) !== certs) row.pkijs = { error: `PKI.js decoded ${pkijsDecodePem(text)} of ${certs}` };
    else row.pkijs = await attempt(() => measureSync(() => pkijsDecodePem(text), plan.minTime));
    rows.push(row);
  }
  return rows;
}

// ---- PKCS#12 ------------------------------------------------------------------------------

/** PKI.js: MAC (optional), every encrypted safe, every shrouded key bag; returns the cert count. */
async function pkijsOpenPfx(bytes, password, checkIntegrity) {
  const pw = new TextEncoder().encode(password).buffer;
  const pfx = pkijs.PFX.fromBER(bytes);
  await pfx.parseInternalValues({ password: pw, checkIntegrity });
  const safe = pfx.parsedValue.authenticatedSafe;
  await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pw })) });
  let certs = 0;
  let keys = 0;
  for (const content of safe.parsedValue.safeContents) {
    for (const bag of content.value.safeBags) {
      if (bag.bagId === BAG_SHROUDED_KEY) {
        await bag.bagValue.parseInternalValues({ password: pw });
        keys += 1;
      } else if (bag.bagId === BAG_CERT) {
        certs += 1;
      }
    }
  }
  if (keys === 0) throw new Error('PKI.js found no private key');
  return certs;
}

/** Ours, with PBKDF2 on WebCrypto and the PKCS#12 KDF (the classic MAC key; WebCrypto has no
 * equivalent) in wasm. Every WebCrypto derivation is started first, so they run on the
 * browser's own threads while wasm derives the MAC key. */
async function oursWebCrypto(bytes, password) {
  const steps = new ours.PfxSteps(bytes, password);
  try {
    const requests = steps.requests();
    const key = await crypto.subtle.importKey('raw', steps.password_utf8(), 'PBKDF2', false, ['deriveBits']);
    const pending = requests.map((r) => (r.kind === 'pbkdf2'
      ? crypto.subtle.deriveBits({ name: 'PBKDF2', hash: r.hash, salt: r.salt, iterations: r.iterations }, key, r.bits)
      : null));
    const here = requests.map((r, i) => (r.kind === 'pbkdf2' ? null : steps.derive_here(i)));
    const keys = await Promise.all(pending.map(async (p, i) => (p === null ? here[i] : new Uint8Array(await p))));
    return steps.open_with(keys);
  } finally {
    steps.free();
  }
}

/** Each key derivation of a file, timed alone: in wasm (Rust), and with WebCrypto for PBKDF2. */
async function stepTimes(bytes, password) {
  const steps = new ours.PfxSteps(bytes, password);
  try {
    const key = await crypto.subtle.importKey('raw', steps.password_utf8(), 'PBKDF2', false, ['deriveBits']);
    const out = [];
    for (const [i, r] of steps.requests().entries()) {
      let t0 = performance.now();
      steps.derive_here(i);
      const entry = { kind: r.kind, iterations: r.iterations ?? null, wasm_ms: performance.now() - t0 };
      if (r.kind === 'pbkdf2') {
        t0 = performance.now();
        await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: r.hash, salt: r.salt, iterations: r.iterations }, key, r.bits);
        entry.webcrypto_ms = performance.now() - t0;
      }
      out.push(entry);
    }
    return out;
  } finally {
    steps.free();
  }
}

async function benchPkcs12(plan) {
  const rows = [];
  for (const [path, iterations] of plan.pfx) {
    const bytes = await fixture(path);
    const slow = iterations > 100000;
    const minTime = slow ? 1 : plan.minTime;
    const row = { file: path, iterations };
    row.ours_rust = await attempt(() => measureSync(() => ours.open_pfx(bytes, plan.password), minTime));
    row.ours_webcrypto = await attempt(() => measureAsync(() => oursWebCrypto(bytes, plan.password), minTime));
    row.pkijs_mac_checked = await attempt(() => measureAsync(() => pkijsOpenPfx(bytes, plan.password, true), minTime));
    row.pkijs_no_mac = await attempt(() => measureAsync(() => pkijsOpenPfx(bytes, plan.password, false), minTime));
    row.steps = await attempt(() => stepTimes(bytes, plan.password));
    rows.push(row);
  }
  return rows;
}

// ---- .reg and the pipeline ----------------------------------------------------------------

async function benchReg(plan) {
  const t0 = performance.now();
  const exportBytes = new ours.RegExport(plan.regBytes, plan.regSeed);
  const generated = performance.now() - t0;
  try {
    const bytes = exportBytes.len();
    const keys = exportBytes.parse(plan.regChunk);
    const timing = measureSync(() => exportBytes.parse(plan.regChunk), 1);
    return { bytes, keys, chunk: plan.regChunk, generate_ms: generated, ...timing, mb_per_s: bytes / 1e6 / (timing.ms / 1000) };
  } finally {
    exportBytes.free();
  }
}

async function benchPipeline(plan) {
  const files = [];
  for (const path of plan.pipeline) files.push([path.split('/').pop(), await fixture(path)]);
  const at = Date.parse(plan.evaluatedAt) / 1000;
  return { files: files.length, ...measureSync(() => ours.report_json(files, at), plan.minTime) };
}

window.runBench = async (plan) => {
  await init();
  const results = { userAgent: navigator.userAgent };
  const status = document.getElementById('status');
  for (const [name, run] of [['decode', benchDecode], ['pkcs12', benchPkcs12], ['pipeline', benchPipeline], ['reg', benchReg]]) {
    if (plan.only && !plan.only.includes(name)) continue;
    status.textContent = `running ${name}…`;
    results[name] = await attempt(() => run(plan));
  }
  status.textContent = 'done';
  return results;
};
document.getElementById('status').textContent = 'ready';
