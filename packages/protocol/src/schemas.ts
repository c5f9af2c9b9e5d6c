/** Wire shapes (Discord v10, snake_case, snowflakes as strings) and request bodies, as zod schemas. */
import { z } from 'zod';
import type { PresenceUpdateData } from './events.js';

const MAX_ID = (1n << 63n) - 1n;
/** Ids are strings on the wire; requests may carry them as JSON numbers too (discord.py does), as Discord accepts. */
const numberToString = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v);
export const snowflake = z.preprocess(
  numberToString,
  z.string().refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_ID, 'Value is not snowflake.'),
);
/** A permission bitfield in a request: a decimal string, or a number (as Discord accepts). */
export const bitfield = z.preprocess(numberToString, z.string().regex(/^\d{1,20}$/));
const iso = z.string();

export const ChannelTypes = {
  GUILD_TEXT: 0,
  DM: 1,
  GUILD_VOICE: 2,
  GROUP_DM: 3,
  GUILD_CATEGORY: 4,
  GUILD_ANNOUNCEMENT: 5,
  ANNOUNCEMENT_THREAD: 10,
  PUBLIC_THREAD: 11,
  PRIVATE_THREAD: 12,
  GUILD_STAGE_VOICE: 13,
  GUILD_FORUM: 15,
  GUILD_MEDIA: 16,
} as const;

/** Forum and media channels hold posts (threads with a first message), never messages of their own. */
export const isForumType = (type: number): boolean => type === ChannelTypes.GUILD_FORUM || type === ChannelTypes.GUILD_MEDIA;

/** Channel flags Concord sets (Discord's bits). */
export const ChannelFlags = { PINNED: 1 << 1, REQUIRE_TAG: 1 << 4, HIDE_MEDIA_DOWNLOAD_OPTIONS: 1 << 15 } as const;
/** Discord's forum limits: tags a channel offers, tags a post carries. */
export const MAX_FORUM_TAGS = 20;
export const MAX_APPLIED_TAGS = 5;
/** How a forum's posts are sorted and shown by default (Discord's enums). */
export const ForumSortOrders = { LATEST_ACTIVITY: 0, CREATION_DATE: 1 } as const;
export const ForumLayouts = { NOT_SET: 0, LIST_VIEW: 1, GALLERY_VIEW: 2 } as const;

/** Channels with no guild: recipients decide who may see them. */
export const isPrivateChannelType = (type: number): boolean => type === ChannelTypes.DM || type === ChannelTypes.GROUP_DM;
/** Threads live in a parent guild channel and inherit its permissions. */
export const isThreadType = (type: number): boolean =>
  type === ChannelTypes.ANNOUNCEMENT_THREAD || type === ChannelTypes.PUBLIC_THREAD || type === ChannelTypes.PRIVATE_THREAD;
/** Channels that hold messages (voice channels have a text chat, as on Discord). */
export const isTextBasedType = (type: number): boolean =>
  type === ChannelTypes.GUILD_TEXT || type === ChannelTypes.GUILD_VOICE || type === ChannelTypes.GUILD_ANNOUNCEMENT ||
  isPrivateChannelType(type) || isThreadType(type);

export const MessageTypes = { DEFAULT: 0, CHANNEL_PINNED_MESSAGE: 6, USER_JOIN: 7, REPLY: 19, CHAT_INPUT_COMMAND: 20, CONTEXT_MENU_COMMAND: 23, AUTO_MODERATION_ACTION: 24 } as const;

/** Discord's SystemChannelFlags that Concord honours. */
export const SystemChannelFlags = { SUPPRESS_JOIN_NOTIFICATIONS: 1 << 0 } as const;

/** Message flags Concord sets. */
export const MessageFlags = { HAS_THREAD: 1 << 5, EPHEMERAL: 1 << 6, LOADING: 1 << 7 } as const;

/** Minutes of inactivity after which a thread archives itself (Discord's four choices). */
export const THREAD_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080] as const;

// ---------- entities ----------

export const User = z.object({
  id: snowflake,
  username: z.string(),
  discriminator: z.string(),
  global_name: z.string().nullable(),
  avatar: z.string().nullable(),
  bot: z.boolean().optional(),
  system: z.boolean().optional(),
  public_flags: z.number().optional(),
  flags: z.number().optional(),
  verified: z.boolean().optional(),
  mfa_enabled: z.boolean().optional(),
  email: z.string().nullable().optional(),
});
export type User = z.infer<typeof User>;

export const Role = z.object({
  id: snowflake,
  name: z.string(),
  color: z.number(),
  hoist: z.boolean(),
  icon: z.string().nullable(),
  unicode_emoji: z.string().nullable(),
  position: z.number(),
  permissions: z.string(),
  managed: z.boolean(),
  mentionable: z.boolean(),
  flags: z.number(),
  /** Discord's role colours: `color` is `primary_color`; a gradient adds a secondary (and a holographic a tertiary). */
  colors: z.object({ primary_color: z.number(), secondary_color: z.number().nullable(), tertiary_color: z.number().nullable() }).optional(),
  tags: z.object({ bot_id: snowflake.optional() }).optional(),
});
export type Role = z.infer<typeof Role>;

