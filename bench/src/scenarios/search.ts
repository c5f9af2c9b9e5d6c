/**
 * Scenario 6: search latency on a large channel, on SQLite and PostgreSQL. A channel is created through the API,
 * the server stopped, N messages in mixed languages (English, German, Chinese, Japanese, Korean, Arabic, emoji,
 * code identifiers) inserted into its database with the server's own migrations and index (SQLite: queued by the
 * triggers, then indexed by the engine's own indexer, timed with the inserts; PostgreSQL: the trigram GIN index
 * maintained as rows go in), the server restarted; then `GET /channels/:id/messages/search` is timed one at a time
 * for a set of queries (a common word, a rare one, a phrase, CJK, an identifier substring, content with an author
 * filter, a query matching nothing). The engine's own statements (COUNT, first page, its rows) then run on the same
 * database in-process with the server stopped (the "raw" figure; target: REST p99 at most 3x raw).
 *
 *   npm run -w bench search [-- --stores sqlite,postgres --messages 1000000 --requests 200 --quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Api, setupGuild } from '../api.js';
import { csv, main, newResult, options, runTag } from '../cli.js';
import { idsFor, lineAt } from '../corpus.js';
import { now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { freshPostgres, postgresAvailable, startConcord } from '../servers.js';
import { INSERT_MESSAGE } from '../sqlite-baseline.js';
import { dist, ratio, round, type Dist } from '../stats.js';
import { SqliteDb } from '../../../apps/server/src/store/sqlite/driver.js';
import { PostgresDb } from '../../../apps/server/src/store/postgres/driver.js';
import { SqliteSearch } from '../../../apps/server/src/search/sqlite.js';
import { likeEscape } from '../../../apps/server/src/search/port.js';
import { migrate } from '../../../apps/server/src/store/migrations.js';
import { allMigrations } from '../../../apps/server/src/app.js';

const OPTIONS = {
  stores: { type: 'string' },
  messages: { type: 'string' },
  requests: { type: 'string' },
} as const;

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

async function seedSqlite(file: string, channelId: string, guildId: string, authorId: string, count: number) {
  const db = new SqliteDb(file);
  await migrate(db, allMigrations);
  const insert = db.raw.prepare(INSERT_MESSAGE);
  const idAt = idsFor(count);
  const chunk = db.raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(BigInt(channelId), idAt(i), BigInt(guildId), BigInt(authorId), lineAt(i), null);
  });
  const started = now();
  for (let i = 0; i < count; i += 20_000) chunk(i, Math.min(count, i + 20_000));
  const inserted = now();
  // The triggers queued every message; the engine's indexer moves them into the index (what a running server does).
  await new SqliteSearch(db).settle();
  const done = now();
  db.raw.prepare('UPDATE channels SET last_message_id = ? WHERE id = ?').run(idAt(count - 1), BigInt(channelId));
  db.raw.pragma('wal_checkpoint(TRUNCATE)');
  const indexed = Number((db.raw.prepare('SELECT count(*) AS n FROM message_fts').get() as { n: bigint }).n);
  await db.close();
  return { seconds: round((done - started) / 1000, 1), insert_seconds: round((inserted - started) / 1000, 1), indexed };
}

/** Rows go in 500 to a statement, 20,000 to a transaction, with the trigram index in place (it is maintained as they go). */
async function seedPostgres(url: string, channelId: string, guildId: string, authorId: string, count: number) {
  const db = new PostgresDb(url, 2);
  const idAt = idsFor(count);
  const started = now();
  for (let i = 0; i < count; i += 20_000) {
    const to = Math.min(count, i + 20_000);
    await db.tx(async (q) => {
      for (let j = i; j < to; j += 500) {
        const rows: string[] = [];
        const params: (string | null)[] = [];
        for (let k = j; k < Math.min(to, j + 500); k++) {
          rows.push('(?, ?, ?, ?, 0, ?, NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL)');
          params.push(channelId, String(idAt(k)), guildId, authorId, lineAt(k));
        }
        await q.run(`${INSERT_MESSAGE.slice(0, INSERT_MESSAGE.indexOf('VALUES'))} VALUES ${rows.join(', ')}`, params);
      }
    });
  }
  await db.run('UPDATE channels SET last_message_id = ? WHERE id = ?', [String(idAt(count - 1)), channelId]);
  await db.run('ANALYZE messages');
  const indexed = Number((await db.get('SELECT COUNT(*) AS n FROM messages WHERE channel_id = ?', [channelId]))?.n ?? 0);
  const seconds = round((now() - started) / 1000, 1);
  await db.close();
  return { seconds, insert_seconds: seconds, indexed };
}

