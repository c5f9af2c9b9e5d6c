/**
 * Reactions: one row per user and emoji; MESSAGE_REACTION_ADD / REMOVE / REMOVE_ALL / REMOVE_EMOJI after
 * each write. Only unicode emoji exist until guild emojis do; a custom `name:id` is an Unknown Emoji.
 */
import { ErrorCodes, Permissions, hasPermission, isSnowflake, type User } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { guildTopic } from '../../bus/bus.js';
import type { ChannelAccess, Ctx } from '../access.js';
import { emit, type Deps } from '../deps.js';
import { wireUser } from '../wire.js';
import { emojiKey, type ReactionEmoji } from './store.js';

/** Discord's limit of distinct emojis on one message. */
export const MAX_REACTION_EMOJIS = 20;
const MAX_REACTIONS_CODE = 30010;

const CUSTOM = /^(?:a:)?([\w~-]{1,32}):(\d{1,20})$/;
/** Something drawn as an emoji: pictographs, flags (regional indicators) and keycaps, with their joiners. */
const UNICODE = /^[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f\u20e3]{1,32}$/u;
const DRAWN = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;

/** The emoji from the (already percent-decoded) path: `👍`, or `name:id` for a custom one. */
export function parseEmoji(raw: string): ReactionEmoji {
  const custom = CUSTOM.exec(raw);
  if (custom) throw new ApiError(400, ErrorCodes.UNKNOWN_EMOJI, 'Unknown Emoji');
  if (!UNICODE.test(raw) || !DRAWN.test(raw)) throw new ApiError(400, ErrorCodes.UNKNOWN_EMOJI, 'Unknown Emoji');
  return { id: null, name: raw };
}

async function messageIn(deps: Deps, ctx: Ctx, channelId: string, messageId: string, required: bigint) {
  const access = await deps.access.channel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY | required);
  const message = await deps.messages.get(channelId, messageId);
  if (!message) throw errors.unknown('message');
  return { access, message };
}

const wireEmoji = (e: ReactionEmoji) => ({ id: e.id, name: e.name });

function scope(access: ChannelAccess, channelId: string) {
  const guildId = access.state.guild.id;
  return { topic: guildTopic(guildId), guild_id: guildId, channel_id: channelId };
}

/** `PUT .../reactions/:emoji/@me`: the first of an emoji needs ADD_REACTIONS; joining an existing one does not. */
export async function addReaction(deps: Deps, ctx: Ctx, channelId: string, messageId: string, raw: string): Promise<void> {
  const { access, message } = await messageIn(deps, ctx, channelId, messageId, 0n);
  const emoji = parseEmoji(raw);
  const key = emojiKey(emoji);
  if ((await deps.reactions.count(channelId, messageId, key)) === 0) {
    if (!hasPermission(access.perms, Permissions.ADD_REACTIONS)) throw errors.missingPermissions();
    if ((await deps.reactions.emojiCount(channelId, messageId)) >= MAX_REACTION_EMOJIS) {
      throw new ApiError(400, MAX_REACTIONS_CODE, `Maximum number of reactions reached (${MAX_REACTION_EMOJIS})`);
    }
  }
  if (!(await deps.reactions.add(channelId, messageId, emoji, ctx.user.id))) return;
  const s = scope(access, channelId);
  await emit(deps, s.topic, {
    t: 'MESSAGE_REACTION_ADD',
    d: {
      user_id: ctx.user.id,
      channel_id: channelId,
      message_id: messageId,
      guild_id: s.guild_id,
      member: access.member,
      emoji: wireEmoji(emoji),
      message_author_id: message.author_id,
      burst: false,
      burst_colors: [],
      type: 0,
    },
    guild_id: s.guild_id,
    channel_id: channelId,
  });
}

/** `DELETE .../reactions/:emoji/@me`, or another user's with MANAGE_MESSAGES. */
export async function removeReaction(deps: Deps, ctx: Ctx, channelId: string, messageId: string, raw: string, userId: string): Promise<void> {
  const own = userId === '@me' || userId === ctx.user.id;
  const { access } = await messageIn(deps, ctx, channelId, messageId, own ? 0n : Permissions.MANAGE_MESSAGES);
  const emoji = parseEmoji(raw);
  const target = own ? ctx.user.id : userId;
  if (!(await deps.reactions.remove(channelId, messageId, emojiKey(emoji), target))) return;
  const s = scope(access, channelId);
  await emit(deps, s.topic, {
    t: 'MESSAGE_REACTION_REMOVE',
    d: { user_id: target, channel_id: channelId, message_id: messageId, guild_id: s.guild_id, emoji: wireEmoji(emoji), burst: false, type: 0 },
    guild_id: s.guild_id,
    channel_id: channelId,
  });
}

/** `DELETE .../reactions` (all) or `DELETE .../reactions/:emoji` (one emoji): MANAGE_MESSAGES. */
export async function removeAllReactions(deps: Deps, ctx: Ctx, channelId: string, messageId: string, raw?: string): Promise<void> {
  const { access } = await messageIn(deps, ctx, channelId, messageId, Permissions.MANAGE_MESSAGES);
  const emoji = raw === undefined ? undefined : parseEmoji(raw);
  if ((await deps.reactions.removeAll(channelId, messageId, emoji && emojiKey(emoji))) === 0) return;
  const s = scope(access, channelId);
  const d = { channel_id: channelId, message_id: messageId, guild_id: s.guild_id };
  await emit(deps, s.topic, emoji ? { t: 'MESSAGE_REACTION_REMOVE_EMOJI', d: { ...d, emoji: wireEmoji(emoji) }, ...s } : { t: 'MESSAGE_REACTION_REMOVE_ALL', d, ...s });
}

/** `GET .../reactions/:emoji?after&limit`: the users who reacted, by id. */
export async function listReactionUsers(deps: Deps, ctx: Ctx, channelId: string, messageId: string, raw: string, q: { after?: string; limit?: string }): Promise<User[]> {
  await messageIn(deps, ctx, channelId, messageId, 0n);
  const emoji = parseEmoji(raw);
  const limit = q.limit === undefined ? 25 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw errors.invalidField(['limit'], 'NUMBER_TYPE_MAX', 'limit must be 1-100');
  if (q.after !== undefined && !isSnowflake(q.after)) throw errors.invalidField(['after'], 'NUMBER_TYPE_COERCE', 'after must be a snowflake');
  const ids = await deps.reactions.users(channelId, messageId, emojiKey(emoji), { after: q.after, limit });
  const users = new Map((await deps.users.getMany(ids)).map((u) => [u.id, u]));
  return ids.flatMap((id) => {
    const u = users.get(id);
    return u ? [wireUser(u)] : [];
  });
}
