import { CreatePrivateChannelBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as dms from './service.js';

/** PATCH and DELETE /channels/:id of private channels are routed from the channels domain's routes. */
export function dmRoutes(r: Router, deps: Deps): void {
  r.post('/users/@me/channels', (req) => dms.createPrivateChannel(deps, req.ctx, parse(CreatePrivateChannelBody, req.body)), { bucket: 'dms.open' });
  r.put('/channels/:channel_id/recipients/:user_id', (req) => dms.addRecipient(deps, req.ctx, req.params.channel_id!, req.params.user_id!));
  r.delete('/channels/:channel_id/recipients/:user_id', (req) => dms.removeRecipient(deps, req.ctx, req.params.channel_id!, req.params.user_id!));
}
