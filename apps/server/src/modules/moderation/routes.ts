import { BanListQuery, BulkBanBody, BulkDeleteBody, CreateBanBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as moderation from './service.js';

export function moderationRoutes(r: Router, deps: Deps): void {
  const bucket = { bucket: 'moderation' };
  r.get('/guilds/:guild_id/bans', (req) => moderation.listBans(deps, req.ctx, req.params.guild_id!, parse(BanListQuery, req.query)));
  r.get('/guilds/:guild_id/bans/:user_id', (req) => moderation.getBan(deps, req.ctx, req.params.guild_id!, req.params.user_id!));
  r.put('/guilds/:guild_id/bans/:user_id', (req) => moderation.createBan(deps, req.ctx, req.params.guild_id!, req.params.user_id!, parse(CreateBanBody, req.body)), bucket);
  r.delete('/guilds/:guild_id/bans/:user_id', (req) => moderation.removeBan(deps, req.ctx, req.params.guild_id!, req.params.user_id!), bucket);
  r.post('/guilds/:guild_id/bulk-ban', (req) => moderation.bulkBan(deps, req.ctx, req.params.guild_id!, parse(BulkBanBody, req.body)), bucket);
  r.post('/channels/:channel_id/messages/bulk-delete', (req) => moderation.bulkDeleteMessages(deps, req.ctx, req.params.channel_id!, parse(BulkDeleteBody, req.body).messages), bucket);
}
