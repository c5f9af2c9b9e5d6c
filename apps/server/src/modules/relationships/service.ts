/**
 * Friends and blocks, as Discord's user accounts have them (docs/relationships.md). Each side of a relationship
 * is its own row: a friend request is outgoing for the sender and incoming for the other; accepting makes both
 * friends; a block is the blocker's row alone and ends whatever the other side had. Every change reaches the
 * sessions of the side it changed, as RELATIONSHIP_ADD / RELATIONSHIP_REMOVE. The same rows decide who may
 * open a DM with whom (with the recipient's DM setting) and who may write in a DM.
 */
import {
  ErrorCodes,
  RelationshipTypes,
  type DmPolicy,
  type FriendRequestBody,
  type PutRelationshipBody,
  type Relationship,
  type RelationshipType,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs, Tx } from '../deps.js';
import type { UserRecord } from '../users/store.js';
import { wireUser } from '../wire.js';
import type { RelationshipRecord } from './store.js';

type RelationshipDeps = Needs<'relationships' | 'users', 'events'>;

const F = RelationshipTypes;
const toSelf = () => new ApiError(400, ErrorCodes.CANNOT_FRIEND_SELF, 'Cannot send friend request to self');
const botsHaveNoFriends = () => new ApiError(400, ErrorCodes.BOTS_CANNOT_HAVE_FRIENDS, 'Bots cannot have friends');

function wireRelationship(r: RelationshipRecord, user: UserRecord): Relationship {
  return { id: r.other_id, type: r.type, user: wireUser(user), nickname: null, since: new Date(r.since).toISOString() };
}

/** Writes one side and tells its owner. */
async function setSide(tx: Pick<Tx<'relationships'>, 'relationships' | 'emit'>, owner: string, other: UserRecord, type: RelationshipType, since: number) {
  const record = { user_id: owner, other_id: other.id, type, since };
  await tx.relationships.put(record);
  tx.emit({ user: owner }, 'RELATIONSHIP_ADD', wireRelationship(record, other));
}

async function dropSide(tx: Pick<Tx<'relationships'>, 'relationships' | 'emit'>, owner: string, otherId: string, type: RelationshipType) {
  if (await tx.relationships.remove(owner, otherId)) tx.emit({ user: owner }, 'RELATIONSHIP_REMOVE', { id: otherId, type, nickname: null });
}

/** `GET /users/@me/relationships`. */
export async function listRelationships(deps: Pick<RelationshipDeps, 'relationships' | 'users'>, userId: string): Promise<Relationship[]> {
  const rows = await deps.relationships.forUser(userId);
  const users = new Map((await deps.users.getMany(rows.map((r) => r.other_id))).map((u) => [u.id, u]));
  return rows.flatMap((r) => {
    const u = users.get(r.other_id);
    return u ? [wireRelationship(r, u)] : [];
  });
}

async function target(deps: Pick<RelationshipDeps, 'users'>, ctx: Ctx, userId: string): Promise<UserRecord> {
  if (ctx.user.bot) throw errors.usersOnly();
  if (userId === ctx.user.id) throw toSelf();
  const user = await deps.users.get(userId);
  if (!user) throw errors.unknown('user');
  return user;
}

/** `PUT /users/@me/relationships/:id`: no type (or 1) sends a friend request or accepts theirs; 2 blocks. */
export async function putRelationship(deps: RelationshipDeps, ctx: Ctx, userId: string, body: PutRelationshipBody): Promise<void> {
  const other = await target(deps, ctx, userId);
  if (body.type === F.BLOCKED) return block(deps, ctx, other);
  return befriend(deps, ctx, other);
}

/** `POST /users/@me/relationships {username}`: a friend request by name. */
export async function sendFriendRequest(deps: RelationshipDeps, ctx: Ctx, body: FriendRequestBody): Promise<void> {
  if (ctx.user.bot) throw errors.usersOnly();
  const other = await deps.users.getByUsername(body.username.trim());
  if (!other) throw new ApiError(400, ErrorCodes.NO_USERS_WITH_TAG, 'No users with DiscordTag exist');
  if (other.id === ctx.user.id) throw toSelf();
  return befriend(deps, ctx, other);
}

