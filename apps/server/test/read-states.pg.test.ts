/** Read states on PostgreSQL: the same assertions as on SQLite. */
import { createTestDatabase } from '../src/testing.js';
import { readStateSuite } from './read-states.js';

readStateSuite('postgres', async () => {
  const db = await createTestDatabase();
  return { config: { databaseUrl: db.url }, cleanup: db.drop };
});
