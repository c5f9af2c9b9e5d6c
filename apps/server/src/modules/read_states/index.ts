import { defineModule } from '../module.js';
import { readStateMigrations } from './migrations.js';
import { readStateRoutes } from './routes.js';
import { SqlReadStateStore } from './store.js';

/** Read states: where each person stopped reading each channel, and the mention counts derived from it (docs/read-states.md). */
export const readStatesModule = defineModule({
  name: 'readStates',
  migrations: readStateMigrations,
  store: (q) => new SqlReadStateStore(q),
  routes: readStateRoutes,
  buckets: { ack: { limit: 50, windowMs: 5_000 } },
  events: ['MESSAGE_ACK'],
  purge: {
    channels: (readStates, ids) => readStates.deleteByChannels(ids),
  },
});