export const Overwrite = z.object({
  id: snowflake,
  type: z.union([z.literal(0), z.literal(1)]),
  allow: z.string(),
  deny: z.string(),
});
export type Overwrite = z.infer<typeof Overwrite>;

export const ThreadMetadata = z.object({
  archived: z.boolean(),
  auto_archive_duration: z.number(),
  archive_timestamp: iso,
  locked: z.boolean(),
  invitable: z.boolean().optional(),
  create_timestamp: iso.nullable().optional(),
});
export type ThreadMetadata = z.infer<typeof ThreadMetadata>;

export const ForumTag = z.object({
  id: snowflake,
  name: z.string(),
  moderated: z.boolean(),
  emoji_id: snowflake.nullable(),
  emoji_name: z.string().nullable(),
});
export type ForumTag = z.infer<typeof ForumTag>;

export const DefaultReaction = z.object({ emoji_id: snowflake.nullable(), emoji_name: z.string().nullable() });
export type DefaultReaction = z.infer<typeof DefaultReaction>;

export const Channel = z.object({
  id: snowflake,
  type: z.number(),
  guild_id: snowflake.optional(),
  name: z.string().nullable().optional(),
  position: z.number().optional(),
  parent_id: snowflake.nullable().optional(),
  topic: z.string().nullable().optional(),
  nsfw: z.boolean().optional(),
  last_message_id: snowflake.nullable().optional(),
  rate_limit_per_user: z.number().optional(),
  bitrate: z.number().optional(),
  user_limit: z.number().optional(),
  permission_overwrites: z.array(Overwrite).optional(),
  recipients: z.array(User).optional(),
  owner_id: snowflake.optional(),
  flags: z.number().optional(),
  // Threads only.
  message_count: z.number().optional(),
  member_count: z.number().optional(),
  total_message_sent: z.number().optional(),
  thread_metadata: ThreadMetadata.optional(),
  /** Forum posts: the ids of the forum's tags the post carries. */
  applied_tags: z.array(snowflake).optional(),
  // Forum and media channels only.
  available_tags: z.array(ForumTag).optional(),
  default_reaction_emoji: DefaultReaction.nullable().optional(),
  default_sort_order: z.number().nullable().optional(),
  default_forum_layout: z.number().optional(),
  default_thread_rate_limit_per_user: z.number().optional(),
  default_auto_archive_duration: z.number().nullable().optional(),
  /** A forum post's answer only: its first message. */
  message: z.custom<Message>().optional(),
  /** THREAD_CREATE only: the thread was just made (not the current user added to an existing one). */
  newly_created: z.boolean().optional(),
  /** Threads in GUILD_CREATE: the current user's membership, when they follow the thread (without id and user_id, as on Discord). */
  member: z.custom<ThreadMember>().optional(),
});
export type Channel = z.infer<typeof Channel>;

export interface ThreadMember {
  /** The thread's id (left out inside GUILD_CREATE, as on Discord). */
  id?: string;
  user_id?: string;
  join_timestamp: string;
  flags: number;
  member?: Member;
}

export const Member = z.object({
  user: User.optional(),
  nick: z.string().nullable(),
  avatar: z.string().nullable(),
  roles: z.array(snowflake),
  joined_at: iso,
  premium_since: iso.nullable(),
  deaf: z.boolean(),
  mute: z.boolean(),
  flags: z.number(),
  pending: z.boolean(),
  communication_disabled_until: iso.nullable(),
});
export type Member = z.infer<typeof Member>;

/** A custom guild emoji (Discord's emoji object); `user` only on REST reads by those who may manage emoji. */
export const GuildEmoji = z.object({
  id: snowflake,
  name: z.string(),
  roles: z.array(snowflake),
  user: User.optional(),
  require_colons: z.boolean(),
  managed: z.boolean(),
  animated: z.boolean(),
  available: z.boolean(),
});
export type GuildEmoji = z.infer<typeof GuildEmoji>;

export const Guild = z.object({
  id: snowflake,
  name: z.string(),
  icon: z.string().nullable(),
  description: z.string().nullable(),
  owner_id: snowflake,
  features: z.array(z.string()),
  roles: z.array(Role),
  emojis: z.array(GuildEmoji),
  stickers: z.array(z.unknown()),
  verification_level: z.number(),
  default_message_notifications: z.number(),
  explicit_content_filter: z.number(),
  mfa_level: z.number(),
  system_channel_id: snowflake.nullable(),
  system_channel_flags: z.number(),
  afk_channel_id: snowflake.nullable(),
  afk_timeout: z.number(),
  premium_tier: z.number(),
  preferred_locale: z.string(),
  nsfw_level: z.number(),
  premium_progress_bar_enabled: z.boolean(),
  approximate_member_count: z.number().optional(),
});
export type Guild = z.infer<typeof Guild>;

