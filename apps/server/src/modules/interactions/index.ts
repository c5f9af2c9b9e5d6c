import { defineModule } from '../module.js';
import { interactionMigrations } from './migrations.js';
import { interactionRoutes } from './routes.js';
import { SqlInteractionStore } from './store.js';

export const interactionsModule = defineModule({
  name: 'interactions',
  migrations: interactionMigrations,
  store: (q) => new SqlInteractionStore(q),
  routes: interactionRoutes,
  buckets: {
    // A person runs commands and clicks: as many as they send messages.
    'interactions.invoke': { limit: 10, windowMs: 5_000 },
  },
  events: ['INTERACTION_CREATE', 'INTERACTION_SUCCESS', 'INTERACTION_FAILURE', 'INTERACTION_MODAL_CREATE', 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', 'APPLICATION_COMMAND_PERMISSIONS_UPDATE'],
  purge: {
    channels: (store, ids) => store.deleteEphemeralByChannels(ids),
  },
});
