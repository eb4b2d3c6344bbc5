// A big registry export (over the page's chunked-read threshold) is read slice by slice with a
// progress bar on its card, and still yields its enrollment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, card, foreignRequests, outcome, start, thumb } from './harness.mjs';

let env;
let dir;
before(async () => {
  env = await start();
  dir = await mkdtemp(join(tmpdir(), 'imecert-e2e-'));
});
after(async () => {
  await env.close();
  await rm(dir, { recursive: true, force: true });
});

/** enr-m1.reg plus `count` unrelated keys, as regedit writes it (UTF-16LE with BOM, CRLF). */
async function bigExport(count) {
  const base = (await readFile(join(FIXTURES, 'reg', 'enr-m1.reg'))).toString('utf16le').replace(/^\uFEFF/, '');
  const filler = [];
  for (let i = 0; i < count; i += 1) {
    filler.push(`[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Inventory\\Item${i}]\r\n"Name"="Item number ${i}"\r\n"Size"=dword:${(i % 65536).toString(16).padStart(8, '0')}\r\n\r\n`);
  }
  const text = `\uFEFF${base}\r\n${filler.join('')}`;
  const path = join(dir, 'big-export.reg');
  await writeFile(path, Buffer.from(text, 'utf16le'));
  return path;
}

test('a big .reg shows progress while it is read and is then judged', async (t) => {
  const path = await bigExport(60000);
  const page = await env.newPage();
  // Note whether a progress bar ever appears, however briefly.
  await page.evaluate(() => {
    window.sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('progress')) window.sawProgress = true;
    }).observe(document.body, { childList: true, subtree: true });
    window.longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.setInputFiles('#file-input', [join(FIXTURES, 'certs', 'm1.cer'), join(FIXTURES, 'certs', 'm2.cer'), path]);
  const reg = card(page, 'big-export.reg');
  await reg.waitFor({ timeout: 60000 });
  assert.ok(await page.evaluate(() => window.sawProgress), 'no progress bar was shown');
  assert.equal(await page.locator('progress').count(), 0, 'the progress bar stays after reading');
  const summary = await reg.locator('[data-testid="reg-summary"]').textContent();
  assert.match(summary, /60,?0\d\d other keys|600\d\d other keys/);
  assert.match(summary, /Intune enrollment/);
  assert.match(await outcome(page), new RegExp(`^The agent uses certificate ${thumb('m2')}.*not flighted`));
  assert.deepEqual(foreignRequests(page, env.server), []);
  const size = (await readFile(path)).length;
  t.diagnostic(`${(size / 1048576).toFixed(1)} MB export; longest main-thread task ${Math.round(await page.evaluate(() => window.longest))} ms`);
});
