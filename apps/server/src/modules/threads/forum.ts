/**
 * Forum and media channels: their settings and tags, and posts (a public thread created with its first message,
 * which has the post's id, carrying up to five of the forum's tags). The forum itself takes no message.
 */
import {
  ChannelFlags,
  ChannelTypes,
  ErrorCodes,
  MAX_APPLIED_TAGS,
  Permissions,
  computeThreadPermissions,
  hasPermission,
  isForumType,
  type Channel,
  type CreateMessageBody,
  type ForumTag,
  type ForumTagInput,
  type StartThreadBody,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx, GuildChannelScope, ThreadScope } from '../access.js';
import type { ChannelRecord, ForumSettings } from '../channels/store.js';
import { composeMessage, type MessageDeps } from '../messages/service.js';
import { wireChannel, wireMessage } from '../wire.js';
import { wireThreadMember } from './service.js';

export const forumErrors = {
  tagRequired: () => new ApiError(400, ErrorCodes.TAG_REQUIRED, 'A tag is required to create a forum post in this channel'),
};

/** The forum fields of a create or modify body. */
export interface ForumInput {
  flags?: number;
  available_tags?: ForumTagInput[];
  default_reaction_emoji?: { emoji_id?: string | null; emoji_name?: string | null } | null;
  default_sort_order?: number | null;
  default_forum_layout?: number;
  default_thread_rate_limit_per_user?: number;
  default_auto_archive_duration?: number | null;
}

/** Flags a forum (or media channel) may carry; others in a request are ignored, as Discord does. */
const forumFlags = (type: number) => ChannelFlags.REQUIRE_TAG | (type === ChannelTypes.GUILD_MEDIA ? ChannelFlags.HIDE_MEDIA_DOWNLOAD_OPTIONS : 0);

/**
 * Tags as stored: a tag sent with the id of one of the channel's tags keeps it, others get a new id. An emoji is
 * a custom emoji id or a unicode name, not both.
 */
function tagsOf(input: ForumTagInput[], current: readonly ForumTag[], nextId: () => string): ForumTag[] {
  const known = new Set(current.map((t) => t.id));
  return input.map((t, i) => {
    if (t.emoji_id && t.emoji_name) throw errors.invalidField(['available_tags', String(i), 'emoji_id'], 'TAG_EMOJI_INVALID', 'A tag has one emoji: an id or a name.');
    return {
      id: t.id && known.has(t.id) ? t.id : nextId(),
      name: t.name.trim(),
      moderated: t.moderated ?? false,
      emoji_id: t.emoji_id ?? null,
      emoji_name: t.emoji_name ?? null,
    };
  });
}

function reactionOf(r: ForumInput['default_reaction_emoji']): ForumSettings['default_reaction_emoji'] | undefined {
  if (r === undefined) return undefined;
  if (r === null || (!r.emoji_id && !r.emoji_name)) return null;
  if (r.emoji_id && r.emoji_name) throw errors.invalidField(['default_reaction_emoji'], 'EMOJI_INVALID', 'A reaction is an emoji id or a name, not both.');
  return { emoji_id: r.emoji_id ?? null, emoji_name: r.emoji_name ?? null };
}

/** A new forum's settings (defaults as Discord's). */
export function newForum(type: number, body: ForumInput, nextId: () => string): Pick<ChannelRecord, 'forum' | 'flags'> {
  return {
    flags: (body.flags ?? 0) & forumFlags(type),
    forum: {
      available_tags: tagsOf(body.available_tags ?? [], [], nextId),
      default_reaction_emoji: reactionOf(body.default_reaction_emoji) ?? null,
      default_sort_order: body.default_sort_order ?? null,
      default_forum_layout: body.default_forum_layout ?? 0,
      default_thread_rate_limit_per_user: body.default_thread_rate_limit_per_user ?? 0,
      default_auto_archive_duration: body.default_auto_archive_duration ?? null,
    },
  };
}

/** The part of a forum's PATCH that changes its settings; other channels ignore these fields. */
export function forumPatch(record: ChannelRecord, body: ForumInput, nextId: () => string): Partial<ForumSettings> & { flags?: number } {
  if (!record.forum) return {};
  return {
    flags: body.flags === undefined ? undefined : body.flags & forumFlags(record.type),
    available_tags: body.available_tags ? tagsOf(body.available_tags, record.forum.available_tags, nextId) : undefined,
    default_reaction_emoji: reactionOf(body.default_reaction_emoji),
    default_sort_order: body.default_sort_order === undefined ? undefined : body.default_sort_order,
    default_forum_layout: body.default_forum_layout,
    default_thread_rate_limit_per_user: body.default_thread_rate_limit_per_user,
    default_auto_archive_duration: body.default_auto_archive_duration,
  };
}

