/** Member search (op 8) on PostgreSQL: the same assertions as on SQLite. */
import { createTestDatabase } from '../src/testing.js';
import { PostgresDb } from '../src/store/postgres/driver.js';
import { memberSearchSuite } from './member-search.js';

memberSearchSuite({
  name: 'postgres',
  async open() {
    const tdb = await createTestDatabase();
    return { db: new PostgresDb(tdb.url), cleanup: tdb.drop };
  },
});
