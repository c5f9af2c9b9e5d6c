/**
 * Incoming webhooks: managed by members with MANAGE_WEBHOOKS, executed by anyone holding the token. The token
 * is the only authentication of its routes, so it is long (68 characters of [A-Za-z0-9_-], the shape Discord's
 * URL parsers expect), random, shown once and stored as its SHA-256.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError, errors, parse } from '../../lib/errors.js';
import type { Upload } from '../attachments/service.js';
import { AuditLogEvents, ChannelTypes, ErrorCodes, ExecuteWebhookBody, Permissions, fromGitHub, fromSlack, type GitHubPayload, type SlackWebhookBody, type AllowedMentions, type AuditLogChange, type Webhook } from '@concord/protocol';
import { recordAudit } from '../audit/service.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { hashToken } from '../auth/tokens.js';
import { storeImage } from '../attachments/images.js';
import { deleteWebhookMessage, editWebhookMessage, getWebhookMessage, sendWebhookMessage, type MessageInfra, type MessageStores } from '../messages/service.js';
import type { UserRecord } from '../users/store.js';
import { wireUser } from '../wire.js';
import type { WebhookPatch, WebhookRecord } from './store.js';

/** Webhook messages go through the messages service, so this domain uses what it uses. */
type WebhookDeps = Needs<'webhooks' | MessageStores, MessageInfra>;

/** Discord's limit per channel. */
export const MAX_WEBHOOKS_PER_CHANNEL = 15;
const WEBHOOK_TYPES = new Set<number>([ChannelTypes.GUILD_TEXT, ChannelTypes.GUILD_ANNOUNCEMENT]);

function wireWebhook(w: WebhookRecord, creator?: UserRecord, token?: { token: string; baseUrl: string }): Webhook {
  return {
    id: w.id,
    type: w.type,
    guild_id: w.guild_id,
    channel_id: w.channel_id,
    ...(creator ? { user: wireUser(creator) } : {}),
    name: w.name,
    avatar: w.avatar,
    application_id: null,
    ...(token ? { token: token.token, url: `${token.baseUrl}/api/webhooks/${w.id}/${token.token}` } : {}),
  };
}

async function withCreators(deps: WebhookDeps, list: WebhookRecord[]): Promise<Webhook[]> {
  const users = new Map((await deps.users.getMany([...new Set(list.map((w) => w.creator_id))])).map((u) => [u.id, u]));
  return list.map((w) => wireWebhook(w, users.get(w.creator_id)));
}

/** The webhook, if the caller may manage it (MANAGE_WEBHOOKS in its channel). */
async function managed(deps: WebhookDeps, ctx: Ctx, webhookId: string): Promise<WebhookRecord> {
  const w = await deps.webhooks.get(webhookId);
  if (!w) throw errors.unknown('webhook');
  await deps.access.guildChannel(ctx, w.channel_id, Permissions.MANAGE_WEBHOOKS);
  return w;
}

/** The webhook named by id and token; a wrong token is Discord's 401 Invalid Webhook Token. */
async function byToken(deps: WebhookDeps, webhookId: string, token: string): Promise<WebhookRecord> {
  const w = await deps.webhooks.get(webhookId);
  if (!w) throw errors.unknown('webhook');
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(w.token_hash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) throw errors.invalidWebhookToken();
  return w;
}

/** A webhook as its audit entries describe it (Discord's keys). */
const AUDITED_WEBHOOK = (w: WebhookRecord) => ({ name: w.name, type: w.type, channel_id: w.channel_id, avatar_hash: w.avatar });

function webhookChanges(before: WebhookRecord | undefined, after: WebhookRecord | undefined): AuditLogChange[] {
  const o: Record<string, unknown> = before ? AUDITED_WEBHOOK(before) : {};
  const n: Record<string, unknown> = after ? AUDITED_WEBHOOK(after) : {};
  const out: AuditLogChange[] = [];
  for (const key of ['name', 'type', 'channel_id', 'avatar_hash']) {
    if (before && after && JSON.stringify(o[key]) === JSON.stringify(n[key])) continue;
    if ((o[key] ?? null) === null && (n[key] ?? null) === null) continue;
    out.push({ key, ...(after ? { new_value: n[key] } : {}), ...(before ? { old_value: o[key] } : {}) });
  }
  return out;
}

/** Image data becomes a stored avatar (its hash, served at /avatars/<webhook id>/); null clears it. */
async function avatarOf(deps: WebhookDeps, webhookId: string, avatar: string | null | undefined): Promise<string | null | undefined> {
  return typeof avatar === 'string' ? storeImage(deps, 'avatars', webhookId, 'avatar', avatar) : avatar;
}

