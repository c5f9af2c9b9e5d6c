/** The store contract on PostgreSQL: the same assertions as on SQLite, on a fresh database. */
import { createTestDatabase } from '../src/testing.js';
import { PostgresDb } from '../src/store/postgres/driver.js';
import { storeContract } from './store-contract.js';

storeContract({
  name: 'postgres',
  async open() {
    const tdb = await createTestDatabase();
    return { db: new PostgresDb(tdb.url), cleanup: tdb.drop };
  },
});
