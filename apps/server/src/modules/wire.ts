/** Records -> Discord v10 wire objects. One place, so every route and event speaks the same shapes. */
import type { Attachment, Channel, GuildEmoji, Member, Message, Reaction, Role, User } from '@concord/protocol';
import type { ChannelRecord, ThreadState } from './channels/store.js';
import type { GuildRecord, MemberRecord, RoleRecord } from './guilds/store.js';
import type { MessageRecord } from './messages/store.js';
import type { UserRecord } from './users/store.js';
import { iso } from '../lib/time.js';
import { snowflakeTimestamp } from '@concord/protocol';

export function wireUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.global_name,
    avatar: u.avatar,
    bot: u.bot,
    public_flags: 0,
  };
}

/** The account's own view (`/users/@me`, READY). */
export function wirePrivateUser(u: UserRecord): User {
  return { ...wireUser(u), flags: u.flags, verified: true, mfa_enabled: false, email: u.email };
}

export function wireRole(r: RoleRecord): Role {
  return {
    id: r.id,
    name: r.name,
    color: r.color,
    hoist: r.hoist,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions,
    managed: r.managed,
    mentionable: r.mentionable,
    flags: 0,
    colors: { primary_color: r.color, secondary_color: r.secondary_color ?? null, tertiary_color: r.tertiary_color ?? null },
    ...(r.bot_id ? { tags: { bot_id: r.bot_id } } : {}),
  };
}

export function wireChannel(c: ChannelRecord): Channel {
  if (c.thread) return wireThread(c, c.thread);
  const base: Channel = {
    id: c.id,
    type: c.type,
    ...(c.guild_id ? { guild_id: c.guild_id } : {}),
    name: c.name,
    position: c.position,
    parent_id: c.parent_id,
    permission_overwrites: c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })),
    nsfw: c.nsfw,
    flags: c.flags ?? 0,
  };
  if (c.forum) {
    const f = c.forum;
    return {
      ...base,
      topic: c.topic,
      last_message_id: c.last_message_id,
      rate_limit_per_user: c.rate_limit_per_user,
      available_tags: f.available_tags,
      default_reaction_emoji: f.default_reaction_emoji,
      default_sort_order: f.default_sort_order,
      // Discord leaves the layout off media channels.
      ...(c.type === 15 ? { default_forum_layout: f.default_forum_layout } : {}),
      default_thread_rate_limit_per_user: f.default_thread_rate_limit_per_user,
      default_auto_archive_duration: f.default_auto_archive_duration,
    };
  }
  if (c.type === 2) return { ...base, bitrate: c.bitrate ?? 64000, user_limit: c.user_limit ?? 0, rate_limit_per_user: 0, last_message_id: c.last_message_id };
  if (c.type === 4) return base;
  return { ...base, topic: c.topic, last_message_id: c.last_message_id, rate_limit_per_user: c.rate_limit_per_user };
}

/** A thread, in Discord's shape: no position or overwrites (the parent's apply), its metadata and counts. */
function wireThread(c: ChannelRecord, t: ThreadState): Channel {
  return {
    id: c.id,
    type: c.type,
    ...(c.guild_id ? { guild_id: c.guild_id } : {}),
    parent_id: c.parent_id,
    owner_id: c.owner_id ?? undefined,
    name: c.name,
    last_message_id: c.last_message_id,
    rate_limit_per_user: c.rate_limit_per_user,
    message_count: t.message_count,
    member_count: t.member_count,
    total_message_sent: t.total_message_sent,
    thread_metadata: {
      archived: t.archived,
      auto_archive_duration: t.auto_archive_duration,
      archive_timestamp: iso(t.archive_timestamp)!,
      locked: t.locked,
      ...(c.type === 12 ? { invitable: t.invitable } : {}),
      create_timestamp: iso(c.created_at),
    },
    // Forum posts carry the tags applied to them.
    ...(c.applied_tags ? { applied_tags: c.applied_tags } : {}),
    flags: c.flags ?? 0,
  };
}

/** A DM or group DM as its recipients see it: the other recipients, and a group's name and owner. */
export function wirePrivateChannel(c: ChannelRecord, others: UserRecord[]): Channel {
  return {
    id: c.id,
    type: c.type,
    last_message_id: c.last_message_id,
    recipients: others.map(wireUser),
    flags: 0,
    ...(c.type === 3 ? { name: c.name, owner_id: c.owner_id ?? undefined } : {}),
  };
}

export function wireMember(m: MemberRecord, user?: UserRecord): Member {
  return {
    ...(user ? { user: wireUser(user) } : {}),
    nick: m.nick,
    avatar: null,
    roles: m.roles,
    joined_at: iso(m.joined_at)!,
    premium_since: null,
    deaf: m.deaf,
    mute: m.mute,
    flags: m.flags ?? 0,
    pending: false,
    communication_disabled_until: iso(m.communication_disabled_until),
  };
}

export function withoutUser(m: Member): Omit<Member, 'user'> {
  const { user: _u, ...rest } = m;
  return rest;
}

