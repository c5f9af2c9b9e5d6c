/**
 * Pins: a flag and a pin time on the message. Pinning updates the message (MESSAGE_UPDATE), tells the channel
 * (CHANNEL_PINS_UPDATE) and posts Discord's system message "X pinned a message" (type 6, MESSAGE_CREATE), all
 * from one transaction; unpinning sends the first two. Pinned messages are listed newest pin first.
 */
import { ErrorCodes, MessageTypes, Permissions, type Message } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { guildIdOf, type ChannelScope, type Ctx } from '../access.js';
import { wireMessage, withoutUser } from '../wire.js';
import { memberOf, toWire, type MessageDeps } from './service.js';
import type { MessageRecord } from './store.js';

/** Discord's limit per channel. */
export const MAX_PINS = 50;

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** Pinning needs MANAGE_MESSAGES in guilds; in private channels anyone in them may pin. */
async function pinAccess(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string) {
  const access = await deps.access.channel(ctx, channelId, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY);
  if (access.kind !== 'private' && (access.perms & Permissions.MANAGE_MESSAGES) === 0n) throw errors.missingPermissions();
  const message = await deps.messages.get(channelId, messageId);
  if (!message) throw errors.unknown('message');
  if (message.type === MessageTypes.CHANNEL_PINNED_MESSAGE) throw new ApiError(400, ErrorCodes.GENERAL, 'Cannot pin a system message');
  return { access, message };
}

/** The MESSAGE_UPDATE payload: the whole message, without reactions (their `me` differs per reader). */
async function updatePayload(deps: MessageDeps, access: ChannelScope, record: MessageRecord) {
  const [wire] = await toWire(deps, [record], access.channel.type);
  const { reactions: _reactions, ...rest } = wire!;
  return rest;
}

export async function pinMessage(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string): Promise<void> {
  const { access, message } = await pinAccess(deps, ctx, channelId, messageId);
  if (message.pinned) return;
  if ((await deps.messages.countPinned(channelId)) >= MAX_PINS) {
    throw new ApiError(400, ErrorCodes.MAX_PINS, `Maximum number of pins reached (${MAX_PINS})`);
  }
  const guildId = guildIdOf(access) ?? null;
  const now = Date.now();
  const pinned: MessageRecord = { ...message, pinned: true, pinned_at: now };
  const notice: MessageRecord = {
    id: deps.ids.next(),
    channel_id: channelId,
    guild_id: guildId,
    author_id: ctx.user.id,
    type: MessageTypes.CHANNEL_PINNED_MESSAGE,
    content: '',
    nonce: null,
    dedupe: false,
    edited_at: null,
    tts: false,
    pinned: false,
    flags: 0,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    ref_message_id: messageId,
    ref_channel_id: channelId,
    embeds: [],
  };
  const update = await updatePayload(deps, access, pinned);
  const created = wireMessage(notice, { author: ctx.user, member: memberOf(access), channelType: access.channel.type, mentions: [] });
  const member = memberOf(access);
  await deps.tx(async (tx) => {
    await tx.messages.update(channelId, messageId, { pinned: true, pinned_at: now });
    await tx.messages.create(notice);
    tx.emit(access, 'MESSAGE_UPDATE', update);
    tx.emit(access, 'CHANNEL_PINS_UPDATE', { channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}), last_pin_timestamp: iso(now) });
    tx.emit(access, 'MESSAGE_CREATE', member ? { ...created, member: withoutUser(member) } : created);
  });
}

export async function unpinMessage(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string): Promise<void> {
  const { access, message } = await pinAccess(deps, ctx, channelId, messageId);
  if (!message.pinned) return;
  const guildId = guildIdOf(access) ?? null;
  const update = await updatePayload(deps, access, { ...message, pinned: false, pinned_at: null });
  await deps.tx(async (tx) => {
    await tx.messages.update(channelId, messageId, { pinned: false, pinned_at: null });
    const [newest] = await tx.messages.listPinned(channelId, { limit: 1 });
    tx.emit(access, 'MESSAGE_UPDATE', update);
    tx.emit(access, 'CHANNEL_PINS_UPDATE', { channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}), last_pin_timestamp: iso(newest?.pinned_at) });
  });
}

async function pinnedRecords(deps: MessageDeps, ctx: Ctx, channelId: string, limit: number, before?: number) {
  const access = await deps.access.channel(ctx, channelId, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY);
  const records = await deps.messages.listPinned(channelId, { limit, ...(before === undefined ? {} : { before }) });
  const wire = await toWire(deps, records, access.channel.type, ctx.user.id);
  return { records, wire };
}

/** `GET /channels/:id/pins`: every pinned message (at most 50), newest pin first. */
export async function listPins(deps: MessageDeps, ctx: Ctx, channelId: string): Promise<Message[]> {
  return (await pinnedRecords(deps, ctx, channelId, MAX_PINS)).wire;
}

/** `GET /channels/:id/messages/pins`: Discord's paged form, `{items: [{pinned_at, message}], has_more}`. */
export async function listPinsPaged(
  deps: MessageDeps,
  ctx: Ctx,
  channelId: string,
  q: { before?: string; limit?: number },
): Promise<{ items: { pinned_at: string; message: Message }[]; has_more: boolean }> {
  const limit = q.limit ?? 50;
  const before = q.before ? Date.parse(q.before) : undefined;
  if (before !== undefined && Number.isNaN(before)) throw errors.invalidField(['before'], 'DATE_TYPE_INVALID', 'Could not interpret the value as a date.');
  const { records, wire } = await pinnedRecords(deps, ctx, channelId, limit + 1, before);
  const byId = new Map(wire.map((m) => [m.id, m]));
  const items = records.slice(0, limit).flatMap((r) => {
    const message = byId.get(r.id);
    return message ? [{ pinned_at: iso(r.pinned_at)!, message }] : [];
  });
  return { items, has_more: records.length > limit };
}
