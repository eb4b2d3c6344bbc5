// The browser benchmark: serves page/ (our wasm build in pkg/, PKI.js from node_modules/, the
// fixtures) and optionally a release dist/ of the web app on 127.0.0.1, drives the system
// Chromium headless with playwright-core, and prints the tables BENCHMARKS.md quotes.
//
//   node run.mjs [--only decode,pkcs12,reg,pipeline,app] [--min-time MS] [--app DIST] [--runs N]
//                [--profile-drop] [--out FILE]
//
// --app DIST also measures the real page: load → interactive drop zone (cold, fresh context
// each run) and drop of the ten-file scenario → rendered graph, with the longest gap between
// event-loop turns while the drop is handled. --profile-drop records a CPU profile of the last
// drop (Chrome DevTools protocol) and lists where its main-thread time went (function names
// need a dist whose wasm keeps its name section).
import { createServer } from 'node:http';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..');
const FIXTURES = join(ROOT, 'tests', 'fixtures');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The flags of the project's other browser runs (webdriver.json, e2e/tests/harness.mjs).
const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

// The same inputs as the native benchmark (benches/speed/fixtures.rs).
const PLAN = {
  der: ['certs/m1.cer', 'certs/m2.cer', 'certs/ms-organization-access.cer', 'certs/ca.cer'],
  pem: [['formats/m1.pem', 1], ['formats/m1-m2-with-text.pem', 2]],
  pfx: [['pfx/m1-aes256.pfx', 2048], ['pfx/m1-600k.pfx', 600000], ['pfx/m2-legacy-3des.pfx', 2048]],
  password: 'Passw0rd!',
  pipeline: [
    'certs/m0.cer', 'certs/m1.cer', 'certs/m2.cer', 'certs/m3-account-b.cer', 'certs/m8-renewed.cer',
    'certs/ca.cer', 'formats/chain.p7b', 'formats/m1-m2-with-text.pem', 'reg/full-m1.reg',
    'logs/IntuneManagementExtension.log',
  ],
  evaluatedAt: '2026-11-24T10:00:00Z',
  regBytes: 100 * 1024 * 1024,
  regSeed: 2026,
  regChunk: 64 * 1024,
  minTime: 1000,
};

