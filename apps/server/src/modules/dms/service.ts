/**
 * DMs and group DMs. A DM (type 1) is one channel per pair of users; a group DM (type 3) has up to 10
 * recipients, a name and an owner. Recipients are the channels domain's channel members; access to either
 * kind is `Access.channel`'s private scope. As on Discord, a new DM is announced (CHANNEL_CREATE) to the one
 * who opened it at once and to the other side with its first message; closing a DM only hides it for the
 * closer until it is opened again or a message arrives.
 */
import { ChannelTypes, ErrorCodes, Permissions, RelationshipTypes, hasPermission, type Channel, type CreatePrivateChannelBody, type ModifyGroupDmBody } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { UniqueViolation } from '../../store/db.js';
import type { Ctx, PrivateChannelScope } from '../access.js';
import type { Needs, Tx } from '../deps.js';
import type { ChannelRecord } from '../channels/store.js';
import type { UserRecord } from '../users/store.js';
import { wirePrivateChannel, wireUser } from '../wire.js';
import { mayStartConversation } from '../relationships/service.js';

type DmDeps = Needs<'dms' | 'channels' | 'users' | 'guilds' | 'relationships', 'access' | 'events' | 'ids'>;

/** Discord's cap on a group DM, owner included. */
export const MAX_GROUP_RECIPIENTS = 10;

const cannotMessage = () => new ApiError(400, ErrorCodes.CANNOT_SEND_MESSAGES_TO_USER, 'Cannot send messages to this user');
const invalidRecipients = () => new ApiError(400, ErrorCodes.INVALID_RECIPIENTS, 'Invalid Recipient(s)');
const wrongType = () => new ApiError(400, ErrorCodes.CANNOT_EXECUTE_ON_CHANNEL_TYPE, 'Cannot execute action on this channel type');
const tooMany = () => new ApiError(400, ErrorCodes.MAX_RECIPIENTS, `Maximum number of recipients reached (${MAX_GROUP_RECIPIENTS})`);

/** Who may start a conversation with whom: blocks and the recipient's DM setting (see the relationships domain). */
const mayMessage = mayStartConversation;

/** The channel as `viewer` sees it: every other recipient. */
function viewOf(channel: ChannelRecord, recipients: readonly UserRecord[], viewer: string): Channel {
  return wirePrivateChannel(
    channel,
    recipients.filter((u) => u.id !== viewer),
  );
}

/** Each recipient's own view of the channel (recipients differ per viewer). */
function announce(tx: Pick<Tx, 'emit'>, t: 'CHANNEL_CREATE' | 'CHANNEL_UPDATE' | 'CHANNEL_DELETE', channel: ChannelRecord, recipients: readonly UserRecord[], to: readonly string[]) {
  for (const id of to) tx.emit({ user: id }, t, viewOf(channel, recipients, id));
}

