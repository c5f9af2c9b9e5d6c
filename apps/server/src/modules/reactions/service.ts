/**
 * Reactions: one row per user and emoji; MESSAGE_REACTION_ADD / REMOVE / REMOVE_ALL / REMOVE_EMOJI after
 * each write. An emoji is a unicode one or a guild's custom `name:id` (an unknown id is Discord's Unknown
 * Emoji); a custom emoji of another guild needs USE_EXTERNAL_EMOJIS and membership there, as on Discord.
 */
import { ErrorCodes, Permissions, hasPermission, isCommunicationDisabled, isSnowflake, type Reaction, type User } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { guildIdOf, type ChannelScope, type Ctx } from '../access.js';
import type { Deps, Needs } from '../deps.js';
import { wireUser } from '../wire.js';
import { findMessage } from '../messages/service.js';
import { emojiKey, type ReactionEmoji } from './store.js';

/** What this domain's services use. */
type ReactionDeps = Needs<'reactions' | 'messages' | 'users' | 'emojis', 'access' | 'cache'>;

/** Discord's limit of distinct emojis on one message. */
export const MAX_REACTION_EMOJIS = 20;

const CUSTOM = /^(?:a:)?([\w~-]{1,32}):(\d{1,20})$/;
/** Something drawn as an emoji: pictographs, flags (regional indicators) and keycaps, with their joiners. */
const UNICODE = /^[\p{Extended_Pictographic}\p{Emoji_Component}\u200d\ufe0f\u20e3]{1,32}$/u;
const DRAWN = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;

/** The emoji from the (already percent-decoded) path: `👍`, or `name:id` for a custom one. */
export function parseEmoji(raw: string): ReactionEmoji {
  const custom = CUSTOM.exec(raw);
  if (custom) return { id: custom[2]!, name: custom[1]! };
  if (!UNICODE.test(raw) || !DRAWN.test(raw)) throw new ApiError(400, ErrorCodes.UNKNOWN_EMOJI, 'Unknown Emoji');
  return { id: null, name: raw };
}

async function messageIn(deps: ReactionDeps, ctx: Ctx, channelId: string, messageId: string, required: bigint) {
  const access = await deps.access.channel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY | required);
  const message = await findMessage(deps, channelId, messageId);
  if (!message) throw errors.unknown('message');
  const guildId = guildIdOf(access);
  return { access, message, ids: { channel_id: channelId, message_id: messageId, ...(guildId ? { guild_id: guildId } : {}) } };
}

const wireEmoji = (e: ReactionEmoji) => ({ id: e.id, name: e.name, ...(e.id && e.animated !== undefined ? { animated: e.animated } : {}) });

const unknownEmoji = () => new ApiError(400, ErrorCodes.UNKNOWN_EMOJI, 'Unknown Emoji');

/** A custom emoji to react with: it exists, and the reactor may use it here (its name and animation are the emoji's own). */
async function usableEmoji(deps: ReactionDeps, ctx: Ctx, scope: ChannelScope, emoji: ReactionEmoji): Promise<ReactionEmoji> {
  if (emoji.id === null) return emoji;
  const e = await deps.emojis.get(emoji.id);
  if (!e) throw unknownEmoji();
  const state = await deps.cache.get(e.guild_id);
  const member = state && (await deps.cache.member(state, ctx.user.id));
  // Someone outside the emoji's guild cannot use it anywhere; inside it, roles may restrict it.
  if (!member) throw unknownEmoji();
  if (e.roles.length > 0 && !e.roles.some((r) => member.roles.includes(r))) throw unknownEmoji();
  if (guildIdOf(scope) !== e.guild_id && !hasPermission(scope.perms, Permissions.USE_EXTERNAL_EMOJIS)) throw errors.missingPermissions();
  return { id: e.id, name: e.name, animated: e.animated };
}

/** Reaction counts of a page of messages as `viewerId` sees them (`me`), by message id, in first-reaction order. */
export async function reactionsFor(deps: Pick<Deps, 'reactions'>, channelId: string, messageIds: string[], viewerId: string): Promise<Map<string, Reaction[]>> {
  const out = new Map<string, Reaction[]>();
  for (const s of await deps.reactions.summaries(channelId, messageIds, viewerId)) {
    const list = out.get(s.message_id) ?? [];
    list.push({ emoji: s.emoji, count: s.count, count_details: { burst: 0, normal: s.count }, me: s.me, me_burst: false, burst_colors: [] });
    out.set(s.message_id, list);
  }
  return out;
}

