/**
 * Scenario 6b: what the search index costs message writes. The server's own migrations make a database, the
 * index is left as they make it or turned off (SQLite: the `message_fts` triggers dropped; PostgreSQL: the trigram
 * GIN index dropped), or on SQLite written in the message's own transaction as before migration 1950; messages of the search corpus are inserted with the server's INSERT, so many to a
 * transaction: 1 (a lone send), 16 (a group commit under load) and 2,000 (a bulk import). The modes alternate,
 * `--rounds` times, in the same run, each on a fresh database; the figure is messages/s with the index over
 * messages/s without. Where the engine indexes after commit (a queue drained in batches), the drain is timed
 * too and counted in the "with" figure: the index costs what it costs, whenever it is paid.
 *
 *   npm run -w bench search-indexing [-- --stores sqlite,postgres --batches 1,16,2000 --messages 20000 --rounds 3 --quick]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csv, main, newResult, options } from '../cli.js';
import { idsFor, lineAt } from '../corpus.js';
import { now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult, type Cell } from '../report.js';
import { freshPostgres, postgresAvailable } from '../servers.js';
import { INSERT_MESSAGE } from '../sqlite-baseline.js';
import { round } from '../stats.js';
import type { Db } from '../../../apps/server/src/store/db.js';
import { SqliteDb } from '../../../apps/server/src/store/sqlite/driver.js';
import { PostgresDb } from '../../../apps/server/src/store/postgres/driver.js';
import { migrate } from '../../../apps/server/src/store/migrations.js';
import { allMigrations } from '../../../apps/server/src/app.js';
import { SqliteSearch } from '../../../apps/server/src/search/sqlite.js';
import { PostgresSearch } from '../../../apps/server/src/search/postgres.js';
import type { SearchStore } from '../../../apps/server/src/search/port.js';

const OPTIONS = {
  stores: { type: 'string' },
  batches: { type: 'string' },
  messages: { type: 'string' },
  rounds: { type: 'string' },
} as const;

/** off: no index; on: the index as this tree's migrations make it; inline (SQLite): the FTS row written in the message's transaction, as before migration 1950. */
type Mode = 'off' | 'on' | 'inline';

const DROP_SQLITE_TRIGGERS = ['DROP TRIGGER IF EXISTS message_fts_insert', 'DROP TRIGGER IF EXISTS message_fts_update', 'DROP TRIGGER IF EXISTS message_fts_delete'];

/** SQL that sets a freshly migrated database to a mode. */
const MODE_SQL: Record<'sqlite' | 'postgres', Partial<Record<Mode, string[]>>> = {
  sqlite: {
    off: DROP_SQLITE_TRIGGERS,
    // Migration 1000's trigger, for the same-run comparison with queued indexing.
    inline: [
      ...DROP_SQLITE_TRIGGERS,
      `CREATE TRIGGER message_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_fts (rowid, content, channel_id) VALUES (new.id, new.content, new.channel_id);
      END`,
    ],
  },
  postgres: { off: ['DROP INDEX IF EXISTS messages_content_trgm'] },
};

async function openDb(store: 'sqlite' | 'postgres'): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (store === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-idx-'));
    const db = new SqliteDb(path.join(dir, 'concord.db'));
    return { db, dispose: async () => (await db.close(), fs.rmSync(dir, { recursive: true, force: true })) };
  }
  const pg = freshPostgres();
  const db = new PostgresDb(pg.url, 4);
  return { db, dispose: async () => (await db.close(), pg.drop()) };
}

/** One step: a fresh database, `count` messages in transactions of `batch`, then (index on) the engine's pending work. */
async function step(store: 'sqlite' | 'postgres', mode: Mode, batch: number, count: number) {
  const { db, dispose } = await openDb(store);
  try {
    await migrate(db, allMigrations);
    for (const sql of MODE_SQL[store][mode] ?? []) await db.run(sql);
    const idAt = idsFor(count);
    const started = now();
    for (let i = 0; i < count; i += batch) {
      const to = Math.min(count, i + batch);
      await db.tx(async (q) => {
        for (let j = i; j < to; j++) await q.run(INSERT_MESSAGE, [1n, idAt(j), 1n, 2n, lineAt(j), null]);
      });
    }
    const written = now();
    // An engine that indexes after commit has work left: it belongs to the index's cost.
    const engine: SearchStore = store === 'postgres' ? new PostgresSearch(db) : new SqliteSearch(db);
    if (mode === 'on') await engine.settle?.();
    const done = now();
    return { per_s: round(count / ((done - started) / 1000), 0), write_ms: round(written - started, 0), settle_ms: round(done - written, 0) };
  } finally {
    await dispose();
  }
}

export async function runSearchIndexing(argv: string[]) {
  const o = options(OPTIONS, argv);
  const stores = csv(o.stores, o.quick ? 'sqlite' : postgresAvailable() ? 'sqlite,postgres' : 'sqlite') as ('sqlite' | 'postgres')[];
  const batches = csv(o.batches, '1,16,2000').map(Number);
  const count = Number(o.messages ?? (o.quick ? 2_000 : 20_000));
  const rounds = Number(o.rounds ?? (o.quick ? 1 : 3));
  const result = newResult('search-indexing', { stores, batches, messages: count, rounds });
  const rows: Cell[][] = [];
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cost = (on: number, off: number) => `${round((1 - on / off) * 100, 1)}%`;
  for (const store of stores) {
    const modes: Mode[] = store === 'sqlite' ? ['off', 'inline', 'on'] : ['off', 'on'];
    for (const batch of batches) {
      // A lone send per transaction is bound by the commit (fsync); fewer messages keep the step short.
      const n = batch === 1 ? Math.min(count, o.quick ? 300 : 3_000) : count;
      const rates: Record<string, number[]> = { off: [], inline: [], on: [] };
      let settle = 0;
      for (let r = 0; r < rounds; r++) {
        for (const mode of modes) {
          const s = await step(store, mode, batch, n);
          rates[mode]!.push(s.per_s);
          if (mode === 'on') settle += s.settle_ms;
        }
      }
      const off = med(rates.off!);
      const on = med(rates.on!);
      const inline = store === 'sqlite' ? med(rates.inline!) : undefined;
      console.info(`${store}, ${batch} per transaction: ${off} msgs/s without the index, ${on} with (${cost(on, off)} cost)${inline ? `; in the transaction as before: ${inline} (${cost(inline, off)})` : ''}`);
      rows.push([store, batch, n, off, inline ?? '-', inline ? cost(inline, off) : '-', on, cost(on, off), round(settle / rounds, 0)]);
    }
  }
  result.tables.push({
    title: `Message writes with and without the search index (median of ${rounds} alternating rounds, fresh database each)`,
    columns: ['store', 'messages per transaction', 'messages', 'no index msgs/s', 'index in the transaction (before) msgs/s', 'its cost', 'index as now msgs/s', 'its cost', 'of which indexing after commit ms'],
    rows,
  });
  result.notes.push(
    'Inserts are the server’s own INSERT into its messages table (migrations of this tree), one statement per message, in transactions of the given size; SQLite with the server’s pragmas (WAL, synchronous=FULL). Target: the index costs under 15%.',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runSearchIndexing(process.argv.slice(2)));
