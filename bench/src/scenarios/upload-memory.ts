/**
 * Scenario: upload memory. N uploads of S MB at once (multipart message sends, one file each) into a Concord
 * server on the disk store, with the server's RSS sampled from /health every 50 ms; against the same bytes sent
 * at once to a bare Node HTTP server that streams each body to a file (raw-upload-server.ts), in the same run.
 * Reported: idle and peak RSS and the growth of each, and Concord's growth over the raw one's.
 *
 *   npm run -w bench upload-memory [-- --uploads 10 --size-mb 100 --quick]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, setupGuild } from '../api.js';
import { main, newResult, options, runTag } from '../cli.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { startConcord, startRawUpload } from '../servers.js';
import { round } from '../stats.js';
import { multipartBody, sendStream } from '../../../apps/server/src/testing.js';

const OPTIONS = {
  uploads: { type: 'string' },
  'size-mb': { type: 'string' },
  /** Node flags for both servers (e.g. `--max-semi-space-size=2`), to see what the garbage collector leaves. */
  'node-args': { type: 'string' },
} as const;

const MB = 1024 * 1024;
const chunk = crypto.randomBytes(256 * 1024);
const chunks = (bytes: number) =>
  function* () {
    for (let sent = 0; sent < bytes; sent += chunk.length) yield bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
  };

const rssOf = async (url: string) => ((await (await fetch(url)).json()) as { rss_bytes: number }).rss_bytes;

/** Idle: the lowest of a few samples a little apart, once the warm-up's garbage had time to go. */
async function idleRss(url: string): Promise<number> {
  let low = Infinity;
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 200));
    low = Math.min(low, await rssOf(url));
  }
  return low;
}

/** Runs `uploads` at once while sampling RSS; answers idle and peak. */
async function measure(healthUrl: string, send: (i: number) => Promise<void>, uploads: number): Promise<{ idle: number; peak: number }> {
  await send(-1);
  const idle = await idleRss(healthUrl);
  let peak = idle;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssOf(healthUrl));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.all(Array.from({ length: uploads }, (_, i) => send(i)));
  } finally {
    sampling = false;
    await sampler;
  }
  return { idle, peak };
}

export async function runUploadMemory(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('upload-memory starts its own servers, so it takes no --base-url');
  const uploads = Number(o.uploads ?? (o.quick ? 4 : 10));
  const sizeMb = Number(o['size-mb'] ?? (o.quick ? 16 : 100));
  const bytes = sizeMb * MB;
  const result = newResult('upload-memory', { uploads, size_mb: sizeMb, store: 'disk', upload: 'multipart POST /channels/:id/messages, one file each, all at once', raw: 'bare Node HTTP server piping each body to a file (write, fsync, rename)' });
  const rows: [string, number, number, number][] = [];
  const nodeArgs = (o['node-args'] ?? '').split(' ').filter(Boolean);
  if (nodeArgs.length > 0) result.config.node_args = nodeArgs;

  const server = await startConcord({ env: { UPLOAD_MAX_FILE_BYTES: String(bytes + 1), BLOB_SWEEP_MS: '1000' }, nodeArgs });
  try {
    const api = new Api(server.apiBase, 4);
    const { accounts, channelId } = await setupGuild(api, o['user-prefix'] ?? `m${runTag()}u`, 1, o.password);
    api.close();
    const token = accounts[0]!.token;
    const base = server.apiBase.replace(/\/api\/v10$/, '');
    const { idle, peak } = await measure(
      `${base}/health`,
      async (i) => {
        const size = i < 0 ? MB : bytes;
        const { contentType, body } = multipartBody({ content: `upload ${i}` }, [{ filename: `f${i}.bin`, data: chunks(size) }]);
        const res = await sendStream(`${server.apiBase}/channels/${channelId}/messages`, 'POST', { authorization: token, 'content-type': contentType }, body, 900_000);
        if (res.status !== 200 || res.body.attachments?.[0]?.size !== size) throw new Error(`upload ${i}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      },
      uploads,
    );
    rows.push(['Concord (disk store)', idle, peak, peak - idle]);
  } finally {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }

  const raw = await startRawUpload(nodeArgs);
  try {
    const { idle, peak } = await measure(
      `${raw.base}/health`,
      async (i) => {
        const size = i < 0 ? MB : bytes;
        const { contentType, body } = multipartBody({ content: `upload ${i}` }, [{ filename: `f${i}.bin`, data: chunks(size) }]);
        const res = await sendStream(`${raw.base}/upload`, 'POST', { 'content-type': contentType }, body, 900_000);
        if (res.status !== 200) throw new Error(`raw upload ${i}: HTTP ${res.status}`);
      },
      uploads,
    );
    rows.push(['raw: HTTP body piped to a file', idle, peak, peak - idle]);
  } finally {
    await raw.stop();
  }

  const mb = (n: number) => round(n / MB, 1);
  result.tables.push({
    title: `RSS while ${uploads} uploads of ${sizeMb} MB run at once, MB`,
    columns: ['server', 'idle', 'peak', 'growth'],
    rows: rows.map(([name, idle, peak, growth]) => [name, mb(idle), mb(peak), mb(growth)]),
  });
  const [concord, baseline] = [rows[0]![3], rows[1]![3]];
  result.tables.push({ title: 'Growth over the raw baseline', columns: ['Concord growth / raw growth', 'Concord growth - raw growth, MB'], rows: [[round(concord / Math.max(baseline, MB), 2), mb(concord - baseline)]] });
  result.notes.push(`${round((uploads * bytes) / MB, 0)} MB sent in all; RSS sampled every 50 ms from /health; idle is the lowest of five samples after a 1 MB warm-up upload`);
  result.ok = result.failures.length === 0;
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runUploadMemory(process.argv.slice(2)));
