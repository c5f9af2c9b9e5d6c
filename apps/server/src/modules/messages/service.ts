import {
  AuditLogEvents,
  ChannelTypes,
  ErrorCodes,
  MessageFlags,
  compareSnowflakes,
  MessageTypes,
  Permissions,
  hasPermission,
  isTextBasedType,
  parseMentionTokens,
  type AllowedMentions,
  type CreateMessageBody,
  type Member,
  type Message,
  type Reaction,
  MessageComponents,
  cleanComponents,
  componentProblems,
  type ActionRow,
} from '@concord/protocol';
import { ApiError, RateLimitedError, errors, formError, problemsError } from '../../lib/errors.js';
import { log } from '../../lib/log.js';
import { guildIdOf, type ChannelScope, type Ctx } from '../access.js';
import type { Deps, Needs } from '../deps.js';
import { grantedPrivilegedIntents, seesMessageContent } from '../applications/service.js';
import type { UserRecord } from '../users/store.js';
import { webhookAuthor, wireChannel, wireMessage, withoutUser } from '../wire.js';
import { reactionsFor } from '../reactions/service.js';
import { redactFor } from './content.js';
import { followThread, reopenForSend } from '../threads/service.js';
import { revealDm } from '../dms/service.js';
import { readOwnMessage } from '../read_states/service.js';
import { noteDelivered } from '../receipts/service.js';
import { mayWriteDm } from '../relationships/service.js';
import { screenMessage, type AfterStore } from '../automod/service.js';
import { recordAudit } from '../audit/service.js';
import type { HistoryQuery, MessageRecord } from './store.js';
import { attachmentsOf, discardUploads, linkAttachments, resolveAttachments, wireResolved, type ResolvedAttachments, type Upload } from '../attachments/service.js';

/** What this domain's services use. */
export type MessageStores = 'messages' | 'users' | 'reactions' | 'applications' | 'channels' | 'threads' | 'dms' | 'readStates' | 'receipts' | 'relationships' | 'attachments' | 'automod' | 'audit' | 'members' | 'guilds';
export type MessageInfra = 'access' | 'events' | 'ids' | 'config' | 'cache' | 'db' | 'limits' | 'blobs' | 'media' | 'recentSends';
export type MessageDeps = Needs<MessageStores, MessageInfra>;

function requireTextChannel(scope: ChannelScope): void {
  if (!isTextBasedType(scope.channel.type)) throw new ApiError(400, ErrorCodes.CANNOT_SEND_IN_NON_TEXT_CHANNEL, 'Cannot send messages in a non-text channel');
}

/**
 * A message's components, checked against Discord's shapes and rules (errors under `components`). Only bots
 * and applications send them: a person's are dropped, as Discord's client never sends any.
 */
export function checkComponents(raw: readonly unknown[] | null | undefined, from: { bot: boolean }): ActionRow[] | undefined {
  if (raw == null || !from.bot) return undefined;
  const parsed = MessageComponents.safeParse(raw);
  if (!parsed.success) {
    const err = formError(parsed.error);
    throw new ApiError(400, err.code, err.message, { components: err.errors });
  }
  const problems = componentProblems(parsed.data, 'message');
  if (problems.length > 0) throw problemsError(problems, ['components']);
  return cleanComponents(parsed.data);
}

/** Nothing to show: no text, no embed, no component and no file (kept or new). */
const isEmpty = (content: string | null | undefined, embeds: readonly unknown[] | null | undefined, extra: { components?: readonly unknown[]; files?: ResolvedAttachments } = {}) =>
  (content ?? '').trim() === '' && !(embeds && embeds.length > 0) && !(extra.components && extra.components.length > 0) && !(extra.files && extra.files.keep.length > 0);

/** The author's member, as guild messages carry it; private channels have none. */
export const memberOf = (scope: ChannelScope) => (scope.kind === 'private' ? undefined : scope.member);

export interface Mentions {
  users: UserRecord[];
  roles: string[];
  everyone: boolean;
}

