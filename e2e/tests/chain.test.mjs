// The chain on the certificate cards: "Issued by" links to the issuer's card, the signature is
// verified asynchronously with WebCrypto (verified / failed), the path reaches the Intune root,
// RootCertThumbPrint is compared, and CA cards ask no store or key — at laptop width, with no
// request leaving the page. Fixtures: tests/fixtures/generate_chain.py.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import {
  FIXTURES, LAPTOP, PHONE, assertPageQuiet, dropFiles, pageOverflow, screenshot, start,
} from './harness.mjs';

const CHAIN = JSON.parse(await readFile(join(FIXTURES, 'chain', 'manifest.json'), 'utf8'));
const tp = (name) => CHAIN.certs[`${name}.cer`].thumbprint;
const cert = (page, name) => page.locator(`section.cert[data-thumbprint="${tp(name)}"]`).first();

let env;
before(async () => {
  env = await start();
});
after(async () => {
  await env.close();
});

test('cards link to their issuer and show WebCrypto signature results', async () => {
  const page = await env.newPage(LAPTOP);
  await dropFiles(
    page,
    'chain/device-rsa.cer',
    'chain/device-tampered.cer',
    'chain/device-orphan.cer',
    'chain/device-ec.cer',
    'chain/ec-device-ca.cer',
    'chain/intune-mdm-device-ca.cer',
    'chain/intune-root.cer',
    'chain/enr-root-match.reg',
  );
  // The verdict is on screen whatever the signatures say.
  await page.waitForSelector('[data-testid="outcome"]');

  const device = cert(page, 'device-rsa');
  const signature = device.locator('[data-testid="signature"]');
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent.includes('signature verified'),
    `section.cert[data-thumbprint="${tp('device-rsa')}"] [data-testid="signature"]`,
  );
  assert.equal((await signature.textContent()).trim(), 'signature verified');
  const issuerLink = device.locator('[data-testid="issuer-link"]');
  assert.equal((await issuerLink.textContent()).trim(), 'CN=Microsoft Intune MDM Device CA');
  assert.equal(await issuerLink.getAttribute('href'), `#cert-${tp('intune-mdm-device-ca')}`);
  assert.match(await device.locator('[data-testid="chain-path"]').textContent(),
    /CN=Microsoft Intune MDM Device CA → CN=Microsoft Intune Root Certification Authority/);
  await device.locator('[data-testid="intune-root"]').waitFor();
  assert.match(await device.locator('[data-testid="root-thumbprint"]').textContent(), /this path's root/);

  // Following the link focuses the issuer's card without touching the URL fragment.
  const before = await page.evaluate(() => location.hash);
  await issuerLink.click();
  const focused = await page.evaluate(() => document.activeElement?.dataset.thumbprint);
  assert.equal(focused, tp('intune-mdm-device-ca'));
  assert.equal(await page.evaluate(() => location.hash), before);

  // A tampered signature fails; a missing issuer is named; the EC chain (ECDSA P-384 under an
  // RSA-PSS CA) verifies in WebCrypto too.
  const failedSel = `section.cert[data-thumbprint="${tp('device-tampered')}"] [data-testid="signature"]`;
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent.includes('signature failed'), failedSel);
  const orphan = cert(page, 'device-orphan');
  assert.match(await orphan.locator('[data-testid="issued-by"]').textContent(),
    /Issued by CN=Contoso Missing CA, which is not among the supplied files/);
  assert.equal((await orphan.locator('[data-testid="signature"]').textContent()).trim(), 'signature not checked');
  for (const name of ['device-ec', 'ec-device-ca', 'intune-root']) {
    const sel = `section.cert[data-thumbprint="${tp(name)}"] [data-testid="signature"]`;
    await page.waitForFunction((s) => document.querySelector(s)?.textContent.includes('signature verified'), sel);
  }
  assert.match(await cert(page, 'intune-root').locator('[data-testid="issued-by"]').textContent(), /Self-signed root/);

  // CA cards ask no store or key; device cards still do.
  for (const name of ['intune-mdm-device-ca', 'intune-root', 'ec-device-ca']) {
    assert.equal(await cert(page, name).locator('[data-testid="store"], [data-testid="key"]').count(), 0, name);
    await cert(page, name).locator('[data-testid="ca-note"]').waitFor();
  }
  assert.equal(await device.locator('[data-testid="store"]').count(), 1);

  const axe = await new AxeBuilder({ page }).include('section.cert').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help}`), []);
  await screenshot(page, 'chain-laptop');
  assertPageQuiet(page, env.server);
});

test('a RootCertThumbPrint naming another root is shown as such', async () => {
  const page = await env.newPage(LAPTOP);
  await dropFiles(
    page,
    'chain/device-rsa.cer',
    'chain/intune-mdm-device-ca.cer',
    'chain/intune-root.cer',
    'chain/enr-root-mismatch.reg',
  );
  const line = cert(page, 'device-rsa').locator('[data-testid="root-thumbprint"]');
  await line.waitFor();
  assert.match(await line.textContent(),
    new RegExp(`names another root: ${CHAIN.reg['enr-root-mismatch.reg'].root_cert_thumbprint}`));
  assertPageQuiet(page, env.server);
});

test('the chain fits a phone: nothing scrolls sideways', async () => {
  const page = await env.newPage(PHONE);
  await dropFiles(
    page,
    'chain/device-orphan.cer',
    'chain/device-rsa.cer',
    'chain/intune-mdm-device-ca.cer',
    'chain/enr-root-mismatch.reg',
  );
  await cert(page, 'device-rsa').locator('[data-testid="root-thumbprint"]').waitFor();
  const overflow = await pageOverflow(page);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at phone width`);
  await screenshot(page, 'chain-phone');
  assertPageQuiet(page, env.server);
});
