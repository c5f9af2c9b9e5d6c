/**
 * Threads: started from a message (same id as the message, which then carries `thread`) or on their own,
 * public or private; their members; archive, unarchive and lock; lists of active and archived threads; and
 * auto-archive after inactivity. A thread is a channel row (channels store) read when touched, never part of
 * the guild replica; its events go to the guild topic routed like its parent (see `threadRoute`).
 */
import {
  ChannelTypes,
  ErrorCodes,
  MessageFlags,
  Permissions,
  hasPermission,
  isForumType,
  snowflakeTimestamp,
  type Channel,
  type Member,
  type StartThreadBody,
  type ThreadMember,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { iso } from '../../lib/time.js';
import { threadRoute, type Ctx, type GuildChannelScope, type GuildScope, type ThreadScope } from '../access.js';
import type { Needs, Tx } from '../deps.js';
import type { ChannelRecord } from '../channels/store.js';
import type { GuildState } from '../guilds/cache.js';
import { wireChannel } from '../wire.js';
import type { ThreadMemberRecord, ThreadPatch } from './store.js';
import type { MessageDeps } from '../messages/service.js';
import { checkAppliedTags, startForumPost } from './forum.js';

/** What this domain's services use. */
type ThreadDeps = Needs<'channels' | 'threads' | 'messages', 'access' | 'cache' | 'ids'>;

export const threadErrors = {
  invalidChannelType: () => new ApiError(400, ErrorCodes.INVALID_CHANNEL_TYPE, 'Cannot execute action on this channel type'),
  archived: () => new ApiError(400, ErrorCodes.THREAD_ARCHIVED, 'Thread is archived'),
  alreadyCreated: () => new ApiError(400, ErrorCodes.THREAD_ALREADY_CREATED, 'A thread has already been created for this message'),
  locked: () => new ApiError(403, ErrorCodes.THREAD_LOCKED, 'Thread is locked'),
};

/** Threads start in text and announcement channels (forum posts are threads too, in forum channels). */
const THREAD_PARENTS: readonly number[] = [ChannelTypes.GUILD_TEXT, ChannelTypes.GUILD_ANNOUNCEMENT];
const DEFAULT_ARCHIVE_MINUTES = 1440;

export function wireThreadMember(m: ThreadMemberRecord, member?: Member): ThreadMember {
  return { id: m.channel_id, user_id: m.user_id, join_timestamp: iso(m.joined_at)!, flags: 0, ...(member ? { member } : {}) };
}

const route = (t: ChannelRecord, members: readonly string[]) => threadRoute(t.type, t.parent_id!, members);
const guildOf = (t: ChannelRecord) => ({ guild: t.guild_id! });

function requireThread(scope: GuildScope): ThreadScope {
  if (scope.kind !== 'thread') throw threadErrors.invalidChannelType();
  return scope;
}

/** The thread's row as stored now (the scope's copy is a wire object). */
async function threadRecord(deps: Pick<ThreadDeps, 'channels'>, id: string): Promise<ChannelRecord & { thread: NonNullable<ChannelRecord['thread']> }> {
  const r = await deps.channels.get(id);
  if (!r?.thread) throw errors.unknown('channel');
  return r as ChannelRecord & { thread: NonNullable<ChannelRecord['thread']> };
}

/** Which threads of a guild this user sees: every public one of a parent they view; private ones as members or with MANAGE_THREADS. */
export async function visibleThreads(
  deps: Pick<ThreadDeps, 'channels' | 'cache'>,
  state: GuildState,
  userId: string,
  member: Member,
  records: readonly ChannelRecord[],
): Promise<ChannelRecord[]> {
  const out: ChannelRecord[] = [];
  for (const t of records) {
    if (!t.parent_id || !state.channels.has(t.parent_id)) continue;
    const parent = deps.cache.channelPermissions(state, t.parent_id, userId, member);
    if (!hasPermission(parent, Permissions.VIEW_CHANNEL)) continue;
    if (t.type === ChannelTypes.PRIVATE_THREAD && !hasPermission(parent, Permissions.MANAGE_THREADS) && !(await deps.channels.members(t.id)).includes(userId)) continue;
    out.push(t);
  }
  return out;
}

/** `POST /channels/:id/messages/:mid/threads` (`messageId`) or `POST /channels/:id/threads`. */
export async function startThread(deps: MessageDeps, ctx: Ctx, channelId: string, body: StartThreadBody, messageId?: string): Promise<Channel> {
  const scope = await deps.access.guildChannel(ctx, channelId);
  if (scope.kind === 'guild' && !messageId && isForumType(scope.channel.type)) {
    const post = await startForumPost(deps, ctx, scope, body);
    const mentioned = post.message?.mentions.map((u) => u.id) ?? [];
    if (mentioned.length > 0) await followThread(deps, requireThread(await deps.access.guildChannel(ctx, post.id)), undefined, mentioned);
    return post;
  }
  if (scope.kind !== 'guild' || !THREAD_PARENTS.includes(scope.channel.type)) throw threadErrors.invalidChannelType();
  const announcement = scope.channel.type === ChannelTypes.GUILD_ANNOUNCEMENT;
  const type = messageId ? (announcement ? ChannelTypes.ANNOUNCEMENT_THREAD : ChannelTypes.PUBLIC_THREAD) : (body.type ?? ChannelTypes.PRIVATE_THREAD);
  // Announcement channels have announcement threads only; other channels have public and private ones.
  if (announcement !== (type === ChannelTypes.ANNOUNCEMENT_THREAD)) throw errors.invalidField(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of the thread types this channel has.');
  const needed = type === ChannelTypes.PRIVATE_THREAD ? Permissions.CREATE_PRIVATE_THREADS : Permissions.CREATE_PUBLIC_THREADS;
  if (!hasPermission(scope.perms, needed)) throw errors.missingPermissions();

  const starter = messageId ? await deps.messages.get(channelId, messageId) : undefined;
  if (messageId && !starter) throw errors.unknown('message');
  if (starter && (starter.flags & MessageFlags.HAS_THREAD || (await deps.channels.get(starter.id)))) throw threadErrors.alreadyCreated();

  const now = Date.now();
  const record: ChannelRecord = {
    // A thread started from a message has the message's id, as on Discord (clients find it by that).
    id: starter?.id ?? deps.ids.next(),
    guild_id: scope.state.guild.id,
    type,
    name: body.name,
    position: 0,
    parent_id: channelId,
    topic: null,
    nsfw: false,
    rate_limit_per_user: body.rate_limit_per_user ?? 0,
    bitrate: null,
    user_limit: null,
    last_message_id: null,
    owner_id: ctx.user.id,
    created_at: now,
    overwrites: [],
    thread: {
      archived: false,
      auto_archive_duration: body.auto_archive_duration ?? DEFAULT_ARCHIVE_MINUTES,
      archive_timestamp: now,
      locked: false,
      invitable: body.invitable ?? true,
      message_count: 0,
      total_message_sent: 0,
      member_count: 0,
    },
  };
  return deps.tx(async (tx) => {
    if (await tx.channels.get(record.id)) throw threadErrors.alreadyCreated();
    await tx.channels.create(record);
    // The creator follows the thread.
    await tx.channels.addMember(record.id, ctx.user.id, now);
    await tx.threads.recountMembers(record.id);
    if (starter) await tx.messages.update(channelId, starter.id, { flags: starter.flags | MessageFlags.HAS_THREAD });
    const wire = wireChannel((await tx.channels.get(record.id))!);
    tx.emit(guildOf(record), 'THREAD_CREATE', { ...wire, newly_created: true }, route(record, [ctx.user.id]));
    const me = (await tx.threads.member(record.id, ctx.user.id))!;
    tx.emit(guildOf(record), 'THREAD_MEMBER_UPDATE', { ...wireThreadMember(me), id: record.id, user_id: ctx.user.id, guild_id: record.guild_id! }, {
      channel_id: channelId,
      user_ids: [ctx.user.id],
    });
    return wire;
  });
}

/** Adds a member (joining, or added by someone) with its events; nothing when already a member. */
async function addMember(deps: ThreadDeps, scope: ThreadScope, userId: string, member: Member): Promise<void> {
  const thread = await threadRecord(deps, scope.channel.id);
  if (thread.thread.archived) throw threadErrors.archived();
  await deps.tx(async (tx) => {
    if (!(await tx.channels.addMember(thread.id, userId, Date.now()))) return;
    const member_count = await tx.threads.recountMembers(thread.id);
    const added = (await tx.threads.member(thread.id, userId))!;
    const members = [...scope.members.filter((id) => id !== userId), userId];
    const guild = guildOf(thread);
    const guild_id = thread.guild_id!;
    if (thread.type === ChannelTypes.PRIVATE_THREAD) {
      // A private thread appears for whoever is added to it (those with MANAGE_THREADS had it already: harmless).
      tx.emit(guild, 'THREAD_CREATE', wireChannel({ ...thread, thread: { ...thread.thread, member_count } }), { channel_id: thread.parent_id!, user_ids: [userId] });
    }
    tx.emit(guild, 'THREAD_MEMBER_UPDATE', { ...wireThreadMember(added), id: thread.id, user_id: userId, guild_id }, { channel_id: thread.parent_id!, user_ids: [userId] });
    tx.emit(guild, 'THREAD_MEMBERS_UPDATE', { id: thread.id, guild_id, member_count, added_members: [wireThreadMember(added, member)] }, route(thread, members));
  });
}

/** Removes a member with its events; nothing when not a member. */
async function removeMember(deps: ThreadDeps, scope: ThreadScope, userId: string): Promise<void> {
  const thread = await threadRecord(deps, scope.channel.id);
  const state = scope.state;
  const removedMember = await deps.cache.member(state, userId);
  const keepsSight =
    removedMember && hasPermission(deps.cache.channelPermissions(state, thread.parent_id!, userId, removedMember), Permissions.VIEW_CHANNEL | Permissions.MANAGE_THREADS);
  await deps.tx(async (tx) => {
    if (!(await tx.channels.removeMember(thread.id, userId))) return;
    const member_count = await tx.threads.recountMembers(thread.id);
    const guild = guildOf(thread);
    // Routed as before the removal, so the one removed hears it too.
    tx.emit(guild, 'THREAD_MEMBERS_UPDATE', { id: thread.id, guild_id: thread.guild_id!, member_count, removed_member_ids: [userId] }, route(thread, scope.members));
    if (thread.type === ChannelTypes.PRIVATE_THREAD && !keepsSight) {
      tx.emit(guild, 'THREAD_DELETE', { id: thread.id, guild_id: thread.guild_id!, parent_id: thread.parent_id!, type: thread.type }, {
        channel_id: thread.parent_id!,
        user_ids: [userId],
      });
    }
  });
}

/**
 * Who posts in a thread follows it, and so do those mentioned in it (who must see it; a private thread takes
 * only invitable mentions, or mentions by someone with MANAGE_THREADS). Members already are left alone.
 */
export async function followThread(deps: ThreadDeps, scope: ThreadScope, sender: string | undefined, mentioned: readonly string[]): Promise<void> {
  const userIds = sender ? [sender, ...mentioned] : mentioned;
  const isPrivate = scope.channel.type === ChannelTypes.PRIVATE_THREAD;
  const mayInvite = !isPrivate || scope.channel.thread_metadata?.invitable !== false || hasPermission(scope.perms, Permissions.MANAGE_THREADS);
  for (const userId of new Set(userIds)) {
    if (await deps.threads.member(scope.channel.id, userId)) continue;
    if (userId !== sender && !mayInvite) continue;
    const member = userId === scope.member.user?.id ? scope.member : await deps.cache.member(scope.state, userId);
    if (!member) continue;
    if (!hasPermission(deps.cache.channelPermissions(scope.state, scope.parent.id, userId, member), Permissions.VIEW_CHANNEL)) continue;
    try {
      await addMember(deps, scope, userId, member);
    } catch (e) {
      // Archived again meanwhile: following is not worth failing a send for.
      if (!(e instanceof ApiError)) throw e;
    }
  }
}

export async function joinThread(deps: ThreadDeps, ctx: Ctx, threadId: string): Promise<void> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId));
  await addMember(deps, scope, ctx.user.id, scope.member);
}