function checkAllowedMentions(allowed: AllowedMentions): AllowedMentions {
  for (const kind of ['users', 'roles'] as const) {
    if (allowed?.parse?.includes(kind) && allowed[kind]?.length) {
      throw errors.invalidField(['allowed_mentions', kind], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
    }
  }
  return allowed;
}

async function parseMentions(deps: MessageDeps, access: ChannelScope, content: string, allowed: AllowedMentions): Promise<Mentions> {
  const may = (kind: 'users' | 'roles' | 'everyone', id?: string) =>
    !allowed || Boolean(allowed.parse?.includes(kind)) || (id !== undefined && kind !== 'everyone' && Boolean(allowed[kind]?.includes(id)));
  // The grammar the web client renders with: code spans and escaped tokens mention nobody.
  const tokens = parseMentionTokens(content);
  // Without MENTION_EVERYONE, @everyone and @here are plain text and ping nobody.
  const everyone = tokens.everyone && hasPermission(access.perms, Permissions.MENTION_EVERYONE) && may('everyone');
  const userIds = tokens.users.filter((id) => may('users', id)).slice(0, 100);
  const roles = tokens.roles.filter((id) => access.kind !== 'private' && access.state.roles.has(id) && may('roles', id));
  if (userIds.length === 0) return { users: [], roles, everyone };
  const users = await deps.users.getMany(userIds);
  return { users, roles, everyone };
}

/**
 * Slowmode: members without MANAGE_MESSAGES or MANAGE_CHANNELS (in a thread also MANAGE_THREADS) send one message
 * per `rate_limit_per_user` seconds in the channel, and are told how long to wait (Discord's 429 with code 20016).
 */
async function enforceSlowmode(deps: MessageDeps, ctx: Ctx, access: ChannelScope): Promise<void> {
  const seconds = access.kind === 'private' ? 0 : (access.channel.rate_limit_per_user ?? 0);
  if (seconds <= 0 || hasPermission(access.perms, Permissions.MANAGE_MESSAGES) || hasPermission(access.perms, Permissions.MANAGE_CHANNELS)) return;
  if (access.kind === 'thread' && hasPermission(access.perms, Permissions.MANAGE_THREADS)) return;
  const r = await deps.limits.slowmode(access.channel.id, ctx.user.id, seconds);
  if (!r.allowed) {
    throw new RateLimitedError(Math.max(0.001, r.resetAfterMs / 1000), false, ErrorCodes.SLOWMODE_RATE_LIMITED, 'This action cannot be performed due to slowmode rate limit.');
  }
}

/** Discord's account-age and membership-age thresholds of verification levels 2 and 3. */
const ACCOUNT_AGE_MS = 5 * 60_000;
const MEMBERSHIP_AGE_MS = 10 * 60_000;

/**
 * The guild's verification level, on send: 2 (medium) needs an account older than 5 minutes, 3 (high) and 4 also a
 * membership older than 10 minutes. Level 1 asks for a verified email, which Concord does not track: every account
 * passes it, and level 4's phone likewise. Members with a role, the owner and bots pass, as on Discord.
 */
function enforceVerification(ctx: Ctx, access: ChannelScope): void {
  if (access.kind === 'private' || ctx.user.bot) return;
  const level = access.state.guild.verification_level ?? 0;
  if (level < 2 || access.member.roles.length > 0 || access.state.guild.owner_id === ctx.user.id) return;
  const now = Date.now();
  const young = now - ctx.user.created_at < ACCOUNT_AGE_MS;
  const newcomer = level >= 3 && now - Date.parse(access.member.joined_at) < MEMBERSHIP_AGE_MS;
  if (young || newcomer) throw new ApiError(403, ErrorCodes.VERIFICATION_LEVEL_TOO_HIGH, 'Channel verification level is too high for you to gain access');
}

/** In guilds, bots without MESSAGE_CONTENT see only what mentions them, as on Discord; DMs always show it. */
export async function contentVisibleTo(deps: MessageDeps, ctx: Ctx, scope: ChannelScope): Promise<boolean> {
  if (scope.kind === 'private' || !ctx.user.bot || deps.config.privilegedIntents === 'all') return true;
  const app = await deps.applications.getByBot(ctx.user.id);
  return seesMessageContent(ctx.user, grantedPrivilegedIntents(app?.flags ?? 0));
}

/** Wire messages; with `viewerId`, with reaction counts as that user sees them (`me`). */
export async function toWire(deps: MessageDeps, records: MessageRecord[], channelType: number, viewerId?: string): Promise<Message[]> {
  const reactions = new Map<string, Reaction[]>();
  if (viewerId) {
    for (const channelId of new Set(records.map((r) => r.channel_id))) {
      const ids = records.filter((r) => r.channel_id === channelId).map((r) => r.id);
      for (const [id, list] of await reactionsFor(deps, channelId, ids, viewerId)) reactions.set(id, list);
    }
  }
  const ids = new Set<string>();
  for (const r of records) {
    if (!r.webhook_id || r.application_id) ids.add(r.author_id);
    for (const u of r.mentions) ids.add(u);
  }
  const users = new Map((await deps.users.getMany([...ids])).map((u) => [u.id, u]));
  const attachments = await attachmentsOf(deps, records);
  const referenced = await repliedTo(deps, records, channelType);
  const out: Message[] = [];
  for (const r of records) {
    const author = r.webhook_id && !r.application_id ? webhookAuthor(r) : users.get(r.author_id);
    if (!author) continue;
    // A starter message carries its thread (same id) as it is now.
    const thread = r.flags & MessageFlags.HAS_THREAD ? await deps.channels.get(r.id) : undefined;
    out.push(
      wireMessage(r, {
        author,
        channelType,
        mentions: r.mentions.map((id) => users.get(id)).filter((u): u is UserRecord => Boolean(u)),
        // Only a reply carries the message it points at; a pin notice's reference is just the id.
        referenced: r.ref_message_id && r.type === MessageTypes.REPLY ? (referenced.get(r.ref_message_id) ?? null) : null,
        reactions: reactions.get(r.id),
        thread: thread?.thread ? wireChannel(thread) : undefined,
        attachments: attachments.get(r.id),
      }),
    );
  }
  return out;
}

/** The messages the replies among `records` point at, as wire messages without their own reference: one read per channel. */
async function repliedTo(deps: MessageDeps, records: readonly MessageRecord[], channelType: number): Promise<Map<string, Message>> {
  const wanted = new Map<string, Set<string>>();
  for (const r of records) {
    if (!r.ref_message_id || r.type !== MessageTypes.REPLY) continue;
    const channelId = r.ref_channel_id ?? r.channel_id;
    const ids = wanted.get(channelId) ?? new Set<string>();
    wanted.set(channelId, ids.add(r.ref_message_id));
  }
  if (wanted.size === 0) return new Map();
  const found: MessageRecord[] = [];
  for (const [channelId, ids] of wanted) found.push(...(await deps.messages.getMany(channelId, [...ids])));
  const wire = await toWire(deps, found.map((m) => ({ ...m, ref_message_id: null })), channelType);
  return new Map(wire.map((m) => [m.id, m]));
}

/** A message of the channel, for services of other domains (after their own access check). */
export function findMessage(deps: Pick<Deps, 'messages'>, channelId: string, messageId: string): Promise<MessageRecord | undefined> {
  return deps.messages.get(channelId, messageId);
}

/** Send: permission, validation, nonce dedupe, durable insert, then MESSAGE_CREATE after commit. */
export async function sendMessage(deps: MessageDeps, ctx: Ctx, channelId: string, body: CreateMessageBody, uploads: readonly Upload[] = []): Promise<Message> {
  const withFiles = uploads.length > 0 || (body.attachments?.length ?? 0) > 0;
  const access = await checkSend(deps, ctx, channelId, withFiles);
  // A retried send answers the first: before its attachments are resolved, since the first took its uploads.
  if (body.nonce != null && (!ctx.user.bot || body.enforce_nonce === true)) {
    const first = await deps.messages.byNonce(channelId, ctx.user.id, String(body.nonce));
    if (first) {
      await discardUploads(deps, uploads);
      return (await toWire(deps, [first], access.channel.type, ctx.user.id))[0]!;
    }
  }
  const files = await resolveAttachments(deps, ctx.user.id, channelId, body.attachments, uploads);
  // A send that would be refused anyway spends no slowmode allowance.
  if (isEmpty(body.content, body.embeds, { components: checkComponents(body.components, ctx.user), files })) throw errors.emptyMessage();
  enforceVerification(ctx, access);
  await enforceSlowmode(deps, ctx, access);
  return createMessage(deps, access, { user: ctx.user, member: memberOf(access), dedupeBots: body.enforce_nonce === true }, body, ctx.user.id, files, uploads);
}

/** What a send needs before anything is stored (files too: checked before the first byte of an upload). */
export async function checkSend(deps: MessageDeps, ctx: Ctx, channelId: string, withFiles: boolean): Promise<ChannelScope> {
  const access = await deps.access.channel(ctx, channelId, Permissions.SEND_MESSAGES | (withFiles ? Permissions.ATTACH_FILES : 0n));
  requireTextChannel(access);
  return access;
}

/** Who a message is by: a user (with their member in guilds), or a webhook under the name and avatar it posts with. */
export interface Author {
  user: UserRecord;
  member?: Member;
  /** Bots deduplicate by nonce only when they ask (enforce_nonce). */
  dedupeBots?: boolean;
  webhook?: { id: string; name: string; avatar: string | null };
  /** An application answering an interaction (the author is its bot). */
  application?: { id: string; type: number; flags: number; interaction: Record<string, unknown> };
}

/**
 * A webhook's message (`POST /webhooks/:id/:token`): the same write path as any message, with the webhook as
 * author; the token was the authority, so no member and no permission check here.
 */
export async function sendWebhookMessage(
  deps: MessageDeps,
  scope: ChannelScope,
  webhook: { id: string; name: string; avatar: string | null },
  body: CreateMessageBody,
  uploads: readonly Upload[] = [],
): Promise<Message> {
  const files = await resolveAttachments(deps, webhook.id, scope.channel.id, body.attachments, uploads);
  return createMessage(deps, scope, { user: webhookAuthor({ author_id: webhook.id, author_name: webhook.name, author_avatar: webhook.avatar }), webhook }, body, undefined, files, uploads);
}

/**
 * An application's answer to an interaction (a response or a follow-up), by its bot with the application as
 * `webhook_id`, as on Discord. The interaction token was the authority. A deferred answer (LOADING) is empty.
 */
export async function sendInteractionMessage(
  deps: MessageDeps,
  scope: ChannelScope,
  bot: UserRecord,
  application: { id: string; type: number; flags: number; interaction: Record<string, unknown> },
  body: CreateMessageBody,
  uploads: readonly Upload[] = [],
): Promise<Message> {
  const files = await resolveAttachments(deps, bot.id, scope.channel.id, body.attachments, uploads);
  return createMessage(deps, scope, { user: bot, member: memberOf(scope), application }, body, undefined, files, uploads);
}

/**
 * The record of a new message (mentions resolved, the reply's author pinged) without storing it; `id` is given
 * when the message must have a known id (a forum post's first message has its post's id).
 */
export async function composeMessage(
  deps: MessageDeps,
  access: ChannelScope,
  author: Author,
  body: CreateMessageBody,
  reference?: MessageRecord,
  id?: string,
): Promise<{ record: MessageRecord; mentions: Mentions }> {
  const content = body.content ?? '';
  const components = checkComponents(body.components, { bot: author.user.bot });
  const guildId = guildIdOf(access) ?? null;
  const channelId = access.channel.id;
  const allowed = checkAllowedMentions(body.allowed_mentions);
  const mentions = await parseMentions(deps, access, content, allowed);
  // A reply mentions the replied-to author, unless allowed_mentions is given without replied_user: true.
  if (reference && !reference.webhook_id && (!allowed || allowed.replied_user) && !mentions.users.some((u) => u.id === reference!.author_id)) {
    const referencedAuthor = await deps.users.get(reference.author_id);
    if (referencedAuthor) mentions.users.push(referencedAuthor);
  }
  const record: MessageRecord = {
    id: id ?? deps.ids.next(),
    channel_id: channelId,
    guild_id: guildId,
    author_id: author.user.id,
    type: author.application ? author.application.type : reference ? MessageTypes.REPLY : MessageTypes.DEFAULT,
    content,
    nonce: body.nonce == null ? null : String(body.nonce),
    // People's clients (and op 100) send a nonce to be deduplicated; bots get Discord's rule: only with enforce_nonce.
    dedupe: body.nonce != null && !author.webhook && (!author.user.bot || author.dedupeBots === true),
    edited_at: null,
    tts: body.tts ?? false,
    pinned: false,
    flags: author.application ? author.application.flags : 0,
    mention_everyone: mentions.everyone,
    mentions: mentions.users.map((u) => u.id),
    mention_roles: mentions.roles,
    ref_message_id: reference?.id ?? null,
    ref_channel_id: reference ? channelId : null,
    embeds: (body.embeds as unknown[] | null | undefined) ?? [],
    ...(author.webhook ? { webhook_id: author.webhook.id, author_name: author.webhook.name, author_avatar: author.webhook.avatar } : {}),
    ...(components?.length ? { components } : {}),
    ...(author.application ? { webhook_id: author.application.id, application_id: author.application.id, interaction: author.application.interaction } : {}),
  };
  return { record, mentions };
}

async function createMessage(
  deps: MessageDeps,
  access: ChannelScope,
  author: Author,
  body: CreateMessageBody,
  viewerId?: string,
  files?: ResolvedAttachments,
  uploads: readonly Upload[] = [],
): Promise<Message> {
  requireTextChannel(access);
  const content = body.content ?? '';
  const components = checkComponents(body.components, { bot: author.user.bot });
  const loading = Boolean(author.application && author.application.flags & MessageFlags.LOADING);
  if (!loading && isEmpty(content, body.embeds, { components, files })) throw errors.emptyMessage();
  // Across a block a DM takes no new messages, either way (Discord's 50007); group DMs are not affected.
  if (access.kind === 'private' && access.channel.type === ChannelTypes.DM && !author.webhook) {
    const other = access.recipients.find((id) => id !== author.user.id);
    if (other && !(await mayWriteDm(deps, author.user.id, other))) throw new ApiError(400, ErrorCodes.CANNOT_SEND_MESSAGES_TO_USER, 'Cannot send messages to this user');
  }
  // AutoMod judges people's guild messages before anything is stored (a webhook's token is its own authority).
  const afterStore = access.kind !== 'private' && !author.webhook ? await screenMessage(deps, access, author.user, content) : undefined;
  // Only a message that will be stored unarchives its thread.
  if (access.kind === 'thread') await reopenForSend(deps, access);
  const channelId = access.channel.id;

  let reference: MessageRecord | undefined;
  if (body.message_reference?.message_id) {
    reference = await deps.messages.get(channelId, body.message_reference.message_id);
    if (!reference && body.message_reference.fail_if_not_exists !== false) {
      throw errors.invalidField(['message_reference'], 'REPLIES_UNKNOWN_MESSAGE', 'Unknown message');
    }
  }
  const { record, mentions } = await composeMessage(deps, access, author, body, reference);
  const { message: stored, created } = await deps.messages.create(record);
  if (!created) {
    // A retried send: answer with the message the first attempt stored, and publish nothing new; this attempt's files go.
    await discardUploads(deps, uploads);
    return (await toWire(deps, [stored], access.channel.type, viewerId))[0]!;
  }
  // After the group commit: a crash in between leaves the uploads unsent, and the sweep takes them.
  if (files && files.keep.length > 0) await linkAttachments(deps.attachments, stored.id, files);
  const referenced = reference ? (await toWire(deps, [{ ...reference, ref_message_id: null }], access.channel.type))[0] : null;
  const wire = wireMessage(stored, {
    author: author.user,
    member: author.member,
    channelType: access.channel.type,
    mentions: mentions.users,
    referenced,
    attachments: files ? wireResolved(deps, stored.id, files) : [],
  });
  // A DM the other side does not list yet comes back to them first.
  if (access.kind === 'private') await revealDm(deps, access);
  // Group-committed (the one exception to actions owning their transaction): published once the commit resolved.
  await deps.events.dispatch(access, 'MESSAGE_CREATE', wire);
  // Sending reads the channel up to one's own message (people only; a webhook reads nothing).
  if (!author.webhook && !author.application) readOwnMessage(deps, { user: author.user }, channelId, stored.id);
  // Posting in a thread follows it, and so does being mentioned there, as on Discord.
  if (access.kind === 'thread') await followThread(deps, access, author.webhook ? undefined : author.user.id, mentions.users.map((u) => u.id));
  await runAfterStore(afterStore, stored.id);
  return wire;
}

/** AutoMod's alerts and timeouts for a message that was not blocked: the message stands whatever they do. */
async function runAfterStore(after: AfterStore | undefined, messageId: string): Promise<void> {
  if (!after) return;
  try {
    await after(messageId);
  } catch (err) {
    log.error('automod actions failed', { err });
  }
}

/** A webhook's own message, for its edit and delete (another author's is Unknown Message to it, as on Discord). */
async function webhookMessage(deps: MessageDeps, channelId: string, webhookId: string, messageId: string): Promise<MessageRecord> {
  const existing = await deps.messages.get(channelId, messageId);
  if (!existing || existing.webhook_id !== webhookId) throw errors.unknown('message');
  return existing;
}

export async function getWebhookMessage(deps: MessageDeps, scope: ChannelScope, webhookId: string, messageId: string): Promise<Message> {
  const record = await webhookMessage(deps, scope.channel.id, webhookId, messageId);
  return (await toWire(deps, [record], scope.channel.type))[0]!;
}

export async function editWebhookMessage(
  deps: MessageDeps,
  scope: ChannelScope,
  webhookId: string,
  messageId: string,
  body: EditBody,
): Promise<Message> {
  const existing = await webhookMessage(deps, scope.channel.id, webhookId, messageId);
  return applyEdit(deps, scope, existing, body, undefined, undefined);
}

/**
 * An application edits its message (an interaction's original response, a follow-up, or the message whose
 * component was used): the first edit of a deferred answer ends its loading state.
 */
export async function editApplicationMessage(deps: MessageDeps, scope: ChannelScope, existing: MessageRecord, body: EditBody): Promise<Message> {
  return applyEdit(deps, scope, existing, { ...body, components: checkComponents(body.components, { bot: true }) ?? body.components }, undefined, undefined, true);
}

/** An application's message as it is stored. */
export const applicationMessage = (deps: Pick<Deps, 'messages'>, channelId: string, messageId: string) => deps.messages.get(channelId, messageId);

/** Deletes an application's message (the caller checked it is the application's). */
export async function deleteApplicationMessage(deps: MessageDeps, scope: ChannelScope, messageId: string): Promise<void> {
  await removeMessage(deps, scope, messageId);
}

type EditBody = { content?: string | null; embeds?: unknown[] | null; allowed_mentions?: AllowedMentions; components?: unknown[] | null; attachments?: unknown[] | null };

export async function deleteWebhookMessage(deps: MessageDeps, scope: ChannelScope, webhookId: string, messageId: string): Promise<void> {
  await webhookMessage(deps, scope.channel.id, webhookId, messageId);
  await removeMessage(deps, scope, messageId);
}

export async function getMessage(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string): Promise<Message> {
  const access = await deps.access.channel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY);
  const record = await deps.messages.get(channelId, messageId);
  if (!record) throw errors.unknown('message');
  const [m] = await toWire(deps, [record], access.channel.type, ctx.user.id);
  if (!m) throw errors.unknown('message');
  return (await contentVisibleTo(deps, ctx, access)) ? m : redactFor(ctx.user.id, m);
}

