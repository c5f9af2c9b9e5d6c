/**
 * Scenario 6: search latency on a large channel. A channel is created through the API, the server stopped, N
 * messages in mixed languages (English, German, Chinese, Japanese, Korean, Arabic, code identifiers) inserted into
 * its SQLite file with the server's own migrations (the index triggers write the FTS table as they go), the server
 * restarted; then `GET /channels/:id/messages/search` is timed one at a time for a set of queries (a common word,
 * a rare one, a phrase, CJK, an identifier substring, content with an author filter, a query matching nothing).
 * The same engine query (the FTS5 MATCH with its COUNT and first page, as `search/sqlite.ts` issues it) runs
 * last on the same file in-process with better-sqlite3 (the "raw" figure; target: REST p99 at most 3x raw).
 *
 *   npm run -w bench search [-- --messages 200000 --requests 200 --quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
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

const OPTIONS = {
  messages: { type: 'string' },
  requests: { type: 'string' },
} as const;

const EPOCH = 1420070400000n;

/** The corpus: lines in several scripts; each message takes one, with a running number so none is the same. */
const LINES = [
  'the deployment pipeline failed again on the staging cluster',
  'Grüße aus München, die Straße ist wegen Bauarbeiten gesperrt',
  '我们明天下午三点在会议室讨论新的发布计划',
  '明日の会議は午後三時から始まります、資料を準備してください',
  '내일 오후 세 시에 회의실에서 새 출시 계획을 논의합니다',
  'سنناقش خطة الإصدار الجديدة غدا في قاعة الاجتماعات',
  'call parseSearchQuery() before buildFtsLiteral in search_port.ts',
  'lunch? 🍕 or 🍣 today, the usual place',
];
/** One message in this many carries the rare word. */
const RARE_EVERY = 10_000;

const QUERIES: { name: string; query: (authorId: string) => string }[] = [
  { name: 'common word (deployment)', query: () => 'content=deployment' },
  { name: 'rare word (zephyrine)', query: () => 'content=zephyrine' },
  { name: 'phrase ("staging cluster")', query: () => `content=${encodeURIComponent('"staging cluster"')}` },
  { name: 'German (straße gesperrt)', query: () => `content=${encodeURIComponent('straße gesperrt')}` },
  { name: 'Chinese (发布计划)', query: () => `content=${encodeURIComponent('发布计划')}` },
  { name: 'Japanese (資料を準備)', query: () => `content=${encodeURIComponent('資料を準備')}` },
  { name: 'identifier substring (FtsLiteral)', query: () => 'content=FtsLiteral' },
  { name: 'content + author_id', query: (a) => `content=deployment&author_id=${a}` },
  { name: 'no match (qqqxyz)', query: () => 'content=qqqxyz' },
];

/** The terms each query hands the engine (what `parseTerms` makes of its content). */
const TERMS: Record<string, string[]> = {
  'common word (deployment)': ['deployment'],
  'rare word (zephyrine)': ['zephyrine'],
  'phrase ("staging cluster")': ['staging cluster'],
  'German (straße gesperrt)': ['straße', 'gesperrt'],
  'Chinese (发布计划)': ['发布计划'],
  'Japanese (資料を準備)': ['資料を準備'],
  'identifier substring (FtsLiteral)': ['FtsLiteral'],
  'content + author_id': ['deployment'],
  'no match (qqqxyz)': ['qqqxyz'],
};

async function seed(file: string, channelId: string, guildId: string, authorId: string, count: number) {
  const db = new SqliteDb(file);
  await migrate(db, allMigrations);
  const insert = db.raw.prepare(INSERT_MESSAGE);
  const first = BigInt(Date.now() - 86_400_000 - count);
  const idAt = (i: number) => ((first + BigInt(i) - EPOCH) << 22n) | (31n << 17n) | (31n << 12n);
  const chunk = db.raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const rare = i % RARE_EVERY === 0 ? ' zephyrine' : '';
      insert.run(BigInt(channelId), idAt(i), BigInt(guildId), BigInt(authorId), `${LINES[i % LINES.length]} #${i}${rare}`, null);
    }
  });
  const started = now();
  for (let i = 0; i < count; i += 20_000) chunk(i, Math.min(count, i + 20_000));
  db.raw.prepare('UPDATE channels SET last_message_id = ? WHERE id = ?').run(idAt(count - 1), BigInt(channelId));
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  const indexed = Number((db.raw.prepare('SELECT count(*) AS n FROM message_fts').get() as { n: bigint }).n);
  await db.close();
  return { seconds: round((now() - started) / 1000, 1), indexed };
}

