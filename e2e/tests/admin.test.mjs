// From an admin's seat (issue 14): the offline copy opened from file://, the certificate table,
// the shared view's certificate list and redaction banner, the phone layout of the graph, the
// password field after a drop, the first-visit help, a BOM-less UTF-16 .reg, and errors shown
// once — each at laptop and phone width, with axe-core on the states it adds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DIST, EVALUATED_AT, FIXTURES, LAPTOP, MANIFEST, PHONE, ROOT, card, dropBase64, dropFiles, foreignRequests,
  outcome, pageOverflow, recordedPage, seriousViolations, setEvaluatedAt, short, start, thumb,
} from './harness.mjs';

const WIDTHS = [['laptop', LAPTOP], ['phone', PHONE]];
const OFFLINE = join(DIST, 'ime-cert-inspector-offline.html');
const FILES = ['certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg'];
const TABLE_FILES = ['certs/m0.cer', 'certs/m1.cer', 'certs/m2.cer', 'certs/x.cer', 'reg/enr-m1.reg'];

/** Whether the page scrolls sideways (the phone layout must not). */
/** The table's rows: thumbprint, and the text of every cell, in the order shown. */
async function tableRows(page) {
  return page.$$eval('[data-testid="cert-row"]', (rows) => rows.map((r) => ({
    thumbprint: r.dataset.thumbprint,
    cells: [...r.querySelectorAll('td')].map((td) => td.textContent.trim()),
  })));
}