export async function listMessages(deps: MessageDeps, ctx: Ctx, channelId: string, q: Partial<HistoryQuery>): Promise<Message[]> {
  const access = await deps.access.channel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY);
  const records = await deps.messages.list(channelId, { limit: q.limit ?? 50, before: q.before, after: q.after, around: q.around });
  // Fetching a private channel's history delivers what it holds (a device back from offline).
  const newest = records.reduce<MessageRecord | undefined>((a, m) => (m.author_id !== ctx.user.id && (!a || compareSnowflakes(m.id, a.id) > 0) ? m : a), undefined);
  if (access.kind === 'private' && newest) await noteDelivered(deps, ctx.user.id, channelId, newest.id);
  const list = await toWire(deps, records, access.channel.type, ctx.user.id);
  return (await contentVisibleTo(deps, ctx, access)) ? list : list.map((m) => redactFor(ctx.user.id, m));
}

export async function editMessage(
  deps: MessageDeps,
  ctx: Ctx,
  channelId: string,
  messageId: string,
  body: EditBody,
  uploads: readonly Upload[] = [],
): Promise<Message> {
  const access = await checkEdit(deps, ctx, channelId, messageId, uploads.length > 0);
  const existing = await deps.messages.get(channelId, messageId);
  if (!existing) throw errors.unknown('message');
  // A bot edits its components too; a person's edit leaves them as they are.
  const edit = ctx.user.bot ? { ...body, components: body.components === undefined ? undefined : (checkComponents(body.components ?? [], ctx.user) ?? []) } : body;
  return applyEdit(deps, access, existing, edit, ctx.user.id, memberOf(access), ctx.user.bot, uploads);
}

