// The agent-log panel in the built page, with the real-shape IME logs of generate_logs.py: the
// certificate in use and when (device local time, never UTC unless the zone is known), the
// agent's count, the IDs, refreshes, version, folded repeats, and links to the certificate cards
// — at laptop and phone width.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MANIFEST, PHONE, assertPageQuiet, dropFiles, dropNamedFiles, findingCodes, outcome, pageOverflow,
  screenshot, start, thumb,
} from './harness.mjs';

const M1 = thumb('m1');
const M2 = thumb('m2');
const DEVICE = MANIFEST.guids.device.guid;
const ACCOUNT_A = MANIFEST.guids.account_a.guid;
const PANEL = '[data-testid="log-panel"]';

describe('agent log panel', () => {
  let env;
  const pages = [];
  before(async () => { env = await start(); });
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

  test('rotated IME 1.101 logs: M2 in use, count, IDs, refreshes, folded repeats, card links (laptop)', async () => {
    const p = await page();
    // The newer log first: the panel must still take the latest line across both files.
    await dropFiles(
      p,
      'certs/m1.cer',
      'certs/m2.cer',
      'logs/ime-1.101/IntuneManagementExtension.log',
      'logs/ime-1.101/IntuneManagementExtension-20261124-050000.log',
    );
    await p.waitForSelector(PANEL);
    const used = p.locator(`${PANEL} [data-testid="log-used"]`);
    const link = used.locator('a[data-testid="log-cert"]');
    assert.equal(await link.getAttribute('href'), `#cert-${M2}`);
    const time = used.locator('[data-testid="log-time"]');
    assert.equal(await time.getAttribute('data-zone'), 'device-local');
    const when = await time.textContent();
    assert.match(when, /^2026-11-24 09:55:59\.9999999 device local time$/);
    assert.doesNotMatch(await p.locator(PANEL).textContent(), /UTC/);
    assert.equal(await p.getAttribute(`${PANEL} [data-testid="log-found"]`, 'data-count'), '2');
    assert.equal((await p.textContent(`${PANEL} [data-testid="log-account-id"]`)).trim(), ACCOUNT_A);
    assert.equal((await p.textContent(`${PANEL} [data-testid="log-device-id"]`)).trim(), DEVICE);
    assert.equal(await p.getAttribute(`${PANEL} [data-testid="log-refreshed"]`, 'data-count'), '2');
    assert.match(await p.textContent(`${PANEL} [data-testid="log-refreshed"]`), /9\/1\/2027 2:00:00 AM/);
    assert.equal((await p.textContent(`${PANEL} [data-testid="log-version"]`)).trim(), '1.101.109.0');

    // Hundreds of `Add MdmDeviceCertificate` lines fold into a few rows with a count.
    await p.click(`${PANEL} details.log-events summary`);
    const counts = await p.$$eval(`${PANEL} [data-testid="log-row"][data-kind="cert_used"]`,
      (els) => els.map((e) => Number(e.dataset.count)));
    assert.ok(counts.some((n) => n >= 10), `no folded repeats: ${counts}`);
    const rows = await p.locator(`${PANEL} [data-testid="log-row"]`).count();
    assert.ok(rows <= 40, `${rows} rows`);

    // A certificate named by the log leads to its card.
    await link.click();
    assert.equal(await p.evaluate(() => document.activeElement?.id), `cert-${M2}`);
    assert.ok(!(await findingCodes(p)).includes('LOG_DISAGREES'));
    const overflow = await pageOverflow(p);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    await screenshot(p, 'log-panel-laptop');
  });

  test('a log that disagrees, at phone width', async () => {
    const p = await page(PHONE);
    await dropFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'logs/disagree/IntuneManagementExtension.log');
    await p.waitForSelector(PANEL);
    const codes = await findingCodes(p);
    assert.ok(codes.includes('LOG_DISAGREES'), codes.join());
    assert.ok(codes.includes('DEVICE_ID_MISMATCH'), codes.join());
    assert.equal(
      await p.getAttribute(`${PANEL} [data-testid="log-used"] a[data-testid="log-cert"]`, 'href'),
      `#cert-${M1}`,
    );
    assert.equal(await p.getAttribute(`${PANEL} [data-testid="log-found"]`, 'data-count'), '0');
    const box = await p.locator(PANEL).boundingBox();
    assert.ok(box && box.width <= PHONE.width, `panel ${box?.width} wide`);
    const overflow = await pageOverflow(p);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
    await screenshot(p, 'log-panel-phone');
  });

  test('a bundle with the device offset shows UTC and the device clock', async () => {
    const p = await page();
    await dropFiles(p, 'bundles/log-offset.json');
    await p.waitForSelector(PANEL);
    const time = p.locator(`${PANEL} [data-testid="log-used"] [data-testid="log-time"]`);
    assert.equal(await time.getAttribute('data-zone'), 'utc');
    assert.match(await time.textContent(), /^2026-11-24 08:49 UTC \(device clock 2026-11-24 09:49:17\.\d{7}\)$/);
    // The bundle card says which zone the times were put in.
    assert.match(await p.textContent('[data-testid="bundle-info"]'), /device clock UTC\+01:00, W\. Europe Standard Time/);
  });

  test('only a log: no disagreement, the answer names the certificate to export', async () => {
    const p = await page();
    await dropNamedFiles(p, [{ path: 'logs/ime-1.93/IntuneManagementExtension.log', name: 'IntuneManagementExtension.log' }]);
    await p.waitForSelector(PANEL);
    assert.ok(!(await findingCodes(p)).includes('LOG_DISAGREES'));
    assert.match(await outcome(p), new RegExp(M1));
    // Not supplied: the full thumbprint, no link to a card that does not exist.
    const named = p.locator(`${PANEL} [data-testid="log-used"] [data-testid="log-cert"]`);
    assert.equal(await named.evaluate((e) => e.tagName), 'CODE');
    assert.equal((await named.textContent()).trim(), M1);
  });
});
