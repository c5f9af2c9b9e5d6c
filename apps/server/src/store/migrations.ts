/**
 * The migration runner. Each domain module declares its own migrations (see modules/module.ts); the runner
 * applies every pending one in the order of its global id, each in its own transaction, recorded in
 * `schema_migrations`. Ids are 64-bit integers, times are ms since the Unix epoch, booleans are 0/1,
 * bitfields decimal text.
 */
import type { Migration } from '../modules/module.js';
import type { Db, Queryable } from './db.js';

/** Databases made before migrations moved into their modules recorded five ids; each maps to its parts. */
const LEGACY: Record<number, number[]> = { 1: [100, 110], 2: [200, 210, 220], 3: [300], 4: [320], 5: [310] };

export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) throw new Error(`two migrations have id ${sorted[i]!.id}`);
  }
  return sorted;
}

/** Applies pending migrations; safe when several processes start at once. Answers the ids it applied. */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<number[]> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  await db.tx(async (q) => {
    await lock(q);
    await renumberLegacy(q);
  });
  const applied: number[] = [];
  for (const m of orderMigrations(migrations)) {
    const sql = m.shared ?? m[db.dialect];
    if (!sql) throw new Error(`migration ${m.id} has no SQL for ${db.dialect}`);
    const done = await db.tx(async (q) => {
      await lock(q);
      if (await q.get('SELECT id FROM schema_migrations WHERE id = ?', [m.id])) return false;
      for (const stmt of splitStatements(sql)) await q.run(stmt);
      await q.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, Date.now()]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Serialise concurrent starters on PostgreSQL; SQLite's BEGIN IMMEDIATE already does. */
async function lock(q: Queryable): Promise<void> {
  if (q.dialect === 'postgres') await q.run('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
}

async function renumberLegacy(q: Queryable): Promise<void> {
  const old = await q.all('SELECT id, applied_at FROM schema_migrations WHERE id < 100');
  for (const row of old) {
    for (const id of LEGACY[Number(row.id)] ?? []) {
      await q.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [id, `legacy ${row.id}`, row.applied_at]);
    }
    await q.run('DELETE FROM schema_migrations WHERE id = ?', [row.id]);
  }
}

/** Splits on `;`, keeping a trigger's body (`BEGIN ... END`) one statement. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const part of sql.split(';')) {
    current = current ? `${current};${part}` : part;
    const stmt = current.trim();
    if (/^CREATE\s+TRIGGER\b/i.test(stmt) && !/\bEND$/i.test(stmt)) continue;
    if (stmt) out.push(stmt);
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
