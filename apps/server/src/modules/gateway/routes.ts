import type { GatewayBotInfo } from '@concord/protocol';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import { gatewayUrl } from '../../lib/urls.js';

export function gatewayInfoRoutes(r: Router, _deps: Deps): void {
  r.get('/gateway', (req) => ({ url: gatewayUrl(req.baseUrl) }), { auth: false });
  r.get(
    '/gateway/bot',
    (req): GatewayBotInfo => ({
      url: gatewayUrl(req.baseUrl),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
    }),
  );
}