/** The engine's own statements for a content query in one channel (as `SqliteSearch.search` builds them). */
function rawSqlite(file: string, channelId: string, terms: string[], authorId: string | undefined, n: number): Dist {
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

/** The PostgreSQL engine's own statements (as `PostgresSearch.search` builds them), through the server's driver. */
async function rawPostgres(url: string, channelId: string, terms: string[], authorId: string | undefined, n: number): Promise<Dist> {
  const db = new PostgresDb(url, 1);
  const where = ['m.channel_id IN (?)', ...(authorId ? ['m.author_id IN (?)'] : []), ...terms.map(() => "concord_fold(m.content) LIKE concord_fold(?) ESCAPE '\\'")];
  const params = [channelId, ...(authorId ? [authorId] : []), ...terms.map((t) => `%${likeEscape(t)}%`)];
  const sql = `FROM messages m WHERE ${where.join(' AND ')}`;
  const lat: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = now();
      await db.get(`SELECT COUNT(*) AS n ${sql}`, params);
      const page = await db.all(`SELECT m.channel_id, m.id ${sql} ORDER BY m.id DESC LIMIT 25 OFFSET 0`, params);
      for (const r of page) await db.get('SELECT * FROM messages WHERE channel_id = ? AND id = ?', [String(r.channel_id), String(r.id)]);
      lat.push(now() - t);
    }
  } finally {
    await db.close();
  }
  return dist(lat);
}

export async function runSearch(argv: string[]) {
  const o = options(OPTIONS, argv);
  if (o['base-url']) throw new Error('search seeds the database with the server stopped, so it always starts its own server (no --base-url)');
  const stores = csv(o.stores, o.quick ? 'sqlite' : postgresAvailable() ? 'sqlite,postgres' : 'sqlite') as ('sqlite' | 'postgres')[];
  const count = Number(o.messages ?? (o.quick ? 10_000 : 1_000_000));
  const requests = Number(o.requests ?? (o.quick ? 30 : 200));
  const result = newResult('search', { messages: count, requests, stores, query: 'GET /channels/:id/messages/search' });
  const seededBy: Record<string, unknown> = {};
  for (const store of stores) {
    const pg = store === 'postgres' ? freshPostgres() : undefined;
    try {
      let server = await startConcord(pg ? { databaseUrl: pg.url } : {});
      const dataDir = server.dataDir;
      const api0 = new Api(server.apiBase, 2);
      const { accounts, channelId, guildId } = await setupGuild(api0, o['user-prefix'] ?? `s${runTag()}u`, 1, o.password);
      api0.close();
      await server.stop();
      const file = path.join(dataDir, 'concord.db');
      const authorId = accounts[0]!.userId;
      const seeded = pg ? await seedPostgres(pg.url, channelId, guildId, authorId, count) : await seedSqlite(file, channelId, guildId, authorId, count);
      seededBy[store] = seeded;
      console.info(`${store}: seeded and indexed ${seeded.indexed} messages in ${seeded.seconds} s (inserts ${seeded.insert_seconds} s)`);
      if (seeded.indexed < count) result.failures.push(`${store}: the index holds ${seeded.indexed} of ${count} messages`);

      server = await startConcord(pg ? { dataDir, databaseUrl: pg.url } : { dataDir });
      const api = new Api(server.apiBase, 2);
      const token = accounts[0]!.token;
      const rest: { name: string; d: Dist; total: number }[] = [];
      try {
        for (const q of QUERIES) {
          const url = `/channels/${channelId}/messages/search?${q.query(authorId)}`;
          const lat: number[] = [];
          let total = -1;
          for (let i = 0; i < requests + 5; i++) {
            const t = now();
            const res = await api.http.request<{ total_results: number }>('GET', url, undefined, token);
            const ms = now() - t;
            if (res.status !== 200) {
              result.failures.push(`${store}, ${q.name}: HTTP ${res.status}`);
              break;
            }
            total = res.body.total_results;
            // The first few warm the caches.
            if (i >= 5) lat.push(ms);
          }
          rest.push({ name: q.name, d: dist(lat), total });
          console.info(`${store}, ${q.name}: ${total} results, p50 ${dist(lat).p50} ms`);
        }
      } finally {
        api.close();
        await server.stop();
      }
      const rows = [];
      for (const { name, d, total } of rest) {
        const author = name.includes('author') ? authorId : undefined;
        const raw = pg ? await rawPostgres(pg.url, channelId, TERMS[name]!, author, requests) : rawSqlite(file, channelId, TERMS[name]!, author, requests);
        rows.push([name, total, d.p50, d.p99, raw.p50, raw.p99, ratio(d.p99, raw.p99)]);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      result.tables.push({
        title: `${store === 'sqlite' ? 'SQLite (FTS5 trigram)' : 'PostgreSQL (pg_trgm GIN)'}: search in one channel of ${count.toLocaleString('en')} messages, mixed languages (seeded and indexed in ${seeded.seconds} s)`,
        columns: ['query', 'results', 'REST p50 ms', 'REST p99 ms', 'raw p50 ms', 'raw p99 ms', 'p99 vs raw'],
        rows,
      });
    } finally {
      pg?.drop();
    }
  }
  result.ok = result.failures.length === 0;
  Object.assign(result, { seeded: seededBy });
  result.notes.push(
    'REST latency is measured by the load tool around the whole HTTP request (keep-alive), one at a time; raw is the engine’s statements (COUNT, first page of 25, their rows) in-process on the same database with the server stopped (better-sqlite3; node-postgres through the server’s driver)',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runSearch(process.argv.slice(2)));
