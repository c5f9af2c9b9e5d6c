import { defineModule } from '../module.js';
import { moderationMigrations } from './migrations.js';
import { moderationRoutes } from './routes.js';
import { SqlModerationStore } from './store.js';

export const moderationModule = defineModule({
  name: 'moderation',
  migrations: moderationMigrations,
  store: (q) => new SqlModerationStore(q),
  routes: moderationRoutes,
  buckets: { moderation: { limit: 20, windowMs: 10_000 } },
  events: ['GUILD_BAN_ADD', 'GUILD_BAN_REMOVE', 'GUILD_MEMBER_REMOVE', 'MESSAGE_DELETE_BULK'],
});
