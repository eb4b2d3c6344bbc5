// The fleet view's speed in the built page (a benchmark, not a test: BENCHMARKS.md quotes it).
//
//   IMECERT_FLEET_GEN=100000:/tmp/fleet-100k.csv cargo bench --bench fleet   # writes a fleet
//   node e2e/bench-fleet.mjs /tmp/fleet-100k.csv [more.csv …]
//
// For each file: drop it on the release dist/ in headless Chromium and time drop → the device
// count on screen (read, judged, drawn); the longest main-thread task meanwhile (Long Tasks
// API); then scroll the device table for two seconds and count the frames painted.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { recordedPage, start } from './tests/harness.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node e2e/bench-fleet.mjs FLEET.csv [...]');
  process.exit(2);
}

const env = await start();
try {
  for (const file of files) {
    const page = await recordedPage(env.browser);
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid="privacy"]');
    const size = (await stat(file)).size;
    // The file goes into the page as a blob first, so that the timing starts at the drop.
    const bytes = await readFile(file);
    await page.evaluate(() => { window.chunks = []; });
    const CHUNK = 8 * 1024 * 1024;
    for (let at = 0; at < bytes.length; at += CHUNK) {
      await page.evaluate((b64) => {
        window.chunks.push(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      }, bytes.subarray(at, at + CHUNK).toString('base64'));
    }
    const result = await page.evaluate(async (name) => {
      const longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
      const transfer = new DataTransfer();
      transfer.items.add(new File(window.chunks, name));
      window.chunks = null;
      const start = performance.now();
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
      await new Promise((resolve) => {
        const check = () => (document.querySelector('[data-fleet-count]') ? resolve() : setTimeout(check, 20));
        check();
      });
      const shown = performance.now() - start;
      await new Promise((r) => setTimeout(r, 300));
      return {
        shownMs: Math.round(shown),
        devices: Number(document.querySelector('[data-fleet-count]').textContent),
        longTasks: longTasks.length,
        longestTaskMs: Math.round(Math.max(0, ...longTasks)),
        over200: longTasks.filter((d) => d > 200).length,
      };
    }, basename(file));
    const scroll = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="fleet-table"]');
      const frames = [];
      const until = performance.now() + 2000;
      await new Promise((resolve) => {
        const frame = (t) => {
          frames.push(t);
          el.scrollTop += 400;
          if (t < until) requestAnimationFrame(frame); else resolve();
        };
        requestAnimationFrame(frame);
      });
      const gaps = frames.slice(1).map((t, i) => t - frames[i]);
      return {
        fps: Math.round((frames.length - 1) / ((frames.at(-1) - frames[0]) / 1000)),
        worstFrameMs: Math.round(Math.max(...gaps)),
        rowsInDom: document.querySelectorAll('.device-row').length,
      };
    });
    console.log(JSON.stringify({ file: basename(file), mb: +(size / 1e6).toFixed(1), ...result, ...scroll }));
    await page.context().close();
  }
} finally {
  await env.close();
}