export async function createWebhook(deps: WebhookDeps, ctx: Ctx, channelId: string, body: { name: string; avatar?: string | null }, baseUrl: string): Promise<Webhook> {
  const scope = await deps.access.guildChannel(ctx, channelId, Permissions.MANAGE_WEBHOOKS);
  if (!WEBHOOK_TYPES.has(scope.channel.type)) throw new ApiError(400, ErrorCodes.CANNOT_SEND_IN_NON_TEXT_CHANNEL, 'Cannot send messages in a non-text channel');
  const token = randomBytes(51).toString('base64url');
  const id = deps.ids.next();
  const avatar = await avatarOf(deps, id, body.avatar);
  const record: WebhookRecord = {
    id,
    type: 1,
    guild_id: scope.state.guild.id,
    channel_id: channelId,
    creator_id: ctx.user.id,
    name: body.name,
    avatar: avatar ?? null,
    token_hash: hashToken(token),
    created_at: Date.now(),
  };
  await deps.tx(async (tx) => {
    if ((await tx.webhooks.countByChannel(channelId)) >= MAX_WEBHOOKS_PER_CHANNEL) {
      throw new ApiError(400, ErrorCodes.MAX_WEBHOOKS, `Maximum number of webhooks reached (${MAX_WEBHOOKS_PER_CHANNEL})`);
    }
    await tx.webhooks.create(record);
    await recordAudit(deps, tx, ctx, record.guild_id, { action_type: AuditLogEvents.WEBHOOK_CREATE, target_id: record.id, changes: webhookChanges(undefined, record) });
    tx.emit({ guild: record.guild_id }, 'WEBHOOKS_UPDATE', { guild_id: record.guild_id, channel_id: channelId }, { channel_id: channelId });
  });
  return wireWebhook(record, ctx.user, { token, baseUrl });
}

export async function listChannelWebhooks(deps: WebhookDeps, ctx: Ctx, channelId: string): Promise<Webhook[]> {
  await deps.access.guildChannel(ctx, channelId, Permissions.MANAGE_WEBHOOKS);
  return withCreators(deps, await deps.webhooks.listByChannel(channelId));
}

export async function listGuildWebhooks(deps: WebhookDeps, ctx: Ctx, guildId: string): Promise<Webhook[]> {
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_WEBHOOKS);
  return withCreators(deps, await deps.webhooks.listByGuild(guildId));
}

export async function getWebhook(deps: WebhookDeps, ctx: Ctx, webhookId: string): Promise<Webhook> {
  return (await withCreators(deps, [await managed(deps, ctx, webhookId)]))[0]!;
}

/** With the token: no creator (as on Discord). */
export async function getWebhookWithToken(deps: WebhookDeps, webhookId: string, token: string): Promise<Webhook> {
  return wireWebhook(await byToken(deps, webhookId, token));
}

/** The change, its audit entry (when a member made it; a token speaks for the webhook itself) and WEBHOOKS_UPDATE. */
async function update(deps: WebhookDeps, w: WebhookRecord, patch: WebhookPatch, ctx?: Ctx): Promise<WebhookRecord> {
  return deps.tx(async (tx) => {
    const updated = await tx.webhooks.update(w.id, patch);
    if (!updated) throw errors.unknown('webhook');
    const changes = webhookChanges(w, updated);
    if (ctx && changes.length > 0) await recordAudit(deps, tx, ctx, w.guild_id, { action_type: AuditLogEvents.WEBHOOK_UPDATE, target_id: w.id, changes });
    for (const channelId of new Set([w.channel_id, updated.channel_id])) tx.emit({ guild: w.guild_id }, 'WEBHOOKS_UPDATE', { guild_id: w.guild_id, channel_id: channelId }, { channel_id: channelId });
    return updated;
  });
}

export async function modifyWebhook(deps: WebhookDeps, ctx: Ctx, webhookId: string, body: { name?: string; avatar?: string | null; channel_id?: string }): Promise<Webhook> {
  const w = await managed(deps, ctx, webhookId);
  if (body.channel_id && body.channel_id !== w.channel_id) {
    // Moving it needs MANAGE_WEBHOOKS where it goes too, in the same guild.
    const target = await deps.access.guildChannel(ctx, body.channel_id, Permissions.MANAGE_WEBHOOKS);
    if (target.state.guild.id !== w.guild_id || !WEBHOOK_TYPES.has(target.channel.type)) throw errors.invalidField(['channel_id'], 'BASE_TYPE_INVALID', 'Invalid channel');
  }
  const updated = await update(deps, w, { name: body.name, avatar: await avatarOf(deps, w.id, body.avatar), channel_id: body.channel_id }, ctx);
  return (await withCreators(deps, [updated]))[0]!;
}

