// A modern PFX (PBES2, AES-256, 600,000 PBKDF2 iterations, the MAC too) opens without freezing
// the page: WebCrypto derives the PBKDF2 keys off the main thread and the PKCS#12 KDF of the MAC
// runs in slices between frames, both when the file is added (the silent try of the empty
// password) and when its password is typed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { card, dropFiles, foreignRequests, start, thumb } from './harness.mjs';

/** The page may block for this long at most (a frame or two; a freeze is whole seconds). */
const LONGEST_TASK_MS = 200;

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env.close();
});

test('a 600,000-iteration PFX is added and opened without a long main-thread task', async (t) => {
  const page = await env.newPage();
  await page.evaluate(() => {
    window.longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const addedAt = Date.now();
  await dropFiles(page, 'pfx/m1-600k.pfx');
  const pfx = card(page, 'm1-600k.pfx');
  const field = pfx.locator('[data-testid="pfx-password"]');
  await field.waitFor({ timeout: 60000 });
  const added = Date.now() - addedAt;

  await field.fill('Passw0rd!');
  const openedAt = Date.now();
  await field.press('Enter');
  const m1 = pfx.locator(`section.cert[data-thumbprint="${thumb('m1')}"]`);
  await m1.waitFor({ timeout: 60000 });
  const opened = Date.now() - openedAt;

  assert.equal(await m1.locator('[data-testid="key"]').inputValue(), 'present');
  assert.equal(await pfx.locator('[data-testid="pfx-password"]').count(), 0);
  assert.deepEqual(foreignRequests(page, env.server), []);
  assert.deepEqual(page.errors, []);
  const longest = Math.round(await page.evaluate(() => window.longest));
  t.diagnostic(`added (locked card) in ${added} ms, opened in ${opened} ms; longest main-thread task ${longest} ms`);
  assert.ok(longest < LONGEST_TASK_MS, `the page was blocked for ${longest} ms`);
});

test('a wrong password on the 600,000-iteration PFX says so and keeps the field', async () => {
  const page = await env.newPage();
  await dropFiles(page, 'pfx/m1-600k.pfx');
  const pfx = card(page, 'm1-600k.pfx');
  const field = pfx.locator('[data-testid="pfx-password"]');
  await field.waitFor({ timeout: 60000 });
  await field.fill('not the password');
  await field.press('Enter');
  await pfx.locator('.wrong-password').waitFor({ timeout: 60000 });
  assert.match(await pfx.locator('[data-testid="file-status"]').textContent(), /wrong password/);
});