export const Attachment = z.object({
  id: snowflake,
  filename: z.string(),
  size: z.number(),
  url: z.string(),
  proxy_url: z.string(),
  content_type: z.string().optional(),
  width: z.number().nullable().optional(),
  height: z.number().nullable().optional(),
  description: z.string().optional(),
  ephemeral: z.boolean().optional(),
  /** Discord's attachment flags; IS_SPOILER (8) for a file named SPOILER_... */
  flags: z.number().optional(),
  /** An image's ThumbHash (base64), drawn while the image loads; `placeholder_version` 1, as Discord sends it. */
  placeholder: z.string().optional(),
  placeholder_version: z.number().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

/** `POST /channels/:id/attachments`: the two-step upload's slots. */
export const CreateAttachmentsBody = z.object({
  files: z
    .array(
      z.object({
        filename: z.string().min(1).max(1024),
        file_size: z.number().int().min(0),
        id: z.union([z.string().max(32), z.number().int()]).nullish(),
        is_clip: z.boolean().nullish(),
      }),
    )
    .min(1)
    .max(100),
});

export const Emoji = z.object({ id: snowflake.nullable(), name: z.string().nullable(), animated: z.boolean().optional() });
export const Reaction = z.object({
  emoji: Emoji,
  count: z.number(),
  count_details: z.object({ burst: z.number(), normal: z.number() }),
  me: z.boolean(),
  me_burst: z.boolean(),
  burst_colors: z.array(z.string()),
});
export type Reaction = z.infer<typeof Reaction>;

export const MessageReference = z.object({
  message_id: snowflake.optional(),
  channel_id: snowflake.nullish(),
  guild_id: snowflake.nullish(),
  fail_if_not_exists: z.boolean().nullish(),
});

export interface Message {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  content: string;
  author: User;
  member?: Omit<Member, 'user'>;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: User[];
  mention_roles: string[];
  mention_channels: unknown[];
  attachments: Attachment[];
  embeds: unknown[];
  components: unknown[];
  reactions?: Reaction[];
  pinned: boolean;
  flags: number;
  nonce?: string | number;
  webhook_id?: string | null;
  /** An interaction's response or follow-up: the application, and the interaction it answers. */
  application_id?: string;
  interaction_metadata?: Record<string, unknown>;
  interaction?: { id: string; type: number; name: string; user: unknown };
  message_reference?: z.infer<typeof MessageReference> | null;
  referenced_message?: Message | null;
  channel_type?: number;
  /** The thread started from this message (same id), on the starter message. */
  thread?: Channel;
}

export const Invite = z.object({
  code: z.string(),
  guild: z.object({ id: snowflake, name: z.string(), icon: z.string().nullable() }).optional(),
  channel: z.object({ id: snowflake, name: z.string().nullable(), type: z.number() }).nullable(),
  inviter: User.optional(),
  uses: z.number().optional(),
  max_uses: z.number().optional(),
  max_age: z.number().optional(),
  temporary: z.boolean().optional(),
  created_at: iso.optional(),
  expires_at: iso.nullable(),
  approximate_member_count: z.number().optional(),
});
export type Invite = z.infer<typeof Invite>;

export const Application = z.object({
  id: snowflake,
  name: z.string(),
  description: z.string(),
  icon: z.string().nullable(),
  bot_public: z.boolean(),
  bot_require_code_grant: z.boolean(),
  flags: z.number(),
  owner: User.optional(),
  bot: User.extend({ token: z.string().optional() }).optional(),
  verify_key: z.string(),
  interactions_endpoint_url: z.string().nullable().optional(),
});
export type Application = z.infer<typeof Application>;

// ---------- request bodies ----------

export const USERNAME_RE = /^[a-z0-9_.]{2,32}$/;
export const Username = z
  .string()
  .min(2)
  .max(32)
  .transform((s) => s.toLowerCase())
  .refine((s) => USERNAME_RE.test(s) && !s.includes('..'), {
    message: 'Usernames may only use letters, numbers, underscores and periods.',
  });

export const RegisterBody = z.object({
  email: z.email().max(254),
  username: Username,
  password: z.string().min(8).max(128),
  global_name: z.string().min(1).max(32).optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({ login: z.string().min(1).max(254), password: z.string().min(1).max(128) });
export type LoginBody = z.infer<typeof LoginBody>;

export const AuthResponse = z.object({ token: z.string(), user_id: snowflake });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const ModifyMeBody = z.object({
  username: Username.optional(),
  global_name: z.string().min(1).max(32).nullable().optional(),
  /** A data URI (`data:image/png;base64,...`), stored and answered as its hash; null removes it. */
  avatar: z.string().max(256 * 1024, 'Images may be at most 256 KiB once encoded.').nullable().optional(),
});
export type ModifyMeBody = z.infer<typeof ModifyMeBody>;

export const CreateApplicationBody = z.object({
  name: z.string().trim().min(2).max(32),
  description: z.string().max(400).optional(),
});

export const AuthorizeBody = z.object({
  guild_id: snowflake,
  permissions: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).optional(),
  authorize: z.literal(true),
});

const name100 = z.string().trim().min(1).max(100);

/** An image sent inline (icons): stored and pushed to every member, so kept small. */
export const MAX_IMAGE_DATA_URI = 256 * 1024;
const ImageData = z.string().max(MAX_IMAGE_DATA_URI, `Images may be at most ${MAX_IMAGE_DATA_URI / 1024} KiB once encoded.`);

export const CreateGuildBody = z.object({ name: z.string().trim().min(2).max(100), icon: ImageData.nullable().optional() });
export const ModifyGuildBody = z.object({
  name: z.string().trim().min(2).max(100).optional(),
  icon: ImageData.nullable().optional(),
  description: z.string().max(120).nullable().optional(),
  system_channel_id: snowflake.nullable().optional(),
  /** Discord's SystemChannelFlags (six bits). */
  system_channel_flags: z.number().int().min(0).max(63).optional(),
  afk_channel_id: snowflake.nullable().optional(),
  afk_timeout: z.number().int().min(60).max(3600).optional(),
  verification_level: z.number().int().min(0).max(4).optional(),
  default_message_notifications: z.number().int().min(0).max(1).optional(),
  explicit_content_filter: z.number().int().min(0).max(2).optional(),
  /** Only the owner may hand the guild to another member. */
  owner_id: snowflake.optional(),
});

/** Discord's emoji names: 2 to 32 letters, digits and underscores. */
const EmojiName = z.string().regex(/^[A-Za-z0-9_]{2,32}$/, 'Must be between 2 and 32 in length and contain only letters, numbers and underscores.');
/** `POST /guilds/:id/emojis`: a data URI of a PNG, JPEG, GIF or WebP (at most 256 KiB once encoded). */
export const CreateGuildEmojiBody = z.object({ name: EmojiName, image: ImageData, roles: z.array(snowflake).max(250).optional() });
export type CreateGuildEmojiBody = z.infer<typeof CreateGuildEmojiBody>;
export const ModifyGuildEmojiBody = z.object({ name: EmojiName.optional(), roles: z.array(snowflake).max(250).nullable().optional() });
export type ModifyGuildEmojiBody = z.infer<typeof ModifyGuildEmojiBody>;

/** `PUT /channels/:id/permissions/:overwrite_id`. */
export const EditChannelPermissionsBody = z.object({
  type: z.union([z.literal(0), z.literal(1)]),
  allow: bitfield.nullable().optional(),
  deny: bitfield.nullable().optional(),
});

const channelName = name100;
const tagName = z.string().trim().min(1).max(20);
/** A tag as sent: without `id` it is new (the server gives it one); with one, an existing tag of the channel. */
export const ForumTagInput = z.object({
  id: snowflake.optional(),
  name: tagName,
  moderated: z.boolean().optional(),
  emoji_id: snowflake.nullish(),
  emoji_name: z.string().max(64).nullish(),
});
export type ForumTagInput = z.infer<typeof ForumTagInput>;
const appliedTags = z
  .array(snowflake)
  .max(5)
  .refine((list) => new Set(list).size === list.length, 'Each tag may be applied once.');
const archiveDuration = z.union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)]);

