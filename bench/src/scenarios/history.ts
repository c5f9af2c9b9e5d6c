/**
 * Scenario 4: history. A channel is created through the API, the server stopped, 1,000,000 messages bulk-inserted
 * into its SQLite file (the server's own driver, migrations and INSERT), the server restarted; then
 * `GET /channels/:id/messages?limit=50` is timed one at a time (latency), with concurrent clients (throughput),
 * and deep in history (`before=` the middle). The bare SQLite read of the same query on the same file runs last.
 *
 *   npm run -w bench history [-- --messages 1000000 --requests 2000 --concurrency 8 --duration 10 --quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, setupGuild } from '../api.js';
import { main, newResult, options, runTag } from '../cli.js';
import { cpuMs, now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { startConcord } from '../servers.js';
import { INSERT_MESSAGE, readLoop } from '../sqlite-baseline.js';
import { dist, ratio, round, type Dist } from '../stats.js';
import { SqliteDb } from '../../../apps/server/src/store/sqlite/driver.js';
import { migrate } from '../../../apps/server/src/store/migrations.js';
import { allMigrations } from '../../../apps/server/src/app.js';
import { profileTable } from './fanout.js';
import { profileArgs } from '../under-test.js';
import { newestProfile } from '../profile.js';

const OPTIONS = {
  messages: { type: 'string' },
  requests: { type: 'string' },
  concurrency: { type: 'string' },
} as const;

const EPOCH = 1420070400000n;

/** Seeds `count` messages, 1 ms apart, ending a day ago; answers the newest and the middle id. */
async function seed(file: string, channelId: string, guildId: string, authorId: string, count: number) {
  const db = new SqliteDb(file);
  await migrate(db, allMigrations);
  const insert = db.raw.prepare(INSERT_MESSAGE);
  const first = BigInt(Date.now() - 86_400_000 - count);
  const idAt = (i: number) => ((first + BigInt(i) - EPOCH) << 22n) | (31n << 17n) | (31n << 12n);
  const chunk = db.raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      insert.run(BigInt(channelId), idAt(i), BigInt(guildId), BigInt(authorId), `seeded message ${i}: the quick brown fox jumps over the lazy dog, again and again`, null);
    }
  });
  const started = now();
  for (let i = 0; i < count; i += 50_000) chunk(i, Math.min(count, i + 50_000));
  const newest = idAt(count - 1).toString();
  db.raw.prepare('UPDATE channels SET last_message_id = ? WHERE id = ?').run(BigInt(newest), BigInt(channelId));
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  const rows = Number((db.raw.prepare('SELECT count(*) AS n FROM messages WHERE channel_id = ?').get(BigInt(channelId)) as { n: bigint }).n);
  await db.close();
  return { newest, middle: idAt(Math.floor(count / 2)).toString(), seconds: round((now() - started) / 1000, 1), rows };
}

async function timed(api: Api, token: string, channelId: string, query: string, check: (body: { id: string }[]) => string | undefined): Promise<{ ms: number; problem?: string }> {
  const t = now();
  const res = await api.history(token, channelId, query);
  const ms = now() - t;
  return { ms, problem: res.status !== 200 ? `HTTP ${res.status}` : check(res.body) };
}

