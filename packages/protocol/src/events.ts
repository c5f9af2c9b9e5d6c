/**
 * The gateway's event contract: every dispatch name the server sends, mapped to its payload type, and what
 * gates it (intents per scope, content redaction). Adding an event is a compile-time change: the server's
 * emit, its guild replica and the client reducer are typed by `DispatchPayloads` and must each decide what
 * the new name means to them.
 */
import { GatewayIntents as I } from './gateway.js';
import type { AutoModActionExecutionData, AutoModRule } from './automod.js';
import type { Channel, Guild, GuildEmoji, GuildCreateData, Member, Message, ReadyData, Relationship, RelationshipType, Role, ThreadMember, User, VoiceState } from './schemas.js';
import type { AutocompleteResponseData, GuildCommandPermissions, Interaction, InteractionModalCreateData, InteractionResultData } from './interactions.js';

export interface GuildMemberAddData extends Member {
  guild_id: string;
}

/** The whole member, sent when its roles, nick or user (name, avatar) change. */
export interface GuildMemberUpdateData extends Member {
  guild_id: string;
}

export interface GuildMemberRemoveData {
  guild_id: string;
  user: User;
}

export interface GuildMembersChunkData {
  guild_id: string;
  members: Member[];
  chunk_index: number;
  chunk_count: number;
  not_found?: string[];
  nonce?: string;
}

export interface GuildRoleCreateData {
  guild_id: string;
  role: Role;
}

/** GUILD_ROLE_UPDATE carries the whole role, as GUILD_ROLE_CREATE does. */
export type GuildRoleUpdateData = GuildRoleCreateData;

export interface GuildRoleDeleteData {
  guild_id: string;
  role_id: string;
}

/** The guild's whole emoji list after any create, rename or delete, as on Discord. */
export interface GuildEmojisUpdateData {
  guild_id: string;
  emojis: GuildEmoji[];
}

export interface GuildBanData {
  guild_id: string;
  user: User;
}

export interface MessageDeleteBulkData {
  ids: string[];
  channel_id: string;
  guild_id?: string;
}

/** One audit log change: a field's value before and after (`$add` / `$remove` list roles given or taken). */
export interface AuditLogChange {
  key: string;
  new_value?: unknown;
  old_value?: unknown;
}

/** Discord's audit log entry object. */
export interface AuditLogEntry {
  id: string;
  target_id: string | null;
  changes?: AuditLogChange[];
  user_id: string | null;
  action_type: number;
  options?: Record<string, string>;
  reason?: string;
}

export interface GuildAuditLogEntryCreateData extends AuditLogEntry {
  guild_id: string;
}

export interface InviteCreateData {
  code: string;
  channel_id: string;
  guild_id?: string;
  inviter?: User;
  uses?: number;
  max_uses?: number;
  max_age?: number;
  temporary?: boolean;
  created_at?: string;
  expires_at: string | null;
}

export interface InviteDeleteData {
  code: string;
  channel_id: string;
  guild_id?: string;
}

export interface MessageDeleteData {
  id: string;
  channel_id: string;
  guild_id?: string;
}

/** MESSAGE_UPDATE carries the whole message (Concord always sends it whole), without reactions. */
export type MessageUpdateData = Omit<Message, 'reactions'>;

export interface ReactionEmojiData {
  id: string | null;
  name: string | null;
  animated?: boolean;
}

export interface MessageReactionAddData {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  member?: Member;
  emoji: ReactionEmojiData;
  message_author_id?: string;
  burst: boolean;
  burst_colors: string[];
  type: number;
}

export interface MessageReactionRemoveData {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  emoji: ReactionEmojiData;
  burst: boolean;
  type: number;
}

export interface MessageReactionRemoveAllData {
  channel_id: string;
  message_id: string;
  guild_id?: string;
}

export interface MessageReactionRemoveEmojiData extends MessageReactionRemoveAllData {
  emoji: ReactionEmojiData;
}

/** A message was pinned or unpinned; `last_pin_timestamp` is when the newest pin left was made (null: none left). */
export interface ChannelPinsUpdateData {
  guild_id?: string;
  channel_id: string;
  last_pin_timestamp: string | null;
}

export interface TypingStartData {
  channel_id: string;
  guild_id?: string;
  user_id: string;
  timestamp: number;
  member?: Member;
}

export type VisibleStatus = 'online' | 'idle' | 'dnd' | 'offline';