/** `PUT .../reactions/:emoji/@me`: the first of an emoji needs ADD_REACTIONS; joining an existing one does not. */
export async function addReaction(deps: ReactionDeps, ctx: Ctx, channelId: string, messageId: string, raw: string): Promise<void> {
  const { access, message, ids } = await messageIn(deps, ctx, channelId, messageId, 0n);
  // A timed-out member reads but does not react, not even to join an existing reaction.
  if (access.kind !== 'private' && isCommunicationDisabled(access.member)) throw errors.missingPermissions();
  const emoji = await usableEmoji(deps, ctx, access, parseEmoji(raw));
  const key = emojiKey(emoji);
  await deps.tx(async (tx) => {
    // The message's row is held until commit, so concurrent first reactions count the emoji one after another.
    if (!(await tx.messages.lock(channelId, messageId))) throw errors.unknown('message');
    if ((await tx.reactions.count(channelId, messageId, key)) === 0) {
      if (!hasPermission(access.perms, Permissions.ADD_REACTIONS)) throw errors.missingPermissions();
      if ((await tx.reactions.emojiCount(channelId, messageId)) >= MAX_REACTION_EMOJIS) {
        throw new ApiError(400, ErrorCodes.MAX_REACTIONS, `Maximum number of reactions reached (${MAX_REACTION_EMOJIS})`);
      }
    }
    if (!(await tx.reactions.add(channelId, messageId, emoji, ctx.user.id))) return;
    const member = access.kind === 'private' ? {} : { member: access.member };
    const d = { user_id: ctx.user.id, ...ids, ...member, emoji: wireEmoji(emoji), message_author_id: message.author_id, burst: false, burst_colors: [], type: 0 };
    tx.emit(access, 'MESSAGE_REACTION_ADD', d);
  });
}

/** `DELETE .../reactions/:emoji/@me`, or another user's with MANAGE_MESSAGES. */
export async function removeReaction(deps: ReactionDeps, ctx: Ctx, channelId: string, messageId: string, raw: string, userId: string): Promise<void> {
  const own = userId === '@me' || userId === ctx.user.id;
  const { access, ids } = await messageIn(deps, ctx, channelId, messageId, own ? 0n : Permissions.MANAGE_MESSAGES);
  const emoji = parseEmoji(raw);
  const target = own ? ctx.user.id : userId;
  await deps.tx(async (tx) => {
    if (!(await tx.reactions.remove(channelId, messageId, emojiKey(emoji), target))) return;
    tx.emit(access, 'MESSAGE_REACTION_REMOVE', { user_id: target, ...ids, emoji: wireEmoji(emoji), burst: false, type: 0 });
  });
}

/** `DELETE .../reactions` (all) or `DELETE .../reactions/:emoji` (one emoji): MANAGE_MESSAGES. */
export async function removeAllReactions(deps: ReactionDeps, ctx: Ctx, channelId: string, messageId: string, raw?: string): Promise<void> {
  const { access, ids } = await messageIn(deps, ctx, channelId, messageId, Permissions.MANAGE_MESSAGES);
  const emoji = raw === undefined ? undefined : parseEmoji(raw);
  await deps.tx(async (tx) => {
    if ((await tx.reactions.removeAll(channelId, messageId, emoji && emojiKey(emoji))) === 0) return;
    if (emoji) tx.emit(access, 'MESSAGE_REACTION_REMOVE_EMOJI', { ...ids, emoji: wireEmoji(emoji) });
    else tx.emit(access, 'MESSAGE_REACTION_REMOVE_ALL', ids);
  });
}

/** `GET .../reactions/:emoji?after&limit`: the users who reacted, by id. */
export async function listReactionUsers(deps: ReactionDeps, ctx: Ctx, channelId: string, messageId: string, raw: string, q: { after?: string; limit?: string }): Promise<User[]> {
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
