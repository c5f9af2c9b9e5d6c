/** The roles and moderation permission matrix on PostgreSQL: the same table as on SQLite. */
import { createTestDatabase, startTestServer } from '../src/testing.js';
import { moderationMatrixSuite } from './moderation-matrix.js';

moderationMatrixSuite('postgres', async () => {
  const db = await createTestDatabase();
  const server = await startTestServer({ databaseUrl: db.url });
  return {
    server,
    cleanup: async () => {
      await server.close();
      await db.drop();
    },
  };
});
