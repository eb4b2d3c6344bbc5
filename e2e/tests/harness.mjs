// Shared set-up for the end-to-end tests: the release dist/ served on 127.0.0.1 under a
// sub-path, system Chromium driven by playwright-core, every request the page makes recorded,
// and helpers that act as a person would (drop files, type a password, pick a store).
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { serve } from '../server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
export const DIST = join(ROOT, 'dist');
export const FIXTURES = join(ROOT, 'tests', 'fixtures');
export const SHOTS = join(ROOT, 'target', 'e2e');
export const MANIFEST = JSON.parse(await readFile(join(FIXTURES, 'manifest.json'), 'utf8'));

/** The evaluation time every fixture expectation is written for. */
export const EVALUATED_AT = '2026-11-24T10:00:00';
export const ACCOUNT_A = MANIFEST.guids.account_a.guid;

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The thumbprint of a fixture certificate, e.g. thumb('m1'). */
export function thumb(name) {
  const entry = Object.values(MANIFEST.certificates).find((c) => c.name === name);
  if (!entry) throw new Error(`no fixture certificate named ${name}`);
  return entry.thumbprint;
}

/** `A833…F400`: how sentences shorten a thumbprint. */
export function short(thumbprint) {
  return `${thumbprint.slice(0, 4)}…${thumbprint.slice(-4)}`;
}

/**
 * Starts the server and the browser. Returns { server, browser, newPage, close }. Every page
 * from newPage() records its requests in page.requests and its console errors in page.errors.
 */
export async function start() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`no build at ${DIST}: run \`trunk build --release\` first`);
  }
  await mkdir(SHOTS, { recursive: true });
  const server = await serve(DIST, '/tools/ime-cert-inspector/');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const contexts = [];
  async function newPage(viewport = LAPTOP) {
    const page = await recordedPage(browser, viewport);
    contexts.push(page.context());
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="privacy"]');
    await setEvaluatedAt(page, EVALUATED_AT);
    return page;
  }
  async function close() {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close();
    await server.close();
  }
  return { server, browser, newPage, close };
}

/**
 * A page in a new browser context (no storage, no clipboard, nothing shared), not yet opened,
 * that records its requests in page.requests and its console errors in page.errors.
 */
export async function recordedPage(browser, viewport = LAPTOP) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  page.requests = [];
  page.errors = [];
  page.on('request', (r) => page.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}

/** How many pixels the page is wider than the window (0 or less: no sideways scrolling). */
export async function pageOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** axe-core's serious and critical violations on the whole page, one line each. */
export async function seriousViolations(page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** After a test: the page asked no other origin and logged no error. */
export function assertPageQuiet(page, server) {
  assert.deepEqual(foreignRequests(page, server), [], 'the page asked another origin');
  assert.deepEqual(page.errors, [], 'the page logged errors');
}

/** Asserts-ready list of requests that went anywhere but the test server. */
export function foreignRequests(page, server) {
  return page.requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== server.origin;
  });
}

/** Picks fixture files with the file picker (paths relative to tests/fixtures). */
export async function pickFiles(page, ...paths) {
  await page.setInputFiles('#file-input', paths.map((p) => join(FIXTURES, p)));
  await waitForCards(page, paths.length);
}

/** Drops fixture files on the page as a person dragging them from Explorer would. */
export async function dropFiles(page, ...paths) {
  await dropNamedFiles(page, paths.map((path) => ({ path, name: basename(path) })));
}

/** Drops fixture files under names of the test's choosing (`{ path, name }`), in one drop. */
export async function dropNamedFiles(page, entries) {
  const files = await Promise.all(entries.map(async ({ path, name }) => ({
    name,
    base64: (await readFile(join(FIXTURES, path))).toString('base64'),
  })));
  await dropBase64(page, files);
}

/**
 * Drops in-memory files (`{ name, base64 }`) in one drop, as dropFiles does, and waits for
 * `cards` new file cards (one per file unless told: a fleet export opens the fleet view instead).
 */
export async function dropBase64(page, files, { cards = files.length } = {}) {
  const before = await page.locator('[data-testid="file-card"]').count();
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name));
    }
    const target = document.querySelector('footer') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, files);
  // A fleet (cards: 0) replaces the device view, whose cards then leave the page.
  if (cards > 0) await waitForCards(page, before + cards);
}

async function waitForCards(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="file-card"]').length >= n,
    count,
  );
}

/** Sets the evaluation time (UTC) through its date-time field. */
export async function setEvaluatedAt(page, value) {
  await page.fill('#evaluated-at', value);
}

export async function outcome(page) {
  return (await page.textContent('[data-testid="outcome"]')).trim();
}

/** The finding codes shown, in order. */
export async function findingCodes(page) {
  return page.$$eval('[data-testid="findings"] [data-code]', (els) => els.map((e) => e.dataset.code));
}

/** `{ node id: "taken" | "not-taken" }` for every graph node. */
export async function nodeStates(page) {
  await page.waitForSelector('[data-testid="graph"] [data-node]', { state: 'attached' });
  return page.$$eval('[data-testid="graph"] [data-node]', (els) =>
    Object.fromEntries(els.map((e) => [e.dataset.node, e.dataset.state])));
}

/** The card of a file, by its name. */
export function card(page, name) {
  return page.locator(`[data-testid="file-card"][data-file-name="${name}"]`);
}

/** Chooses a store for the certificate with this thumbprint (first card showing it). */
export async function setStore(page, thumbprint, value) {
  await page.locator(`section.cert[data-thumbprint="${thumbprint}"] [data-testid="store"]`).first().selectOption(value);
}

/** Flights (or unflights) a tenant with its one-click chip. */
export async function toggleFlightChip(page, guid) {
  await page.click(`button.suggest[data-account="${guid}"]`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