export async function leaveThread(deps: ThreadDeps, ctx: Ctx, threadId: string): Promise<void> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId));
  if (scope.channel.thread_metadata?.archived) throw threadErrors.archived();
  await removeMember(deps, scope, ctx.user.id);
}

/** Adding someone takes sending in the thread; a private thread that is not invitable takes MANAGE_THREADS. */
export async function addThreadMember(deps: ThreadDeps, ctx: Ctx, threadId: string, userId: string): Promise<void> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId, Permissions.SEND_MESSAGES));
  const meta = scope.channel.thread_metadata;
  if (scope.channel.type === ChannelTypes.PRIVATE_THREAD && meta?.invitable === false && !hasPermission(scope.perms, Permissions.MANAGE_THREADS)) {
    throw errors.missingPermissions();
  }
  const member = await deps.cache.member(scope.state, userId);
  if (!member) throw errors.unknown('member');
  if (!hasPermission(deps.cache.channelPermissions(scope.state, scope.parent.id, userId, member), Permissions.VIEW_CHANNEL)) throw errors.missingAccess();
  await addMember(deps, scope, userId, member);
}

/** Removing someone else takes MANAGE_THREADS, or owning the private thread. */
export async function removeThreadMember(deps: ThreadDeps, ctx: Ctx, threadId: string, userId: string): Promise<void> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId));
  const owner = scope.channel.type === ChannelTypes.PRIVATE_THREAD && scope.channel.owner_id === ctx.user.id;
  if (!owner && !hasPermission(scope.perms, Permissions.MANAGE_THREADS)) throw errors.missingPermissions();
  if (scope.channel.thread_metadata?.archived) throw threadErrors.archived();
  await removeMember(deps, scope, userId);
}