export async function runHistory(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('history seeds the database with the server stopped, so it always starts its own server (no --base-url)');
  const count = Number(o.messages ?? (o.quick ? 10_000 : 1_000_000));
  const requests = Number(o.requests ?? (o.quick ? 200 : 2000));
  const concurrency = Number(o.concurrency ?? 8);
  const seconds = Number(o.duration ?? (o.quick ? 1 : 10));
  const result = newResult('history', { messages: count, requests, concurrency, duration_s: seconds, store: 'sqlite', query: 'GET /channels/:id/messages?limit=50' });

  let server = await startConcord();
  const dataDir = server.dataDir;
  const api0 = new Api(server.apiBase, 2);
  const { accounts, channelId, guildId } = await setupGuild(api0, o['user-prefix'] ?? `h${runTag()}u`, 1, o.password);
  api0.close();
  await server.stop();
  const file = path.join(dataDir, 'concord.db');
  const seeded = await seed(file, channelId, guildId, accounts[0]!.userId, count);
  console.info(`seeded ${seeded.rows} messages in ${seeded.seconds} s`);
  if (seeded.rows < count) result.failures.push(`seeding stored ${seeded.rows} of ${count} messages`);

  const prof = profileArgs(o.profile, 'history');
  server = await startConcord({ dataDir, nodeArgs: prof.nodeArgs });
  const api = new Api(server.apiBase, concurrency + 2);
  const token = accounts[0]!.token;
  const problems: string[] = [];
  const latest = (b: { id: string }[]) => (b.length !== 50 ? `${b.length} messages` : b[0]!.id !== seeded.newest ? `newest is ${b[0]!.id}` : undefined);
  const deep = (b: { id: string }[]) => (b.length !== 50 ? `${b.length} messages` : BigInt(b[0]!.id) >= BigInt(seeded.middle) ? 'not before the middle' : undefined);
  const series = async (query: string, n: number, check: typeof latest) => {
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await timed(api, token, channelId, query, check);
      lat.push(r.ms);
      if (r.problem && problems.length < 5) problems.push(`${query}: ${r.problem}`);
    }
    return dist(lat);
  };
  let rest: Dist, deepRest: Dist, loaded: Dist;
  let throughput = 0;
  let cpuUs = NaN;
  try {
    await series('limit=50', 200, latest);
    rest = await series('limit=50', requests, latest);
    deepRest = await series(`limit=50&before=${seeded.middle}`, Math.min(requests, 500), deep);
    const lat: number[] = [];
    const cpu0 = cpuMs(server.pid!)!;
    const start = now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (now() < end) {
          const r = await timed(api, token, channelId, 'limit=50', latest);
          lat.push(r.ms);
          if (r.problem && problems.length < 5) problems.push(r.problem);
        }
      }),
    );
    throughput = Math.round(lat.length / ((now() - start) / 1000));
    cpuUs = round(((cpuMs(server.pid!)! - cpu0) * 1000) / lat.length, 1);
    loaded = dist(lat);
  } finally {
    api.close();
    await server.stop();
  }
  const raw = readLoop(file, channelId, requests);
  fs.rmSync(dataDir, { recursive: true, force: true });
  result.failures.push(...problems);
  result.ok = result.failures.length === 0;
  Object.assign(result, { seeded, rest_latest: rest, rest_deep: deepRest, rest_concurrent: { concurrency, requests_per_s: throughput, latency_ms: loaded, server_cpu_us_per_request: cpuUs }, raw_sqlite: raw });
  result.tables.push({
    title: `Latest 50 of ${count.toLocaleString('en')} messages (seeded in ${seeded.seconds} s)`,
    columns: ['what', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'req/s', 'p99 vs raw SQLite'],
    rows: [
      ['REST, one at a time', rest.n, rest.p50, rest.p95, rest.p99, rest.max, round(1000 / rest.mean, 0), ratio(rest.p99, raw.latency_ms.p99)],
      ['REST, before=middle', deepRest.n, deepRest.p50, deepRest.p95, deepRest.p99, deepRest.max, round(1000 / deepRest.mean, 0), ratio(deepRest.p99, raw.latency_ms.p99)],
      [`REST, ${concurrency} concurrent`, loaded.n, loaded.p50, loaded.p95, loaded.p99, loaded.max, throughput, ratio(loaded.p99, raw.latency_ms.p99)],
      ['raw SQLite (better-sqlite3, same query, same file)', raw.latency_ms.n, raw.latency_ms.p50, raw.latency_ms.p95, raw.latency_ms.p99, raw.latency_ms.max, raw.reads_per_s, 1],
    ],
  });
  const profFile = prof.profileDir && newestProfile(prof.profileDir);
  if (profFile) result.tables.push(profileTable(profFile));
  result.notes.push(
    `server CPU per concurrent request: ${cpuUs} µs`,
    'REST latency is measured by the load tool around the whole HTTP request (keep-alive); raw SQLite is the statement alone in-process, with the server stopped',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runHistory(process.argv.slice(2)));
