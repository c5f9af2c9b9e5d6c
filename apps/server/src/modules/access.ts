/**
 * Access helpers: every guild or channel a request or an op touches is fetched through these. A channel
 * resolves to a scope: a guild channel, a private channel (DM / group DM: recipients decide access) or a
 * thread (its parent guild channel's permissions, with the protocol's thread rules). Permission math is the
 * protocol's pure functions; where an event of a scope is published is decided by `audienceOf`/`routeOf`.
 */
import {
  computePrivateChannelPermissions,
  computeThreadPermissions,
  hasPermission,
  isThreadType,
  ChannelTypes,
  Permissions,
  type Channel,
  type Member,
} from '@concord/protocol';
import { errors } from '../lib/errors.js';
import type { Route } from '../bus/bus.js';
import type { Audience } from '../bus/topics.js';
import type { ChannelRecord, ChannelStore } from './channels/store.js';
import type { GuildCache, GuildState } from './guilds/cache.js';
import type { UserRecord } from './users/store.js';
import { wireChannel } from './wire.js';

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

export interface GuildChannelScope extends GuildAccess {
  kind: 'guild';
  channel: Channel;
}

export interface ThreadScope extends GuildAccess {
  kind: 'thread';
  channel: Channel;
  parent: Channel;
  /** A private thread's members (who see it besides those with MANAGE_THREADS); empty for public threads. */
  members: string[];
}

export interface PrivateChannelScope {
  kind: 'private';
  channel: Channel;
  /** Every recipient, the caller included. */
  recipients: string[];
  perms: bigint;
}

export type ChannelScope = GuildChannelScope | ThreadScope | PrivateChannelScope;
export type GuildScope = GuildChannelScope | ThreadScope;

const isSnowflakeLike = (id: string) => /^\d{1,20}$/.test(id);

/** The guild a scope belongs to, if any. */
export const guildIdOf = (scope: ChannelScope): string | undefined => (scope.kind === 'private' ? undefined : scope.state.guild.id);

/** Who hears about an event of this scope: the guild's topic, or each recipient. */
export function audienceOf(scope: ChannelScope): Audience {
  return scope.kind === 'private' ? { users: scope.recipients } : { guild: scope.state.guild.id };
}

/** Which sessions of the audience may see it: those who view the channel (or the thread's parent). */
export function routeOf(scope: ChannelScope): Route {
  if (scope.kind === 'guild') return { channel_id: scope.channel.id };
  if (scope.kind === 'private') return {};
  return threadRoute(scope.channel.type, scope.parent.id, scope.members);
}

/** A thread's events reach who views its parent; a private thread's only its members and those with MANAGE_THREADS. */
export function threadRoute(type: number, parentId: string, members: readonly string[]): Route {
  if (type !== ChannelTypes.PRIVATE_THREAD) return { channel_id: parentId };
  return { channel_id: parentId, permission: Permissions.MANAGE_THREADS.toString(), or_user_ids: [...members] };
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

  /** The channel's scope, if the user can view it and has `required` in it. */
  async channel(ctx: Ctx, channelId: string, required = 0n): Promise<ChannelScope> {
    const scope = await this.resolve(ctx.user.id, channelId);
    if (!hasPermission(scope.perms, Permissions.VIEW_CHANNEL)) throw errors.missingAccess();
    if (!hasPermission(scope.perms, required)) throw errors.missingPermissions();
    return scope;
  }

  /** A guild channel (or thread), refusing private channels where only guilds make sense. */
  async guildChannel(ctx: Ctx, channelId: string, required = 0n): Promise<GuildScope> {
    const scope = await this.channel(ctx, channelId, required);
    if (scope.kind === 'private') throw errors.cannotExecuteOnDm();
    return scope;
  }

  /**
   * A guild channel as a webhook posts in it, or (`threadId`, Discord's `thread_id`) one of that channel's threads.
   * The webhook's token (or its manager's access, checked before) is the authority: no member, and the
   * permissions a webhook has on Discord (it may mention everyone).
   */
  async webhookChannel(channelId: string, threadId?: string): Promise<GuildScope> {
    const guildId = this.cache.guildIdForChannel(channelId) ?? (await this.channels.get(channelId))?.guild_id;
    const state = guildId ? await this.cache.get(guildId) : undefined;
    const channel = state?.channels.get(channelId);
    if (!state || !channel) throw errors.unknown('channel');
    const member: Member = {
      nick: null,
      avatar: null,
      roles: [],
      joined_at: new Date(0).toISOString(),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    };
    const perms = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.SEND_MESSAGES_IN_THREADS | Permissions.MENTION_EVERYONE | Permissions.EMBED_LINKS;
    if (threadId === undefined) return { kind: 'guild', state, member, channel, perms };
    const record = isSnowflakeLike(threadId) ? await this.channels.get(threadId) : undefined;
    if (!record || !isThreadType(record.type) || record.parent_id !== channelId) throw errors.unknown('channel');
    const members = record.type === ChannelTypes.PRIVATE_THREAD ? await this.channels.members(record.id) : [];
    return { kind: 'thread', state, member, channel: wireChannel(record), parent: channel, members, perms };
  }

  private async resolve(userId: string, channelId: string): Promise<ChannelScope> {
    let record: ChannelRecord | undefined;
    let guildId = this.cache.guildIdForChannel(channelId);
    if (!guildId) {
      record = await this.channels.get(channelId);
      if (!record) throw errors.unknown('channel');
      if (!record.guild_id) return this.privateScope(userId, record);
      guildId = record.guild_id;
    }
    const state = await this.cache.get(guildId);
    if (!state) throw errors.unknown('channel');
    const member = await this.cache.member(state, userId);
    if (!member) throw errors.missingAccess();
    const channel = state.channels.get(channelId);
    if (channel) return { kind: 'guild', state, member, channel, perms: this.cache.channelPermissions(state, channelId, userId, member) };
    // Threads are not in the replica: they are read when touched (a guild may have any number of them).
    record ??= await this.channels.get(channelId);
    const parent = record?.parent_id ? state.channels.get(record.parent_id) : undefined;
    if (!record || !parent || !isThreadType(record.type) || record.guild_id !== guildId) throw errors.unknown('channel');
    const isPrivate = record.type === ChannelTypes.PRIVATE_THREAD;
    const members = isPrivate ? await this.channels.members(channelId) : [];
    const perms = computeThreadPermissions({
      parentPermissions: this.cache.channelPermissions(state, parent.id, userId, member),
      isPrivate,
      isMember: members.includes(userId),
    });
    return { kind: 'thread', state, member, channel: wireChannel(record), parent, members, perms };
  }

  private async privateScope(userId: string, record: ChannelRecord): Promise<PrivateChannelScope> {
    const recipients = await this.channels.members(record.id);
    const perms = computePrivateChannelPermissions({ userId, recipientIds: recipients, ownerId: record.owner_id });
    // Someone else's DM is not a channel this user can know about.
    if (perms === 0n) throw errors.missingAccess();
    return { kind: 'private', channel: wireChannel(record), recipients, perms };
  }
}