async function withMembers(deps: ThreadDeps, state: GuildState, list: ThreadMemberRecord[], withMember: boolean): Promise<ThreadMember[]> {
  const out: ThreadMember[] = [];
  for (const m of list) out.push(wireThreadMember(m, withMember ? await deps.cache.member(state, m.user_id) : undefined));
  return out;
}

export async function getThreadMember(deps: ThreadDeps, ctx: Ctx, threadId: string, userId: string, withMember = false): Promise<ThreadMember> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId));
  const m = await deps.threads.member(threadId, userId);
  if (!m) throw errors.unknown('member');
  return (await withMembers(deps, scope.state, [m], withMember))[0]!;
}

export async function listThreadMembers(deps: ThreadDeps, ctx: Ctx, threadId: string, q: { with_member?: boolean; after?: string; limit?: number }): Promise<ThreadMember[]> {
  const scope = requireThread(await deps.access.guildChannel(ctx, threadId));
  const list = await deps.threads.members(threadId, { after: q.after, limit: q.limit ?? 100 });
  return withMembers(deps, scope.state, list, q.with_member ?? false);
}

export interface ThreadInput {
  name?: string;
  rate_limit_per_user?: number;
  archived?: boolean;
  auto_archive_duration?: number;
  locked?: boolean;
  invitable?: boolean;
  applied_tags?: string[];
}

