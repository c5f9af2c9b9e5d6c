/**
 * Where does a session's memory go? Starts Concord with --heapsnapshot-signal, takes a V8 heap snapshot with no
 * sessions and one with N idle sessions, and prints the difference per session by object kind, beside RSS.
 *
 *   npm run -w bench heap [-- --sessions 5000]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { concordChannel } from '../setup.js';
import { rssBytes, sleep } from '../env.js';
import { startConcord } from '../servers.js';
import { WorkerPool } from '../workers.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size summed by "type:constructor" (all strings together, all arrays together). */
function bySize(file: string): Map<string, { size: number; count: number }> {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [ti, ni, si] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += f.length) {
    const type = types[s.nodes[i + ti]!]!;
    const name = type === 'object' || type === 'closure' || type === 'native' ? s.strings[s.nodes[i + ni]!]! : '';
    const key = `${type}${name ? ':' + name : ''}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + si]!;
    e.count++;
    out.set(key, e);
  }
  return out;
}

async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    await sleep(500);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file) {
      const full = path.join(dir, file);
      // Complete when it ends with the closing brace of the top-level object.
      for (;;) {
        const fd = fs.openSync(full, 'r');
        const size = fs.fstatSync(fd).size;
        const last = Buffer.alloc(1);
        if (size > 0) fs.readSync(fd, last, 0, 1, size - 1);
        fs.closeSync(fd);
        if (last.toString() === '}') break;
        await sleep(500);
      }
      return full;
    }
  }
}

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '5000' } } });
const n = Number(values.sessions);
const dir = fs.mkdtempSync('/tmp/concord-heap-');
const server = await startConcord({ nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] });
const pool = new WorkerPool(Math.max(1, Math.ceil(n / 5000)));
try {
  const ch = await concordChannel(server.apiBase, { password: 'bench-password-1', receiverAccounts: 100 });
  const a = await snapshot(server.pid!, dir);
  const rss0 = rssBytes(server.pid!)!;
  const c = await pool.connect([server.gatewayUrl], ch.receiverTokens, n, 100);
  await sleep(3000);
  const rss1 = rssBytes(server.pid!)!;
  const b = await snapshot(server.pid!, dir);
  const rss2 = rssBytes(server.pid!)!;
  const [x, y] = [bySize(a), bySize(b)];
  const rows = [...y.entries()]
    .map(([k, v]) => ({ kind: k, bytes: v.size - (x.get(k)?.size ?? 0), count: v.count - (x.get(k)?.count ?? 0) }))
    .sort((p, q) => q.bytes - p.bytes);
  const heap = rows.reduce((s, r) => s + r.bytes, 0);
  console.info(`${c.connected} sessions; RSS/session before the snapshot's GC ${((rss1 - rss0) / 1024 / n).toFixed(2)} KiB, after ${((rss2 - rss0) / 1024 / n).toFixed(2)} KiB; live V8 heap/session ${(heap / 1024 / n).toFixed(2)} KiB`);
  console.info('| kind | bytes/session | objects/session |\n| --- | --- | --- |');
  for (const r of rows.slice(0, 25)) console.info(`| ${r.kind} | ${(r.bytes / n).toFixed(0)} | ${(r.count / n).toFixed(2)} |`);
} finally {
  await pool.closeSessions().catch(() => undefined);
  await pool.stop();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
