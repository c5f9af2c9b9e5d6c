import { DmSettingsBody, FriendRequestBody, PutRelationshipBody } from '@concord/protocol';
import { errors, parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as rel from './service.js';

export function relationshipRoutes(r: Router, deps: Deps): void {
  r.get('/users/@me/relationships', (req) => {
    if (req.ctx.user.bot) throw errors.usersOnly();
    return rel.listRelationships(deps, req.ctx.user.id);
  });
  r.post('/users/@me/relationships', (req) => rel.sendFriendRequest(deps, req.ctx, parse(FriendRequestBody, req.body)), { bucket: 'relationships.write' });
  r.put('/users/@me/relationships/:user_id', (req) => rel.putRelationship(deps, req.ctx, req.params.user_id!, parse(PutRelationshipBody, req.body ?? {})), { bucket: 'relationships.write' });
  r.delete('/users/@me/relationships/:user_id', (req) => rel.removeRelationship(deps, req.ctx, req.params.user_id!), { bucket: 'relationships.write' });
  // Extension (an `x-` path cannot clash with Discord's): who may open a DM with the caller.
  r.get('/users/@me/x-dm-settings', (req) => rel.getDmSettings(deps, req.ctx));
  r.patch('/users/@me/x-dm-settings', (req) => rel.setDmSettings(deps, req.ctx, parse(DmSettingsBody, req.body)));
}