/**
 * PATCH of a thread. MANAGE_THREADS may change anything; the owner its name, archive state and duration; anyone
 * who may send in it may unarchive it unless it is locked. An archived thread takes no change but unarchiving.
 */
export async function modifyThread(deps: ThreadDeps, ctx: Ctx, scope: ThreadScope, body: ThreadInput): Promise<Channel> {
  const thread = await threadRecord(deps, scope.channel.id);
  const manage = hasPermission(scope.perms, Permissions.MANAGE_THREADS);
  const owner = thread.owner_id === ctx.user.id;
  if (thread.thread.archived && body.archived !== false) throw threadErrors.archived();
  if (!manage) {
    if (body.locked !== undefined || body.invitable !== undefined || body.rate_limit_per_user !== undefined) throw errors.missingPermissions();
    if ((body.name !== undefined || body.auto_archive_duration !== undefined || body.archived === true) && !owner) throw errors.missingPermissions();
    if (body.archived === false && thread.thread.archived) {
      if (thread.thread.locked) throw threadErrors.locked();
      if (!hasPermission(scope.perms, Permissions.SEND_MESSAGES)) throw errors.missingPermissions();
    }
  }
  if (body.applied_tags !== undefined) {
    // A post's tags: its owner or MANAGE_THREADS; the forum decides which tags exist and which are moderated.
    const forum = isForumType(scope.parent.type) ? await deps.channels.get(scope.parent.id) : undefined;
    if (!forum) throw threadErrors.invalidChannelType();
    if (!manage && !owner) throw errors.missingPermissions();
    checkAppliedTags(forum, body.applied_tags, thread.applied_tags ?? [], scope.perms);
  }
  const patch: ThreadPatch = {
    applied_tags: body.applied_tags,
    name: body.name,
    rate_limit_per_user: body.rate_limit_per_user,
    auto_archive_duration: body.auto_archive_duration,
    locked: body.locked,
    invitable: thread.type === ChannelTypes.PRIVATE_THREAD ? body.invitable : undefined,
  };
  if (body.archived !== undefined && body.archived !== thread.thread.archived) {
    patch.archived = body.archived;
    patch.archive_timestamp = Date.now();
  }
  const wire = await deps.tx(async (tx) => {
    if (!(await tx.threads.update(thread.id, patch))) return undefined;
    const wire = wireChannel((await tx.channels.get(thread.id))!);
    tx.emit(guildOf(thread), 'THREAD_UPDATE', wire, route(thread, scope.members));
    return wire;
  });
  if (!wire) throw errors.unknown('channel');
  return wire;
}

