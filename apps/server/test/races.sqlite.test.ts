/** Concurrent conflicting writes on SQLite (embedded: part of the fast target). */
import { racesSuite } from './races.js';

racesSuite('sqlite', async () => ({ config: {}, cleanup: async () => {} }));
