import { isSnowflake, type ModifyMeBody, type User } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import type { Needs } from '../deps.js';
import { UniqueViolation } from '../../store/db.js';
import type { Ctx } from '../access.js';
import { wireMember, wirePrivateUser, wireUser } from '../wire.js';
import { imagePrefix, storeImage } from '../attachments/images.js';
import { screenMember } from '../automod/service.js';

/** What this domain's services use. */
type UserDeps = Needs<'users' | 'guilds' | 'attachments' | 'automod' | 'audit' | 'members' | 'messages', 'cache' | 'blobs' | 'access' | 'ids' | 'events' | 'voiceStates'>;

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

export async function getUser(deps: UserDeps, ctx: Ctx, id: string): Promise<User> {
  if (id === '@me') return wirePrivateUser(ctx.user);
  const user = isSnowflake(id) ? await deps.users.get(id) : undefined;
  if (!user) throw errors.unknown('user');
  return wireUser(user);
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