/** Discord's activity: a game, stream, song or custom status (type 4, `state` is its text) a session shows. */
export interface Activity {
  name: string;
  /** 0 playing, 1 streaming, 2 listening, 3 watching, 4 custom status, 5 competing. */
  type: number;
  url?: string | null;
  state?: string | null;
  details?: string | null;
  emoji?: { name: string; id?: string | null; animated?: boolean } | null;
  /** Unix ms when it was added. */
  created_at: number;
}

export interface PresenceUpdateData {
  user: { id: string };
  guild_id?: string;
  status: VisibleStatus;
  activities: Activity[];
  client_status: Record<string, string>;
  /**
   * Extension: when the user went offline (ISO 8601), on the update that shows them offline. Only to people who may
   * see it (they share the guild, neither hides their last seen); Discord libraries ignore it.
   */
  last_seen?: string;
}

export interface ThreadDeleteData {
  id: string;
  guild_id: string;
  parent_id: string;
  type: number;
}

/** The threads of `channel_ids` (all active ones the session may see), replacing what the client had of them. */
export interface ThreadListSyncData {
  guild_id: string;
  channel_ids?: string[];
  threads: Channel[];
  /** The current user's memberships among them. */
  members: ThreadMember[];
}

/** The current user's own membership of a thread changed (joined, was added). */
export interface ThreadMemberUpdateData extends ThreadMember {
  id: string;
  user_id: string;
  guild_id: string;
}

export interface ThreadMembersUpdateData {
  id: string;
  guild_id: string;
  /** Counted to 50 on Discord; Concord counts them all. */
  member_count: number;
  added_members?: ThreadMember[];
  removed_member_ids?: string[];
}

/** A group DM gained or lost a recipient (sent to the other recipients; the one added or removed gets CHANNEL_CREATE / CHANNEL_DELETE). */
export interface ChannelRecipientData {
  channel_id: string;
  user: User;
}

/** The reader's read position in a channel moved (sent to every session of the reader). */
export interface MessageAckData {
  channel_id: string;
  message_id: string;
  /** Mentions of the reader after `message_id`, as counted when the ack was taken. */
  mention_count: number;
  version: number;
}

/**
 * Extension: a recipient's delivery or read cursor in a DM or group DM moved (sent to the other recipients). Messages
 * arrive in order, so every message up to `message_id` is delivered to (or read by) `user_id`.
 */
export interface MessageReceiptData {
  channel_id: string;
  user_id: string;
  message_id: string;
  status: 'delivered' | 'read';
  /** When, in ms since the epoch. */
  at: number;
}

/** A relationship ended (unfriended, request declined or cancelled, unblocked): sent to the side whose entry went. */
export interface RelationshipRemoveData {
  id: string;
  type: RelationshipType;
  nickname: string | null;
}

/** VOICE_STATE_UPDATE: always with guild_id and, while in a channel, the member. */
export type VoiceStateUpdateData = VoiceState & { guild_id: string };

/** Where the joining session's voice connection goes: `endpoint` is host[:port][/path], without a scheme, as on Discord. */
export interface VoiceServerUpdateData {
  token: string;
  guild_id: string;
  endpoint: string | null;
}

export interface GuildDeleteData {
  id: string;
  unavailable?: boolean;
}

/** Every dispatch the server sends, by name. */
/** A channel's webhooks changed (created, modified, deleted): clients refetch them. */
export interface WebhooksUpdateData {
  guild_id: string;
  channel_id: string;
}

