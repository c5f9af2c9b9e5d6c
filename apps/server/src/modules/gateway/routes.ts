import type { GatewayBotInfo } from '@concord/protocol';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';

/** The WebSocket URL clients should use: the public URL, or the host they reached us by. */
export function gatewayUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/gateway`;
}

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
