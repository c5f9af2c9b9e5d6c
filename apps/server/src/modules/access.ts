/**
 * Access helpers: every guild or channel a request touches is fetched through these, which check
 * membership and permissions with the pure math from the protocol package.
 */
import { hasPermission, Permissions, type Channel, type Member } from '@concord/protocol';
import { errors } from '../lib/errors.js';
import type { ChannelStore } from './channels/store.js';
import type { GuildCache, GuildState } from './guilds/cache.js';
import type { UserRecord } from './users/store.js';

export interface Ctx {
  user: UserRecord;
  /** From X-Audit-Log-Reason, when given. */
  reason?: string;
}

export interface GuildAccess {
  state: GuildState;
  member: Member;
  perms: bigint;
}

export interface ChannelAccess extends GuildAccess {
  channel: Channel;
}

export class Access {
  constructor(
    private readonly cache: GuildCache,
    private readonly channels: ChannelStore,
  ) {}

  /** The guild, if the user is a member: 404 when it does not exist, 403 when the user is not in it. */
  async guild(ctx: Ctx, guildId: string, required = 0n): Promise<GuildAccess> {
    const state = await this.cache.get(guildId);
    if (!state) throw errors.unknown('guild');
    const member = await this.cache.member(state, ctx.user.id);
    if (!member) throw errors.missingAccess();
    const perms = this.cache.basePermissions(state, ctx.user.id, member);
    if (!hasPermission(perms, required)) throw errors.missingPermissions();
    return { state, member, perms };
  }

  /** The channel, if the user can view it, and has `required` in it. */
  async channel(ctx: Ctx, channelId: string, required = 0n): Promise<ChannelAccess> {
    let guildId = this.cache.guildIdForChannel(channelId);
    if (!guildId) {
      const rec = await this.channels.get(channelId);
      if (!rec || !rec.guild_id) throw errors.unknown('channel');
      guildId = rec.guild_id;
    }
    const state = await this.cache.get(guildId);
    const channel = state?.channels.get(channelId);
    if (!state || !channel) throw errors.unknown('channel');
    const member = await this.cache.member(state, ctx.user.id);
    if (!member) throw errors.missingAccess();
    const perms = this.cache.channelPermissions(state, channelId, ctx.user.id, member);
    if (!hasPermission(perms, Permissions.VIEW_CHANNEL)) throw errors.missingAccess();
    if (!hasPermission(perms, required)) throw errors.missingPermissions();
    return { state, member, perms, channel };
  }
}
