/** DMs and group DMs on PostgreSQL: the same assertions as on SQLite. */
import { createTestDatabase } from '../src/testing.js';
import { dmSuite } from './dms.js';

dmSuite('postgres', async () => {
  const db = await createTestDatabase();
  return { config: { databaseUrl: db.url }, cleanup: db.drop };
});
