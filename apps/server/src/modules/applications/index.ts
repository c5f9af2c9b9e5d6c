import { defineModule } from '../module.js';
import { applicationMigrations } from './migrations.js';
import { applicationRoutes } from './routes.js';
import { SqlApplicationStore } from './store.js';

export const applicationsModule = defineModule({
  name: 'applications',
  migrations: applicationMigrations,
  store: (q) => new SqlApplicationStore(q),
  routes: applicationRoutes,
});
