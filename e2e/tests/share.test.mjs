// Sharing and saving: the share link opened in a fresh browser (same answer, findings and graph),
// redaction, broken links, the exports (Mermaid parsed by the real mermaid package, SVG parsed as
// XML, PNG at 2×) and "Save scenario" dropped into a fresh page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import {
  ACCOUNT_A, LAPTOP, MANIFEST, ROOT, card, dropFiles, findingCodes, assertPageQuiet, nodeStates,
  outcome, recordedPage, short, start, thumb, toggleFlightChip,
} from './harness.mjs';
import { serve } from '../server.mjs';

const FILES = ['certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg', 'logs/IntuneManagementExtension.log'];

/** Everything a viewer compares: the sentence, the finding codes, every node's state. */
async function answer(page) {
  return {
    outcome: await outcome(page),
    codes: await findingCodes(page),
    states: await nodeStates(page),
  };
}

/** axe-core's serious and critical violations, one line each. */
async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** The scenario bytes inside a link: base64url after `#v1=`, raw deflate. */
function payloadOf(link) {
  const data = link.split('#v1=')[1];
  assert.ok(data, `not a v1 link: ${link.slice(0, 80)}`);
  return inflateRawSync(Buffer.from(data, 'base64url'));
}

/** Every form an identity can take in a payload: text (any case) and the raw bytes. */
function identityForms(value) {
  const forms = [Buffer.from(value), Buffer.from(value.toLowerCase()), Buffer.from(value.toUpperCase())];
  const hex = value.replace(/-/g, '');
  if (/^[0-9a-f]{32}$/i.test(hex)) {
    const bytes = Buffer.from(hex, 'hex');
    // A GUID's bytes in the order it is written and in .NET's order.
    const dotnet = Buffer.concat([
      Buffer.from(bytes.subarray(0, 4)).reverse(), Buffer.from(bytes.subarray(4, 6)).reverse(),
      Buffer.from(bytes.subarray(6, 8)).reverse(), bytes.subarray(8),
    ]);
    forms.push(bytes, dotnet);
  } else if (/^[0-9a-f]{40}$/i.test(value)) {
    forms.push(Buffer.from(value, 'hex'), Buffer.from(value.slice(0, 8)));
  }
  return forms;
}

function carries(payload, value) {
  return identityForms(value).some((form) => payload.includes(form));
}

/** The identities in the shared files: subjects, account/device/tenant/user/enrollment GUIDs, thumbprints. */
function identities() {
  const cert = (name) => Object.values(MANIFEST.certificates).find((c) => c.name === name);
  const values = new Set();
  for (const name of ['m1', 'm2']) {
    const c = cert(name);
    for (const v of [c.subject_cn, c.thumbprint, c.account_id, c.device_id, c.user_id, c.tenant_id]) {
      if (v) values.add(v);
    }
  }
  values.add(MANIFEST.guids.enrollment.guid);
  values.add('admin@contoso.com');
  return [...values];
}

/** The detail of the graph's filter step (picked by keyboard): every certificate it weighed. */
async function filterDetail(page) {
  await page.focus('[data-testid="graph"] [data-node="filter"]');
  await page.keyboard.press('Enter');
  return page.textContent('[data-testid="node-detail"]');
}

/** Drops a file from anywhere on disk (a download) on the page. */
async function dropPath(page, path) {
  const file = { name: basename(path), base64: (await readFile(path)).toString('base64') };
  const before = await page.locator('[data-testid="file-card"]').count();
  await page.evaluate((f) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, file);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="file-card"]').length > n, before);
}

/** Clicks a button that downloads, and returns { name, bytes }. */
async function download(page, label) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** Clicks a copy button and returns what reached the clipboard. */
async function copied(page, label) {
  await page.getByRole('button', { name: label }).click();
  await page.locator('.notice', { hasText: 'copied' }).waitFor();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  await page.getByRole('button', { name: 'Dismiss' }).click();
  return text;
}

