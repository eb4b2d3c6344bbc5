// What an answer may claim (decision-spec.md), in the built page at laptop and phone width: a
// bundle judged at its collection time, files of two devices without a destructive fix, a locked
// PFX without a verdict, the line that says what an edit changed, and copy buttons.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import {
  ACCOUNT_A, LAPTOP, PHONE, assertPageQuiet, card, dropFiles, findingCodes, outcome, pickFiles,
  recordedPage, screenshot, short, start, thumb, toggleFlightChip,
} from './harness.mjs';

const M1 = thumb('m1');
const M2 = thumb('m2');
const SAMPLE_USED = 'D7BD1587B514767AA24C19AA8F8A906DE1F2BBFB';
const SAMPLE_ENROLLED = '4EE6698A33602B7703F34C369DF78921E44D4496';

async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const [width, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
  describe(`what the answer may claim (${width})`, () => {
    let env;
    const pages = [];
    before(async () => { env = await start(); });
    after(async () => {
      for (const page of pages) assertPageQuiet(page, env.server);
      await env.close();
    });
    /** A page at the fixtures' evaluation time (the harness sets it: a chosen time). */
    async function page() {
      const p = await env.newPage(viewport);
      pages.push(p);
      return p;
    }
    /** A page as a person opens it: nobody chose a time. */
    async function freshPage() {
      const p = await recordedPage(env.browser, viewport);
      await p.goto(env.server.url);
      await p.waitForSelector('[data-testid="privacy"]');
      pages.push(p);
      return p;
    }

    test('a bundle is judged at its collection time, "Now" one click away', async () => {
      const p = await freshPage();
      await pickFiles(p, 'bundles/sample.json');
      assert.match(await outcome(p), /the task skipped because CertMetadata is fresh\.$/);
      assert.equal(
        (await p.textContent('[data-testid="judged-at"]')).trim(),
        'Judged at 2026-11-24 09:58 UTC, when the bundle was collected.',
      );
      assert.equal(await p.getAttribute('[data-testid="judge-as-collected"]', 'aria-pressed'), 'true');
      await p.click('[data-testid="judge-now"]');
      assert.match(await p.textContent('[data-testid="judged-at"]'), /, now\.$/);
      assert.match(await outcome(p), /the task stopped because the tenant is not flighted\.$/);
      await p.click('[data-testid="judge-as-collected"]');
      assert.match(await outcome(p), /skipped because CertMetadata is fresh/);
      await screenshot(p, `claims-collected-${width}`);
    });

    test('files of two devices: the warning, and no destructive fix or command', async () => {
      const p = await page();
      await pickFiles(p, 'certs/m1.cer', 'reg/other-device.reg');
      const codes = await findingCodes(p);
      assert.ok(codes.includes('INPUTS_FROM_DIFFERENT_DEVICES'), codes.join());
      const fixes = await p.$$eval('[data-testid="findings"] .finding-fix', (els) => els.map((e) => e.textContent));
      for (const fix of fixes) {
        assert.doesNotMatch(fix, /^Fix: (Remove|Re-enroll|Delete)/, fix);
      }
      assert.equal(await p.locator('[data-testid="fix-commands"]').count(), 0, 'no command while two devices stand');
      const used = p.locator('[data-testid="findings"] [data-code="USED_CERT_NOT_ENROLLED"] .finding-fix');
      assert.match(await used.textContent(), /collect every file from one device/);
      assert.deepEqual(await seriousViolations(p), []);
      await screenshot(p, `claims-two-devices-${width}`);
    });

    test('a locked PFX alone has no verdict, not a red "cannot authenticate"', async () => {
      const p = await page();
      await dropFiles(p, 'pfx/m1-aes256.pfx');
      await card(p, 'm1-aes256.pfx').locator('[data-testid="pfx-password"]').waitFor();
      const sentence = await outcome(p);
      assert.match(sentence, /^No verdict yet: m1-aes256\.pfx waits for its password/);
      assert.doesNotMatch(sentence, /cannot authenticate/);
      const tone = await p.getAttribute('#answer', 'class');
      assert.doesNotMatch(tone, /tone-error/);
      assert.equal(await p.locator('[data-testid="findings"] .sev-error').count(), 0);
      assert.match(await p.textContent('[data-testid="assumed"]'), /m1-aes256\.pfx still waits for a password/);
      assert.deepEqual(await seriousViolations(p), []);
    });

    test('a certificate alone lists the missing registry right after the answer', async () => {
      const p = await page();
      await pickFiles(p, 'certs/m1.cer');
      assert.match(await p.textContent('[data-testid="assumed"]'),
        /no registry export supplied: assumed no CertMetadata/);
      // Keyboard order: the assumption list comes before the findings and the assumptions panel.
      const order = await p.evaluate(() => {
        const assumed = document.querySelector('[data-testid="assumed"]');
        const findings = document.querySelector('[data-testid="findings"]');
        const panel = document.querySelector('#assumptions-title');
        const before = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        return [before(assumed, findings), before(assumed, panel)];
      });
      assert.deepEqual(order, [true, true]);
      assert.match(await outcome(p), new RegExp(M1), 'the answer names the thumbprint in full');
    });

    test('after an edit the answer says what changed, and stays in view', async () => {
      const p = await freshPage();
      await pickFiles(p, 'bundles/sample.json');
      assert.match(await outcome(p), new RegExp(SAMPLE_USED));
      await toggleFlightChip(p, ACCOUNT_A);
      const change = `was ${short(SAMPLE_USED)} via fallback, now ${short(SAMPLE_ENROLLED)} via metadata`;
      assert.equal((await p.textContent('[data-testid="answer-change"]')).trim(), `Changed: ${change}`);
      const sticky = p.locator('[data-testid="sticky-answer"]');
      if (width === 'phone') {
        // The flight chip sits far below the answer: the compact line keeps the answer in view.
        assert.ok(await sticky.isVisible(), 'the compact answer line shows on a phone');
        assert.match(await sticky.textContent(), new RegExp(`Answer: Uses ${short(SAMPLE_ENROLLED)} via metadata`));
        const box = await sticky.boundingBox();
        assert.ok(box && box.y + box.height <= viewport.height + 1 && box.y >= 0, JSON.stringify(box));
      } else {
        assert.equal(await sticky.isVisible(), false, 'side by side, no compact line');
      }
      await screenshot(p, `claims-changed-${width}`);
    });

    test('fix commands and thumbprints come with copy buttons', async () => {
      const p = await page();
      await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg');
      const commands = p.locator('[data-testid="findings"] [data-code="USED_CERT_NOT_ENROLLED"] [data-testid="fix-commands"]');
      assert.match(await commands.textContent(), /Changes the device/);
      const texts = await commands.locator('[data-testid="copy-text"]').allTextContents();
      assert.deepEqual(texts, [`certutil -delstore My ${M2}`, `Remove-Item Cert:\\LocalMachine\\My\\${M2}`]);
      const buttons = commands.locator('[data-testid="copy"]');
      assert.equal(await buttons.count(), 2);
      assert.match(await buttons.first().getAttribute('aria-label'), /^Copy the command: Remove /);
      await buttons.first().click();
      // Copied, or (no clipboard permission in a headless browser) selected for Ctrl+C.
      await p.waitForSelector('.notice');
      const notice = await p.textContent('.notice');
      assert.match(notice, /Copied the command|press Ctrl\+C/);
      if (/Ctrl\+C/.test(notice)) {
        assert.equal(await p.evaluate(() => window.getSelection().toString()), `certutil -delstore My ${M2}`);
      }
      const used = p.locator('#answer [data-testid="copy-text"]');
      assert.equal((await used.textContent()).trim(), M2, 'the used thumbprint in full, copyable');
      const sha = await p.locator('[data-testid="sha256"] [data-testid="copy-text"]').first().textContent();
      assert.match(sha, /^[0-9A-F]{64}$/);
      assert.deepEqual(await seriousViolations(p), []);
    });
  });
}