export const CreateChannelBody = z.object({
  name: channelName,
  type: z.union([z.literal(0), z.literal(2), z.literal(4), z.literal(15), z.literal(16)]).optional(),
  topic: z.string().max(1024).nullable().optional(),
  // Far beyond any real guild (Discord caps channels at 500), and well inside the 32-bit column with room for +1.
  position: z.number().int().min(0).max(1_000_000).optional(),
  parent_id: snowflake.nullable().optional(),
  nsfw: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).optional(),
  bitrate: z.number().int().min(8000).max(384000).optional(),
  user_limit: z.number().int().min(0).max(99).optional(),
  permission_overwrites: z
    .array(
      z.object({
        id: snowflake,
        type: z.union([z.literal(0), z.literal(1)]),
        allow: bitfield.optional(),
        deny: bitfield.optional(),
      }),
    )
    .max(100)
    .refine((list) => new Set(list.map((o) => o.id)).size === list.length, 'Each role or member may have one overwrite.')
    .optional(),
  // Forum and media channels (ignored on others, as Discord does).
  flags: z.number().int().min(0).optional(),
  available_tags: z
    .array(ForumTagInput)
    .max(20)
    .refine((list) => new Set(list.map((t) => t.name.trim())).size === list.length, 'Tag names must be unique.')
    .optional(),
  default_reaction_emoji: z.object({ emoji_id: snowflake.nullish(), emoji_name: z.string().max(64).nullish() }).nullish(),
  default_sort_order: z.union([z.literal(0), z.literal(1)]).nullish(),
  default_forum_layout: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  default_thread_rate_limit_per_user: z.number().int().min(0).max(21600).optional(),
  default_auto_archive_duration: archiveDuration.nullish(),
});

/** A guild channel's fields, and a thread's (a thread takes only name, rate_limit_per_user and these). */
export const ModifyChannelBody = CreateChannelBody.omit({ type: true })
  .partial()
  .extend({
    archived: z.boolean().optional(),
    auto_archive_duration: archiveDuration.optional(),
    locked: z.boolean().optional(),
    invitable: z.boolean().optional(),
    applied_tags: appliedTags.optional(),
  });

