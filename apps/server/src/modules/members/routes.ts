import { ModifyCurrentMemberBody, ModifyMemberBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as members from './service.js';

export function memberRoutes(r: Router, deps: Deps): void {
  const bucket = { bucket: 'members.modify' };
  r.patch('/guilds/:guild_id/members/@me', (req) => members.modifyMember(deps, req.ctx, req.params.guild_id!, '@me', parse(ModifyCurrentMemberBody, req.body)), bucket);
  r.patch('/guilds/:guild_id/members/:user_id', (req) => members.modifyMember(deps, req.ctx, req.params.guild_id!, req.params.user_id!, parse(ModifyMemberBody, req.body)), bucket);
  r.put('/guilds/:guild_id/members/:user_id/roles/:role_id', (req) => members.changeMemberRole(deps, req.ctx, req.params.guild_id!, req.params.user_id!, req.params.role_id!, true), bucket);
  r.delete('/guilds/:guild_id/members/:user_id/roles/:role_id', (req) => members.changeMemberRole(deps, req.ctx, req.params.guild_id!, req.params.user_id!, req.params.role_id!, false), bucket);
  r.delete('/guilds/:guild_id/members/:user_id', (req) => members.kickMember(deps, req.ctx, req.params.guild_id!, req.params.user_id!), bucket);
}
