// Takes close-up screenshots of the page's sections for a person to look at (not a test):
//   node look.mjs [laptop|phone] [light|dark]  → target/e2e/look-*.png
import { join } from 'node:path';
import {
  ACCOUNT_A, LAPTOP, PHONE, SHOTS, pickFiles, start, toggleFlightChip,
} from './tests/harness.mjs';

const [size = 'laptop', scheme = 'light'] = process.argv.slice(2);
const env = await start();
try {
  const page = await env.newPage(size === 'phone' ? PHONE : LAPTOP);
  await page.emulateMedia({ colorScheme: scheme });
  await pickFiles(page, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg', 'pfx/m1-aes256.pfx', 'bad/random.bin');
  await toggleFlightChip(page, ACCOUNT_A);
  await page.click('[data-testid="graph"] [data-node="gateway"]');
  const sections = {
    answer: '#answer', findings: '[data-testid="findings"]', graph: '[data-testid="graph"]',
    detail: '[data-testid="node-detail"]', m1: '[data-file-name="m1.cer"]',
    reg: '[data-file-name="enr-m1.reg"]', pfx: '[data-file-name="m1-aes256.pfx"]',
    bad: '[data-file-name="random.bin"]', side: 'aside',
  };
  for (const [name, selector] of Object.entries(sections)) {
    const el = page.locator(selector).first();
    await el.scrollIntoViewIfNeeded();
    await el.screenshot({ path: join(SHOTS, `look-${size}-${scheme}-${name}.png`) });
  }
  console.log(`screenshots in ${SHOTS}`);
} finally {
  await env.close();
}
