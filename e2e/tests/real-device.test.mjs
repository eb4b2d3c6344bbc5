// A device certificate with the extension shapes of a real Intune one
// (tests/fixtures/generate_real_shapes.py): 5.15–5.19 and 5.23 are DER INTEGERs, 5.11 a 16-byte
// OCTET STRING, the serial is "negative". The page must show the numbers and GUIDs, keep each
// value's raw bytes one click away, show the serial as its bytes, and fit at laptop and phone width.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FIXTURES, LAPTOP, PHONE, assertPageQuiet, dropFiles, pageOverflow, screenshot, start,
} from './harness.mjs';

const EXPECT = JSON.parse(await readFile(join(FIXTURES, 'real-shapes.json'), 'utf8'))['real-device'];
const spaced = (hex) => hex.match(/../g).join(' ');

/** The row of one extension in the certificate's section. */
function row(page, oid) {
  return page.locator(`section.cert[data-thumbprint="${EXPECT.thumbprint}"] li[data-oid="${oid}"]`);
}

describe('a real-shape device certificate', () => {
  let env;
  before(async () => { env = await start(); });
  after(async () => { await env?.close(); });

  for (const [label, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
    test(`every value decoded, raw bytes one click away (${label})`, async () => {
      const page = await env.newPage(viewport);
      await dropFiles(page, EXPECT.file);
      const section = page.locator(`section.cert[data-thumbprint="${EXPECT.thumbprint}"]`);
      await section.waitFor();

      // The serial as its bytes: no sign conversion, no "-".
      assert.ok((await section.textContent()).includes(EXPECT.serial), 'serial shown as its bytes');

      // The unverified labels sit behind one click; open it as a person would.
      await section.locator('details.more > summary', { hasText: 'labels unverified' }).click();

      for (const [oid, { value_hex: hex }] of Object.entries(EXPECT.integers)) {
        // The number from the INTEGER's content bytes (BigInt: 5.23 is beyond 2^53).
        const value = BigInt(`0x${hex.slice(4)}`).toString();
        const r = row(page, oid);
        const shown = (await r.locator('.ext-value').textContent()).trim();
        assert.ok(shown === value || shown.startsWith(`${value} (0x`), `${oid}: ${shown}`);
        assert.match(await r.locator('.ext-note').textContent(), /DER INTEGER/);
        // The bytes are there but folded away until asked for.
        const raw = r.locator('[data-testid="ext-raw"]');
        const code = raw.locator('code');
        assert.equal(await code.isVisible(), false, `${oid}: raw bytes folded`);
        await raw.locator('summary').click();
        assert.equal(await code.isVisible(), true, `${oid}: raw bytes after one click`);
        assert.equal((await code.textContent()).trim(), spaced(hex));
      }
      assert.equal(
        (await row(page, '1.2.840.113556.5.23').locator('.ext-value').textContent()).trim(),
        '4611686018427388176 (0x4000000000000110)',
      );

      // 5.11: the 16-byte OCTET STRING as a GUID, its bytes one click away.
      const five11 = row(page, '1.2.840.113556.5.11');
      assert.equal((await five11.locator('.ext-value').textContent()).trim(), EXPECT.oid_5_11);
      await five11.locator('[data-testid="ext-raw"] summary').click();
      assert.equal(
        (await five11.locator('[data-testid="ext-raw"] code').textContent()).trim(),
        spaced(EXPECT.extensions_hex['1.2.840.113556.5.11']),
      );

      // The verified GUIDs are decoded too, with their bytes behind a click.
      const account = row(page, '1.2.840.113556.5.6');
      assert.equal((await account.locator('.ext-value').textContent()).trim(), EXPECT.account_id);
      assert.equal(await account.locator('[data-testid="ext-raw"]').count(), 1);

      assert.ok(await pageOverflow(page) <= 1, `no sideways scrolling at ${label} width`);
      await screenshot(page, `real-device-${label}`);
      assertPageQuiet(page, env.server);
    });
  }
});
