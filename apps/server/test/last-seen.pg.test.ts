/** Last seen on PostgreSQL: the same assertions as on SQLite. */
import { createTestDatabase } from '../src/testing.js';
import { lastSeenSuite } from './last-seen.js';

lastSeenSuite('postgres', async () => {
  const db = await createTestDatabase();
  return { config: { databaseUrl: db.url }, cleanup: db.drop };
});