export const StartThreadFromMessageBody = z.object({
  name: name100,
  // Libraries send null for "the channel's default" (discord.js does).
  auto_archive_duration: archiveDuration.nullish(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullable().optional(),
});
export type StartThreadFromMessageBody = z.infer<typeof StartThreadFromMessageBody>;

export const StartThreadBody = StartThreadFromMessageBody.extend({
  // Discord's v10 default is a private thread.
  type: z.union([z.literal(10), z.literal(11), z.literal(12)]).optional(),
  invitable: z.boolean().optional(),
  // Forum and media channels: a post is a thread with its first message and the tags it carries.
  message: z.lazy(() => CreateMessageBody.omit({ nonce: true, enforce_nonce: true, message_reference: true, tts: true })).optional(),
  applied_tags: appliedTags.optional(),
});
export type StartThreadBody = z.infer<typeof StartThreadBody>;

const queryBool = z.enum(['true', 'false', 'True', 'False', '1', '0']).transform((v) => v === 'true' || v === 'True' || v === '1');

export const ThreadMembersQuery = z.object({
  with_member: queryBool.optional(),
  after: snowflake.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** `before` is an ISO8601 timestamp for archived lists, a thread id for the joined private list. */
export const ArchivedThreadsQuery = z.object({
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(2).max(100).optional(),
});

/** Discord's embed limits: per field, 25 fields, and 6000 characters across all embeds of a message. */
/** A URL whose scheme is one of `schemes` (Discord's wording when it is not). */
const urlWith = (schemes: readonly string[]) =>
  z
    .string()
    .max(2048)
    .superRefine((v, ctx) => {
      const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(v);
      if (!m || !URL.canParse(v)) return void ctx.addIssue({ code: 'custom', message: 'Not a well formed URL.' });
      const scheme = m[1]!.toLowerCase();
      if (!schemes.includes(scheme)) ctx.addIssue({ code: 'custom', message: `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.map((x) => `'${x}'`).join(', ')}).` });
    });
/** Links open in a browser: http(s) only, never javascript: or data:. */
const embedUrl = urlWith(['http', 'https']);
/** Images and videos may also name a file of the same message. */
const embedMediaUrl = urlWith(['http', 'https', 'attachment']);
const EmbedMedia = z.object({ url: embedMediaUrl, proxy_url: embedUrl.optional(), height: z.number().int().nonnegative().optional(), width: z.number().int().nonnegative().optional() });
export const EmbedInput = z.object({
  title: z.string().max(256).optional(),
  type: z.enum(['rich', 'image', 'video', 'gifv', 'article', 'link']).optional(),
  description: z.string().max(4096).optional(),
  url: embedUrl.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  color: z.number().int().min(0).max(0xffffff).nullable().optional(),
  footer: z.object({ text: z.string().max(2048), icon_url: embedMediaUrl.optional(), proxy_icon_url: embedUrl.optional() }).optional(),
  image: EmbedMedia.optional(),
  thumbnail: EmbedMedia.optional(),
  video: EmbedMedia.optional(),
  provider: z.object({ name: z.string().max(256).optional(), url: embedUrl.optional() }).optional(),
  author: z.object({ name: z.string().max(256), url: embedUrl.optional(), icon_url: embedMediaUrl.optional(), proxy_icon_url: embedUrl.optional() }).optional(),
  fields: z.array(z.object({ name: z.string().max(256), value: z.string().max(1024), inline: z.boolean().optional() })).max(25).optional(),
})
  // Discord answers every embed a bot sends with its type, `rich` unless given.
  .transform((e) => ({ type: 'rich' as const, ...e }));
export type EmbedInput = z.infer<typeof EmbedInput>;

const embedChars = (e: EmbedInput) =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
export const EmbedList = z
  .array(EmbedInput)
  .max(10)
  .refine((list) => list.reduce((n, e) => n + embedChars(e), 0) <= 6000, 'Embeds must not exceed 6000 characters in total.');

/** Discord's allowed_mentions: which of the content's mentions count (are listed in `mentions`, notify). */
export const AllowedMentions = z
  .object({
    parse: z.array(z.enum(['users', 'roles', 'everyone'])).max(3).optional(),
    users: z.array(snowflake).max(100).optional(),
    roles: z.array(snowflake).max(100).optional(),
    replied_user: z.boolean().optional(),
  })
  .nullable()
  .optional();
export type AllowedMentions = z.infer<typeof AllowedMentions>;

/** Optional fields may be `null` as well as absent (libraries send either; Discord takes both). */
export const CreateMessageBody = z.object({
  content: z.string().max(2000).nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
  tts: z.boolean().nullish(),
  enforce_nonce: z.boolean().nullish(),
  message_reference: MessageReference.nullish(),
  embeds: EmbedList.nullish(),
  // Discord's limits: 5 action rows, 10 attachments.
  components: z.array(z.unknown()).max(5).nullish(),
  allowed_mentions: AllowedMentions,
  flags: z.number().int().nullish(),
  sticker_ids: z.array(snowflake).max(3).nullish(),
  attachments: z.array(z.unknown()).max(10).nullish(),
});
export type CreateMessageBody = z.infer<typeof CreateMessageBody>;

export const EditMessageBody = z.object({
  content: z.string().max(2000).nullable().optional(),
  embeds: EmbedList.nullable().optional(),
  flags: z.number().int().nullable().optional(),
  allowed_mentions: AllowedMentions,
  components: z.array(z.unknown()).max(5).nullable().optional(),
  attachments: z.array(z.unknown()).max(10).nullable().optional(),
});

/** Discord's webhook names: 1-80 characters, never "clyde" or "discord". */
const webhookName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((n) => !/clyde|discord/i.test(n), 'Webhook names cannot contain "clyde" or "discord".');
/** A webhook's avatar: image data (`data:image/...;base64,`), as for a user's. */
const webhookAvatar = z.string().max(MAX_IMAGE_DATA_URI, 'Images may be at most 256 KiB once encoded.').nullish();
export const CreateWebhookBody = z.object({ name: webhookName, avatar: webhookAvatar });
export const ModifyWebhookBody = z.object({ name: webhookName.optional(), avatar: webhookAvatar, channel_id: snowflake.optional() });
export const ExecuteWebhookBody = CreateMessageBody.pick({ content: true, tts: true, embeds: true, allowed_mentions: true, components: true, flags: true, attachments: true }).extend({
  username: webhookName.nullish(),
  avatar_url: embedUrl.nullish(),
  thread_id: snowflake.nullish(),
});
export type ExecuteWebhookBody = z.infer<typeof ExecuteWebhookBody>;

export interface Webhook {
  id: string;
  /** 1 incoming. */
  type: number;
  guild_id: string;
  channel_id: string;
  user?: User;
  name: string;
  avatar: string | null;
  application_id: string | null;
  /** Only in the answer to its creation: it is stored hashed. */
  token?: string;
  url?: string;
}
/** `GET /channels/:id/messages/pins`: pages by pin time (ISO8601), 1-50 at a time. */
export const PinListQuery = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

export const MessageListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    before: snowflake.optional(),
    after: snowflake.optional(),
    around: snowflake.optional(),
  })
  .refine((q) => [q.before, q.after, q.around].filter(Boolean).length <= 1, {
    message: 'Only one of before, after and around may be given.',
  });

/** One value or the key repeated (`author_id=1&author_id=2`): always a list. */
const oneOrMany = <T extends z.ZodType>(item: T, max: number) => z.union([item, z.array(item).max(max)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

export const SEARCH_HAS = ['link', 'embed', 'file', 'image', 'video', 'sound', 'sticker', 'poll'] as const;

/** Discord's message search; unknown keys are refused (a misspelt filter must not silently widen a search). */
export const SearchMessagesQuery = z
  .object({
    content: z.string().max(1024).optional(),
    author_id: oneOrMany(snowflake, 100).optional(),
    author_type: oneOrMany(z.enum(['user', 'bot', 'webhook']), 3).optional(),
    mentions: oneOrMany(snowflake, 100).optional(),
    has: oneOrMany(z.enum(SEARCH_HAS), SEARCH_HAS.length).optional(),
    channel_id: oneOrMany(snowflake, 500).optional(),
    min_id: snowflake.optional(),
    max_id: snowflake.optional(),
    pinned: queryBool.optional(),
    sort_by: z.enum(['timestamp', 'relevance']).optional(),
    sort_order: z.enum(['asc', 'desc']).optional(),
    // Discord caps offset at 5000 and pages at 25.
    offset: z.coerce.number().int().min(0).max(5000).optional(),
    limit: z.coerce.number().int().min(1).max(25).optional(),
    include_nsfw: queryBool.optional(),
  })
  .strict();
export type SearchMessagesQuery = z.infer<typeof SearchMessagesQuery>;

export const CreateInviteBody = z.object({
  max_age: z.number().int().min(0).max(604800).optional(),
  max_uses: z.number().int().min(0).max(100).optional(),
  temporary: z.boolean().optional(),
  unique: z.boolean().optional(),
});

export const MemberListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: snowflake.optional(),
});

const colour = z.number().int().min(0).max(0xffffff);
const permissionBits = z.string().regex(/^\d{1,20}$/, 'Value is not a permission bit set.');

export const RoleBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  permissions: permissionBits.optional(),
  color: colour.optional(),
  colors: z.object({ primary_color: colour, secondary_color: colour.nullable().optional(), tertiary_color: colour.nullable().optional() }).optional(),
  hoist: z.boolean().optional(),
  mentionable: z.boolean().optional(),
  icon: z.string().nullable().optional(),
  unicode_emoji: z.string().nullable().optional(),
});
export type RoleBody = z.infer<typeof RoleBody>;

