/** Concurrent conflicting writes on PostgreSQL, where transactions really interleave. */
import { createTestDatabase } from '../src/testing.js';
import { racesSuite } from './races.js';

racesSuite('postgres', async () => {
  const db = await createTestDatabase();
  return { config: { databaseUrl: db.url }, cleanup: () => db.drop() };
});
