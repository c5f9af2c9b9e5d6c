/**
 * Custom guild emoji, in Discord's shapes: `GET/POST/PATCH/DELETE /guilds/:id/emojis[/:emoji_id]`. The image
 * comes as a data URI (PNG, JPEG, GIF or WebP by its bytes, at most 256 KiB encoded; a GIF is animated), is
 * stored as a blob under `emojis/<guild>/<id>/`, and is served public at Discord's CDN path `/emojis/:id.png`.
 * Every change publishes the guild's whole list as GUILD_EMOJIS_UPDATE and writes its audit entry.
 * Creating needs CREATE_GUILD_EXPRESSIONS (or MANAGE_GUILD_EXPRESSIONS); renaming and deleting need
 * MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS for one's own emoji, as on Discord.
 */
import { AuditLogEvents, ErrorCodes, Permissions, hasPermission, type CreateGuildEmojiBody, type GuildEmoji, type ModifyGuildEmojiBody, type User } from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { fromBuffer } from '../../blobs/port.js';
import type { Ctx } from '../access.js';
import type { Needs, Tx } from '../deps.js';
import { diffChanges, recordAudit } from '../audit/service.js';
import { decodeImage } from '../attachments/images.js';
import { convertImage, type MediaAnswer } from '../attachments/serve.js';
import { wireUser } from '../wire.js';
import type { EmojiRecord } from './store.js';

type EmojiDeps = Needs<'emojis' | 'users' | 'audit' | 'attachments', 'access' | 'ids' | 'blobs' | 'config'>;

/** Discord's limits for a guild without boosts: 50 static and 50 animated. */
export const MAX_EMOJIS = 50;

/** Where an emoji's files live (the original and every size made of it). */
export const emojiPrefix = (guildId: string, id: string) => `emojis/${guildId}/${id}/`;
/** Every emoji file of a guild (queued when the guild goes). */
export const guildEmojiPrefix = (guildId: string) => `emojis/${guildId}/`;

export function wireEmoji(e: EmojiRecord, user?: User): GuildEmoji {
  return { id: e.id, name: e.name, roles: e.roles, ...(user ? { user } : {}), require_colons: true, managed: false, animated: e.animated, available: true };
}

const MANAGE = Permissions.MANAGE_GUILD_EXPRESSIONS;
const CREATE = Permissions.CREATE_GUILD_EXPRESSIONS;

/** The guild's emoji as every member sees them (GUILD_CREATE, GUILD_EMOJIS_UPDATE). */
export async function guildEmojis(store: Pick<EmojiDeps['emojis'], 'list'>, guildId: string): Promise<GuildEmoji[]> {
  return (await store.list(guildId)).map((e) => wireEmoji(e));
}

async function withUsers(deps: EmojiDeps, list: EmojiRecord[], perms: bigint): Promise<GuildEmoji[]> {
  // Who uploaded an emoji is shown to those who may manage emoji, as Discord does.
  if (!hasPermission(perms, MANAGE) && !hasPermission(perms, CREATE)) return list.map((e) => wireEmoji(e));
  const users = new Map((await deps.users.getMany([...new Set(list.map((e) => e.user_id))])).map((u) => [u.id, wireUser(u)]));
  return list.map((e) => wireEmoji(e, users.get(e.user_id)));
}

export async function listEmojis(deps: EmojiDeps, ctx: Ctx, guildId: string): Promise<GuildEmoji[]> {
  const { perms } = await deps.access.guild(ctx, guildId);
  return withUsers(deps, await deps.emojis.list(guildId), perms);
}

async function find(deps: EmojiDeps, guildId: string, emojiId: string): Promise<EmojiRecord> {
  const e = /^\d{1,20}$/.test(emojiId) ? await deps.emojis.get(emojiId) : undefined;
  if (!e || e.guild_id !== guildId) throw errors.unknown('emoji');
  return e;
}

export async function getEmoji(deps: EmojiDeps, ctx: Ctx, guildId: string, emojiId: string): Promise<GuildEmoji> {
  const { perms } = await deps.access.guild(ctx, guildId);
  const [wire] = await withUsers(deps, [await find(deps, guildId, emojiId)], perms);
  return wire!;
}

async function announce(tx: Tx<'emojis'>, guildId: string): Promise<void> {
  tx.emit({ guild: guildId }, 'GUILD_EMOJIS_UPDATE', { guild_id: guildId, emojis: await guildEmojis(tx.emojis, guildId) });
}

/** Roles named on an emoji must be the guild's. */
function checkRoles(roles: readonly string[] | null | undefined, known: ReadonlyMap<string, unknown>): string[] {
  const list = [...new Set(roles ?? [])];
  for (const [i, id] of list.entries()) if (!known.has(id)) throw errors.invalidField(['roles', String(i)], 'ROLE_INVALID', 'Unknown role.');
  return list;
}

