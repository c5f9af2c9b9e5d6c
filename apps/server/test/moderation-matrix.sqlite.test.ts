/** The roles and moderation permission matrix on SQLite. */
import { startTestServer } from '../src/testing.js';
import { moderationMatrixSuite } from './moderation-matrix.js';

moderationMatrixSuite('sqlite', async () => {
  const server = await startTestServer();
  return { server, cleanup: () => server.close() };
});
