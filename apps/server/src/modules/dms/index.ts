import { defineModule } from '../module.js';
import { dmMigrations } from './migrations.js';
import { dmRoutes } from './routes.js';
import { SqlDmStore } from './store.js';

/** Direct messages and group DMs: opening, recipients, rename, leave (see docs/dms.md). */
export const dmsModule = defineModule({
  name: 'dms',
  migrations: dmMigrations,
  store: (q) => new SqlDmStore(q),
  routes: dmRoutes,
  buckets: { 'dms.open': { limit: 10, windowMs: 10_000 } },
  events: ['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'CHANNEL_DELETE', 'CHANNEL_RECIPIENT_ADD', 'CHANNEL_RECIPIENT_REMOVE'],
  purge: {
    channels: (dms, ids) => dms.deleteByChannels(ids),
  },
});