export async function modifyWebhookWithToken(deps: WebhookDeps, webhookId: string, token: string, body: { name?: string; avatar?: string | null }): Promise<Webhook> {
  const w = await byToken(deps, webhookId, token);
  return wireWebhook(await update(deps, w, { name: body.name, avatar: await avatarOf(deps, w.id, body.avatar) }));
}

async function remove(deps: WebhookDeps, w: WebhookRecord, ctx?: Ctx): Promise<void> {
  await deps.tx(async (tx) => {
    if (!(await tx.webhooks.delete(w.id))) throw errors.unknown('webhook');
    if (ctx) await recordAudit(deps, tx, ctx, w.guild_id, { action_type: AuditLogEvents.WEBHOOK_DELETE, target_id: w.id, changes: webhookChanges(w, undefined) });
    tx.emit({ guild: w.guild_id }, 'WEBHOOKS_UPDATE', { guild_id: w.guild_id, channel_id: w.channel_id }, { channel_id: w.channel_id });
  });
}

export async function deleteWebhook(deps: WebhookDeps, ctx: Ctx, webhookId: string): Promise<void> {
  await remove(deps, await managed(deps, ctx, webhookId), ctx);
}

export async function deleteWebhookWithToken(deps: WebhookDeps, webhookId: string, token: string): Promise<void> {
  await remove(deps, await byToken(deps, webhookId, token));
}

/** `POST /webhooks/:id/:token`: a message by the webhook (with per-message name and avatar), returned with `wait=true`. */
/** The webhook a multipart execute uploads for, checked before any byte is stored. */
export async function webhookForUpload(deps: WebhookDeps, webhookId: string, token: string): Promise<{ id: string; channel_id: string }> {
  const w = await byToken(deps, webhookId, token);
  return { id: w.id, channel_id: w.channel_id };
}

export async function executeWebhook(deps: WebhookDeps, webhookId: string, token: string, body: ExecuteWebhookBody, wait: boolean, uploads: readonly Upload[] = []) {
  const w = await byToken(deps, webhookId, token);
  // `thread_id`: a thread of the webhook's channel (an archived one is reopened by the send, as on Discord).
  const scope = await deps.access.webhookChannel(w.channel_id, body.thread_id ?? undefined);
  const { username, avatar_url, thread_id: _thread, ...message } = body;
  const sent = await sendWebhookMessage(deps, scope, { id: w.id, name: username ?? w.name, avatar: avatar_url ?? w.avatar }, message, uploads);
  return wait ? sent : undefined;
}

/** `POST /webhooks/:id/:token/slack`: a Slack message (text, username, icon_url, attachments) as Discord takes it. */
export async function executeSlack(deps: WebhookDeps, webhookId: string, token: string, body: SlackWebhookBody, wait: boolean, threadId?: string) {
  return executeWebhook(deps, webhookId, token, { ...parse(ExecuteWebhookBody, fromSlack(body)), thread_id: threadId }, wait);
}

/**
 * `POST /webhooks/:id/:token/github`: a GitHub event (its `X-GitHub-Event` header) as Discord shows it. Events it
 * does not show (`ping` among them) are taken and post nothing, so GitHub's deliveries stay green.
 */
export async function executeGitHub(deps: WebhookDeps, webhookId: string, token: string, event: string, payload: GitHubPayload, wait: boolean, threadId?: string) {
  const w = await byToken(deps, webhookId, token);
  const body = fromGitHub(event, payload);
  if (!body) return undefined;
  return executeWebhook(deps, w.id, token, { ...parse(ExecuteWebhookBody, body), thread_id: threadId }, wait);
}

export async function getMessageWithToken(deps: WebhookDeps, webhookId: string, token: string, messageId: string, threadId?: string) {
  const w = await byToken(deps, webhookId, token);
  return getWebhookMessage(deps, await deps.access.webhookChannel(w.channel_id, threadId), w.id, messageId);
}

export async function editMessageWithToken(
  deps: WebhookDeps,
  webhookId: string,
  token: string,
  messageId: string,
  body: { content?: string | null; embeds?: unknown[] | null; allowed_mentions?: AllowedMentions },
  threadId?: string,
) {
  const w = await byToken(deps, webhookId, token);
  return editWebhookMessage(deps, await deps.access.webhookChannel(w.channel_id, threadId), w.id, messageId, body);
}

export async function deleteMessageWithToken(deps: WebhookDeps, webhookId: string, token: string, messageId: string, threadId?: string): Promise<void> {
  const w = await byToken(deps, webhookId, token);
  await deleteWebhookMessage(deps, await deps.access.webhookChannel(w.channel_id, threadId), w.id, messageId);
}
