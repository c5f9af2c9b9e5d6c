import { defineModule } from '../module.js';
import { authRoutes } from './routes.js';

/** Accounts and sessions: tokens live in the users store. */
export const authModule = defineModule({
  name: 'auth',
  routes: authRoutes,
  buckets: {
    'auth.register': { limit: 5, windowMs: 60_000 },
    'auth.login': { limit: 10, windowMs: 60_000 },
    // Per account name, whatever the address (see login()).
    'auth.login.account': { limit: 10, windowMs: 60_000 },
    // Discord's session_start_limit: identifies per user per day.
    'gateway.identify': { limit: 1000, windowMs: 24 * 3600_000 },
  },
});
