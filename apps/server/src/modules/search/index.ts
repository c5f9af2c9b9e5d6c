import { defineModule } from '../module.js';
import { searchMigrations } from './migrations.js';
import { searchRoutes } from './routes.js';

/** Message search: the routes and the index's migrations; the engine is the `SearchStore` app.ts chooses (search/). */
export const searchModule = defineModule({
  name: 'search',
  migrations: searchMigrations,
  routes: searchRoutes,
  buckets: {
    search: { limit: 10, windowMs: 10_000 },
  },
});