export interface DispatchPayloads {
  READY: ReadyData;
  RESUMED: Record<string, never>;
  GUILD_CREATE: GuildCreateData;
  GUILD_UPDATE: Guild;
  GUILD_DELETE: GuildDeleteData;
  GUILD_ROLE_CREATE: GuildRoleCreateData;
  GUILD_ROLE_UPDATE: GuildRoleUpdateData;
  GUILD_ROLE_DELETE: GuildRoleDeleteData;
  GUILD_EMOJIS_UPDATE: GuildEmojisUpdateData;
  GUILD_BAN_ADD: GuildBanData;
  GUILD_BAN_REMOVE: GuildBanData;
  GUILD_AUDIT_LOG_ENTRY_CREATE: GuildAuditLogEntryCreateData;
  AUTO_MODERATION_RULE_CREATE: AutoModRule;
  AUTO_MODERATION_RULE_UPDATE: AutoModRule;
  AUTO_MODERATION_RULE_DELETE: AutoModRule;
  AUTO_MODERATION_ACTION_EXECUTION: AutoModActionExecutionData;
  GUILD_MEMBER_ADD: GuildMemberAddData;
  GUILD_MEMBER_UPDATE: GuildMemberUpdateData;
  GUILD_MEMBER_REMOVE: GuildMemberRemoveData;
  GUILD_MEMBERS_CHUNK: GuildMembersChunkData;
  CHANNEL_CREATE: Channel;
  CHANNEL_UPDATE: Channel;
  CHANNEL_DELETE: Channel;
  THREAD_CREATE: Channel;
  THREAD_UPDATE: Channel;
  THREAD_DELETE: ThreadDeleteData;
  THREAD_LIST_SYNC: ThreadListSyncData;
  THREAD_MEMBER_UPDATE: ThreadMemberUpdateData;
  THREAD_MEMBERS_UPDATE: ThreadMembersUpdateData;
  CHANNEL_RECIPIENT_ADD: ChannelRecipientData;
  CHANNEL_RECIPIENT_REMOVE: ChannelRecipientData;
  MESSAGE_ACK: MessageAckData;
  X_MESSAGE_RECEIPT: MessageReceiptData;
  RELATIONSHIP_ADD: Relationship;
  RELATIONSHIP_REMOVE: RelationshipRemoveData;
  INVITE_CREATE: InviteCreateData;
  INVITE_DELETE: InviteDeleteData;
  MESSAGE_CREATE: Message;
  MESSAGE_UPDATE: MessageUpdateData;
  MESSAGE_DELETE: MessageDeleteData;
  MESSAGE_DELETE_BULK: MessageDeleteBulkData;
  MESSAGE_REACTION_ADD: MessageReactionAddData;
  MESSAGE_REACTION_REMOVE: MessageReactionRemoveData;
  MESSAGE_REACTION_REMOVE_ALL: MessageReactionRemoveAllData;
  MESSAGE_REACTION_REMOVE_EMOJI: MessageReactionRemoveEmojiData;
  CHANNEL_PINS_UPDATE: ChannelPinsUpdateData;
  TYPING_START: TypingStartData;
  WEBHOOKS_UPDATE: WebhooksUpdateData;
  PRESENCE_UPDATE: PresenceUpdateData;
  USER_UPDATE: User;
  /** To the application's bot: the whole interaction. To the invoker's sessions: its id and nonce, as on Discord. */
  INTERACTION_CREATE: Interaction | InteractionResultData;
  INTERACTION_SUCCESS: InteractionResultData;
  INTERACTION_FAILURE: InteractionResultData;
  INTERACTION_MODAL_CREATE: InteractionModalCreateData;
  APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE: AutocompleteResponseData;
  /** A command's (or its application's default) permissions in a guild changed: to the bot and to who changed them. */
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: GuildCommandPermissions;
  VOICE_STATE_UPDATE: VoiceStateUpdateData;
  VOICE_SERVER_UPDATE: VoiceServerUpdateData;
}

export type EventName = keyof DispatchPayloads;
export type Dispatch<K extends EventName = EventName> = { [T in K]: { t: T; d: DispatchPayloads[T] } }[K];
/** Any dispatch, discriminated by `t`. */
export type DispatchEvent = Dispatch<EventName>;

/** Built for one session and sent to it alone; never published to other processes. */
export type SessionEventName = 'READY' | 'RESUMED' | 'GUILD_CREATE' | 'GUILD_MEMBERS_CHUNK' | 'VOICE_SERVER_UPDATE';
/** What services publish on the bus. */
export type BusEventName = Exclude<EventName, SessionEventName>;

export interface EventMeta {
  /** The intent a session needs for this event of a guild (or thread) channel; absent: always sent. */
  guild?: number;
  /** The intent for this event of a private channel (DM, group DM); absent: always sent. */
  private?: number;
  /** Carries message content: bots without MESSAGE_CONTENT get it blanked in guilds, unless they are mentioned. */
  content?: true;
}