async function recipientsOf(deps: Pick<DmDeps, 'users'>, ids: readonly string[]): Promise<UserRecord[]> {
  const byId = new Map((await deps.users.getMany(ids)).map((u) => [u.id, u]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

function newChannel(deps: DmDeps, type: number, ownerId: string | null, name: string | null): ChannelRecord {
  return {
    id: deps.ids.next(),
    guild_id: null,
    type,
    name,
    position: 0,
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    bitrate: null,
    user_limit: null,
    last_message_id: null,
    owner_id: ownerId,
    created_at: Date.now(),
    overwrites: [],
  };
}

/** `POST /users/@me/channels`. */
export async function createPrivateChannel(deps: DmDeps, ctx: Ctx, body: CreatePrivateChannelBody): Promise<Channel> {
  if (body.recipient_id !== undefined) return openDm(deps, ctx, body.recipient_id);
  // OAuth2 access tokens (gdm.join) are not issued by Concord: no token names a user here.
  if (body.recipients === undefined) throw invalidRecipients();
  const ids = [...new Set(body.recipients)].filter((id) => id !== ctx.user.id);
  if (body.recipients.length === 1 && ids.length === 1) return openDm(deps, ctx, ids[0]!);
  return createGroupDm(deps, ctx, ids, body.name ?? null);
}

/** Opens the DM with `recipientId`, or answers the existing one (listing it again for the caller if they had closed it). */
export async function openDm(deps: DmDeps, ctx: Ctx, recipientId: string): Promise<Channel> {
  if (recipientId === ctx.user.id) throw cannotMessage();
  const other = await deps.users.get(recipientId);
  if (!other) throw invalidRecipients();
  const people = [ctx.user, other];
  const existing = await deps.dms.find(ctx.user.id, other.id);
  // An existing DM stays open to both, except to someone the other side blocked.
  if (existing && (await deps.relationships.get(other.id, ctx.user.id))?.type === RelationshipTypes.BLOCKED) throw cannotMessage();
  if (existing) return reopen(deps, ctx, existing, people);
  if (!(await mayMessage(deps, ctx.user.id, other.id))) throw cannotMessage();
  const channel = newChannel(deps, ChannelTypes.DM, null, null);
  try {
    await deps.tx(async (tx) => {
      await tx.channels.create(channel);
      await tx.dms.insert(ctx.user.id, other.id, channel.id);
      for (const u of people) await tx.channels.addMember(channel.id, u.id, channel.created_at);
      // The other side hears of it with the first message (see revealDm).
      await tx.dms.hide(channel.id, other.id);
      announce(tx, 'CHANNEL_CREATE', channel, people, [ctx.user.id]);
    });
  } catch (err) {
    // Both opened it at once: the other open's channel is the DM.
    if (!(err instanceof UniqueViolation)) throw err;
    const winner = await deps.dms.find(ctx.user.id, other.id);
    if (!winner) throw err;
    return reopen(deps, ctx, winner, people);
  }
  return viewOf(channel, people, ctx.user.id);
}

async function reopen(deps: DmDeps, ctx: Ctx, channelId: string, people: UserRecord[]): Promise<Channel> {
  const channel = await deps.channels.get(channelId);
  if (!channel) throw errors.unknown('channel');
  const view = viewOf(channel, people, ctx.user.id);
  if (await deps.dms.reveal(channelId, ctx.user.id)) await deps.events.dispatch({ user: ctx.user.id }, 'CHANNEL_CREATE', view);
  return view;
}

async function createGroupDm(deps: DmDeps, ctx: Ctx, ids: string[], name: string | null): Promise<Channel> {
  if (ids.length + 1 > MAX_GROUP_RECIPIENTS) throw tooMany();
  const others = await recipientsOf(deps, ids);
  if (others.length !== ids.length) throw invalidRecipients();
  for (const u of others) if (!(await mayMessage(deps, ctx.user.id, u.id))) throw cannotMessage();
  const people = [ctx.user, ...others];
  const channel = newChannel(deps, ChannelTypes.GROUP_DM, ctx.user.id, name);
  await deps.tx(async (tx) => {
    await tx.channels.create(channel);
    for (const u of people) await tx.channels.addMember(channel.id, u.id, channel.created_at);
    announce(tx, 'CHANNEL_CREATE', channel, people, people.map((u) => u.id));
  });
  return viewOf(channel, people, ctx.user.id);
}

function requireGroup(scope: PrivateChannelScope): void {
  if (scope.channel.type !== ChannelTypes.GROUP_DM) throw wrongType();
}

/** `PUT /channels/:id/recipients/:user_id`: any recipient may add someone they may message. */
export async function addRecipient(deps: DmDeps, ctx: Ctx, channelId: string, userId: string): Promise<void> {
  const scope = await deps.access.channel(ctx, channelId);
  if (scope.kind !== 'private') throw wrongType();
  requireGroup(scope);
  if (scope.recipients.includes(userId)) return;
  if (scope.recipients.length >= MAX_GROUP_RECIPIENTS) throw tooMany();
  const user = await deps.users.get(userId);
  if (!user) throw errors.unknown('user');
  if (!(await mayMessage(deps, ctx.user.id, userId))) throw cannotMessage();
  await deps.tx(async (tx) => {
    const channel = await tx.channels.get(channelId);
    if (!channel || !(await tx.channels.addMember(channelId, userId, Date.now()))) return;
    const people = await recipientsOf(tx, await tx.channels.members(channelId));
    announce(tx, 'CHANNEL_CREATE', channel, people, [userId]);
    tx.emit({ users: scope.recipients }, 'CHANNEL_RECIPIENT_ADD', { channel_id: channelId, user: wireUser(user) });
  });
}

/** `DELETE /channels/:id/recipients/:user_id`: the owner removes someone; anyone removes themselves (leaves). */
export async function removeRecipient(deps: DmDeps, ctx: Ctx, channelId: string, userId: string): Promise<void> {
  const scope = await deps.access.channel(ctx, channelId);
  if (scope.kind !== 'private') throw wrongType();
  requireGroup(scope);
  // The owner's scope carries MANAGE_CHANNELS (see computePrivateChannelPermissions).
  if (userId !== ctx.user.id && !hasPermission(scope.perms, Permissions.MANAGE_CHANNELS)) throw errors.missingPermissions();
  if (!scope.recipients.includes(userId)) throw errors.unknown('user');
  await leaveGroup(deps, channelId, userId);
}

/**
 * One recipient goes: they get CHANNEL_DELETE, the rest CHANNEL_RECIPIENT_REMOVE. An owner who leaves hands the
 * group to the longest-standing recipient (CHANNEL_UPDATE); the last one to leave takes the channel with them.
 */
async function leaveGroup(deps: DmDeps, channelId: string, userId: string): Promise<Channel | undefined> {
  return deps.tx(async (tx) => {
    const channel = await tx.channels.get(channelId);
    if (!channel) return undefined;
    const before = await recipientsOf(tx, await tx.channels.members(channelId));
    const leaver = before.find((u) => u.id === userId);
    if (!leaver || !(await tx.channels.removeMember(channelId, userId))) return undefined;
    const rest = before.filter((u) => u.id !== userId);
    const view = viewOf(channel, before, userId);
    tx.emit({ user: userId }, 'CHANNEL_DELETE', view);
    if (rest.length === 0) {
      await tx.purgeChannels([channelId]);
      await tx.channels.delete(channelId);
      return view;
    }
    tx.emit({ users: rest.map((u) => u.id) }, 'CHANNEL_RECIPIENT_REMOVE', { channel_id: channelId, user: wireUser(leaver) });
    if (channel.owner_id === userId) {
      const owner = rest[0]!.id;
      await tx.channels.update(channelId, { owner_id: owner });
      announce(tx, 'CHANNEL_UPDATE', { ...channel, owner_id: owner }, rest, rest.map((u) => u.id));
    }
    return view;
  });
}

/** `DELETE /channels/:id` of a private channel: a group DM is left; a DM is closed (hidden for the caller only). */
export async function closePrivateChannel(deps: DmDeps, ctx: Ctx, scope: PrivateChannelScope): Promise<Channel> {
  const channelId = scope.channel.id;
  if (scope.channel.type === ChannelTypes.GROUP_DM) {
    const view = await leaveGroup(deps, channelId, ctx.user.id);
    if (!view) throw errors.unknown('channel');
    return view;
  }
  const channel = await deps.channels.get(channelId);
  if (!channel) throw errors.unknown('channel');
  const view = viewOf(channel, await recipientsOf(deps, scope.recipients), ctx.user.id);
  if (await deps.dms.hide(channelId, ctx.user.id)) await deps.events.dispatch({ user: ctx.user.id }, 'CHANNEL_DELETE', view);
  return view;
}

/** `PATCH /channels/:id` of a group DM: any recipient renames it, as on Discord. */
export async function modifyGroupDm(deps: DmDeps, ctx: Ctx, scope: PrivateChannelScope, body: ModifyGroupDmBody): Promise<Channel> {
  requireGroup(scope);
  const channelId = scope.channel.id;
  const view = await deps.tx(async (tx) => {
    if (body.name !== undefined && !(await tx.channels.update(channelId, { name: body.name }))) return undefined;
    const channel = await tx.channels.get(channelId);
    if (!channel) return undefined;
    const people = await recipientsOf(tx, await tx.channels.members(channelId));
    announce(tx, 'CHANNEL_UPDATE', channel, people, people.map((u) => u.id));
    return viewOf(channel, people, ctx.user.id);
  });
  if (!view) throw errors.unknown('channel');
  return view;
}

/**
 * Before a DM's message is published: recipients who do not list the DM (the other side of a new DM, or one
 * who closed it) get it back with CHANNEL_CREATE, published ahead of the message on their user topic.
 */
export async function revealDm(deps: Needs<'dms' | 'channels' | 'users', 'events'>, scope: PrivateChannelScope): Promise<void> {
  if (scope.channel.type !== ChannelTypes.DM) return;
  const hidden = await deps.dms.hidden(scope.channel.id);
  if (hidden.length === 0) return;
  const channel = await deps.channels.get(scope.channel.id);
  if (!channel) return;
  const people = await recipientsOf(deps, scope.recipients);
  for (const id of hidden) {
    if (await deps.dms.reveal(channel.id, id)) await deps.events.dispatch({ user: id }, 'CHANNEL_CREATE', viewOf(channel, people, id));
  }
}