/** DELETE of a thread: its messages and every module's rows of it go, and the starter message loses it. */
export async function deleteThread(deps: ThreadDeps, scope: ThreadScope): Promise<Channel> {
  if (!hasPermission(scope.perms, Permissions.MANAGE_THREADS)) throw errors.missingPermissions();
  const thread = await threadRecord(deps, scope.channel.id);
  const deleted = await deps.tx(async (tx) => {
    await tx.purgeChannels([thread.id]);
    if (!(await tx.channels.delete(thread.id))) return false;
    const starter = await tx.messages.get(thread.parent_id!, thread.id);
    if (starter) await tx.messages.update(starter.channel_id, starter.id, { flags: starter.flags & ~MessageFlags.HAS_THREAD });
    tx.emit(guildOf(thread), 'THREAD_DELETE', { id: thread.id, guild_id: thread.guild_id!, parent_id: thread.parent_id!, type: thread.type }, route(thread, scope.members));
    return true;
  });
  if (!deleted) throw errors.unknown('channel');
  return wireChannel(thread);
}

/**
 * Sending in an archived thread unarchives it, as on Discord; a locked one takes MANAGE_THREADS. Called by the
 * messages service before it stores the message.
 */
export async function reopenForSend(deps: ThreadDeps, scope: ThreadScope): Promise<void> {
  if (!scope.channel.thread_metadata?.archived) return;
  if (scope.channel.thread_metadata.locked && !hasPermission(scope.perms, Permissions.MANAGE_THREADS)) throw threadErrors.archived();
  const thread = await threadRecord(deps, scope.channel.id);
  await deps.tx(async (tx) => {
    if (!(await tx.threads.update(thread.id, { archived: false, archive_timestamp: Date.now() }))) return;
    tx.emit(guildOf(thread), 'THREAD_UPDATE', wireChannel((await tx.channels.get(thread.id))!), route(thread, scope.members));
  });
}

interface ThreadList {
  threads: Channel[];
  members: ThreadMember[];
  has_more?: boolean;
}

async function listOf(deps: ThreadDeps, userId: string, records: ChannelRecord[], limit?: number): Promise<ThreadList> {
  const page = limit === undefined ? records : records.slice(0, limit);
  const mine = await deps.threads.membershipsOf(userId, page.map((t) => t.id));
  return {
    threads: page.map(wireChannel),
    members: mine.map((m) => wireThreadMember(m)),
    ...(limit === undefined ? {} : { has_more: records.length > limit }),
  };
}

/** `GET /guilds/:id/threads/active`: the guild's active threads the caller sees, and the caller's memberships. */
export async function activeThreads(deps: ThreadDeps, ctx: Ctx, guildId: string): Promise<ThreadList> {
  const { state, member } = await deps.access.guild(ctx, guildId);
  return listOf(deps, ctx.user.id, await visibleThreads(deps, state, ctx.user.id, member, await deps.channels.threadsByGuild(guildId)));
}

function beforeTime(before: string | undefined): number | undefined {
  if (before === undefined) return undefined;
  const t = Date.parse(before);
  if (Number.isNaN(t)) throw errors.invalidField(['before'], 'DATE_TYPE_INVALID', 'Could not interpret the value as a date.');
  return t;
}

async function parentScope(deps: ThreadDeps, ctx: Ctx, channelId: string, required: bigint): Promise<GuildChannelScope> {
  const scope = await deps.access.guildChannel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY | required);
  if (scope.kind !== 'guild') throw threadErrors.invalidChannelType();
  return scope;
}

