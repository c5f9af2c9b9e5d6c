import { CreateInviteBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as invites from './service.js';

export function inviteRoutes(r: Router, deps: Deps): void {
  r.post('/channels/:channel_id/invites', (req) => invites.createInvite(deps, req.ctx, req.params.channel_id!, parse(CreateInviteBody, req.body)));
  r.get('/guilds/:guild_id/invites', (req) => invites.listGuildInvites(deps, req.ctx, req.params.guild_id!));
  r.get('/invites/:code', (req) => invites.getInvite(deps, req.params.code!), { auth: false });
  r.post('/invites/:code', (req) => invites.acceptInvite(deps, req.ctx, req.params.code!), { bucket: 'invites.accept' });
  r.delete('/invites/:code', (req) => invites.deleteInvite(deps, req.ctx, req.params.code!));
}