export const RolePositionsBody = z.array(z.object({ id: snowflake, position: z.number().int().nullable().optional() })).min(1).max(250);

export const ModifyMemberBody = z.object({
  nick: z.string().max(32).nullable().optional(),
  roles: z.array(snowflake).max(250).optional(),
  communication_disabled_until: z.string().nullable().optional(),
  mute: z.boolean().optional(),
  deaf: z.boolean().optional(),
  /** Moves the member to this voice channel; null disconnects them. */
  channel_id: snowflake.nullable().optional(),
});
export type ModifyMemberBody = z.infer<typeof ModifyMemberBody>;

/** Op 4's payload: `channel_id` null leaves; Discord clients send more (self_stream, preferred_regions), which is ignored. */
export const VoiceStateUpdateBody = z.object({
  guild_id: snowflake,
  channel_id: snowflake.nullable(),
  self_mute: z.boolean().optional(),
  self_deaf: z.boolean().optional(),
  self_video: z.boolean().optional(),
  /** Sharing a screen (Discord's Go Live); Concord carries the screen in the same voice connection. */
  self_stream: z.boolean().optional(),
});
export type VoiceStateUpdateBody = z.infer<typeof VoiceStateUpdateBody>;

export const ModifyCurrentMemberBody = z.object({ nick: z.string().max(32).nullable().optional() });

