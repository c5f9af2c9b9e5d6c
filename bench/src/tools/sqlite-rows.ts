/**
 * What reading a history page costs in the SQLite driver: the latest 50 of 50,000 messages on the server's own
 * schema, read by better-sqlite3 as objects (its default, as the driver did before) and by the driver (raw arrays
 * built into objects of one fixed shape), alternating in one process. CPU µs per read.
 *
 *   npm run -w bench sqlite-rows
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteDb } from '../../../apps/server/src/store/sqlite/driver.js';
import { migrate } from '../../../apps/server/src/store/migrations.js';
import { normaliseInt, type Row } from '../../../apps/server/src/store/db.js';
import { allMigrations } from '../../../apps/server/src/app.js';
import { INSERT_MESSAGE, LATEST_50 } from '../sqlite-baseline.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-rows-'));
const db = new SqliteDb(path.join(dir, 'rows.db'));
await migrate(db, allMigrations);
const insert = db.raw.prepare(INSERT_MESSAGE);
const first = BigInt(Date.now() - 86_400_000) - 1420070400000n;
db.raw.transaction(() => {
  for (let i = 0; i < 50_000; i++) insert.run(5n, (first + BigInt(i)) << 22n, 7n, 1n << 60n, `seeded message ${i}: the quick brown fox jumps over the lazy dog`, null);
})();

const objects = db.raw.prepare(LATEST_50);
const convert = (row: Row) => {
  for (const k in row) if (typeof row[k] === 'bigint') row[k] = normaliseInt(row[k] as bigint);
  return row;
};
const ways: Record<string, () => unknown> = {
  'better-sqlite3 objects, converted': () => objects.all(5n).map((r) => convert(r as Row)),
  'the driver (raw arrays, fixed-shape rows)': () => db.allSync(LATEST_50, ['5']),
};
for (let round = 0; round < 3; round++) {
  for (const [name, read] of Object.entries(ways)) {
    for (let i = 0; i < 200; i++) read();
    const c0 = process.cpuUsage();
    for (let i = 0; i < 2000; i++) read();
    const c = process.cpuUsage(c0);
    console.info(`${name}: ${((c.user + c.system) / 2000).toFixed(1)} µs CPU per read`);
  }
}
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