async function befriend(deps: RelationshipDeps, ctx: Ctx, other: UserRecord): Promise<void> {
  if (other.bot) throw botsHaveNoFriends();
  const me = ctx.user;
  await deps.tx(async (tx) => {
    const mine = await tx.relationships.get(me.id, other.id);
    const theirs = await tx.relationships.get(other.id, me.id);
    if (theirs?.type === F.BLOCKED) throw new ApiError(400, ErrorCodes.FRIEND_REQUEST_BLOCKED, 'Friend request blocked');
    if (mine?.type === F.FRIEND) throw new ApiError(400, ErrorCodes.ALREADY_FRIENDS, 'You are already friends with that user');
    // Asking again changes nothing.
    if (mine?.type === F.OUTGOING_REQUEST) return;
    const now = Date.now();
    if (mine?.type === F.INCOMING_REQUEST) {
      await setSide(tx, me.id, other, F.FRIEND, now);
      await setSide(tx, other.id, me, F.FRIEND, now);
      return;
    }
    // A request to someone the caller had blocked lifts the block, as on Discord.
    await setSide(tx, me.id, other, F.OUTGOING_REQUEST, now);
    await setSide(tx, other.id, me, F.INCOMING_REQUEST, now);
  });
}

async function block(deps: RelationshipDeps, ctx: Ctx, other: UserRecord): Promise<void> {
  const me = ctx.user;
  await deps.tx(async (tx) => {
    const mine = await tx.relationships.get(me.id, other.id);
    if (mine?.type === F.BLOCKED) return;
    await setSide(tx, me.id, other, F.BLOCKED, Date.now());
    // The blocked side loses the friendship or request; a block of their own stays.
    const theirs = await tx.relationships.get(other.id, me.id);
    if (theirs && theirs.type !== F.BLOCKED) await dropSide(tx, other.id, me.id, theirs.type);
  });
}

/** `DELETE /users/@me/relationships/:id`: unfriend, decline, cancel or unblock. Nothing to remove: 204 all the same. */
export async function removeRelationship(deps: RelationshipDeps, ctx: Ctx, userId: string): Promise<void> {
  const other = await target(deps, ctx, userId);
  await deps.tx(async (tx) => {
    const mine = await tx.relationships.get(ctx.user.id, other.id);
    if (!mine) return;
    await dropSide(tx, ctx.user.id, other.id, mine.type);
    if (mine.type === F.BLOCKED) return;
    const theirs = await tx.relationships.get(other.id, ctx.user.id);
    if (theirs && theirs.type !== F.BLOCKED) await dropSide(tx, other.id, ctx.user.id, theirs.type);
  });
}

/**
 * Whether `from` may start a conversation with `to` (open a DM, put them in a group DM): never across a block;
 * otherwise as `to`'s DM setting says (anyone; friends and members of a shared guild, the default; friends only).
 * Bots have no friends, so they reach people through shared guilds.
 */
export async function mayStartConversation(deps: Pick<Needs<'relationships' | 'guilds'>, 'relationships' | 'guilds'>, from: string, to: string): Promise<boolean> {
  if (await deps.relationships.blockedBetween(from, to)) return false;
  const policy = await deps.relationships.dmPolicy(to);
  if (policy === 'everyone') return true;
  if ((await deps.relationships.get(from, to))?.type === F.FRIEND) return true;
  if (policy === 'friends') return false;
  const mine = new Set(await deps.guilds.guildIdsForUser(from));
  return (await deps.guilds.guildIdsForUser(to)).some((id) => mine.has(id));
}

/** Whether `from` may write to `to` in their DM: not when either blocked the other (Discord's 50007). */
export async function mayWriteDm(deps: Pick<Needs<'relationships'>, 'relationships'>, from: string, to: string): Promise<boolean> {
  return !(await deps.relationships.blockedBetween(from, to));
}

export async function getDmSettings(deps: Pick<Needs<'relationships'>, 'relationships'>, ctx: Ctx): Promise<{ allow_dms_from: DmPolicy }> {
  return { allow_dms_from: await deps.relationships.dmPolicy(ctx.user.id) };
}

export async function setDmSettings(deps: Pick<Needs<'relationships'>, 'relationships'>, ctx: Ctx, body: { allow_dms_from: DmPolicy }) {
  if (ctx.user.bot) throw errors.usersOnly();
  await deps.relationships.setDmPolicy(ctx.user.id, body.allow_dms_from);
  return { allow_dms_from: body.allow_dms_from };
}
