import { defineModule } from '../module.js';
import { guildMigrations } from './migrations.js';
import { guildRoutes } from './routes.js';
import { SqlGuildStore } from './store.js';

export const guildsModule = defineModule({
  name: 'guilds',
  migrations: guildMigrations,
  store: (q) => new SqlGuildStore(q),
  routes: guildRoutes,
  buckets: { 'guilds.create': { limit: 10, windowMs: 60_000 } },
  events: ['GUILD_UPDATE', 'GUILD_DELETE', 'GUILD_ROLE_CREATE', 'GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE'],
});