/** An edit's checks, before any file of it is stored: only the author edits, and new files need ATTACH_FILES. */
export async function checkEdit(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string, withFiles: boolean): Promise<ChannelScope> {
  const access = await deps.access.channel(ctx, channelId, withFiles ? Permissions.ATTACH_FILES : 0n);
  const existing = await deps.messages.get(channelId, messageId);
  if (!existing) throw errors.unknown('message');
  if (existing.author_id !== ctx.user.id) throw errors.cannotEditOthers();
  return access;
}

async function applyEdit(
  deps: MessageDeps,
  access: ChannelScope,
  existing: MessageRecord,
  body: EditBody,
  viewerId: string | undefined,
  member: Member | undefined,
  byApplication = false,
  uploads: readonly Upload[] = [],
): Promise<Message> {
  const channelId = existing.channel_id;
  const messageId = existing.id;
  const content = body.content === undefined ? existing.content : (body.content ?? '');
  const embeds = body.embeds === undefined ? existing.embeds : (body.embeds ?? []);
  const components = body.components === undefined || !byApplication ? existing.components : (body.components ?? []);
  // Attachments change only when the edit names them or brings files; `attachments: []` removes them all.
  const current = await deps.attachments.forMessages(channelId, [messageId]);
  const files =
    body.attachments !== undefined || uploads.length > 0
      ? await resolveAttachments(deps, existing.author_id, channelId, body.attachments, uploads, current)
      : undefined;
  const kept = files ?? { keep: current.map((record) => ({ record, filename: record.filename, description: record.description })), drop: [] };
  if (isEmpty(content, embeds, { components, files: kept })) throw errors.emptyMessage();
  const mentions = body.content === undefined ? undefined : await parseMentions(deps, access, content, checkAllowedMentions(body.allowed_mentions));
  // An edit is judged like a send: a blocked edit changes nothing.
  const afterStore = body.content !== undefined && access.kind !== 'private' && viewerId !== undefined ? await screenMessage(deps, access, (await deps.users.get(viewerId))!, content, { edit: true }) : undefined;
  const patch = {
    content,
    embeds,
    ...(byApplication ? { components: components ?? [], flags: existing.flags & ~MessageFlags.LOADING } : {}),
    // A deferred answer's first content is not an edit to readers.
    edited_at: existing.flags & MessageFlags.LOADING ? null : Date.now(),
    ...(mentions ? { mentions: mentions.users.map((u) => u.id), mention_roles: mentions.roles, mention_everyone: mentions.everyone } : {}),
  };
  // Without files, one statement that commits by itself; with them, the message and its attachments together.
  const updated = files
    ? await deps.tx(async (tx) => {
        const updated = await tx.messages.update(channelId, messageId, patch);
        if (!updated) return undefined;
        await linkAttachments(tx.attachments, messageId, files);
        await tx.attachments.remove(files.drop, Date.now());
        return updated;
      })
    : await deps.messages.update(channelId, messageId, patch);
  if (!updated) throw errors.unknown('message');
  const [wire] = await toWire(deps, [updated], access.channel.type, viewerId);
  // The event leaves reactions out: `me` differs per reader, and discord.js replaces its reaction cache with what it gets.
  const { reactions: _reactions, ...full } = { ...wire!, ...(member ? { member: withoutUser(member) } : {}) };
  await deps.events.dispatch(access, 'MESSAGE_UPDATE', full);
  await runAfterStore(afterStore, messageId);
  return wire!;
}

