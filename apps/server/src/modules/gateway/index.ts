import { defineModule } from '../module.js';
import { gatewayInfoRoutes } from './routes.js';

/** Gateway discovery (`GET /gateway`, `/gateway/bot`); the only routes a gateway-only process serves. */
export const discoveryModule = defineModule({
  name: 'discovery',
  routes: gatewayInfoRoutes,
});
