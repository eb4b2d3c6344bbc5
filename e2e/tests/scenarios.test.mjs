// The decision scenarios of the spec, played in the built page with the real fixture files:
// the visible outcome sentence, the findings and the graph's node states.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNT_A, card, dropFiles, findingCodes, assertPageQuiet, nodeStates, outcome, pickFiles,
  screenshot, setEvaluatedAt, setStore, start, thumb, toggleFlightChip,
} from './harness.mjs';

const M1 = thumb('m1');
const M2 = thumb('m2');
const DEVICE_CN = 'CN=5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e';

/** Asserts the listed nodes have the given states (others are not checked). */
function assertStates(states, expected) {
  for (const [node, state] of Object.entries(expected)) {
    assert.equal(states[node], state, `graph node ${node} should be ${state}`);
  }
}

const TAKEN = 'taken';
const NOT = 'not-taken';

describe('decision scenarios in the page', () => {
  let env;
  const pages = [];
  before(async () => { env = await start(); });
  after(async () => {
    for (const page of pages) {
      assertPageQuiet(page, env.server);
    }
    await env.close();
  });
  async function page() {
    const p = await env.newPage();
    pages.push(p);
    return p;
  }

  test('single certificate: fallback search, task stops on one candidate', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer');
    assert.equal(
      await outcome(p),
      `The agent uses certificate ${M1} (${DEVICE_CN}), found by fallback search; the task stopped because only one certificate qualified.`,
    );
    assertStates(await nodeStates(p), {
      freshness: TAKEN, search: TAKEN, filter: TAKEN, count: TAKEN, flight: NOT, gateway: NOT,
      skip: NOT, delete_metadata: TAKEN, store_metadata: NOT, metadata_lookup: TAKEN,
      fallback_search: TAKEN, uninstall_guard: TAKEN,
    });
    const codes = await findingCodes(p);
    assert.ok(!codes.includes('MULTIPLE_MDM_CERTS'), codes.join());
    assert.ok(!codes.includes('NO_USABLE_CERT'), codes.join());
    // The card shows what the file says.
    const m1 = card(p, 'm1.cer');
    assert.match(await m1.textContent(), /Microsoft Intune MDM Device CA/);
    assert.match(await m1.textContent(), new RegExp(M1));
    assert.match(await m1.locator('[data-testid="validity"]').textContent(), /expires in 96 days/);
    assert.match(await m1.locator('[data-testid="intune-oids"]').textContent(), new RegExp(ACCOUNT_A));
  });

  test('not flighted: the task stops at flight, the agent falls back to the newest', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg');
    assert.equal(
      await outcome(p),
      `The agent uses certificate ${M2} (${DEVICE_CN}), found by fallback search; the task stopped because the tenant is not flighted.`,
    );
    assertStates(await nodeStates(p), {
      count: TAKEN, flight: TAKEN, gateway: NOT, delete_metadata: TAKEN, store_metadata: NOT,
      metadata_lookup: TAKEN, fallback_search: TAKEN,
    });
    const codes = await findingCodes(p);
    assert.ok(codes.includes('MULTIPLE_MDM_CERTS'), codes.join());
    assert.ok(codes.includes('USED_CERT_NOT_ENROLLED'), codes.join());
    assert.match(await card(p, 'enr-m1.reg').textContent(), /Intune enrollment/);

    // What if M2 sat in another store? Then only M1 is a candidate.
    await setStore(p, M2, 'other');
    assert.equal(
      await outcome(p),
      `The agent uses certificate ${M1} (${DEVICE_CN}), found by fallback search; the task stopped because only one certificate qualified.`,
    );
    assertStates(await nodeStates(p), { flight: NOT, count: TAKEN });
    assert.ok(!(await findingCodes(p)).includes('USED_CERT_NOT_ENROLLED'));
    await setStore(p, M2, 'machine');
    assert.match(await outcome(p), /tenant is not flighted/);
  });

  test('flighted and selected: the gateway accepts the enrolled certificate', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg');
    await toggleFlightChip(p, ACCOUNT_A);
    assert.equal(
      await outcome(p),
      `The agent uses certificate ${M1} (${DEVICE_CN}), found through CertMetadata; the task selected ${M1} and wrote CertMetadata.`,
    );
    assertStates(await nodeStates(p), {
      flight: TAKEN, gateway: TAKEN, store_metadata: TAKEN, delete_metadata: NOT,
      metadata_lookup: TAKEN, fallback_search: NOT,
    });
    const codes = await findingCodes(p);
    assert.ok(codes.includes('MULTIPLE_MDM_CERTS'), codes.join());
    assert.ok(!codes.includes('USED_CERT_NOT_ENROLLED'), codes.join());
    assert.match(await p.textContent('[data-testid="flighted-list"]'), new RegExp(ACCOUNT_A));

    // Select the gateway node by keyboard: its detail names both certificates.
    await p.focus('[data-testid="graph"] [data-node="gateway"]');
    await p.keyboard.press('Enter');
    const detail = await p.textContent('[data-testid="node-detail"]');
    assert.match(detail, new RegExp(M1));
    assert.match(detail, new RegExp(M2));
    await screenshot(p, 'flighted-selected');
  });

  test('fresh metadata: the task skips; later, it does not', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'certs/m2.cer', 'reg/enr-m1.reg', 'reg/meta-m1-2h.reg');
    assert.match(await outcome(p), /the task skipped because CertMetadata is fresh\.$/);
    assert.match(await outcome(p), new RegExp(`^The agent uses certificate ${M2}`));
    assertStates(await nodeStates(p), {
      freshness: TAKEN, skip: TAKEN, search: NOT, count: NOT, delete_metadata: NOT,
      store_metadata: NOT, metadata_lookup: TAKEN, fallback_search: TAKEN,
    });
    assert.match(await p.textContent('[data-testid="holds"]'), /holds until 2026-11-25 08:00 UTC/);

    // A day later the metadata is stale: the task runs and stops at the flight check.
    await setEvaluatedAt(p, '2026-11-25T10:00:00');
    assert.match(await outcome(p), /the task stopped because the tenant is not flighted\.$/);
    assertStates(await nodeStates(p), { skip: NOT, flight: TAKEN });
    // Back to the fixture time, then shrink the max age below the metadata's 2 hours.
    await setEvaluatedAt(p, '2026-11-24T10:00:00');
    assert.match(await outcome(p), /skipped/);
    await p.fill('#metadata-max-age', '1');
    assert.match(await outcome(p), /tenant is not flighted/);
  });

  test('no MDM certificate among the files: said as what the files show, not as a device verdict', async () => {
    const p = await page();
    await pickFiles(p, 'certs/x.cer');
    // Without the collector's bundle nothing shows what else the device holds (issue 14).
    assert.equal(
      await outcome(p),
      'The agent finds no usable MDM certificate among the files given (nothing shows what else the device holds); the task stopped because no certificate qualified.',
    );
    const codes = await findingCodes(p);
    assert.ok(codes.includes('NO_MDM_CERT'), codes.join());
    assert.ok(codes.includes('NO_USABLE_CERT'), codes.join());
    assertStates(await nodeStates(p), { count: TAKEN, delete_metadata: TAKEN, fallback_search: TAKEN });
  });

  test('a bad file beside a good one: its card says why, the good one is judged', async () => {
    const p = await page();
    await dropFiles(p, 'bad/random.bin', 'certs/m1.cer');
    const bad = card(p, 'random.bin');
    assert.match(await bad.locator('[data-testid="file-status"]').textContent(), /not read/);
    assert.match(await bad.locator('[data-testid="file-error"]').textContent(), /random\.bin/);
    assert.match(await outcome(p), new RegExp(`^The agent uses certificate ${M1}`));
    // The answer lists the file that needs attention.
    assert.match(await p.textContent('#answer'), /random\.bin could not be read/);
    // Removing it leaves the verdict unchanged.
    await bad.getByRole('button', { name: 'Remove random.bin' }).click();
    assert.equal(await card(p, 'random.bin').count(), 0);
    assert.match(await outcome(p), new RegExp(M1));
    await screenshot(p, 'bad-file-removed');
  });

  test('a finding about a certificate nobody supplied shows its thumbprint, not a dead link', async () => {
    const p = await page();
    await pickFiles(p, 'certs/m1.cer', 'reg/enr-missing-cert.reg');
    const missing = p.locator('[data-code="ENROLLMENT_CERT_MISSING"]');
    await missing.waitFor();
    assert.equal(await missing.locator('.finding-certs a').count(), 0);
    assert.match(await missing.locator('.cert-ref [data-testid="copy-text"]').first().textContent(), /^[0-9A-F]{40}$/);
  });

  test('a collector bundle: its device and time on the card, its collection time one click away', async () => {
    const p = await page();
    await pickFiles(p, 'bundles/sample.json');
    const bundle = card(p, 'sample.json');
    assert.match(await bundle.locator('[data-testid="bundle-info"]').textContent(),
      /DESKTOP-1234.*collected 2026-11-24 09:58 UTC/);
    assert.ok((await bundle.locator('section.cert').count()) > 0, 'the bundle\'s certificates are listed');
    await p.click('[data-testid="use-collected-at"]');
    assert.equal(await p.textContent('[data-testid="evaluated-at-utc"]'), '2026-11-24T09:58:12Z');
    assert.equal(await p.inputValue('#evaluated-at'), '2026-11-24T09:58:12');
    assert.equal(await p.locator('[data-testid="use-collected-at"]').count(), 0);
    assert.match(await outcome(p), /^The agent /);
  });

  test('a bundle in the collector\'s new shape: each certificate card says what the key check found', async () => {
    const p = await page();
    await pickFiles(p, 'bundles/collector-v2.json');
    const bundle = card(p, 'collector-v2.json');
    assert.match(await bundle.locator('[data-testid="bundle-info"]').textContent(), /DESKTOP-5678/);
    const notes = await bundle.locator('[data-testid="key-note"]').allTextContents();
    assert.equal(notes.length, 4, notes.join(' | '));
    assert.ok(notes.some((n) => n.includes('0x80090016') && n.includes('NTE_BAD_KEYSET')), notes.join(' | '));
    assert.ok(notes.some((n) => n.includes('access denied')), notes.join(' | '));
    assert.equal(await bundle.locator('[data-testid="file-problems"] li').count(), 0);
  });

  test('a subject made of markup is shown as text and runs nothing', async () => {
    const p = await page();
    const dialogs = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await pickFiles(p, 'certs/markup-subject.cer', 'certs/m1.cer');
    // Windows quotes the value (CN="<script>…"""&'"); the markup itself must show as text.
    const markup = card(p, 'markup-subject.cer');
    assert.ok((await markup.textContent()).includes('<script>alert(1)</script>'));
    assert.equal(await p.locator('script:not([type="module"])').count(), 0);
    assert.equal(await p.locator('[data-testid="graph"] script, [data-testid="graph"] foreignObject').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  test('a PFX: wrong password first, then the right one opens it with its key', async () => {
    const p = await page();
    await pickFiles(p, 'pfx/m1-aes256.pfx');
    const pfx = card(p, 'm1-aes256.pfx');
    const field = pfx.locator('[data-testid="pfx-password"]');
    await field.waitFor();
    assert.doesNotMatch(await pfx.locator('[data-testid="pfx-message"]').textContent(), /Wrong password/);
    await field.fill('not-the-password');
    await field.press('Enter');
    await pfx.locator('.wrong-password').waitFor();
    assert.match(await pfx.locator('[data-testid="pfx-message"]').textContent(), /Wrong password/);
    assert.match(await pfx.locator('[data-testid="file-status"]').textContent(), /wrong password/);
    // The field has focus again, ready for the next try.
    await p.waitForFunction(() => document.activeElement?.dataset.testid === 'pfx-password');

    await field.fill(MANIFEST_PFX_PASSWORD);
    await field.press('Enter');
    await pfx.locator(`section.cert[data-thumbprint="${M1}"]`).waitFor();
    assert.equal(await pfx.locator('[data-testid="pfx-password"]').count(), 0);
    // Focus moved to the opened card, not lost on the page.
    assert.equal(await p.evaluate(() => document.activeElement?.dataset.fileName), 'm1-aes256.pfx');
    assert.equal(await pfx.locator(`section.cert[data-thumbprint="${M1}"] [data-testid="key"]`).inputValue(), 'present');
    assert.match(await outcome(p), new RegExp(`^The agent uses certificate ${M1}`));
    // The password went nowhere: not in the URL, not in the page.
    assert.ok(!p.url().includes(MANIFEST_PFX_PASSWORD));
    assert.ok(!(await p.content()).includes(MANIFEST_PFX_PASSWORD));
    await screenshot(p, 'pfx-opened');
  });
});

const MANIFEST_PFX_PASSWORD = 'Passw0rd!';