describe('from an admin\'s seat', () => {
  let env;
  const pages = [];
  before(async () => { env = await start(); });
  after(async () => {
    for (const p of pages) {
      assert.deepEqual(foreignRequests(p, env.server), [], 'the page asked another origin');
    }
    await env.close();
  });
  async function page(viewport = LAPTOP) {
    const p = await env.newPage(viewport);
    pages.push(p);
    return p;
  }

  /** A page opened from disk in its own context, every request and error recorded. */
  async function offlinePage(viewport) {
    const p = await recordedPage(env.browser, viewport);
    await p.goto(pathToFileURL(OFFLINE).href);
    await p.waitForSelector('[data-testid="privacy"]', { timeout: 30000 });
    return p;
  }

  test('the offline file is one self-contained page whose policy forbids every request', async () => {
    const html = await readFile(OFFLINE, 'utf8');
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    for (const directive of ["default-src 'none'", "connect-src 'none'", "object-src 'none'", "base-uri 'none'"]) {
      assert.ok(csp.includes(directive), `offline CSP lacks ${directive}: ${csp}`);
    }
    // Two inline scripts: the page's glue and the fleet view's, each allowed by its hash alone.
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*' 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval'/);
    assert.ok(!csp.includes('unsafe-inline'), csp);
    // Nothing refers to another file: no src, no stylesheet or module link, no import.
    assert.doesNotMatch(html, /\ssrc="/);
    assert.doesNotMatch(html, /<link[^>]+rel="(?:stylesheet|modulepreload|preload)"/);
    assert.doesNotMatch(html, /from\s+'\.\//);
    for (const url of html.matchAll(/href="([^"]+)"/g)) {
      assert.ok(!/^(https?:)?\/\//.test(url[1]), `network URL ${url[1]}`);
    }
  });

  for (const [label, viewport] of WIDTHS) {
    test(`offline: opened from file:// at ${label} width it judges a scenario with no request at all`, async () => {
      const p = await offlinePage(viewport);
      assert.match(await p.textContent('[data-testid="offline-note"]'), /offline copy/);
      await setEvaluatedAt(p, EVALUATED_AT);
      await dropFiles(p, ...FILES);
      await p.waitForSelector('[data-testid="findings"]');
      const sentence = await outcome(p);
      assert.match(sentence, /^The agent uses certificate /);

      // The same files on the served page give the same answer.
      const served = await page(viewport);
      await dropFiles(served, ...FILES);
      assert.equal(sentence, await outcome(served));

      // The only URL the page ever loaded is the file itself: no wasm, script or style fetched.
      assert.deepEqual(p.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:')),
        [pathToFileURL(OFFLINE).href]);
      assert.deepEqual(p.errors, []);
      assert.ok(await pageOverflow(p) <= 0, 'the offline page scrolls sideways');

      // There is no file beside it: the collector script comes from the app itself.
      const [saved] = await Promise.all([
        p.waitForEvent('download'),
        p.locator('[data-testid="collector"] [data-testid="script-download"]').click(),
      ]);
      assert.equal(saved.suggestedFilename(), 'collect-imecert.ps1');
      const script = await readFile(await saved.path(), 'utf8');
      assert.equal(script, await readFile(join(ROOT, 'www', 'collect-imecert.ps1'), 'utf8'));
      assert.equal(await p.locator('[data-testid="offline-download"]').count(), 0);

      // A Remediation export opens the fleet view, whose module is inside the file too.
      const fleet = (await readFile(join(FIXTURES, 'fleet/fleet.csv'))).toString('base64');
      await dropBase64(p, [{ name: 'fleet.csv', base64: fleet }], { cards: 0 });
      await p.waitForSelector('[data-testid="fleet"] [data-fleet-count]', { timeout: 30000 });
      assert.ok(Number(await p.textContent('[data-fleet-count]')) > 0);
      assert.deepEqual(p.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:')),
        [pathToFileURL(OFFLINE).href]);
      assert.deepEqual(p.errors, []);
    });
  }

  test('the served page offers the offline copy as a download beside it', async () => {
    const p = await page();
    const link = p.locator('[data-testid="offline-download"]').first();
    assert.equal(await link.getAttribute('href'), 'ime-cert-inspector-offline.html');
    const status = await p.evaluate(async (href) => (await fetch(href)).status,
      await link.getAttribute('href'));
    assert.equal(status, 200);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /ime-cert-inspector-offline\.html/);
  });

  test('"Copy script" puts the collector on the clipboard, fetched from beside the page only when pressed', async () => {
    const p = await page();
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
    const asked = () => p.requests.filter((u) => u.endsWith('/collect-imecert.ps1')).length;
    assert.equal(asked(), 0, 'the page loaded the collector before anyone asked for it');
    await p.click('[data-testid="copy-collector"]');
    await p.waitForFunction(() => document.body.textContent.includes('Collector script copied'));
    assert.equal(await p.evaluate(() => navigator.clipboard.readText()),
      await readFile(join(ROOT, 'www', 'collect-imecert.ps1'), 'utf8'));
    assert.equal(asked(), 1);
  });

  for (const [label, viewport] of WIDTHS) {
    test(`first visit at ${label} width: every accepted kind, the reg export commands, the log folder, run as SYSTEM`, async () => {
      const p = await page(viewport);
      const kinds = await p.textContent('[data-testid="accepted-kinds"]');
      for (const kind of ['.cer', '.pem', '.p7b', '.pfx', '.p12', '.reg', '.json',
        'IntuneManagementExtension.log', 'ClientHealth.log', 'HealthScripts.log', 'ClientCertCheck.log']) {
        assert.ok(kinds.includes(kind), `the drop text does not list ${kind}: ${kinds}`);
      }
      // The commands export exactly the keys the collector reads, from the 64-bit view.
      const script = await readFile(join(ROOT, 'www', 'collect-imecert.ps1'), 'utf8');
      const keys = [...script.matchAll(/Path = '(SOFTWARE\\[^']+)'/g)].map((m) => `HKLM\\${m[1]}`);
      assert.equal(keys.length, 3, keys.join(', '));
      const commands = (await p.textContent('[data-testid="reg-commands"]')).split('\n');
      assert.equal(commands.length, keys.length);
      for (const [i, key] of keys.entries()) {
        assert.match(commands[i], new RegExp(`^reg export ${key.replace(/\\/g, '\\\\')} \\S+\\.reg /y /reg:64$`));
      }
      assert.ok(await p.locator('[data-testid="reg-commands"]').isVisible());
      const manual = await p.textContent('[data-testid="manual-export"]');
      assert.ok(manual.includes('C:\\ProgramData\\Microsoft\\IntuneManagementExtension\\Logs'), manual);

      // The drop zone and the collector box say the same about running it, and where it lands.
      const hint = await p.textContent('[data-testid="collector-hint"]');
      const runAs = await p.textContent('[data-testid="collector-run-as"]');
      const lands = await p.textContent('[data-testid="collector-lands"]');
      assert.match(runAs, /as SYSTEM/);
      assert.ok(hint.includes(runAs), `the drop zone and the collector box disagree:\n${hint}\n${runAs}`);
      assert.ok(hint.includes(lands));
      assert.match(lands, /C:\\ProgramData\\ime-cert-inspector\\/);
      assert.match(lands, /Copy it off/);
      assert.doesNotMatch(hint, /as administrator/);
      assert.ok(await pageOverflow(p) <= 0, 'the first visit scrolls sideways');
      assert.deepEqual(await seriousViolations(p), []);
    });
  }

  for (const [label, viewport] of WIDTHS) {
    test(`a UTF-16LE .reg without a BOM is read like regedit's at ${label} width`, async () => {
      const bytes = await readFile(join(ROOT, 'tests/fixtures/reg/enr-m1-utf16le-nobom.reg'));
      assert.notDeepEqual([...bytes.subarray(0, 2)], [0xFF, 0xFE], 'the fixture has no BOM');
      const p = await page(viewport);
      await dropFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1-utf16le-nobom.reg');
      const reg = card(p, 'enr-m1-utf16le-nobom.reg');
      assert.match(await reg.locator('[data-testid="file-status"]').textContent(), /^read$/);
      assert.match(await reg.locator('.card-kind').textContent(), /registry export/);
      const reference = await page(viewport);
      await dropFiles(reference, ...FILES);
      assert.equal(await outcome(p), await outcome(reference));
    });
  }

  test('a file that cannot be read shows its error once', async () => {
    const p = await page();
    // A PEM whose only block is not a certificate: the block's problem is the file's error.
    const broken = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await dropBase64(p, [
      { name: 'broken.pem', base64: broken.toString('base64') },
      { name: 'noise.bin', base64: Buffer.from([1, 2, 3, 250]).toString('base64') },
    ]);
    for (const name of ['broken.pem', 'noise.bin']) {
      const error = (await card(p, name).locator('[data-testid="file-error"]').textContent()).trim();
      assert.ok(error.length > 0);
      const text = await p.evaluate(() => document.body.innerText);
      const times = text.split(error).length - 1;
      assert.equal(times, 1, `"${error}" is shown ${times} times`);
    }
  });

  for (const [label, viewport] of WIDTHS) {
    test(`a locked PFX dropped at ${label} width brings its password field into view, focused`, async () => {
      const p = await page(viewport);
      await dropFiles(p, 'certs/m2.cer', 'reg/enr-m1.reg', 'pfx/m1-aes256.pfx');
      const field = card(p, 'm1-aes256.pfx').locator('[data-testid="pfx-password"]');
      await field.waitFor();
      await p.waitForFunction(() => document.activeElement?.dataset?.testid === 'pfx-password');
      const box = await field.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, `field out of view: ${JSON.stringify(box)}`);
      // Typing goes straight into it.
      await p.keyboard.type('Passw0rd!');
      await p.keyboard.press('Enter');
      await card(p, 'm1-aes256.pfx').locator(`section.cert[data-thumbprint="${thumb('m1')}"]`).waitFor({ timeout: 60000 });
    });
  }

  for (const [label, viewport] of WIDTHS) {
    test(`the graph fits the width at ${label} width, and Part 2 shows the agent's answer larger`, async () => {
      const p = await page(viewport);
      await dropFiles(p, ...FILES);
      const graph = p.locator('[data-testid="graph"]');
      await graph.locator('[data-node]').first().waitFor({ state: 'attached' });
      const noSideScroll = () => graph.evaluate((el) => el.scrollWidth - el.clientWidth);
      assert.ok(await noSideScroll() <= 1, 'the drawing scrolls sideways');
      assert.ok(await pageOverflow(p) <= 0, 'the page scrolls sideways');
      const uses = graph.locator('[data-terminal^="uses_"][data-state="taken"]');
      const whole = await uses.boundingBox();
      assert.ok(whole.x >= 0 && whole.x + whole.width <= viewport.width, `"uses" off screen: ${JSON.stringify(whole)}`);

      await p.click('[data-testid="graph-views"] [data-view="agent"]');
      assert.equal(await p.getAttribute('[data-view="agent"]', 'aria-pressed'), 'true');
      assert.equal(await graph.locator('svg').getAttribute('viewBox'), '440 28 460 716');
      const zoomed = await uses.boundingBox();
      assert.ok(zoomed.x >= 0 && zoomed.x + zoomed.width <= viewport.width, `"uses" off screen: ${JSON.stringify(zoomed)}`);
      if (viewport === PHONE) assert.ok(zoomed.width > whole.width * 1.5, `Part 2 is not larger: ${whole.width} → ${zoomed.width}`);
      assert.ok(await noSideScroll() <= 1);
      assert.ok(await pageOverflow(p) <= 0);

      await p.click('[data-testid="graph-views"] [data-view="task"]');
      const freshness = await graph.locator('[data-node="freshness"]').boundingBox();
      assert.ok(freshness.x >= 0 && freshness.x + freshness.width <= viewport.width);
      // The drawing's nodes still answer the keyboard.
      await graph.locator('[data-node="freshness"]').focus();
      await p.keyboard.press('Enter');
      await p.waitForSelector('[data-node-detail="freshness"]');
      assert.deepEqual(await seriousViolations(p), []);
    });
  }

  for (const [label, viewport] of WIDTHS) {
    test(`the certificate table at ${label} width: full thumbprints, search, sort by keyboard, rows open cards`, async () => {
      const p = await page(viewport);
      await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
      await dropFiles(p, ...TABLE_FILES);
      const table = p.locator('[data-testid="cert-table"]');
      await table.waitFor();
      // Above the cards.
      const tableTop = (await table.boundingBox()).y;
      const firstCard = (await p.locator('[data-testid="file-card"]').first().boundingBox()).y;
      assert.ok(tableTop < firstCard, 'the table is not above the cards');

      let rows = await tableRows(p);
      const names = ['m0', 'm1', 'm2', 'x'];
      assert.deepEqual(rows.map((r) => r.thumbprint), names.map(thumb));
      for (const row of rows) assert.ok(row.cells.join(' ').includes(row.thumbprint), 'full thumbprint shown');
      const m1 = rows.find((r) => r.thumbprint === thumb('m1'));
      assert.match(m1.cells[1], /enrollment names it/);
      assert.match(m1.cells[2], /LocalMachine\\My/);
      const used = rows.find((r) => /agent uses it/.test(r.cells[1]));
      assert.ok(used, 'no row says which certificate the agent uses');
      assert.ok((await outcome(p)).includes(used.thumbprint), 'the table and the answer disagree');

      // Search: by the end of a thumbprint, any case.
      await p.fill('[data-testid="cert-search"]', thumb('m2').slice(-8).toLowerCase());
      rows = await tableRows(p);
      assert.deepEqual(rows.map((r) => r.thumbprint), [thumb('m2')]);
      assert.match(await p.textContent('[data-testid="cert-count"]'), /1 of 4 shown/);
      await p.fill('[data-testid="cert-search"]', '');

      // Sort by expiry with the keyboard: Tab to the heading's button, Enter, Enter again.
      const expiry = table.locator('th', { has: p.locator('[data-column="Expiry"]') });
      assert.equal(await expiry.getAttribute('aria-sort'), 'none');
      await table.locator('[data-column="Expiry"]').focus();
      await p.keyboard.press('Enter');
      assert.equal(await expiry.getAttribute('aria-sort'), 'ascending');
      const byDate = (list) => list.map((r) => MANIFEST.certificates[Object.keys(MANIFEST.certificates)
        .find((k) => MANIFEST.certificates[k].thumbprint === r.thumbprint)].not_after);
      const ascending = byDate(await tableRows(p));
      assert.deepEqual(ascending, [...ascending].sort());
      await p.keyboard.press('Enter');
      assert.equal(await expiry.getAttribute('aria-sort'), 'descending');
      const descending = byDate(await tableRows(p));
      assert.deepEqual(descending, [...ascending].reverse());

      // A row opens its card: focus lands on the certificate's section.
      const row = table.locator(`[data-testid="cert-row"][data-thumbprint="${thumb('m2')}"]`);
      await row.locator('[data-testid="open-card"]').click();
      await p.waitForFunction((tp) => document.activeElement?.dataset?.thumbprint === tp
        && document.activeElement.matches('section.cert'), thumb('m2'));
      const cardBox = await p.locator(`section.cert[data-thumbprint="${thumb('m2')}"]`).first().boundingBox();
      assert.ok(cardBox.y < viewport.height && cardBox.y + 10 > 0, 'the card is not in view');

      // Copy puts the full thumbprint on the clipboard.
      await row.getByRole('button', { name: /Copy thumbprint/ }).click();
      await p.waitForSelector('.notice');
      assert.equal(await p.evaluate(() => navigator.clipboard.readText()), thumb('m2'));

      assert.ok(await pageOverflow(p) <= 0, 'the table makes the page scroll sideways');
      assert.deepEqual(await seriousViolations(p), []);
    });
  }

  for (const [label, viewport] of WIDTHS) {
    test(`a shared view at ${label} width lists the certificates, its chips lead somewhere, and says if it is redacted`, async () => {
      const source = await page();
      await dropFiles(source, ...FILES);
      const plainLink = await source.inputValue('[data-testid="share-link"]');
      await source.check('[data-testid="redact"]');
      const redactedLink = await source.inputValue('[data-testid="share-link"]');
      assert.notEqual(plainLink, redactedLink);

      for (const [link, redacted] of [[plainLink, false], [redactedLink, true]]) {
        const p = await page(viewport);
        await p.goto(link);
        await p.reload();
        await p.waitForSelector('[data-testid="shared-banner"]');
        const banner = await p.textContent('[data-testid="shared-redaction"]');
        assert.match(banner, redacted ? /This link is redacted/ : /This link is not redacted/);

        // The certificates, as the Markdown export lists them: validity, store, key.
        const rows = await tableRows(p);
        assert.equal(rows.length, 2);
        for (const r of rows) {
          assert.match(r.cells[2], /LocalMachine\\My/);
          assert.match(r.cells[3], /^(present|absent|unknown)$/);
          assert.match(r.cells[4], /\d{4}-\d{2}-\d{2}.*(expires|expired|not yet valid)/);
        }
        if (!redacted) {
          assert.deepEqual(rows.map((r) => r.thumbprint).sort(), [thumb('m1'), thumb('m2')].sort());
        } else {
          assert.ok(!rows.some((r) => r.thumbprint === thumb('m1') || r.thumbprint === thumb('m2')));
        }
        // Every link to a certificate leads to something on the page.
        const targets = await p.$$eval('[data-testid="findings"] a[href^="#"], [data-testid="node-detail"] a[href^="#"]',
          (links) => links.map((a) => [a.getAttribute('href'), !!document.getElementById(a.getAttribute('href').slice(1))]));
        for (const [href, exists] of targets) assert.ok(exists, `${href} leads nowhere`);
        // Through the graph: the filter step lists every certificate with a working link.
        await p.locator('[data-testid="graph"] [data-node="filter"]').click();
        const verdictLinks = await p.$$eval('[data-testid="node-detail"] a[href^="#"]',
          (links) => links.map((a) => [a.getAttribute('href'), !!document.getElementById(a.getAttribute('href').slice(1))]));
        assert.ok(verdictLinks.length >= 2, 'the filter step lists the certificates');
        for (const [href, exists] of verdictLinks) assert.ok(exists, `${href} leads nowhere`);
        await p.locator('[data-testid="node-detail"] a[href^="#row-"]').first().click();
        await p.waitForFunction(() => document.activeElement?.dataset?.testid === 'cert-row');
        assert.ok(await pageOverflow(p) <= 0);
        assert.deepEqual(await seriousViolations(p), []);
      }
    });
  }
});