/** The message and every module's rows of it (reactions, ...) in one transaction. */
export async function deleteMessage(deps: MessageDeps, ctx: Ctx, channelId: string, messageId: string): Promise<void> {
  const access = await deps.access.channel(ctx, channelId);
  const existing = await deps.messages.get(channelId, messageId);
  if (!existing) throw errors.unknown('message');
  if (existing.author_id !== ctx.user.id && !hasPermission(access.perms, Permissions.MANAGE_MESSAGES)) throw errors.missingPermissions();
  // A moderator deleting someone else's message leaves an audit entry (an author deleting their own does not).
  const moderated = existing.author_id !== ctx.user.id && !existing.webhook_id && access.kind !== 'private' ? { ctx, authorId: existing.author_id } : undefined;
  await removeMessage(deps, access, messageId, moderated);
}

async function removeMessage(deps: MessageDeps, access: ChannelScope, messageId: string, moderated?: { ctx: Ctx; authorId: string }): Promise<void> {
  const channelId = access.channel.id;
  const guildId = guildIdOf(access);
  const deleted = await deps.tx(async (tx) => {
    await tx.purgeMessages(channelId, [messageId]);
    if (!(await tx.messages.delete(channelId, messageId))) return false;
    if (moderated && guildId) {
      await recordAudit(deps, tx, moderated.ctx, guildId, { action_type: AuditLogEvents.MESSAGE_DELETE, target_id: moderated.authorId, options: { channel_id: channelId, count: '1' } });
    }
    tx.emit(access, 'MESSAGE_DELETE', { id: messageId, channel_id: channelId, ...(guildId ? { guild_id: guildId } : {}) });
    return true;
  });
  if (!deleted) throw errors.unknown('message');
}

export async function triggerTyping(deps: MessageDeps, ctx: Ctx, channelId: string): Promise<void> {
  const access = await deps.access.channel(ctx, channelId, Permissions.SEND_MESSAGES);
  requireTextChannel(access);
  const guildId = guildIdOf(access);
  const member = memberOf(access);
  const d = { channel_id: channelId, user_id: ctx.user.id, timestamp: Math.floor(Date.now() / 1000), ...(guildId ? { guild_id: guildId } : {}), ...(member ? { member } : {}) };
  // Nothing is written: typing is published at once.
  await deps.events.dispatch(access, 'TYPING_START', d);
}
