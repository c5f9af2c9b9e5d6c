import { defineModule } from '../module.js';
import { userMigrations } from './migrations.js';
import { userRoutes } from './routes.js';
import { SqlUserStore } from './store.js';

export const usersModule = defineModule({
  name: 'users',
  migrations: userMigrations,
  store: (q) => new SqlUserStore(q),
  routes: userRoutes,
  events: ['USER_UPDATE', 'GUILD_MEMBER_UPDATE'],
});
