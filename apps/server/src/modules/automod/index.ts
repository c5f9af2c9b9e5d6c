import { defineModule } from '../module.js';
import { automodMigrations } from './migrations.js';
import { automodRoutes } from './routes.js';
import { SqlAutoModStore } from './store.js';

export const automodModule = defineModule({
  name: 'automod',
  migrations: automodMigrations,
  store: (q) => new SqlAutoModStore(q),
  routes: automodRoutes,
  buckets: { automod: { limit: 10, windowMs: 10_000 } },
  events: ['AUTO_MODERATION_RULE_CREATE', 'AUTO_MODERATION_RULE_UPDATE', 'AUTO_MODERATION_RULE_DELETE', 'AUTO_MODERATION_ACTION_EXECUTION'],
});
