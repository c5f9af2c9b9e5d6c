import { CreateGuildBody, MemberListQuery, ModifyGuildBody } from '@concord/protocol';
import { z } from 'zod';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as guilds from './service.js';

/** Discord's: `query` (a username prefix) required, `limit` 1-1000, default 1. */
const MemberSearchQuery = z.object({ query: z.string().max(100), limit: z.coerce.number().int().min(1).max(1000).optional() });

export function guildRoutes(r: Router, deps: Deps): void {
  r.post('/guilds', (req) => guilds.createGuild(deps, req.ctx, parse(CreateGuildBody, req.body)), { bucket: 'guilds.create', status: 201, body: 'large' });
  r.get('/guilds/:guild_id', (req) => guilds.getGuild(deps, req.ctx, req.params.guild_id!, req.query.with_counts === 'true'));
  r.patch('/guilds/:guild_id', (req) => guilds.modifyGuild(deps, req.ctx, req.params.guild_id!, parse(ModifyGuildBody, req.body)), { body: 'large' });
  r.delete('/guilds/:guild_id', (req) => guilds.deleteGuild(deps, req.ctx, req.params.guild_id!));
  r.delete('/users/@me/guilds/:guild_id', (req) => guilds.leaveGuild(deps, req.ctx, req.params.guild_id!));
  r.get('/guilds/:guild_id/roles', (req) => guilds.listRoles(deps, req.ctx, req.params.guild_id!));
  r.get('/guilds/:guild_id/roles/:role_id', (req) => guilds.getRole(deps, req.ctx, req.params.guild_id!, req.params.role_id!));
  r.get('/guilds/:guild_id/members', (req) => guilds.listMembers(deps, req.ctx, req.params.guild_id!, parse(MemberListQuery, req.query)));
  // The literal `search` is a route of its own (the router prefers it to `:user_id`).
  r.get('/guilds/:guild_id/members/search', (req) => guilds.searchGuildMembers(deps, req.ctx, req.params.guild_id!, parse(MemberSearchQuery, req.query)));
  r.get('/users/@me/guilds/:guild_id/member', (req) => guilds.getMember(deps, req.ctx, req.params.guild_id!, '@me'));
  r.get('/guilds/:guild_id/members/:user_id', (req) => guilds.getMember(deps, req.ctx, req.params.guild_id!, req.params.user_id!));
}