/** The engine's own statements for a content query in one channel (as `SqliteSearch.search` builds them). */
function rawLoop(file: string, channelId: string, terms: string[], authorId: string | undefined, n: number): Dist {
  const db = new Database(file, { readonly: true });
  db.defaultSafeIntegers(true);
  const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
  const where = `message_fts MATCH ? AND m.channel_id IN (?)${authorId ? ' AND m.author_id IN (?)' : ''}`;
  const from = 'message_fts f JOIN messages m ON m.channel_id = f.channel_id AND m.id = f.rowid';
  const params = [match, BigInt(channelId), ...(authorId ? [BigInt(authorId)] : [])];
  const count = db.prepare(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`);
  const page = db.prepare(`SELECT m.channel_id, m.id FROM ${from} WHERE ${where} ORDER BY m.id DESC LIMIT 25 OFFSET 0`);
  const pageRows = db.prepare(`SELECT * FROM messages WHERE channel_id = ? AND id = ?`);
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    count.get(...params);
    // The page's rows are read too: the REST answer carries whole messages.
    for (const r of page.all(...params) as { channel_id: bigint; id: bigint }[]) pageRows.get(r.channel_id, r.id);
    lat.push(now() - t);
  }
  db.close();
  return dist(lat);
}

export async function runSearch(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('search seeds the database with the server stopped, so it always starts its own server (no --base-url)');
  const count = Number(o.messages ?? (o.quick ? 10_000 : 200_000));
  const requests = Number(o.requests ?? (o.quick ? 30 : 200));
  const result = newResult('search', { messages: count, requests, store: 'sqlite', query: 'GET /channels/:id/messages/search' });

  let server = await startConcord();
  const dataDir = server.dataDir;
  const api0 = new Api(server.apiBase, 2);
  const { accounts, channelId, guildId } = await setupGuild(api0, o['user-prefix'] ?? `s${runTag()}u`, 1, o.password);
  api0.close();
  await server.stop();
  const file = path.join(dataDir, 'concord.db');
  const authorId = accounts[0]!.userId;
  const seeded = await seed(file, channelId, guildId, authorId, count);
  console.info(`seeded and indexed ${seeded.indexed} messages in ${seeded.seconds} s`);
  if (seeded.indexed < count) result.failures.push(`the index holds ${seeded.indexed} of ${count} messages`);

  server = await startConcord({ dataDir });
  const api = new Api(server.apiBase, 2);
  const token = accounts[0]!.token;
  const rest: { name: string; d: Dist; total: number }[] = [];
  try {
    for (const q of QUERIES) {
      const path = `/channels/${channelId}/messages/search?${q.query(authorId)}`;
      const lat: number[] = [];
      let total = -1;
      for (let i = 0; i < requests + 5; i++) {
        const t = now();
        const res = await api.http.request<{ total_results: number }>('GET', path, undefined, token);
        const ms = now() - t;
        if (res.status !== 200) {
          result.failures.push(`${q.name}: HTTP ${res.status}`);
          break;
        }
        total = res.body.total_results;
        // The first few warm the caches.
        if (i >= 5) lat.push(ms);
      }
      rest.push({ name: q.name, d: dist(lat), total });
      console.info(`${q.name}: ${total} results, p50 ${dist(lat).p50} ms`);
    }
  } finally {
    api.close();
    await server.stop();
  }
  const rows = rest.map(({ name, d, total }) => {
    const raw = rawLoop(file, channelId, TERMS[name]!, name.includes('author') ? authorId : undefined, requests);
    return [name, total, d.p50, d.p99, raw.p50, raw.p99, ratio(d.p99, raw.p99)];
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
  result.ok = result.failures.length === 0;
  Object.assign(result, { seeded, queries: rest.map((r) => ({ name: r.name, total: r.total, latency_ms: r.d })) });
  result.tables.push({
    title: `Search in one channel of ${count.toLocaleString('en')} messages, mixed languages (seeded and indexed in ${seeded.seconds} s)`,
    columns: ['query', 'results', 'REST p50 ms', 'REST p99 ms', 'raw p50 ms', 'raw p99 ms', 'p99 vs raw'],
    rows,
  });
  result.notes.push(
    'REST latency is measured by the load tool around the whole HTTP request (keep-alive), one at a time; raw is the engine statements (COUNT, first page of 25, their rows) in-process with better-sqlite3 on the same file, with the server stopped',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runSearch(process.argv.slice(2)));
