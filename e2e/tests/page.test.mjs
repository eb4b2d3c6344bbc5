// The page as a whole: its security promises (CSP, no foreign requests, works under a sub-path),
// accessibility (axe-core, keyboard), the report download, and screenshots of the main states at
// laptop and phone width, light and dark, saved under target/e2e/ for people to look at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import {
  ACCOUNT_A, DIST, FIXTURES, LAPTOP, PHONE, card, foreignRequests, outcome, pageOverflow,
  pickFiles, screenshot, start, thumb, toggleFlightChip,
} from './harness.mjs';
import { join } from 'node:path';

/** axe-core's serious and critical violations, one line each. */
async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

describe('the page', () => {
  let env;
  const pages = [];
  before(async () => { env = await start(); });
  after(async () => {
    for (const page of pages) {
      assert.deepEqual(foreignRequests(page, env.server), [], 'the page asked another origin');
    }
    await env.close();
  });
  async function page(viewport) {
    const p = await env.newPage(viewport);
    pages.push(p);
    return p;
  }

  test('the built index.html carries a strict CSP with the loader hash filled in', async () => {
    const html = await readFile(join(DIST, 'index.html'), 'utf8');
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    for (const directive of [
      "default-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
      "form-action 'none'", "style-src 'self'", "img-src 'self' data: blob:",
    ]) {
      assert.ok(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
    }
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.ok(!csp.includes('__TRUNK_LOADER_HASH__'));
    assert.ok(!csp.includes('unsafe-inline'));
    // The collector script the page links to ships with it.
    assert.ok(existsSync(join(DIST, 'collect-imecert.ps1')));
    // Every asset URL is relative, so the site works under any sub-path.
    for (const url of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      assert.ok(url[1].startsWith('./'), `absolute asset URL ${url[1]}`);
    }
  });

  test('starts under a sub-path with no CSP violation and no request elsewhere', async () => {
    const p = await page();
    const violations = [];
    p.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await p.reload();
    await p.waitForSelector('[data-testid="privacy"]');
    assert.match(await p.textContent('[data-testid="privacy"]'), /Nothing leaves your browser/);
    assert.deepEqual(violations, []);
    assert.ok(env.server.requests.every((r) => r.startsWith('/tools/ime-cert-inspector/')),
      env.server.requests.join(', '));
    assert.deepEqual(p.errors, []);
  });

  test('no serious or critical accessibility violations, empty and full, light and dark', async () => {
    const p = await page();
    assert.deepEqual(await seriousViolations(p), [], 'empty page');
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg', 'pfx/m1-aes256.pfx', 'bad/random.bin');
    await toggleFlightChip(p, ACCOUNT_A);
    await p.click('[data-testid="graph"] [data-node="gateway"]');
    assert.deepEqual(await seriousViolations(p), [], 'light');
    await p.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await seriousViolations(p), [], 'dark');
  });

  test('everything works from the keyboard', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg');
    // Tab through the page until the graph's "flight" node has focus, then open it with Enter.
    let reached = false;
    for (let i = 0; i < 80 && !reached; i += 1) {
      await p.keyboard.press('Tab');
      reached = await p.evaluate(() => document.activeElement?.getAttribute('data-node') === 'flight');
    }
    assert.ok(reached, 'the flight node is reachable with Tab');
    await p.keyboard.press('Enter');
    assert.match(await p.textContent('[data-node-detail="flight"]'), /taken/);
    // A finding's certificate link moves focus to that certificate's card.
    const link = p.locator('[data-code="USED_CERT_NOT_ENROLLED"] .finding-certs a').first();
    await link.focus();
    await p.keyboard.press('Enter');
    const focused = await p.evaluate(() => document.activeElement?.getAttribute('data-thumbprint'));
    assert.ok([thumb('m1'), thumb('m2')].includes(focused), `focus went to ${focused}`);
    // The flight chip toggles with the keyboard too.
    await p.focus(`button.suggest[data-account="${ACCOUNT_A}"]`);
    await p.keyboard.press('Enter');
    assert.match(await outcome(p), /found through CertMetadata/);
  });

  test('pasted certificate text becomes a card: anywhere on the page, or in the paste box', async () => {
    const p = await page();
    const pem = await readFile(join(FIXTURES, 'formats', 'm1.pem'), 'utf8');
    // Ctrl+V with nothing focused: the page's own paste handler takes it.
    await p.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, pem);
    await card(p, 'pasted text 1').waitFor();
    assert.match(await card(p, 'pasted text 1').textContent(), new RegExp(thumb('m1')));
    // The paste box, by keyboard.
    const m2 = await readFile(join(FIXTURES, 'formats', 'm1-m2-with-text.pem'), 'utf8');
    await p.click('text=Paste certificate text');
    await p.fill('#paste-text', m2);
    await p.click('text=Add pasted text');
    await card(p, 'pasted text 2').waitFor();
    assert.equal(await card(p, 'pasted text 2').locator('section.cert').count(), 2);
    assert.equal(await p.inputValue('#paste-text'), '');
  });

  test('the thumbprint copy button puts the thumbprint on the clipboard', async () => {
    const p = await page();
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await pickFiles(p, 'certs/m1.cer');
    await p.click(`button[aria-label="Copy thumbprint ${thumb('m1')}"]`);
    await p.waitForSelector('.notice');
    assert.match(await p.textContent('.notice'), /copied/);
    assert.equal(await p.evaluate(() => navigator.clipboard.readText()), thumb('m1'));
  });

  test('the report downloads as the CLI JSON report', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg');
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.click('text=Download report (JSON)'),
    ]);
    assert.match(download.suggestedFilename(), /^imecert-report-2026-11-24T100000Z\.json$/);
    const report = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(report.schema, 'ime-cert-inspector/report/v1');
    assert.equal(report.evaluated_at, '2026-11-24T10:00:00Z');
    assert.equal(report.task.outcome, 'stopped_not_flighted');
    assert.equal(report.agent.cert, thumb('m2'));
    // The report's summary is the Answer's sentence and the time it is judged at (issue 14).
    assert.equal(report.summary, `${await outcome(p)} ${(await p.textContent('[data-testid="judged-at"]')).trim()}`);
    assert.equal(report.time_basis, 'chosen');
    assert.equal(report.certificates.length, 2);
  });

  test('screenshots of the main states, laptop and phone, light and dark', async () => {
    for (const [label, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
      const p = await page(viewport);
      await screenshot(p, `empty-${label}`);
      await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg', 'pfx/m1-aes256.pfx');
      await toggleFlightChip(p, ACCOUNT_A);
      await p.click('[data-testid="graph"] [data-node="gateway"]');
      await screenshot(p, `full-${label}`);
      await p.emulateMedia({ colorScheme: 'dark' });
      await screenshot(p, `full-${label}-dark`);
      // Nothing is wider than the screen, but the graph, which scrolls inside its own box.
      const overflow = await pageOverflow(p);
      assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at ${label} width`);
      assert.ok(await card(p, 'm1.cer').isVisible());
    }
  });
});
