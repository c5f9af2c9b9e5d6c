import { defineModule } from '../module.js';
import { roleMigrations } from './migrations.js';
import { roleRoutes } from './routes.js';
import { SqlRoleStore } from './store.js';

export const rolesModule = defineModule({
  name: 'roles',
  migrations: roleMigrations,
  store: (q) => new SqlRoleStore(q),
  routes: roleRoutes,
  buckets: { 'roles.modify': { limit: 20, windowMs: 10_000 } },
  events: ['GUILD_ROLE_CREATE', 'GUILD_ROLE_UPDATE', 'GUILD_ROLE_DELETE'],
});
