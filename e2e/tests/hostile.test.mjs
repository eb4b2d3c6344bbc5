// A file set crafted to attack the page (tests/fixtures/generate_hostile.py): markup in a
// certificate subject (and a look-alike one with a right-to-left override, a zero-width space
// and a NUL), in a file name, in registry key names and values and in a log line;
// `javascript:` URLs; a 100,000-character value; right-to-left overrides, zero-width spaces and
// a NUL byte. Every script payload would set `window.__pwned`. Nothing may run, the page must
// stay usable at laptop and phone width, the text must show as text with its hidden characters
// spelled out, and the verdict must still come out right.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE, assertPageQuiet, card, dropNamedFiles, outcome, pageOverflow, screenshot, short, start,
  thumb,
} from './harness.mjs';

const MARKUP = thumb('markup-subject');
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=\'file-name\'">\u202egnp.cer';
const DROP = [
  { path: 'certs/markup-subject.cer', name: 'markup-subject.cer' },
  { path: 'certs/bidi-subject.cer', name: 'bidi-subject.cer' },
  { path: 'certs/m1.cer', name: HOSTILE_NAME },
  { path: 'hostile/enrollments.reg', name: 'enrollments.reg' },
  { path: 'hostile/IntuneManagementExtension.log', name: 'IntuneManagementExtension.log' },
  { path: 'hostile/bundle.json', name: 'bundle.json' },
];

/** Watches for anything a payload could do: a dialog, a CSP violation, a set flag. */
async function watch(page) {
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return dialogs;
}

/** Everything in the page that could run script or load something, had markup got through. */
async function activeMarkup(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) {
        if (/^on/i.test(attr)) found.push(`${el.tagName} ${attr}`);
        const value = el.getAttribute(attr) ?? '';
        if (/^\s*javascript:/i.test(value)) found.push(`${el.tagName} ${attr}=${value}`);
      }
    }
    for (const el of document.querySelectorAll('iframe, object, embed, img[src="x"], foreignObject, svg script')) {
      found.push(el.tagName);
    }
    return found;
  });
}

describe('a crafted file set', () => {
  let env;
  const pages = [];
  before(async () => { env = await start(); });
  after(async () => {
    for (const page of pages) {
      assertPageQuiet(page, env.server);
      assert.ok(!page.requests.some((url) => /\/x$/.test(url)), 'a hostile <img src=x> was loaded');
    }
    await env.close();
  });

  for (const [label, viewport] of [['laptop', undefined], ['phone', PHONE]]) {
    test(`runs nothing, stays usable and shows its text as text (${label})`, async () => {
      const p = await env.newPage(viewport);
      pages.push(p);
      const dialogs = await watch(p);
      await dropNamedFiles(p, DROP);

      // The verdict is unharmed: the newest MDM certificate wins the fallback search, its
      // markup subject quoted as text in the outcome sentence.
      assert.equal(await outcome(p), `The agent uses certificate ${MARKUP} `
        + '(CN="<script>alert(1)</script>""&\'"), found by fallback search; '
        + 'the task stopped because the tenant is not flighted.');
      await p.locator('[data-testid="graph"] svg [data-node]').first().waitFor();

      // Nothing ran, nothing was blocked trying, nothing active got into the page.
      assert.equal(await p.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(await p.evaluate(() => window.__violations), []);
      assert.deepEqual(await activeMarkup(p), []);

      // The text is there, as text, with its hidden characters spelled out.
      const reg = card(p, 'enrollments.reg');
      const regText = await reg.textContent();
      assert.ok(regText.includes('user <img src=x onerror="window.__pwned=\'upn\'">javascript:alert(1)[U+202E]'),
        'the UPN is shown with its right-to-left override spelled out');
      assert.ok(regText.includes('user \u05d0\u05d3\u05de\u05d9\u05df[U+202E]@evil[U+200B].example'),
        'a right-to-left UPN keeps its letters, its override and zero-width space spelled out');
      assert.ok(regText.includes('validation time unreadable ([U+202E]<script>window.__pwned=\'meta-time\'</script>[U+200B])'));
      assert.ok(regText.includes("<script>window.__pwned='bad-line'</script>"), 'the bad line is quoted');
      assert.ok(regText.includes('<svg onlo'), 'the unterminated markup key line is quoted');
      assert.match(regText, /"ProviderID" is longer than 8 KiB/, 'the 100,000-character value is refused by name');
      assert.ok(!regText.includes('A'.repeat(401)), 'no more than 400 characters of one value');

      const bundle = card(p, 'bundle.json');
      const bundleText = await bundle.locator('[data-testid="bundle-info"]').textContent();
      assert.ok(bundleText.includes('<img src=x onerror="window.__pwned=\'device\'">[U+202E]AAAA'));
      assert.match(bundleText, /… and \d+ more characters$/, 'the 100,000-character device name is cut');
      assert.ok(bundleText.length < 600, `the device name takes ${bundleText.length} characters`);
      const keyNote = await bundle.locator('[data-testid="key-note"]').textContent();
      assert.ok(keyNote.includes('<img src=x onerror="window.__pwned=\'key-note\'">[U+202E]AAAA'), keyNote.slice(0, 80));
      assert.ok(keyNote.length < 600, `the key note takes ${keyNote.length} characters`);

      const visible = await p.evaluate(() => document.body.innerText);
      assert.ok(!/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u0000]/.test(visible),
        'no hidden character reaches the page unspelled');

      const named = p.locator('[data-testid="file-card"]').filter({ hasText: 'gnp.cer' });
      assert.equal(await named.locator('h3').textContent(),
        '<img src=x onerror="window.__pwned=\'file-name\'">[U+202E]gnp.cer');
      const log = card(p, 'IntuneManagementExtension.log');
      assert.ok((await log.textContent()).includes('<img src=x onerror="window.__pwned=\'log\'">[U+202E]'));
      assert.ok((await card(p, 'markup-subject.cer').textContent()).includes('<script>alert(1)</script>'));
      // A look-alike subject: zero-width space, right-to-left override and NUL, all spelled out.
      const bidi = card(p, 'bidi-subject.cer');
      assert.equal(await bidi.locator('dd').first().textContent(),
        'CN="Micro[U+200B]soft Intune [U+202E]gnp.exe[U+0000]<b>x</b>"');

      // Usable: no sideways scrolling, and the outcome and the drop target are still reachable.
      assert.ok(await pageOverflow(p) <= 1, 'the page is wider than the window');
      assert.ok(await p.locator('[data-testid="outcome"]').isVisible());
      await screenshot(p, `hostile-${label}`);
    });
  }
});