describe('sharing and saving', () => {
  let env;
  let extras;
  const pages = [];
  before(async () => {
    env = await start();
    // The mermaid package, served as the test's own blank page loads it.
    extras = await serve(join(ROOT, 'e2e'), '/');
  });
  after(async () => {
    for (const page of pages) {
      assertPageQuiet(page, env.server);
    }
    await env.close();
    await extras.close();
  });

  /** A page with the harness's set-up (fixture time) and clipboard access. */
  async function page() {
    const p = await env.newPage();
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
    pages.push(p);
    return p;
  }

  /** A new browser context (no storage, no clipboard, nothing shared) opening `url` directly. */
  async function fresh(url) {
    const p = await recordedPage(env.browser, LAPTOP);
    pages.push(p);
    await p.goto(url);
    await p.waitForSelector('[data-testid="privacy"]');
    return p;
  }

  async function judged() {
    const p = await page();
    await dropFiles(p, ...FILES);
    await toggleFlightChip(p, ACCOUNT_A);
    return p;
  }

  test('a share link opens in a fresh browser to the same answer, findings and graph', async () => {
    const p = await judged();
    const original = await answer(p);
    assert.match(original.outcome, /^The agent uses certificate /);

    const link = await copied(p, 'Copy share link');
    assert.ok(link.startsWith(`${env.server.url}#v1=`), link.slice(0, 80));
    assert.equal(await p.inputValue('[data-testid="share-link"]'), link);
    assert.equal(await p.textContent('[data-testid="share-link-length"]'),
      `${link.length.toLocaleString('en-US')} characters`);
    assert.ok(link.length < 2500, `a typical scenario gives a short link (${link.length})`);
    assert.ok(carries(payloadOf(link), MANIFEST.guids.device.guid), 'an unredacted link carries the device ID');
    // Copying does not turn the page into a shared view.
    assert.equal(new URL(p.url()).hash, '');

    const viewer = await fresh(link);
    await viewer.locator('[data-testid="shared-banner"]').waitFor();
    assert.deepEqual(await answer(viewer), original);
    assert.match(await viewer.textContent('[data-testid="shared-what"]'), /2 certificates, 1 enrollment, judged at 2026-11-24 10:00 UTC/);
    assert.equal(await viewer.textContent('[data-testid="evaluated-at-utc"]'), '2026-11-24T10:00:00Z');
    assert.equal(await viewer.locator('[data-testid="file-card"]').count(), 0, 'a link carries no files');
    assert.deepEqual(await seriousViolations(viewer), []);

    // What-if in the shared view: a year later both certificates have expired.
    await viewer.fill('#evaluated-at', '2027-10-01T10:00:00');
    assert.notEqual(await outcome(viewer), original.outcome);
    await viewer.fill('#evaluated-at', '2026-11-24T10:00:00');
    assert.deepEqual(await answer(viewer), original);

    // A file added joins the shared certificates; the banner stays.
    await dropFiles(viewer, 'certs/m0.cer');
    await card(viewer, 'm0.cer').waitFor();
    assert.equal(await viewer.locator('[data-testid="shared-banner"]').count(), 1);
    assert.match(await filterDetail(viewer), new RegExp(thumb('m0')));
    assert.match(await filterDetail(viewer), new RegExp(thumb('m1')));
    // The saved scenario would lack the link's certificates: saving is off, and says why.
    assert.ok(await viewer.locator('[data-testid="save-scenario"]').isDisabled());
    assert.match(await viewer.textContent('#save-scenario-hint'), /shared view/);

    // Leaving: the banner and the fragment go, the added file stays and is judged alone.
    await viewer.click('[data-testid="leave-shared"]');
    assert.equal(await viewer.locator('[data-testid="shared-banner"]').count(), 0);
    assert.equal(new URL(viewer.url()).hash, '');
    await card(viewer, 'm0.cer').waitFor();
    assert.match(await filterDetail(viewer), new RegExp(thumb('m0')));
    assert.doesNotMatch(await filterDetail(viewer), new RegExp(thumb('m1')));
  });

  test('a redacted link carries none of the identities and judges the same', async () => {
    const p = await judged();
    const original = await answer(p);
    await p.check('[data-testid="redact"]');
    const link = await p.inputValue('[data-testid="share-link"]');
    const payload = payloadOf(link);
    for (const value of identities()) {
      assert.ok(!carries(payload, value), `the redacted link carries ${value}`);
    }
    // Bundles hold the certificates themselves: saving is off while redacting, and says why.
    assert.ok(await p.locator('[data-testid="save-scenario"]').isDisabled());
    assert.match(await p.textContent('#save-scenario-hint'), /cannot be redacted/);

    const viewer = await fresh(link);
    await viewer.locator('[data-testid="shared-banner"]').waitFor();
    const seen = await answer(viewer);
    assert.deepEqual(seen.states, original.states);
    assert.deepEqual(seen.codes, original.codes);
    const text = await viewer.textContent('body');
    for (const value of identities()) {
      assert.ok(!text.toLowerCase().includes(value.toLowerCase()), `the redacted view shows ${value}`);
    }
  });

  test('a broken link says so and leaves a working page', async () => {
    // Deterministic junk in the link alphabet, 10 KB of it.
    let seed = 7;
    const junk = Array.from({ length: 10_240 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[seed % 64];
    }).join('');
    const cases = [
      ['#v1=AAAA', /truncated or damaged/],
      ['#v2=AAAA', /newer version of the inspector/],
      [`#v1=${junk}`, /damaged/],
      [`#v1=${'%'.repeat(10_240)}`, /damaged/],
    ];
    for (const [fragment, why] of cases) {
      const viewer = await fresh(`${env.server.url}${fragment}`);
      const error = viewer.locator('[data-testid="link-error"]');
      await error.waitFor();
      assert.match(await error.textContent(), why, fragment.slice(0, 20));
      if (fragment === '#v2=AAAA') assert.deepEqual(await seriousViolations(viewer), []);
      assert.equal(await viewer.locator('[data-testid="shared-banner"]').count(), 0);
      await dropFiles(viewer, 'certs/m1.cer');
      assert.match(await outcome(viewer), /^The agent uses certificate /);
    }

    // On an open page, a bad link pasted into the address bar keeps the files.
    const p = await page();
    await dropFiles(p, 'certs/m1.cer');
    await p.evaluate(() => { window.location.hash = '#v9=AAAA'; });
    await p.locator('[data-testid="link-error"]').waitFor();
    await card(p, 'm1.cer').waitFor();
    await p.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await p.locator('[data-testid="link-error"]').count(), 0);
    assert.equal(new URL(p.url()).hash, '');
  });

  test('exports: Mermaid parses with mermaid, the SVG is XML, the PNG is 2×, even for a markup subject', async () => {
    const p = await page();
    const dialogs = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await dropFiles(p, 'certs/markup-subject.cer', 'certs/m1.cer', 'reg/enr-m1.reg');

    const mermaid = await copied(p, 'Copy Mermaid');
    assert.match(mermaid, /^flowchart TD/);
    const checker = await env.browser.newPage();
    await checker.goto(`${extras.url}pages/mermaid.html`);
    const parsed = await checker.evaluate(async (text) => {
      try {
        return { ok: true, type: (await window.mermaid.parse(text)).diagramType };
      } catch (e) {
        return { ok: false, error: String(e?.message ?? e) };
      }
    }, mermaid);
    assert.deepEqual(parsed, { ok: true, type: 'flowchart-v2' }, mermaid.slice(0, 400));

    const svg = await download(p, 'Download SVG');
    assert.match(svg.name, /^imecert-.*-2026-11-24\.svg$/);
    const xml = await checker.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.localName,
        scripts: doc.getElementsByTagName('script').length,
        nodes: doc.querySelectorAll('[data-node]').length,
        text: doc.documentElement.textContent,
      };
    }, svg.bytes.toString('utf8'));
    assert.equal(xml.errors, 0);
    assert.equal(xml.root, 'svg');
    assert.equal(xml.scripts, 0, 'the subject stayed text');
    assert.ok(xml.nodes > 5);
    await checker.close();

    const png = await download(p, 'Download PNG');
    assert.match(png.name, /\.png$/);
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], [1800, 1560]);

    const markdown = await download(p, 'Download Markdown');
    assert.match(markdown.name, /\.md$/);
    const md = markdown.bytes.toString('utf8');
    assert.match(md, /^# Intune MDM certificate check/);
    assert.equal(await copied(p, 'Copy Markdown'), md);
    assert.deepEqual(dialogs, []);
  });

  test('a saved scenario, dropped into a fresh page, gives the same answer', async () => {
    const p = await judged();
    await dropFiles(p, 'reg/meta-m1-30h.reg');
    const original = await answer(p);
    const saved = await download(p, 'Save scenario (bundle)');
    assert.match(saved.name, /^imecert-scenario-.*-2026-11-24\.json$/);
    const bundle = JSON.parse(saved.bytes.toString('utf8'));
    assert.equal(bundle.schema, 'ime-cert-inspector/scenario/v1');
    assert.equal(bundle.certificates.length, 2);
    assert.ok(bundle.certificates.every((c) => c.store_owner === 'SYSTEM'));
    assert.deepEqual(bundle.registry.map((r) => r.name), ['enr-m1.reg', 'meta-m1-30h.reg']);
    assert.equal(bundle.logs[0].name, 'IntuneManagementExtension.log');
    assert.deepEqual(bundle.assumptions.flighted_accounts, [ACCOUNT_A]);

    const other = await page();
    await dropPath(other, await writeDownload(saved));
    await other.locator('[data-testid="bundle-info"]').waitFor();
    assert.deepEqual(await answer(other), original);
  });
});

/** Writes a download's bytes where the page can be handed them, under its own name. */
async function writeDownload({ name, bytes }) {
  const path = join(await mkdtemp(join(tmpdir(), 'imecert-share-')), name);
  await writeFile(path, bytes);
  return path;
}
