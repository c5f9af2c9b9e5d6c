/**
 * Scenario 8: rendering messages in the web client. A channel is seeded with N messages of mixed markdown (bold,
 * code spans and blocks, quotes, lists, links, mentions, spoilers, long lines; authors in runs, so rows group), then
 * the built web app opens it in Chromium as one of the authors and
 *
 *   1. pages back to the start of the channel (the list's own paging as the reader scrolls up): wall time;
 *   2. scrolls from the top to the bottom of the whole history at a fixed step per frame: frame times (the gaps
 *      between animation frames) and long frames;
 *      and the main thread's busy time per frame;
 *   3. reads the JS heap after a forced GC and the DOM size.
 *
 * The baseline, in the same browser and run: a raw page with the same N messages as plain DOM (no framework, no
 * virtualising, no markdown), scrolled the same way. Ratios are Concord / raw.
 *
 *   npm run -w bench render [-- --messages 10000 --step 120 --quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Api, setupGuild } from '../api.js';
import { main, newResult, options, runTag } from '../cli.js';
import { now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { startConcord } from '../servers.js';
import { INSERT_MESSAGE } from '../sqlite-baseline.js';
import { dist, ratio, round, type Dist } from '../stats.js';
import { SqliteDb } from '../../../apps/server/src/store/sqlite/driver.js';
import { migrate } from '../../../apps/server/src/store/migrations.js';
import { allMigrations } from '../../../apps/server/src/app.js';
import { ensureWebBuild, launchBrowser, WEB_DIST } from '../../../e2e/web/harness.js';

const OPTIONS = {
  messages: { type: 'string' },
  /** Pixels scrolled per animation frame in phase 2. */
  step: { type: 'string' },
} as const;

const EPOCH = 1420070400000n;

/** The mix: every kind of markdown the parser knows, at Discord-like lengths. */
function content(i: number, mention: string): string {
  const kinds = [
    () => `plain message ${i}: the quick brown fox jumps over the lazy dog`,
    () => `**bold ${i}** and _italic_ and __underline__ and ~~struck~~ with \`inline code\``,
    () => `\`\`\`ts\nconst n${i} = ${i}; // a comment\nfunction f(x: number) { return x * 2; }\n\`\`\``,
    () => `> quoted line ${i}\n> and another with a [masked link](https://example.com/${i})`,
    () => `- one ${i}\n- two\n- three with ||a spoiler||`,
    () => `hey ${mention}, see https://example.com/docs/${i} and <#0>`,
    () => `# heading ${i}\nsome text under it`,
    () => `a longer message ${i} `.repeat(12),
  ];
  return kinds[i % kinds.length]!();
}

/** Seeds `count` messages, 1 s apart and ending a minute ago, by `authors` in runs of 1-4 (rows group). */
async function seed(file: string, channelId: string, guildId: string, authors: string[], count: number) {
  const db = new SqliteDb(file);
  await migrate(db, allMigrations);
  const insert = db.raw.prepare(INSERT_MESSAGE);
  const first = BigInt(Date.now() - 60_000) - BigInt(count) * 1000n;
  const idAt = (i: number) => ((first + BigInt(i) * 1000n - EPOCH) << 22n) | (31n << 17n) | (31n << 12n);
  const texts: string[] = [];
  db.raw.transaction(() => {
    for (let i = 0; i < count; i++) {
      const author = authors[Math.floor(i / ((i % 4) + 1)) % authors.length]!;
      const text = content(i, `<@${authors[(i + 1) % authors.length]}>`);
      texts.push(text);
      insert.run(BigInt(channelId), idAt(i), BigInt(guildId), BigInt(author), text, null);
    }
  })();
  db.raw.prepare('UPDATE channels SET last_message_id = ? WHERE id = ?').run(idAt(count - 1), BigInt(channelId));
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  await db.close();
  return texts;
}

/**
 * Scrolls `selector` from top to bottom `step` px per frame; answers the gaps between frames (ms). A string, so
 * the loader's helpers for named functions never reach the page.
 */
const SCROLL_SCRIPT = `(([sel, px]) => new Promise((resolve) => {
  const el = document.querySelector(sel);
  el.scrollTop = 0;
  const gaps = [];
  let last = 0;
  // The end: nothing moved (the virtualiser may grow the height as rows are measured, so go on until then).
  const tick = (t) => {
    if (last) gaps.push(t - last);
    last = t;
    const before = el.scrollTop;
    el.scrollTop = before + px;
    if (el.scrollTop === before && gaps.length > 2) return resolve(gaps);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}))`;

/**
 * The frame gaps, and the main thread's busy time per frame (Chromium's TaskDuration over the scroll): the gaps are
 * whole vsync periods, the busy time shows how close each frame came to missing one.
 */
async function scrollFrames(page: Page, selector: string, step: number): Promise<{ gaps: number[]; busyMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
  const before = await task();
  const gaps = (await page.evaluate(`${SCROLL_SCRIPT}(${JSON.stringify([selector, step])})`)) as number[];
  const busy = (await task()) - before;
  await cdp.detach();
  return { gaps, busyMs: round((busy * 1000) / Math.max(1, gaps.length), 2) };
}

async function heapMiB(page: Page): Promise<{ heap: number; nodes: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
  return { heap: round(m('JSHeapUsedSize') / 1024 / 1024, 1), nodes: m('Nodes') };
}