export const CreateBanBody = z.object({
  delete_message_seconds: z.number().int().min(0).max(604800).optional(),
  /** Deprecated by Discord, still sent by older libraries. */
  delete_message_days: z.number().int().min(0).max(7).optional(),
});

export const BulkBanBody = z.object({
  user_ids: z.array(snowflake).min(1).max(200),
  delete_message_seconds: z.number().int().min(0).max(604800).optional(),
});

export const BanListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  before: snowflake.optional(),
  after: snowflake.optional(),
});

export const BulkDeleteBody = z.object({ messages: z.array(snowflake).min(2).max(100) });

export const AuditLogQuery = z.object({
  user_id: snowflake.optional(),
  action_type: z.coerce.number().int().optional(),
  before: snowflake.optional(),
  after: snowflake.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

// ---------- gateway payloads ----------

export const GatewayFrame = z.object({
  op: z.number().int(),
  d: z.unknown().optional(),
  s: z.number().int().nullable().optional(),
  t: z.string().nullable().optional(),
});
export type GatewayFrame = z.infer<typeof GatewayFrame>;

/** An activity a session sets (op 3, Identify's `presence`); Discord's limits on its texts. */
export const ActivityInput = z.object({
  name: z.string().max(128),
  type: z.number().int().min(0).max(5),
  url: z.string().max(512).nullish(),
  state: z.string().max(128).nullish(),
  details: z.string().max(128).nullish(),
  emoji: z.object({ name: z.string().min(1).max(64), id: snowflake.nullish(), animated: z.boolean().optional() }).nullish(),
  created_at: z.number().int().nonnegative().optional(),
});
export type ActivityInput = z.infer<typeof ActivityInput>;
/** Op 3's payload. `status` stays loose (unknown values count as online), as clients send more than Discord documents. */
export const PresenceUpdateInput = z.object({
  since: z.number().nullish(),
  activities: z.array(ActivityInput).max(5).nullish(),
  status: z.unknown().optional(),
  afk: z.boolean().nullish(),
});
export type PresenceUpdateInput = z.infer<typeof PresenceUpdateInput>;

export const IdentifyData = z.object({
  token: z.string().min(1).max(512),
  properties: z.record(z.string().max(64), z.unknown()).optional(),
  intents: z.number().int().nonnegative(),
  compress: z.boolean().optional(),
  large_threshold: z.number().int().min(50).max(250).optional(),
  shard: z.tuple([z.number().int().min(0), z.number().int().min(1)]).optional(),
  presence: PresenceUpdateInput.nullish(),
});
export type IdentifyData = z.infer<typeof IdentifyData>;

export const ResumeData = z.object({
  token: z.string().min(1).max(512),
  session_id: z.string().min(1).max(128),
  seq: z.number().int().nonnegative().nullable(),
});
export type ResumeData = z.infer<typeof ResumeData>;

/** Op 8: one guild or several, by query prefix or by user ids (Discord's shape). */
export const RequestGuildMembersData = z.object({
  guild_id: z.union([snowflake, z.array(snowflake).min(1).max(100)]),
  query: z.string().max(100).optional(),
  limit: z.number().int().min(0).max(100_000).optional(),
  presences: z.boolean().optional(),
  user_ids: z.union([snowflake, z.array(snowflake).max(100)]).optional(),
  nonce: z.string().max(32).optional(),
});
export type RequestGuildMembersData = z.infer<typeof RequestGuildMembersData>;

export const XSendMessageData = CreateMessageBody.extend({
  channel_id: snowflake,
  nonce: z.union([z.string().min(1).max(25), z.number().int()]),
});
export type XSendMessageData = z.infer<typeof XSendMessageData>;

export interface XMessageAckData {
  nonce: string | number;
  channel_id: string;
  /** The stored message id, when accepted. */
  id?: string;
  /** Discord-shaped error, when refused. */
  error?: { code: number; message: string; status: number; /** Seconds to wait, on 429. */ retry_after?: number; /** An AutoMod block's words for the author (200000). */ custom_message?: string };
}

export interface HelloData {
  heartbeat_interval: number;
}

export interface ReadyData {
  v: number;
  user: User;
  guilds: { id: string; unavailable: true }[];
  session_id: string;
  resume_gateway_url: string;
  shard?: [number, number];
  application?: { id: string; flags: number };
  private_channels: Channel[];
  user_settings?: Record<string, unknown>;
  /** People only (Discord's user-account READY): where the user stopped reading, per channel. */
  read_state?: ReadStateData;
  /** Extension (docs/receipts.md): the other recipients' delivery and read cursors in the user's private channels. */
  x_receipts?: ReceiptCursorData[];
  /** Discord's user-account READY: friends, blocks and pending requests (docs/relationships.md). */
  relationships?: Relationship[];
}

/** Discord's relationship types, from the viewer's side. */
export const RelationshipTypes = { FRIEND: 1, BLOCKED: 2, INCOMING_REQUEST: 3, OUTGOING_REQUEST: 4 } as const;
export type RelationshipType = (typeof RelationshipTypes)[keyof typeof RelationshipTypes];

/** Discord's relationship object: `id` is the other user's id. */
export interface Relationship {
  id: string;
  type: RelationshipType;
  user: User;
  nickname: string | null;
  /** ISO8601: when this relationship began. */
  since: string;
}

export interface ReceiptCursorData {
  channel_id: string;
  user_id: string;
  delivered_message_id: string;
  /** Null when either side turned read receipts off. */
  read_message_id: string | null;
}

export interface ReadStateEntry {
  /** The channel. */
  id: string;
  last_message_id: string;
  mention_count: number;
}

export interface ReadStateData {
  version: number;
  partial: boolean;
  entries: ReadStateEntry[];
}

/**
 * Discord's voice state: who is in which voice channel of a guild, and how. `guild_id` is left out inside
 * GUILD_CREATE; `member` comes with VOICE_STATE_UPDATE. `mute` / `deaf` are the server's (set by moderators),
 * `suppress` says the user may not speak there (no SPEAK).
 */
export interface VoiceState {
  guild_id?: string;
  channel_id: string | null;
  user_id: string;
  member?: Member;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_stream?: boolean;
  self_video: boolean;
  suppress: boolean;
  request_to_speak_timestamp: string | null;
}

export interface GuildCreateData extends Guild {
  unavailable: false;
  joined_at: string;
  large: boolean;
  member_count: number;
  channels: Channel[];
  threads: Channel[];
  members: Member[];
  presences: PresenceUpdateData[];
  voice_states: VoiceState[];
  stage_instances: unknown[];
  guild_scheduled_events: unknown[];
  soundboard_sounds: unknown[];
}

export const GatewayBotInfo = z.object({
  url: z.string(),
  shards: z.number(),
  session_start_limit: z.object({
    total: z.number(),
    remaining: z.number(),
    reset_after: z.number(),
    max_concurrency: z.number(),
  }),
});
export type GatewayBotInfo = z.infer<typeof GatewayBotInfo>;

/**
 * `POST /users/@me/channels`: `{recipient_id}` opens a DM (type 1); `{recipients, name?}` creates a group DM
 * (type 3; one recipient opens a DM, as on Discord); `{access_tokens, nicks?}` is Discord's OAuth2 form for bots.
 */
export const CreatePrivateChannelBody = z
  .object({
    recipient_id: snowflake.optional(),
    recipients: z.array(snowflake).max(100).optional(),
    access_tokens: z.array(z.string()).max(100).optional(),
    nicks: z.record(z.string(), z.string()).optional(),
    name: z.string().max(100).nullable().optional(),
  })
  .refine((b) => b.recipient_id !== undefined || b.recipients !== undefined || b.access_tokens !== undefined, {
    message: 'One of recipient_id, recipients or access_tokens is required.',
    path: ['recipient_id'],
  });
export type CreatePrivateChannelBody = z.infer<typeof CreatePrivateChannelBody>;

/** `PATCH /channels/:id` of a group DM: its name (null clears it). */
export const ModifyGroupDmBody = z.object({ name: z.string().max(100).nullable().optional(), icon: z.string().nullable().optional() });
export type ModifyGroupDmBody = z.infer<typeof ModifyGroupDmBody>;

/** `POST /channels/:id/messages/:message_id/ack`: `manual` moves the read position back (mark as unread). */
export const AckBody = z.object({ token: z.string().nullable().optional(), manual: z.boolean().optional(), mention_count: z.number().int().min(0).optional() });
export type AckBody = z.infer<typeof AckBody>;

/** `PUT /users/@me/relationships/:id`: no type (or 1) sends or accepts a friend request; 2 blocks. */
export const PutRelationshipBody = z.object({ type: z.union([z.literal(1), z.literal(2)]).nullable().optional() }).passthrough();
export type PutRelationshipBody = z.infer<typeof PutRelationshipBody>;

/** `POST /users/@me/relationships`: a friend request by username (`discriminator` is accepted and ignored, as for pomelo names). */
export const FriendRequestBody = z.object({ username: z.string().min(1).max(32), discriminator: z.union([z.string(), z.number()]).nullable().optional() });
export type FriendRequestBody = z.infer<typeof FriendRequestBody>;

/** Who may open a DM with a user: anyone, friends and members of a shared guild (the default), or friends only. */
export const DmPolicies = ['everyone', 'guild_members', 'friends'] as const;
export type DmPolicy = (typeof DmPolicies)[number];

/** Extension: `PATCH /users/@me/x-dm-settings`. */
export const DmSettingsBody = z.object({ allow_dms_from: z.enum(DmPolicies) });
export type DmSettingsBody = z.infer<typeof DmSettingsBody>;

/** Extension: `PATCH /users/@me/x-receipt-settings`. */
export const ReceiptSettingsBody = z.object({ read_receipts: z.boolean() });
export type ReceiptSettingsBody = z.infer<typeof ReceiptSettingsBody>;

/** Extension: `PATCH /users/@me/x-last-seen-settings`. */
export const LastSeenSettingsBody = z.object({ show_last_seen: z.boolean() });
export type LastSeenSettingsBody = z.infer<typeof LastSeenSettingsBody>;