function parseArgs(argv) {
  const options = {
    only: null, app: null, runs: 5, profileDrop: false, out: join(ROOT, 'target', 'bench-browser', 'results.json'),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const value = () => {
      i += 1;
      if (i >= argv.length) throw new Error(`${argv[i - 1]} needs a value`);
      return argv[i];
    };
    switch (argv[i]) {
      case '--only': options.only = value().split(','); break;
      case '--min-time': PLAN.minTime = Number(value()); break;
      case '--app': options.app = resolve(value()); break;
      case '--runs': options.runs = Number(value()); break;
      case '--out': options.out = resolve(value()); break;
      case '--profile-drop': options.profileDrop = true; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.svg': 'image/svg+xml', '.ps1': 'text/plain',
};

/** A static server: URL prefix → directory; nothing outside those directories is served. */
function serve(mounts) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (!mount) { response.writeHead(404).end(); return; }
    const [prefix, dir] = mount;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) { response.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

/** Self time per function (ms) of a DevTools CPU profile, largest first. */
function selfTimes(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url ? frame.url.split('/').pop() : ''}`.trim();
    const ms = (deltas[i + 1] ?? 0) / 1000;
    totals.set(name, (totals.get(name) ?? 0) + ms);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 }));
}

/** Main-thread time by renderer activity (style, layout, paint, script, …) in a trace. */
function rendererTimes(trace) {
  const names = {
    UpdateLayoutTree: 'style recalculation', Layout: 'layout', Paint: 'paint', PrePaint: 'pre-paint',
    Layerize: 'layerize', HitTest: 'hit test', FunctionCall: 'script (function calls)',
    EventDispatch: 'event dispatch', TimerFire: 'timers', FireAnimationFrame: 'animation frames',
    ParseHTML: 'HTML parsing', 'v8.compile': 'script compile', MinorGC: 'GC', MajorGC: 'GC',
  };
  const events = (trace.traceEvents ?? trace).filter((e) => e.ph === 'X' && names[e.name] && e.dur);
  const main = new Map();
  for (const e of events) {
    if (!main.has(e.tid)) main.set(e.tid, 0);
    main.set(e.tid, main.get(e.tid) + e.dur);
  }
  const tid = [...main.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const totals = {};
  const counts = {};
  for (const e of events.filter((x) => x.tid === tid)) {
    const key = names[e.name];
    totals[key] = (totals[key] ?? 0) + e.dur / 1000;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.entries(totals).sort((a, b) => b[1] - a[1])
    .map(([what, ms]) => ({ what, ms: Math.round(ms * 10) / 10, count: counts[what] }));
}

async function benchApp(browser, url, runs, profileDrop) {
  const files = await Promise.all(PLAN.pipeline.map(async (p) => ({
    name: basename(p), base64: (await readFile(join(FIXTURES, p))).toString('base64'),
  })));
  const loads = [];
  const drops = [];
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(() => {
      window.__ready = null;
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      const check = () => {
        if (window.__ready === null && document.querySelector('.drop-zone #file-input')) window.__ready = performance.now();
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready !== null, null, { timeout: 60000 });
    loads.push(await page.evaluate(() => ({
      interactive_ms: window.__ready,
      longest_task_ms: Math.max(0, ...window.__longTasks.map((t) => t.ms)),
      bytes_transferred: performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0),
    })));
    await page.fill('#evaluated-at', PLAN.evaluatedAt.replace('Z', '').slice(0, 19));
    const profiling = profileDrop && run === runs - 1;
    const cdp = profiling ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await browser.startTracing(page, { categories: ['devtools.timeline', 'blink', 'v8'] });
    }
    drops.push(await page.evaluate(async (list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      // The longest gap between event-loop turns while the drop is handled (catches blocking
      // shorter than the 50 ms a long task needs to be reported).
      let last = performance.now();
      let longestGap = 0;
      let ticking = true;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        if (ticking) channel.port2.postMessage(0);
      };
      const answered = () => document.querySelector('[data-testid="graph"] [data-node]')
        && document.querySelector('[data-testid="outcome"]');
      const complete = () => document.querySelectorAll('[data-testid="file-card"]').length >= list.length
        && answered()
        && !document.querySelector('progress');
      const target = document.querySelector('footer') ?? document.body;
      const t0 = performance.now();
      channel.port2.postMessage(0);
      // The page draws the answer (verdict and graph) before it has mounted every file card:
      // when that was painted, beside when everything was.
      let graphPainted = null;
      const domDone = new Promise((ok) => {
        const observer = new MutationObserver(() => {
          if (graphPainted === null && answered()) {
            graphPainted = 0;
            requestAnimationFrame(() => setTimeout(() => { graphPainted = performance.now() - t0; }, 0));
          }
          if (complete()) { observer.disconnect(); ok(performance.now()); }
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      });
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
      const dom = await Promise.race([domDone, new Promise((ok) => setTimeout(() => ok(null), 30000))]);
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      const painted = performance.now();
      ticking = false;
      const tasks = window.__longTasks.filter((t) => t.start >= t0);
      return {
        files: list.length,
        dom_ms: dom === null ? null : dom - t0,
        graph_painted_ms: graphPainted || null,
        painted_ms: dom === null ? null : painted - t0,
        longest_gap_ms: longestGap,
        long_tasks: tasks.length,
        longest_task_ms: Math.max(0, ...tasks.map((t) => t.ms)),
        cards: document.querySelectorAll('[data-testid="file-card"]').length,
        outcome: document.querySelector('[data-testid="outcome"]')?.textContent.trim().slice(0, 80) ?? null,
      };
    }, files));
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      drops[drops.length - 1].profile_self_ms = selfTimes(profile);
      drops[drops.length - 1].renderer_ms = rendererTimes(JSON.parse((await browser.stopTracing()).toString()));
    }
    if (errors.length) drops[drops.length - 1].page_errors = errors;
    await context.close();
  }
  const pfx = [];
  for (let run = 0; run < Math.min(runs, 3); run += 1) pfx.push(await openPfxInApp(browser, url));
  return { loads, drops, pfx };
}

/** Drops the 600,000-iteration PFX on a fresh page, types its password and waits for its
 * certificate with the key present; the event-loop ticker of the drop measure runs throughout. */
async function openPfxInApp(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('.drop-zone #file-input', { state: 'attached', timeout: 60000 });
  await page.evaluate(() => {
    window.__gap = 0;
    window.__ticking = true;
    let last = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const now = performance.now();
      window.__gap = Math.max(window.__gap, now - last);
      last = now;
      if (window.__ticking) channel.port2.postMessage(0);
    };
    channel.port2.postMessage(0);
  });
  const bytes = (await readFile(join(FIXTURES, 'pfx', 'm1-600k.pfx'))).toString('base64');
  const t0 = Date.now();
  await page.evaluate((b64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'm1-600k.pfx'));
    const target = document.querySelector('footer') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, bytes);
  const card = page.locator('[data-testid="file-card"][data-file-name="m1-600k.pfx"]');
  const field = card.locator('[data-testid="pfx-password"]');
  await field.waitFor({ timeout: 60000 });
  const added = Date.now() - t0;
  await field.fill(PLAN.password);
  const t1 = Date.now();
  await field.press('Enter');
  await card.locator('section.cert [data-testid="key"]').first().waitFor({ timeout: 60000 });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-file-name="m1-600k.pfx"] section.cert [data-testid="key"]')]
    .some((k) => k.value === 'present'), null, { timeout: 60000 });
  const opened = Date.now() - t1;
  const gap = await page.evaluate(() => { window.__ticking = false; return window.__gap; });
  await context.close();
  return { added_ms: added, opened_ms: opened, longest_gap_ms: gap };
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const ms = (r) => (r && typeof r.ms === 'number' ? r.ms : null);
const fmt = (x) => {
  if (x === null || x === undefined) return 'n/a';
  if (x >= 100) return `${x.toFixed(0)} ms`;
  if (x >= 1) return `${x.toFixed(2)} ms`;
  return `${(x * 1000).toFixed(1)} µs`;
};
const ratio = (peer, mine) => (peer !== null && mine ? `${(peer / mine).toFixed(1)}×` : 'n/a');
const cell = (r) => (r && r.error ? `error: ${r.error.slice(0, 90)}` : fmt(ms(r)));

function report(results) {
  const lines = [`Chromium: ${results.userAgent}`];
  if (Array.isArray(results.decode)) {
    lines.push('', 'decode (per certificate)   | ours (wasm) | PKI.js 4 + asn1js | PKI.js / ours');
    for (const r of results.decode) {
      const mine = ms(r.ours) === null ? null : ms(r.ours) / r.certs;
      const peer = ms(r.pkijs) === null ? null : ms(r.pkijs) / r.certs;
      lines.push(`${r.file.padEnd(26)} | ${fmt(mine)} | ${r.pkijs?.error ? cell(r.pkijs) : fmt(peer)} | ${ratio(peer, mine)}`);
    }
  }
  if (Array.isArray(results.pkcs12)) {
    lines.push('', 'PKCS#12 open               | ours, Rust KDF | ours, WebCrypto PBKDF2 | PKI.js (MAC checked) | PKI.js (no MAC)');
    for (const r of results.pkcs12) {
      lines.push(`${r.file.padEnd(26)} | ${cell(r.ours_rust)} | ${cell(r.ours_webcrypto)} | ${cell(r.pkijs_mac_checked)} | ${cell(r.pkijs_no_mac)}`);
    }
    for (const r of results.pkcs12) {
      if (!Array.isArray(r.steps)) continue;
      const parts = r.steps.map((s) => `${s.kind} ${s.iterations}: wasm ${fmt(s.wasm_ms)}${s.webcrypto_ms === undefined ? '' : `, WebCrypto ${fmt(s.webcrypto_ms)}`}`);
      lines.push(`  ${r.file} derivations: ${parts.join('; ')}`);
    }
  }
  if (results.pipeline && !results.pipeline.error) {
    lines.push('', `pipeline, ${results.pipeline.files} files → report JSON in wasm: ${fmt(results.pipeline.ms)}`);
  }
  if (results.reg && !results.reg.error) {
    const r = results.reg;
    lines.push('', `.reg parse in wasm: ${(r.bytes / 1e6).toFixed(1)} MB in ${fmt(r.ms)} = ${r.mb_per_s.toFixed(0)} MB/s (${r.chunk}-byte chunks, ${r.keys} keys)`);
  } else if (results.reg) {
    lines.push('', `.reg parse in wasm: ${results.reg.error}`);
  }
  if (results.app) {
    const { loads, drops } = results.app;
    lines.push('', `app, ${loads.length} cold loads: interactive drop zone after ${fmt(median(loads.map((l) => l.interactive_ms)))} (median; each ${loads.map((l) => fmt(l.interactive_ms)).join(', ')})`);
    lines.push(`app, drop of ${drops[0]?.files} files → graph painted: ${fmt(median(drops.map((d) => d.painted_ms)))} (median; each ${drops.map((d) => fmt(d.painted_ms)).join(', ')})`);
    if (drops.every((d) => d.graph_painted_ms)) {
      lines.push(`app, drop of ${drops[0]?.files} files → verdict and graph painted (cards may follow): ${fmt(median(drops.map((d) => d.graph_painted_ms)))} (median; each ${drops.map((d) => fmt(d.graph_painted_ms)).join(', ')})`);
    }
    lines.push(`app, longest event-loop gap during the drop: ${fmt(median(drops.map((d) => d.longest_gap_ms)))} median, ${fmt(Math.max(...drops.map((d) => d.longest_gap_ms)))} worst; long tasks (> 50 ms): ${drops.map((d) => d.long_tasks).join(', ')}`);
    if (results.app.pfx?.length) {
      const pfx = results.app.pfx;
      lines.push(`app, m1-600k.pfx: password typed → key present in ${fmt(median(pfx.map((p) => p.opened_ms)))} (median; each ${pfx.map((p) => fmt(p.opened_ms)).join(', ')}); longest event-loop gap ${fmt(Math.max(...pfx.map((p) => p.longest_gap_ms)))} worst`);
    }
    const profiled = drops.find((d) => d.profile_self_ms);
    if (profiled) {
      lines.push('app, main-thread self time during the profiled drop (top functions):');
      for (const { name, ms: t } of profiled.profile_self_ms) lines.push(`  ${String(t).padStart(7)} ms  ${name.slice(0, 110)}`);
      lines.push('app, main-thread time by activity during the profiled drop (trace; nested events overlap):');
      for (const { what, ms: t, count } of profiled.renderer_ms) lines.push(`  ${String(t).padStart(7)} ms  ${what} (${count}×)`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const mounts = [
    ['/pkg/', join(here, 'pkg')],
    ['/node_modules/', join(here, 'node_modules')],
    ['/fixtures/', FIXTURES],
  ];
  if (options.app) mounts.push(['/app/', options.app]);
  mounts.push(['/', join(here, 'page')]);
  const server = await serve(mounts);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e}`));
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 30000 });
    const results = await page.evaluate((plan) => window.runBench(plan), { ...PLAN, only: options.only });
    await context.close();
    if (options.app && (!options.only || options.only.includes('app'))) {
      results.app = await benchApp(browser, `${server.url}app/`, options.runs, options.profileDrop);
    }
    results.plan = PLAN;
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(report(results));
    console.log(`\nfull results: ${options.out}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(`browser benchmark stopped: ${e.message}`);
  process.exit(1);
});
