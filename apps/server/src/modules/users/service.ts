import { isSnowflake, type LastSeenSettingsBody, type ModifyMeBody, type User } from '@concord/protocol';
import type { UserRecord } from './store.js';
import { errors } from '../../lib/errors.js';
import type { Needs } from '../deps.js';
import { UniqueViolation } from '../../store/db.js';
import type { Ctx } from '../access.js';
import { wireMember, wirePrivateUser, wireUser } from '../wire.js';
import { imagePrefix, storeImage } from '../attachments/images.js';
import { screenMember } from '../automod/service.js';

/** What this domain's services use. */
type UserDeps = Needs<'users' | 'guilds' | 'attachments' | 'automod' | 'audit' | 'members' | 'messages' | 'dms', 'cache' | 'blobs' | 'access' | 'ids' | 'events' | 'voiceStates' | 'presence'>;

export function getMe(_deps: UserDeps, ctx: Ctx): User {
  return wirePrivateUser(ctx.user);
}

export async function modifyMe(deps: UserDeps, ctx: Ctx, body: ModifyMeBody): Promise<User> {
  if (body.username && body.username !== ctx.user.username) {
    const taken = await deps.users.getByUsername(body.username);
    if (taken) throw errors.invalidField(['username'], 'USERNAME_ALREADY_TAKEN', 'Username is unavailable.');
  }
  // The image is stored first (under its hash); the user row then names it.
  const avatar = typeof body.avatar === 'string' ? await storeImage(deps, 'avatars', ctx.user.id, 'avatar', body.avatar) : body.avatar;
  const previous = ctx.user.avatar;
  const updated = await deps.tx(async (tx) => {
    const updated = await tx.users.update(ctx.user.id, { ...body, ...(avatar !== undefined ? { avatar } : {}) });
    if (!updated) return undefined;
    // The old avatar's files go once this commits.
    if (avatar !== undefined && previous && previous !== avatar) await tx.attachments.queueDeletion(imagePrefix('avatars', ctx.user.id, previous), Date.now());
    tx.emit({ user: updated.id }, 'USER_UPDATE', wirePrivateUser(updated));
    // Every guild sees the member's new name and avatar, as on Discord.
    for (const guildId of await tx.guilds.guildIdsForUser(updated.id)) {
      const member = await tx.guilds.getMember(guildId, updated.id);
      if (member) tx.emit({ guild: guildId }, 'GUILD_MEMBER_UPDATE', { ...wireMember(member, updated), guild_id: guildId });
    }
    return updated;
  }).catch((err: unknown) => {
    // Taken by someone else between the check above and the write: the unique index decides.
    if (err instanceof UniqueViolation) throw errors.invalidField(['username'], 'USERNAME_ALREADY_TAKEN', 'Username is unavailable.');
    throw err;
  });
  if (!updated) throw errors.unknown('user');
  // A new username or display name is judged in every guild by AutoMod's member-profile rules.
  if (updated.username !== ctx.user.username || updated.global_name !== ctx.user.global_name) {
    for (const guildId of await deps.guilds.guildIdsForUser(updated.id)) await screenMember(deps, guildId, updated.id);
  }
  return wirePrivateUser(updated);
}

export async function getUser(deps: UserDeps, ctx: Ctx, id: string): Promise<User & { last_seen?: string | null }> {
  if (id === '@me') return wirePrivateUser(ctx.user);
  const user = isSnowflake(id) ? await deps.users.get(id) : undefined;
  if (!user) throw errors.unknown('user');
  // Bots get Discord's shape alone; people get the last-seen extension (null when they may not see it).
  if (ctx.user.bot) return wireUser(user);
  return { ...wireUser(user), last_seen: await lastSeenFor(deps, ctx.user, user) };
}

/**
 * Someone's last seen as `viewer` may see it: they share a DM or a guild and neither hides theirs (as in WhatsApp,
 * who hides their own sees no one's). Bots have none. Null while they show as online: last seen describes an
 * absence, and a null that means "online or hidden" tells no one more than presence does.
 */
async function lastSeenFor(deps: UserDeps, viewer: UserRecord, user: UserRecord): Promise<string | null> {
  if (user.bot || user.last_seen_at == null || viewer.id === user.id) return null;
  if (viewer.show_last_seen === false || user.show_last_seen === false) return null;
  if (!(await deps.dms.find(viewer.id, user.id))) {
    const theirs = new Set(await deps.guilds.guildIdsForUser(user.id));
    if (!(await deps.guilds.guildIdsForUser(viewer.id)).some((id) => theirs.has(id))) return null;
  }
  if (((await deps.presence.shown([user.id])).get(user.id)?.status ?? 'offline') !== 'offline') return null;
  return new Date(user.last_seen_at).toISOString();
}

/** Extension: `GET /users/@me/x-last-seen-settings`. */
export function getLastSeenSettings(ctx: Ctx): { show_last_seen: boolean } {
  return { show_last_seen: ctx.user.show_last_seen !== false };
}

/** Extension: `PATCH /users/@me/x-last-seen-settings`; the user's sessions learn it at once (it filters what they get). */
export async function setLastSeenSettings(deps: UserDeps, ctx: Ctx, body: LastSeenSettingsBody): Promise<{ show_last_seen: boolean }> {
  await deps.tx(async (tx) => {
    await tx.users.setShowLastSeen(ctx.user.id, body.show_last_seen);
    tx.control(ctx.user.id, { type: 'LAST_SEEN_SETTING', show_last_seen: body.show_last_seen });
  });
  return { show_last_seen: body.show_last_seen };
}

/** `GET /users/@me/guilds`: partial guilds with the caller's permissions. */
export async function listMyGuilds(deps: UserDeps, ctx: Ctx) {
  const ids = await deps.guilds.guildIdsForUser(ctx.user.id);
  const out = [];
  for (const id of ids) {
    const state = await deps.cache.get(id);
    const member = state && (await deps.cache.member(state, ctx.user.id));
    if (!state || !member) continue;
    out.push({
      id,
      name: state.guild.name,
      icon: state.guild.icon,
      owner: state.guild.owner_id === ctx.user.id,
      permissions: deps.cache.basePermissions(state, ctx.user.id, member).toString(),
      features: [],
    });
  }
  return out;
}
