// The fleet view in the built page: a Remediation export (the admin center's CSV in UTF-8 and
// UTF-16, Graph JSON) dropped on the page gives the same devices and counts as `imecert fleet`
// on the same file; filter, open a device, come back with the filter kept, download what is
// filtered; a few thousand devices scroll with a few dozen rows in the DOM — at laptop and phone
// width, axe clean, with no request to another origin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ACCOUNT_A, EVALUATED_AT, FIXTURES, PHONE, ROOT, assertPageQuiet, dropBase64, findingCodes, outcome, pageOverflow,
  screenshot, seriousViolations, start,
} from './harness.mjs';

const FLEET = '[data-testid="fleet"]';

/**
 * What `imecert fleet` says of a fixture file, in the given format. Exit code 1 means some rows
 * had no verdict, which the fixtures have on purpose.
 */
function cli(path, format, flags = []) {
  const run = spawnSync(
    'cargo',
    ['run', '-q', '--locked', '--bin', 'imecert', '--', 'fleet', ...flags, '--format', format, join(FIXTURES, path)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.ok(run.status === 0 || run.status === 1, `imecert fleet exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** The CLI's rows of a file as objects, and its counts per finding. */
function cliRows(path, flags = []) {
  const rows = cli(path, 'jsonl', flags).trim().split('\n').map((line) => JSON.parse(line));
  const byFinding = {};
  for (const row of rows) {
    for (const code of row.findings) byFinding[code] = (byFinding[code] ?? 0) + 1;
  }
  return { rows, byFinding };
}

async function dropFleet(page, path, name = path.split('/').pop()) {
  const base64 = (await readFile(join(FIXTURES, path))).toString('base64');
  await dropBase64(page, [{ name, base64 }], { cards: 0 });
  await page.waitForSelector(`${FLEET} [data-fleet-count]`);
}

/** The page's counts: devices, and devices per finding code. */
async function pageCounts(page) {
  const devices = Number(await page.textContent('[data-fleet-count]'));
  const byFinding = await page.$$eval('[data-finding-count]', (els) =>
    Object.fromEntries(els.map((e) => [e.dataset.findingCount, Number(e.textContent)])));
  return { devices, byFinding };
}

/** The device names in the table, in order. */
async function tableDevices(page) {
  return page.$$eval(`${FLEET} .device-row .device-cell`, (cells) => cells.map((c) => c.textContent.trim()));
}

describe('fleet view', () => {
  let env;
  let expected;
  const pages = [];
  before(async () => {
    expected = cliRows('fleet/fleet.csv');
    env = await start();
  });
  after(async () => {
    for (const page of pages) {
      assertPageQuiet(page, env.server);
    }
    await env.close();
  });
  async function page(viewport) {
    const p = await env.newPage(viewport);
    pages.push(p);
    return p;
  }

  test('the export CSV: counts as the CLI, filter, open a device, back, download (laptop)', async () => {
    const p = await page();
    // The fleet view is a module of its own, loaded on the first fleet file, not with the page.
    const fleetModule = () => p.requests.filter((u) => /\/fleet-view-[0-9a-f]+(_bg\.wasm|\.js)$/.test(u));
    assert.deepEqual(fleetModule(), [], 'the page loaded the fleet view before a fleet was dropped');
    await dropFleet(p, 'fleet/fleet.csv');
    assert.equal(fleetModule().length, 2, fleetModule().join(', '));
    const counts = await pageCounts(p);
    assert.equal(counts.devices, expected.rows.length);
    assert.deepEqual(counts.byFinding, expected.byFinding);
    assert.equal(await p.locator('[data-testid="file-card"]').count(), 0, 'a fleet is not a device file');
    assert.deepEqual(await tableDevices(p), expected.rows.map((r) => r.device));
    assert.deepEqual(await seriousViolations(p), []);

    // The report for a ticket is what `imecert fleet --format markdown` writes.
    const [report] = await Promise.all([
      p.waitForEvent('download'),
      p.click('[data-testid="fleet-download-report"]'),
    ]);
    assert.equal(report.suggestedFilename(), 'fleet-report.md');
    assert.equal(await readFile(await report.path(), 'utf8'), cli('fleet/fleet.csv', 'markdown'));
    // A click in the fleet view is the fleet view's alone: the page (another Yew app, in another
    // wasm module) once ran a handler of its own for it and said "The pasted text is empty".
    assert.equal(await p.locator('.notice').count(), 0, await p.locator('.notice').allTextContents().then(String));

    // Filter by a finding: the rows the CLI gives for it, and the count says so.
    await p.selectOption('[data-testid="fleet-finding"]', 'MULTIPLE_MDM_CERTS');
    const multiple = expected.rows.filter((r) => r.findings.includes('MULTIPLE_MDM_CERTS'));
    assert.deepEqual(await tableDevices(p), multiple.map((r) => r.device));
    assert.match(await p.textContent('[data-testid="fleet-shown"]'),
      new RegExp(`^Showing ${multiple.length} of ${expected.rows.length} devices$`));

    // The download is the CLI's CSV of exactly those devices.
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.click('[data-testid="fleet-download-csv"]'),
    ]);
    assert.equal(download.suggestedFilename(), 'fleet-devices.csv');
    const downloaded = await readFile(await download.path(), 'utf8');
    const cliCsv = cli('fleet/fleet.csv', 'csv').split('\n');
    const wanted = new Set(multiple.map((r) => r.device));
    const cliLines = [cliCsv[0], ...cliCsv.slice(1).filter((l) => wanted.has(l.split(',')[0]))];
    assert.deepEqual(downloaded.trim().split('\n'), cliLines);

    // Sort by device, descending on the second click.
    await p.click(`${FLEET} th button:has-text("Device")`);
    await p.click(`${FLEET} th button:has-text("Device")`);
    const sorted = multiple.map((r) => r.device).sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase()));
    assert.deepEqual(await tableDevices(p), sorted);
    assert.equal(await p.getAttribute(`${FLEET} th[aria-sort="descending"]`, 'scope'), 'col');

    // Open a device: its single-device view with the same verdict as the CLI's row.
    const device = multiple.find((r) => r.worst_severity === 'error') ?? multiple[0];
    await p.click(`[data-testid="fleet-device"]:has-text("${device.device}")`);
    await p.waitForSelector('[data-testid="fleet-device-banner"]');
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'fleet-device-title');
    assert.match(await p.textContent('#fleet-device-title'), new RegExp(device.device));
    assert.ok((await outcome(p)).includes(`certificate ${device.agent_cert}`), await outcome(p));
    assert.deepEqual((await findingCodes(p)).sort(), [...device.findings].sort());
    assert.equal(await p.locator(FLEET).count(), 0);
    await screenshot(p, 'fleet-device-laptop');

    // Back: the filter and the sort are as they were.
    await p.click('[data-testid="back-to-fleet"]');
    await p.waitForSelector(FLEET);
    assert.equal(await p.inputValue('[data-testid="fleet-finding"]'), 'MULTIPLE_MDM_CERTS');
    assert.deepEqual(await tableDevices(p), sorted);
    await screenshot(p, 'fleet-laptop');

    // The charts filter too: a click on the picked finding's bar shows every device again, a
    // click on a verdict's bar keeps that verdict's devices, and the selects follow.
    const findingBar = p.locator(`${FLEET} g.bar:has([data-finding-count="MULTIPLE_MDM_CERTS"])`);
    assert.match(await findingBar.getAttribute('class'), /\bpicked\b/);
    await findingBar.click();
    assert.equal(await p.inputValue('[data-testid="fleet-finding"]'), '');
    assert.equal((await tableDevices(p)).length, expected.rows.length);
    const errorBar = p.locator(`${FLEET} figure:has(#chart-verdicts-title) g.bar`,
      { has: p.locator('text.bar-label', { hasText: /^error$/ }) });
    await errorBar.click();
    assert.equal(await p.inputValue('[data-testid="fleet-verdict"]'), 'error');
    const errors = expected.rows.filter((r) => r.worst_severity === 'error' && !r.error);
    assert.ok(errors.length > 0, 'the fixture fleet has devices with an error');
    assert.deepEqual((await tableDevices(p)).sort(), errors.map((r) => r.device).sort());
    assert.match(await p.textContent('[data-testid="fleet-shown"]'),
      new RegExp(`^Showing ${errors.length} of ${expected.rows.length} devices$`));
  });

  test('the assumptions re-judge the whole fleet, as the CLI with the same flags', async () => {
    const p = await page();
    await dropFleet(p, 'fleet/fleet.csv');
    const before = await pageCounts(p);
    await p.fill('#flighted-input', ACCOUNT_A);
    await p.press('#flighted-input', 'Enter');
    const flags = ['--flighted', ACCOUNT_A, '--at', `${EVALUATED_AT}Z`];
    const theirs = cliRows('fleet/fleet.csv', flags);
    assert.notDeepEqual(theirs.byFinding, expected.byFinding, 'flighting changes the fixture fleet');
    await p.waitForFunction((want) => {
      const els = [...document.querySelectorAll('[data-finding-count]')];
      const got = Object.fromEntries(els.map((e) => [e.dataset.findingCount, Number(e.textContent)]));
      return JSON.stringify(got, Object.keys(got).sort()) === JSON.stringify(want, Object.keys(want).sort());
    }, theirs.byFinding, { timeout: 30_000 });
    const after = await pageCounts(p);
    assert.equal(after.devices, before.devices);
    assert.deepEqual(after.byFinding, theirs.byFinding);

    // The page says what the edit did: the devices whose verdict the CLI's two runs differ on.
    const verdict = (r) => (r.task_outcome ? (r.worst_severity ?? 'no finding') : 'no verdict');
    const plain = cliRows('fleet/fleet.csv', ['--at', `${EVALUATED_AT}Z`]);
    const was = new Map(plain.rows.map((r) => [r.source, verdict(r)]));
    const moved = theirs.rows.filter((r) => was.has(r.source) && was.get(r.source) !== verdict(r));
    assert.ok(moved.length > 0, 'flighting moves some verdicts of the fixture fleet');
    const line = p.locator('[data-testid="fleet-changes"]');
    assert.equal(Number(await line.getAttribute('data-changed-count')), moved.length);
    const [from, to] = [was.get(moved[0].source), verdict(moved[0])];
    assert.match(await line.textContent(),
      new RegExp(`^Under the edited assumptions, ${moved.length} devices? changed verdict: .*\\d+ ${from} → ${to}`));
  });

  test('UTF-16 CSV and Graph JSON: the same devices and counts as the CLI', async () => {
    for (const path of ['fleet/fleet-utf16.csv', 'fleet/fleet-graph.json']) {
      const theirs = cliRows(path);
      const p = await page();
      await dropFleet(p, path);
      const counts = await pageCounts(p);
      assert.equal(counts.devices, theirs.rows.length, path);
      assert.deepEqual(counts.byFinding, theirs.byFinding, path);
      assert.deepEqual(counts.byFinding, expected.byFinding, `${path} judges as the UTF-8 CSV`);
      assert.deepEqual(await tableDevices(p), theirs.rows.map((r) => r.device), path);
    }
  });

  test('rows without a verdict say why; a Graph page without rows is a note', async () => {
    const p = await page();
    await dropFleet(p, 'fleet/fleet.csv');
    await p.selectOption('[data-testid="fleet-verdict"]', 'no verdict');
    const unjudged = expected.rows.filter((r) => r.task_outcome === null);
    assert.ok(unjudged.length > 0);
    assert.deepEqual(await tableDevices(p), unjudged.map((r) => r.device));
    const reasons = await p.$$eval(`${FLEET} .device-row .findings-cell`, (c) => c.map((e) => e.textContent));
    assert.ok(reasons.some((r) => /newer collector/.test(r)), reasons.join(' | '));
    assert.ok(reasons.some((r) => /cut off/.test(r)), reasons.join(' | '));
    assert.equal(await p.locator('[data-testid="fleet-device"]').count(), 0, 'no verdict, nothing to open');

    const q = await page();
    await dropFleet(q, 'fleet/graph-empty-page.json');
    assert.equal(await q.textContent('[data-fleet-count]'), '0');
    assert.match(await q.textContent('[data-testid="fleet-notes"]'), /nextLink|no rows|page/i);
  });

  test('thousands of devices: a few dozen rows in the DOM, the last one reachable', async () => {
    const csv = await readFile(join(FIXTURES, 'fleet/fleet.csv'), 'utf8');
    const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const tokenLines = lines.filter((l) => l.includes('IMECERT1:'));
    const big = [header];
    const count = 5000;
    for (let i = 0; i < count; i++) {
      const line = tokenLines[i % tokenLines.length];
      // Another device each time: a new name and device ID.
      const id = `0b000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      big.push(line.replace(/^"[^"]*","[^"]*"/, `"PC-${String(i).padStart(5, '0')}","${id}"`));
    }
    const p = await page();
    await dropBase64(p, [{ name: 'big.csv', base64: Buffer.from(big.join('\r\n')).toString('base64') }], { cards: 0 });
    await p.waitForSelector('[data-fleet-count]', { timeout: 60_000 });
    assert.equal(await p.textContent('[data-fleet-count]'), String(count));
    const rendered = await p.locator(`${FLEET} .device-row`).count();
    assert.ok(rendered > 10 && rendered <= 60, `${rendered} rows in the DOM`);
    await p.$eval('[data-testid="fleet-table"]', (el) => { el.scrollTop = el.scrollHeight; });
    await p.waitForFunction(() => [...document.querySelectorAll('.device-row .device-cell')]
      .some((c) => c.textContent.trim() === 'PC-04999'));
    assert.ok((await p.locator(`${FLEET} .device-row`).count()) <= 60);
  });

  test('phone width: no sideways page scroll, open and back, axe clean', async () => {
    const p = await page(PHONE);
    await dropFleet(p, 'fleet/fleet.csv');
    const overflow = await pageOverflow(p);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    assert.deepEqual(await seriousViolations(p), []);
    await screenshot(p, 'fleet-phone');
    await p.locator('[data-testid="fleet-device"]').first().click();
    await p.waitForSelector('[data-testid="fleet-device-banner"]');
    assert.ok((await pageOverflow(p)) <= 1);
    await p.click('[data-testid="back-to-fleet"]');
    await p.waitForSelector(FLEET);
    assert.equal(Number(await p.textContent('[data-fleet-count]')), expected.rows.length);
  });

  test('a lone token opens as its device', async () => {
    const csv = await readFile(join(FIXTURES, 'fleet/fleet.csv'), 'utf8');
    const token = csv.match(/IMECERT1:[A-Za-z0-9_-]+/)[0];
    const p = await page();
    await dropBase64(p, [{ name: 'token.txt', base64: Buffer.from(token).toString('base64') }], { cards: 0 });
    await p.waitForSelector('[data-testid="fleet-device-banner"]');
    assert.ok((await outcome(p)).includes(`certificate ${expected.rows[0].agent_cert}`), await outcome(p));
    assert.deepEqual((await findingCodes(p)).sort(), [...expected.rows[0].findings].sort());
  });
});