export async function createEmoji(deps: EmojiDeps, ctx: Ctx, guildId: string, body: CreateGuildEmojiBody): Promise<GuildEmoji> {
  const { state, perms } = await deps.access.guild(ctx, guildId);
  if (!hasPermission(perms, CREATE) && !hasPermission(perms, MANAGE)) throw errors.missingPermissions();
  const roles = checkRoles(body.roles, state.roles);
  const image = decodeImage('image', body.image);
  const record: EmojiRecord = {
    id: deps.ids.next(),
    guild_id: guildId,
    name: body.name,
    user_id: ctx.user.id,
    animated: image.type === 'image/gif',
    roles,
    created_at: Date.now(),
  };
  // The bytes first: a crash before the commit leaves a blob no row names, never a row without its image.
  const prefix = emojiPrefix(guildId, record.id);
  await deps.blobs.put(`${prefix}original`, fromBuffer(image.bytes), { contentType: image.type });
  try {
    await deps.tx(async (tx) => {
      if ((await tx.emojis.count(guildId, record.animated)) >= MAX_EMOJIS) {
        throw new ApiError(400, ErrorCodes.MAX_EMOJIS, `Maximum number of emojis reached (${MAX_EMOJIS})`);
      }
      await tx.emojis.create(record);
      await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.EMOJI_CREATE, target_id: record.id, changes: [{ key: 'name', new_value: record.name }] });
      await announce(tx, guildId);
    });
  } catch (err) {
    await deps.blobs.deletePrefix(prefix).catch(() => undefined);
    throw err;
  }
  return wireEmoji(record, wireUser(ctx.user));
}

/** MANAGE_GUILD_EXPRESSIONS, or CREATE_GUILD_EXPRESSIONS for an emoji one uploaded oneself. */
function mayChange(perms: bigint, ctx: Ctx, e: EmojiRecord): boolean {
  return hasPermission(perms, MANAGE) || (hasPermission(perms, CREATE) && e.user_id === ctx.user.id);
}

export async function modifyEmoji(deps: EmojiDeps, ctx: Ctx, guildId: string, emojiId: string, body: ModifyGuildEmojiBody): Promise<GuildEmoji> {
  const { state, perms } = await deps.access.guild(ctx, guildId);
  const current = await find(deps, guildId, emojiId);
  if (!mayChange(perms, ctx, current)) throw errors.missingPermissions();
  const patch = {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.roles !== undefined ? { roles: checkRoles(body.roles, state.roles) } : {}),
  };
  const changes = diffChanges(current, { ...current, ...patch }, ['name', 'roles']);
  const updated =
    changes.length === 0
      ? current
      : await deps.tx(async (tx) => {
          const e = await tx.emojis.update(guildId, emojiId, patch);
          if (!e) throw errors.unknown('emoji');
          await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.EMOJI_UPDATE, target_id: emojiId, changes });
          await announce(tx, guildId);
          return e;
        });
  const [wire] = await withUsers(deps, [updated], perms);
  return wire!;
}

export async function deleteEmoji(deps: EmojiDeps, ctx: Ctx, guildId: string, emojiId: string): Promise<void> {
  const { perms } = await deps.access.guild(ctx, guildId);
  const current = await find(deps, guildId, emojiId);
  if (!mayChange(perms, ctx, current)) throw errors.missingPermissions();
  await deps.tx(async (tx) => {
    if (!(await tx.emojis.delete(guildId, emojiId))) throw errors.unknown('emoji');
    // The files go after the commit, retried until the store confirms (the attachments' sweep).
    await tx.attachments.queueDeletion(emojiPrefix(guildId, emojiId), Date.now());
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.EMOJI_DELETE, target_id: emojiId, changes: [{ key: 'name', old_value: current.name }] });
    await announce(tx, guildId);
  });
}

/** Discord's `size`: 16 to 4096 (the sizes its clients ask for). */
const SIZES = new Set([16, 20, 22, 24, 28, 32, 40, 44, 48, 56, 60, 64, 80, 96, 100, 128, 160, 240, 256, 300, 320, 480, 512, 600, 640, 1024, 1280, 1536, 2048, 3072, 4096]);
const FORMATS: Record<string, 'png' | 'jpeg' | 'webp' | 'gif'> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', gif: 'gif' };

/**
 * `GET /emojis/:id.png|jpg|webp|gif?size=`: public, as on Discord's CDN (an emoji id names fixed bytes). A GIF
 * is only had of an animated emoji; other formats and sizes are made once from the first frame and kept.
 */
export async function openEmoji(deps: Pick<EmojiDeps, 'emojis' | 'blobs' | 'config'>, file: string, query: Record<string, string | undefined>): Promise<MediaAnswer> {
  const m = /^(\d{1,20})\.(png|jpe?g|webp|gif)$/.exec(file);
  if (!m) throw errors.notFound();
  const e = await deps.emojis.get(m[1]!);
  if (!e) throw errors.notFound();
  const prefix = emojiPrefix(e.guild_id, e.id);
  const size = query.size && SIZES.has(Number(query.size)) ? Number(query.size) : undefined;
  const asked = FORMATS[m[2]!]!;
  const format = asked === 'gif' && !e.animated ? 'png' : asked;
  let key = `${prefix}original`;
  let contentType = 'image/gif';
  if (format !== 'gif' || size !== undefined) {
    const out = format === 'gif' ? 'png' : format;
    key = await convertImage(deps, key, `${prefix}${size ?? 'full'}.${out}`, { size, format: out, fit: true });
    contentType = `image/${out}`;
  }
  const read = await deps.blobs.get(key);
  if (!read) throw errors.notFound();
  return {
    kind: 'body',
    status: 200,
    headers: { 'content-type': contentType, 'content-length': String(read.size), 'cache-control': 'public, max-age=31536000, immutable', 'content-security-policy': "default-src 'none'; sandbox" },
    stream: read.stream,
  };
}