/** `emojis`: the guild's custom emoji (emojis/service.ts guildEmojis), as GUILD_CREATE and GUILD_UPDATE carry them. */
export function wireGuild(g: GuildRecord, roles: RoleRecord[], emojis: GuildEmoji[] = []) {
  return {
    id: g.id,
    name: g.name,
    icon: g.icon,
    description: g.description,
    splash: null,
    discovery_splash: null,
    banner: null,
    owner_id: g.owner_id,
    region: 'deprecated',
    afk_channel_id: g.afk_channel_id,
    afk_timeout: g.afk_timeout,
    widget_enabled: false,
    verification_level: g.verification_level ?? 0,
    default_message_notifications: g.default_message_notifications ?? 0,
    explicit_content_filter: g.explicit_content_filter ?? 0,
    roles: roles.map(wireRole),
    emojis,
    stickers: [] as unknown[],
    features: [] as string[],
    mfa_level: 0,
    application_id: null,
    system_channel_id: g.system_channel_id,
    system_channel_flags: g.system_channel_flags,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

/** A webhook message's author, as Discord shows it: the webhook's id, the name and avatar it posted with. */
export function webhookAuthor(m: Pick<MessageRecord, 'author_id' | 'author_name' | 'author_avatar'>): UserRecord {
  return { id: m.author_id, username: m.author_name ?? 'webhook', email: null, password_hash: null, global_name: null, avatar: m.author_avatar ?? null, bot: true, flags: 0, created_at: 0 };
}

export interface MessageContext {
  author: UserRecord;
  /** The author's guild member, as sent in MESSAGE_CREATE (without `user`). */
  member?: Member;
  channelType: number;
  mentions?: UserRecord[];
  referenced?: Message | null;
  /** Counts as the reading user sees them (`me`); left out, the message has none. */
  reactions?: Reaction[];
  /** The thread started from this message. */
  thread?: Channel;
  attachments?: Attachment[];
}

/** An interaction's response carries its metadata, and the older `interaction` object libraries still read. */
function interactionFields(meta: Record<string, unknown>) {
  const { id, type, user, name } = meta as { id: string; type: number; user: unknown; name?: string };
  return { interaction_metadata: meta, interaction: { id, type, name: name ?? '', user } };
}

type Media = { url?: unknown; proxy_url?: unknown; width?: unknown; height?: unknown };

/**
 * `attachment://<filename>` in an embed's image, thumbnail, video, author or footer icon is the message's file of
 * that name, as on Discord: it becomes the file's (signed) URL when the message is read, so it never expires in
 * the stored embed. A name the message has no file for stays as it was written.
 */
export function resolveEmbedAttachments(embeds: readonly unknown[], attachments: readonly Attachment[]): unknown[] {
  if (attachments.length === 0 || embeds.length === 0) return embeds as unknown[];
  const byName = new Map(attachments.map((a) => [a.filename, a]));
  const file = (url: unknown) => (typeof url === 'string' && url.startsWith('attachment://') ? byName.get(url.slice('attachment://'.length)) : undefined);
  const media = (m: Media | undefined) => {
    const a = m && file(m.url);
    return a ? { ...m, url: a.url, proxy_url: a.proxy_url, ...(a.width != null && a.height != null ? { width: a.width, height: a.height } : {}) } : m;
  };
  const icon = <T extends { icon_url?: unknown }>(o: T | undefined) => {
    const a = o && file(o.icon_url);
    return a ? { ...o, icon_url: a.url, proxy_icon_url: a.proxy_url } : o;
  };
  return embeds.map((raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const e = raw as { image?: Media; thumbnail?: Media; video?: Media; author?: { icon_url?: unknown }; footer?: { icon_url?: unknown } };
    return {
      ...e,
      ...(e.image ? { image: media(e.image) } : {}),
      ...(e.thumbnail ? { thumbnail: media(e.thumbnail) } : {}),
      ...(e.video ? { video: media(e.video) } : {}),
      ...(e.author ? { author: icon(e.author) } : {}),
      ...(e.footer ? { footer: icon(e.footer) } : {}),
    };
  });
}

export function wireMessage(m: MessageRecord, ctx: MessageContext): Message {
  const msg: Message = {
    id: m.id,
    channel_id: m.channel_id,
    ...(m.guild_id ? { guild_id: m.guild_id } : {}),
    type: m.type,
    content: m.content,
    author: wireUser(ctx.author),
    ...(ctx.member ? { member: withoutUser(ctx.member) } : {}),
    timestamp: iso(snowflakeTimestamp(m.id))!,
    edited_timestamp: iso(m.edited_at),
    tts: m.tts,
    mention_everyone: m.mention_everyone,
    mentions: (ctx.mentions ?? []).map(wireUser),
    mention_roles: m.mention_roles,
    mention_channels: [],
    attachments: ctx.attachments ?? [],
    embeds: resolveEmbedAttachments(m.embeds, ctx.attachments ?? []),
    components: m.components ?? [],
    reactions: ctx.reactions ?? [],
    pinned: m.pinned,
    flags: m.flags,
    ...(m.nonce != null ? { nonce: m.nonce } : {}),
    ...(m.webhook_id ? { webhook_id: m.webhook_id } : {}),
    ...(m.application_id ? { application_id: m.application_id } : {}),
    ...(m.interaction ? interactionFields(m.interaction) : {}),
    channel_type: ctx.channelType,
    ...(ctx.thread ? { thread: ctx.thread } : {}),
  };
  if (m.ref_message_id) {
    msg.message_reference = { message_id: m.ref_message_id, channel_id: m.ref_channel_id ?? m.channel_id, ...(m.guild_id ? { guild_id: m.guild_id } : {}) };
    msg.referenced_message = ctx.referenced ?? null;
  }
  return msg;
}
