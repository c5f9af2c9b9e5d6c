/**
 * Bans (with message deletion) and bulk message deletion. A ban removes the member in the same transaction
 * (their sessions lose the guild at once through GUILD_MEMBER_REMOVE) and keeps them out: invites refuse them.
 */
import { log } from '../../lib/log.js';
import {
  AuditLogEvents,
  ErrorCodes,
  Permissions,
  canActOnMember,
  isSnowflake,
  snowflakeFromTimestamp,
  snowflakeTimestamp,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { recordAudit } from '../audit/service.js';
import { hierarchyOf } from '../roles/service.js';
import { wireUser } from '../wire.js';

type ModerationDeps = Needs<'moderation' | 'guilds' | 'users' | 'messages' | 'audit', 'access' | 'cache' | 'ids'>;

const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** A ban deletes at most this many messages per batch (one MESSAGE_DELETE_BULK each). */
const PURGE_BATCH = 100;

/** `PUT /guilds/:id/bans/:user_id`: also for users who are not members (a pre-emptive ban). */
export async function createBan(deps: ModerationDeps, ctx: Ctx, guildId: string, userId: string, opts: { delete_message_seconds?: number; delete_message_days?: number }): Promise<void> {
  const { state, member: actor } = await deps.access.guild(ctx, guildId, Permissions.BAN_MEMBERS);
  const user = isSnowflake(userId) ? await deps.users.get(userId) : undefined;
  if (!user) throw errors.unknown('user');
  if (userId === state.guild.owner_id || userId === ctx.user.id) throw errors.missingPermissions();
  const member = await deps.cache.member(state, userId);
  if (member && !canActOnMember(hierarchyOf(state), { userId: ctx.user.id, roleIds: actor.roles }, { userId, roleIds: member.roles })) throw errors.missingPermissions();
  const banned = await deps.tx(async (tx) => {
    if (!(await tx.moderation.addBan({ guild_id: guildId, user_id: userId, reason: ctx.reason ?? null, created_at: Date.now() }))) return false;
    const wasMember = await tx.guilds.removeMember(guildId, userId);
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MEMBER_BAN_ADD, target_id: userId });
    if (wasMember) tx.emit({ guild: guildId }, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: wireUser(user) });
    tx.emit({ guild: guildId }, 'GUILD_BAN_ADD', { guild_id: guildId, user: wireUser(user) });
    return true;
  });
  const seconds = opts.delete_message_seconds ?? (opts.delete_message_days ?? 0) * 86_400;
  // The messages go after the answer, oldest first, a batch per transaction: a ban never waits on a long history.
  if (banned && seconds > 0) {
    purgeAuthor(deps, guildId, userId, Date.now() - seconds * 1000).catch((err: unknown) => log.error('ban message deletion failed', { err }));
  }
}

async function purgeAuthor(deps: ModerationDeps, guildId: string, authorId: string, sinceMs: number): Promise<void> {
  let after = snowflakeFromTimestamp(Math.max(0, sinceMs));
  for (;;) {
    const found = await deps.messages.findByAuthor(guildId, authorId, after, PURGE_BATCH);
    if (found.length === 0) return;
    after = found[found.length - 1]!.id;
    const byChannel = new Map<string, string[]>();
    for (const m of found) byChannel.set(m.channel_id, [...(byChannel.get(m.channel_id) ?? []), m.id]);
    for (const [channelId, ids] of byChannel) {
      await deps.tx(async (tx) => {
        await tx.purgeMessages(channelId, ids);
        const gone = await tx.messages.deleteMany(channelId, ids);
        if (gone.length > 0) tx.emit({ guild: guildId }, 'MESSAGE_DELETE_BULK', { ids: gone, channel_id: channelId, guild_id: guildId }, { channel_id: channelId });
      });
    }
    if (found.length < PURGE_BATCH) return;
  }
}