/**
 * Checks the tags a post is to carry against its forum: known tags only, moderated ones (added or removed) only
 * with MANAGE_THREADS, and one at least when the forum requires it.
 */
export function checkAppliedTags(forum: ChannelRecord, next: readonly string[], current: readonly string[], perms: bigint): void {
  const tags = new Map((forum.forum?.available_tags ?? []).map((t) => [t.id, t]));
  next.forEach((id, i) => {
    if (!tags.has(id)) throw errors.invalidField(['applied_tags', String(i)], 'TAG_INVALID', 'Unknown tag.');
  });
  if (next.length > MAX_APPLIED_TAGS) throw errors.invalidField(['applied_tags'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_APPLIED_TAGS} or fewer in length.`);
  const changed = [...next.filter((id) => !current.includes(id)), ...current.filter((id) => !next.includes(id))];
  if (changed.some((id) => tags.get(id)?.moderated) && !hasPermission(perms, Permissions.MANAGE_THREADS)) throw errors.missingPermissions();
  if (next.length === 0 && ((forum.flags ?? 0) & ChannelFlags.REQUIRE_TAG) !== 0) throw forumErrors.tagRequired();
}

/** `POST /channels/:forum_id/threads` with `message`: the post and its first message, in one transaction. */
export async function startForumPost(deps: MessageDeps, ctx: Ctx, scope: GuildChannelScope, body: StartThreadBody): Promise<Channel> {
  if (!isForumType(scope.channel.type)) throw errors.unknown('channel');
  // A post is a message in the forum: SEND_MESSAGES, not CREATE_PUBLIC_THREADS (Discord's rule).
  if (!hasPermission(scope.perms, Permissions.SEND_MESSAGES)) throw errors.missingPermissions();
  const forum = await deps.channels.get(scope.channel.id);
  if (!forum?.forum) throw errors.unknown('channel');
  if (!body.message) throw errors.invalidField(['message'], 'BASE_TYPE_REQUIRED', 'This field is required');
  const message: CreateMessageBody = body.message;
  if ((message.content ?? '').trim() === '' && !(message.embeds && message.embeds.length > 0)) throw errors.emptyMessage();
  const applied = body.applied_tags ?? [];
  checkAppliedTags(forum, applied, [], scope.perms);

  const now = Date.now();
  const record: ChannelRecord = {
    id: deps.ids.next(),
    guild_id: scope.state.guild.id,
    type: ChannelTypes.PUBLIC_THREAD,
    name: body.name,
    position: 0,
    parent_id: forum.id,
    topic: null,
    nsfw: false,
    rate_limit_per_user: body.rate_limit_per_user ?? forum.forum.default_thread_rate_limit_per_user,
    bitrate: null,
    user_limit: null,
    last_message_id: null,
    owner_id: ctx.user.id,
    created_at: now,
    overwrites: [],
    flags: 0,
    applied_tags: [...applied],
    thread: {
      archived: false,
      auto_archive_duration: body.auto_archive_duration ?? forum.forum.default_auto_archive_duration ?? 4320,
      archive_timestamp: now,
      locked: false,
      invitable: true,
      message_count: 0,
      total_message_sent: 0,
      member_count: 0,
    },
  };
  // The scope the first message is written in: the new thread, with the forum's permissions.
  const threadScope: ThreadScope = {
    kind: 'thread',
    state: scope.state,
    member: scope.member,
    channel: wireChannel(record),
    parent: scope.channel,
    members: [],
    perms: computeThreadPermissions({ parentPermissions: scope.perms, isPrivate: false, isMember: true }),
  };
  const { record: first, mentions } = await composeMessage(deps, threadScope, { user: ctx.user, member: scope.member }, message, undefined, record.id);
  return deps.tx(async (tx) => {
    await tx.channels.create(record);
    await tx.channels.addMember(record.id, ctx.user.id, now);
    await tx.threads.recountMembers(record.id);
    await tx.messages.create(first);
    // Discord counts a post's replies, not its first message.
    await tx.threads.uncountStarter(record.id);
    const thread = wireChannel((await tx.channels.get(record.id))!);
    const wire = wireMessage(first, { author: ctx.user, member: scope.member, channelType: record.type, mentions: mentions.users });
    const guild = { guild: record.guild_id! };
    tx.emit(guild, 'THREAD_CREATE', { ...thread, newly_created: true }, { channel_id: forum.id });
    const me = (await tx.threads.member(record.id, ctx.user.id))!;
    tx.emit(guild, 'THREAD_MEMBER_UPDATE', { ...wireThreadMember(me), id: record.id, user_id: ctx.user.id, guild_id: record.guild_id! }, { channel_id: forum.id, user_ids: [ctx.user.id] });
    tx.emit({ ...threadScope, channel: thread }, 'MESSAGE_CREATE', wire);
    return { ...thread, message: wire };
  });
}
