import { CreateChannelBody, EditChannelPermissionsBody, ModifyChannelBody, ModifyGroupDmBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as channels from './service.js';
import * as dms from '../dms/service.js';

export function channelRoutes(r: Router, deps: Deps): void {
  r.get('/guilds/:guild_id/channels', (req) => channels.listChannels(deps, req.ctx, req.params.guild_id!));
  r.post('/guilds/:guild_id/channels', (req) => channels.createChannel(deps, req.ctx, req.params.guild_id!, parse(CreateChannelBody, req.body)), { status: 201 });
  r.get('/channels/:channel_id', (req) => channels.getChannel(deps, req.ctx, req.params.channel_id!));
  // Private channels (DMs, group DMs) have their own rules: rename a group, leave a group, close a DM.
  r.patch('/channels/:channel_id', async (req) => {
    const scope = await deps.access.channel(req.ctx, req.params.channel_id!);
    if (scope.kind === 'private') return dms.modifyGroupDm(deps, req.ctx, scope, parse(ModifyGroupDmBody, req.body));
    return channels.modifyChannel(deps, req.ctx, req.params.channel_id!, parse(ModifyChannelBody, req.body));
  });
  r.put('/channels/:channel_id/permissions/:overwrite_id', (req) => channels.editPermission(deps, req.ctx, req.params.channel_id!, req.params.overwrite_id!, parse(EditChannelPermissionsBody, req.body)));
  r.delete('/channels/:channel_id/permissions/:overwrite_id', (req) => channels.deletePermission(deps, req.ctx, req.params.channel_id!, req.params.overwrite_id!));
  r.delete('/channels/:channel_id', async (req) => {
    const scope = await deps.access.channel(req.ctx, req.params.channel_id!);
    if (scope.kind === 'private') return dms.closePrivateChannel(deps, req.ctx, scope);
    return channels.deleteChannel(deps, req.ctx, req.params.channel_id!);
  });
}