/** Archived public (and announcement) threads, or private ones (MANAGE_THREADS), most recently archived first. */
export async function archivedThreads(deps: ThreadDeps, ctx: Ctx, channelId: string, kind: 'public' | 'private', q: { before?: string; limit?: number }): Promise<ThreadList> {
  await parentScope(deps, ctx, channelId, kind === 'private' ? Permissions.MANAGE_THREADS : 0n);
  const limit = q.limit ?? 50;
  const types = kind === 'private' ? [ChannelTypes.PRIVATE_THREAD] : [ChannelTypes.PUBLIC_THREAD, ChannelTypes.ANNOUNCEMENT_THREAD];
  return listOf(deps, ctx.user.id, await deps.threads.archived(channelId, { types, before: beforeTime(q.before), limit: limit + 1 }), limit);
}

/** Archived private threads the caller is a member of, newest thread first (`before` is a thread id). */
export async function joinedPrivateArchivedThreads(deps: ThreadDeps, ctx: Ctx, channelId: string, q: { before?: string; limit?: number }): Promise<ThreadList> {
  await parentScope(deps, ctx, channelId, 0n);
  if (q.before !== undefined && !/^\d{1,19}$/.test(q.before)) throw errors.invalidField(['before'], 'NUMBER_TYPE_COERCE', 'Value is not snowflake.');
  const limit = q.limit ?? 50;
  return listOf(deps, ctx.user.id, await deps.threads.joinedArchived(channelId, ctx.user.id, { before: q.before, limit: limit + 1 }), limit);
}

/**
 * Archives threads idle past their auto-archive duration (no message and no archive change for that long).
 * Safe to run on every node at once: a thread already archived by another is left alone and not announced twice.
 */
export async function archiveIdleThreads(deps: ThreadDeps, now = Date.now(), batch = 500): Promise<number> {
  let archived = 0;
  for (const t of await deps.threads.idleCandidates(now, batch)) {
    const lastActivity = Math.max(t.thread!.archive_timestamp, t.last_message_id ? snowflakeTimestamp(t.last_message_id) : 0);
    if (lastActivity + t.thread!.auto_archive_duration * 60_000 > now) continue;
    const done = await deps.tx(async (tx) => {
      if (!(await tx.threads.update(t.id, { archived: true, archive_timestamp: now }, true))) return false;
      const members = t.type === ChannelTypes.PRIVATE_THREAD ? await tx.channels.members(t.id) : [];
      tx.emit(guildOf(t), 'THREAD_UPDATE', wireChannel((await tx.channels.get(t.id))!), route(t, members));
      return true;
    });
    if (done) archived++;
  }
  return archived;
}

/**
 * THREAD_LIST_SYNC for a channel whose overwrites changed: sessions that now see it learn its active threads.
 * Everyone who views it gets the public ones; who sees a private thread differs per person, so those with
 * MANAGE_THREADS get a sync with every private thread too, and each member of a private thread one with the
 * private threads they are in (a session's sync lists what it may see, as on Discord).
 */
export async function syncChannelThreads(tx: Tx<'threads' | 'channels'>, guildId: string, channelId: string): Promise<void> {
  const active = await tx.threads.activeByParent(channelId);
  const open = active.filter((t) => t.type !== ChannelTypes.PRIVATE_THREAD);
  const closed = active.filter((t) => t.type === ChannelTypes.PRIVATE_THREAD);
  const sync = (threads: ChannelRecord[], members: ThreadMember[] = []) => ({ guild_id: guildId, channel_ids: [channelId], threads: threads.map(wireChannel), members });
  tx.emit({ guild: guildId }, 'THREAD_LIST_SYNC', sync(open), { channel_id: channelId });
  if (closed.length === 0) return;
  tx.emit({ guild: guildId }, 'THREAD_LIST_SYNC', sync(active), { channel_id: channelId, permission: Permissions.MANAGE_THREADS.toString() });
  const byMember = new Map<string, ChannelRecord[]>();
  for (const t of closed) for (const u of await tx.channels.members(t.id)) byMember.set(u, [...(byMember.get(u) ?? []), t]);
  for (const [userId, threads] of byMember) {
    const mine = await tx.threads.membershipsOf(userId, threads.map((t) => t.id));
    tx.emit({ guild: guildId }, 'THREAD_LIST_SYNC', sync([...open, ...threads], mine.map((m) => wireThreadMember(m))), { channel_id: channelId, user_ids: [userId] });
  }
}