/** The raw page: the same messages as plain elements in one scrolling box, nothing else. */
function rawPage(texts: string[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = texts.map((t, i) => `<div class="m"><b>author ${i % 4}</b><p>${esc(t)}</p></div>`).join('');
  return `<!doctype html><meta charset="utf-8"><style>html,body{margin:0;height:100%}#s{height:100%;overflow-y:auto;font:15px/1.4 system-ui}.m{padding:2px 16px}p{margin:0;white-space:pre-wrap}</style><div id="s">${rows}</div>`;
}

interface Measured {
  target: string;
  frames: Dist;
  long_frames: number;
  busy_ms_per_frame: number;
  heap_mib: number;
  dom_nodes: number;
}

function row(m: Measured, extra: (string | number)[] = []) {
  return [m.target, m.frames.n, m.frames.p50, m.frames.p95, m.frames.p99, m.frames.max, m.long_frames, m.busy_ms_per_frame, m.heap_mib, m.dom_nodes, ...extra];
}

export async function runRender(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('render seeds the database with the server stopped, so it always starts its own server (no --base-url)');
  const count = Number(o.messages ?? (o.quick ? 300 : 10_000));
  const step = Number(o.step ?? 120);
  const result = newResult('render', { messages: count, step_px_per_frame: step, viewport: '1280x800', browser: 'chromium (headless, no GPU)' });

  ensureWebBuild();
  let server = await startConcord({ env: { WEB_DIR: WEB_DIST } });
  const dataDir = server.dataDir;
  const api0 = new Api(server.apiBase, 2);
  const { accounts, channelId, guildId } = await setupGuild(api0, o['user-prefix'] ?? `r${runTag()}u`, 4, o.password);
  api0.close();
  await server.stop();
  const texts = await seed(path.join(dataDir, 'concord.db'), channelId, guildId, accounts.map((a) => a.userId), count);
  server = await startConcord({ dataDir, env: { WEB_DIR: WEB_DIST } });
  const origin = server.apiBase.replace(/\/api\/v10$/, '');

  let browser: Browser | undefined;
  const measured: Measured[] = [];
  let loadAllMs = NaN;
  let shown = 0;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(60_000);
    await context.route('**/*', (r) => (r.request().url().startsWith(origin) ? r.continue() : r.abort()));
    const page = await context.newPage();
    await page.goto(`${origin}/login`);
    await page.evaluate((t) => localStorage.setItem('concord.token', t), accounts[0]!.token);
    await page.goto(`${origin}/channels/${guildId}/${channelId}`);
    const scroller = '[data-testid=message-scroller]';
    await page.locator(`${scroller} [data-testid=message]`).first().waitFor();

    // 1. Page back to the start, as a reader scrolling up would make the list do.
    const t0 = now();
    await page.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel)!;
        el.scrollTop = 0;
        el.dispatchEvent(new Event('scroll'));
        return Boolean(document.querySelector('.channel-start h2'));
      },
      scroller,
      { polling: 50, timeout: 600_000 },
    );
    loadAllMs = now() - t0;

    // 2. Top to bottom through everything, then 3. the heap.
    const { gaps, busyMs } = await scrollFrames(page, scroller, step);
    shown = await page.locator(`${scroller} [data-testid=message]`).count();
    const mem = await heapMiB(page);
    measured.push({ target: 'concord', frames: dist(gaps), long_frames: gaps.filter((g) => g > 50).length, busy_ms_per_frame: busyMs, heap_mib: mem.heap, dom_nodes: mem.nodes });

    const raw = await context.newPage();
    await raw.setContent(rawPage(texts));
    const { gaps: rawGaps, busyMs: rawBusy } = await scrollFrames(raw, '#s', step);
    const rawMem = await heapMiB(raw);
    measured.push({ target: 'raw page', frames: dist(rawGaps), long_frames: rawGaps.filter((g) => g > 50).length, busy_ms_per_frame: rawBusy, heap_mib: rawMem.heap, dom_nodes: rawMem.nodes });
    await context.close();
  } finally {
    await browser?.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const [c, r] = measured;
  if (!c || !r) result.failures.push('a page was not measured');
  if (c && c.frames.n < 3) result.failures.push(`the list scrolled only ${c.frames.n} frames`);
  result.tables.push({
    title: `Scrolling ${count} messages top to bottom, ${step} px per frame (frame gaps in ms)`,
    columns: ['page', 'frames', 'p50', 'p95', 'p99', 'max', 'frames > 50 ms', 'main thread ms / frame', 'JS heap MiB (after GC)', 'DOM nodes'],
    rows: measured.map((m) => row(m)),
  });
  if (c && r) {
    result.tables.push({
      title: 'Concord / raw page',
      columns: ['frame p95', 'frame p99', 'main thread / frame', 'JS heap', 'DOM nodes'],
      rows: [[ratio(c.frames.p95, r.frames.p95), ratio(c.frames.p99, r.frames.p99), ratio(c.busy_ms_per_frame, r.busy_ms_per_frame), ratio(c.heap_mib, r.heap_mib), ratio(c.dom_nodes, r.dom_nodes)]],
    });
  }
  result.tables.push({ title: 'Paging back to the start of the channel (50 a page)', columns: ['messages', 'pages', 'wall s', 'message rows in the DOM at the end'], rows: [[count, Math.ceil(count / 50), round(loadAllMs / 1000, 2), shown]] });
  result.notes.push('Frame gaps are the times between requestAnimationFrame callbacks while scrolling; at 60 Hz an idle frame is 16.7 ms.');
  result.notes.push('The raw page holds every message in the DOM (no virtualising), so its DOM grows with N while the list stays near the rows in view.');
  result.ok = result.failures.length === 0;
  const written = writeResult({ ...result, measured }, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return { ...result, measured, written };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runRender(process.argv.slice(2)));