/** Discord's intent table, one row per event; the compiler insists on a row for every name in the contract. */
export const EventInfo = {
  READY: {},
  RESUMED: {},
  GUILD_CREATE: { guild: I.Guilds },
  GUILD_UPDATE: { guild: I.Guilds },
  GUILD_DELETE: { guild: I.Guilds },
  GUILD_ROLE_CREATE: { guild: I.Guilds },
  GUILD_ROLE_UPDATE: { guild: I.Guilds },
  GUILD_ROLE_DELETE: { guild: I.Guilds },
  GUILD_EMOJIS_UPDATE: { guild: I.GuildExpressions },
  GUILD_BAN_ADD: { guild: I.GuildModeration },
  GUILD_BAN_REMOVE: { guild: I.GuildModeration },
  // Sent only to holders of VIEW_AUDIT_LOG (the route's guild_permission).
  GUILD_AUDIT_LOG_ENTRY_CREATE: { guild: I.GuildModeration },
  // Sent only to holders of MANAGE_GUILD (the route's guild_permission), as on Discord.
  AUTO_MODERATION_RULE_CREATE: { guild: I.AutoModerationConfiguration },
  AUTO_MODERATION_RULE_UPDATE: { guild: I.AutoModerationConfiguration },
  AUTO_MODERATION_RULE_DELETE: { guild: I.AutoModerationConfiguration },
  // Also to MANAGE_GUILD holders only; they see the blocked content, as moderators do on Discord.
  AUTO_MODERATION_ACTION_EXECUTION: { guild: I.AutoModerationExecution },
  GUILD_MEMBER_ADD: { guild: I.GuildMembers },
  // A session's own member updates are sent regardless of intents (see the gateway fan-out).
  GUILD_MEMBER_UPDATE: { guild: I.GuildMembers },
  GUILD_MEMBER_REMOVE: { guild: I.GuildMembers },
  GUILD_MEMBERS_CHUNK: {},
  CHANNEL_CREATE: { guild: I.Guilds },
  CHANNEL_UPDATE: { guild: I.Guilds },
  CHANNEL_DELETE: { guild: I.Guilds },
  THREAD_CREATE: { guild: I.Guilds },
  THREAD_UPDATE: { guild: I.Guilds },
  THREAD_DELETE: { guild: I.Guilds },
  THREAD_LIST_SYNC: { guild: I.Guilds },
  THREAD_MEMBER_UPDATE: { guild: I.Guilds },
  THREAD_MEMBERS_UPDATE: { guild: I.GuildMembers },
  // Group DMs only; Discord gates them by no intent.
  CHANNEL_RECIPIENT_ADD: {},
  CHANNEL_RECIPIENT_REMOVE: {},
  // The reader's own read state: user accounts only, no intent.
  MESSAGE_ACK: {},
  // Extension (docs/receipts.md): private channels only, with their messages' intent.
  X_MESSAGE_RECEIPT: { private: I.DirectMessages },
  // The user's own relationships (user accounts; bots have none): no intent, as on Discord.
  RELATIONSHIP_ADD: {},
  RELATIONSHIP_REMOVE: {},
  INVITE_CREATE: { guild: I.GuildInvites },
  INVITE_DELETE: { guild: I.GuildInvites },
  MESSAGE_CREATE: { guild: I.GuildMessages, private: I.DirectMessages, content: true },
  MESSAGE_UPDATE: { guild: I.GuildMessages, private: I.DirectMessages, content: true },
  MESSAGE_DELETE: { guild: I.GuildMessages, private: I.DirectMessages },
  MESSAGE_DELETE_BULK: { guild: I.GuildMessages },
  MESSAGE_REACTION_ADD: { guild: I.GuildMessageReactions, private: I.DirectMessageReactions },
  MESSAGE_REACTION_REMOVE: { guild: I.GuildMessageReactions, private: I.DirectMessageReactions },
  MESSAGE_REACTION_REMOVE_ALL: { guild: I.GuildMessageReactions, private: I.DirectMessageReactions },
  MESSAGE_REACTION_REMOVE_EMOJI: { guild: I.GuildMessageReactions, private: I.DirectMessageReactions },
  CHANNEL_PINS_UPDATE: { guild: I.Guilds, private: I.DirectMessages },
  TYPING_START: { guild: I.GuildMessageTyping, private: I.DirectMessageTyping },
  WEBHOOKS_UPDATE: { guild: I.GuildWebhooks },
  PRESENCE_UPDATE: { guild: I.GuildPresences },
  USER_UPDATE: {},
  // Interactions go to one user's sessions (the bot's, or the invoker's), whatever their intents.
  INTERACTION_CREATE: {},
  INTERACTION_SUCCESS: {},
  INTERACTION_FAILURE: {},
  INTERACTION_MODAL_CREATE: {},
  APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE: {},
  // Discord gates it by no intent; it goes to the application's bot and the member who made the change.
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: {},
  VOICE_STATE_UPDATE: { guild: I.GuildVoiceStates },
  // To the session that asked to join (op 4), whatever its intents, as on Discord.
  VOICE_SERVER_UPDATE: {},
} as const satisfies Record<EventName, EventMeta>;

export const EVENT_NAMES = Object.keys(EventInfo) as EventName[];

export type EventScope = 'guild' | 'private';

/** The intent that gates `event` in a channel of this scope (threads count as guild); undefined: always sent. */
export function intentFor(event: EventName, scope: EventScope): number | undefined {
  const meta: EventMeta = EventInfo[event];
  return meta[scope];
}

export function isEventName(t: string): t is EventName {
  return Object.prototype.hasOwnProperty.call(EventInfo, t);
}