/** `POST /guilds/:id/bulk-ban`: each user as a single ban would; who could not be banned is reported. */
export async function bulkBan(deps: ModerationDeps, ctx: Ctx, guildId: string, body: { user_ids: string[]; delete_message_seconds?: number }) {
  await deps.access.guild(ctx, guildId, Permissions.BAN_MEMBERS | Permissions.MANAGE_GUILD);
  const banned_users: string[] = [];
  const failed_users: string[] = [];
  for (const id of [...new Set(body.user_ids)]) {
    const before = await deps.moderation.getBan(guildId, id);
    try {
      if (before) throw new Error('already banned');
      await createBan(deps, ctx, guildId, id, { delete_message_seconds: body.delete_message_seconds });
      banned_users.push(id);
    } catch {
      failed_users.push(id);
    }
  }
  if (banned_users.length === 0) throw new ApiError(500, 500000, 'Failed to ban users');
  return { banned_users, failed_users };
}

export async function removeBan(deps: ModerationDeps, ctx: Ctx, guildId: string, userId: string): Promise<void> {
  await deps.access.guild(ctx, guildId, Permissions.BAN_MEMBERS);
  const user = isSnowflake(userId) ? await deps.users.get(userId) : undefined;
  if (!user) throw errors.unknown('ban');
  await deps.tx(async (tx) => {
    if (!(await tx.moderation.removeBan(guildId, userId))) throw errors.unknown('ban');
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MEMBER_BAN_REMOVE, target_id: userId });
    tx.emit({ guild: guildId }, 'GUILD_BAN_REMOVE', { guild_id: guildId, user: wireUser(user) });
  });
}

export async function listBans(deps: ModerationDeps, ctx: Ctx, guildId: string, q: { limit?: number; before?: string; after?: string }) {
  await deps.access.guild(ctx, guildId, Permissions.BAN_MEMBERS);
  const bans = await deps.moderation.listBans(guildId, { ...q, limit: q.limit ?? 1000 });
  const users = new Map((await deps.users.getMany(bans.map((b) => b.user_id))).map((u) => [u.id, u]));
  return bans.flatMap((b) => {
    const u = users.get(b.user_id);
    return u ? [{ reason: b.reason, user: wireUser(u) }] : [];
  });
}

export async function getBan(deps: ModerationDeps, ctx: Ctx, guildId: string, userId: string) {
  await deps.access.guild(ctx, guildId, Permissions.BAN_MEMBERS);
  const ban = isSnowflake(userId) ? await deps.moderation.getBan(guildId, userId) : undefined;
  const user = ban && (await deps.users.get(userId));
  if (!ban || !user) throw errors.unknown('ban');
  return { reason: ban.reason, user: wireUser(user) };
}

/** `POST /channels/:id/messages/bulk-delete`: 2-100 messages, none older than 14 days; unknown ids are skipped. */
export async function bulkDeleteMessages(deps: ModerationDeps, ctx: Ctx, channelId: string, ids: string[]): Promise<void> {
  const scope = await deps.access.guildChannel(ctx, channelId, Permissions.MANAGE_MESSAGES);
  const unique = [...new Set(ids)];
  if (unique.length < 2) throw errors.invalidField(['messages'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 2 and 100 in length.');
  const oldest = Date.now() - BULK_DELETE_MAX_AGE_MS;
  if (unique.some((id) => snowflakeTimestamp(id) < oldest)) {
    throw new ApiError(400, ErrorCodes.BULK_DELETE_TOO_OLD, 'You can only bulk delete messages that are under 14 days old.');
  }
  const guildId = scope.state.guild.id;
  await deps.tx(async (tx) => {
    await tx.purgeMessages(channelId, unique);
    const gone = await tx.messages.deleteMany(channelId, unique);
    if (gone.length === 0) return;
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MESSAGE_BULK_DELETE, target_id: channelId, options: { count: String(gone.length) } });
    tx.emit(scope, 'MESSAGE_DELETE_BULK', { ids: gone, channel_id: channelId, guild_id: guildId });
  });
}
