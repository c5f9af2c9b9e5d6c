import { randomBytes } from 'node:crypto';
import { Permissions, type Invite } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import { guildTopic } from '../../bus/bus.js';
import { iso } from '../../lib/time.js';
import type { Ctx } from '../access.js';
import { emit, type Deps } from '../deps.js';
import { announceMember, newMemberRecord } from '../guilds/service.js';
import { wireUser } from '../wire.js';
import type { InviteRecord } from './store.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function newCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const expiresAt = (i: InviteRecord) => (i.max_age === 0 ? null : i.created_at + i.max_age * 1000);
const usable = (i: InviteRecord, now: number) => (i.max_uses === 0 || i.uses < i.max_uses) && (expiresAt(i) ?? Infinity) > now;

async function wireInvite(deps: Deps, i: InviteRecord, withMeta: boolean): Promise<Invite> {
  const state = await deps.cache.get(i.guild_id);
  const channel = state?.channels.get(i.channel_id);
  const inviter = await deps.users.get(i.inviter_id);
  return {
    code: i.code,
    guild: state ? { id: state.guild.id, name: state.guild.name, icon: state.guild.icon } : undefined,
    channel: channel ? { id: channel.id, name: channel.name ?? null, type: channel.type } : null,
    ...(inviter ? { inviter: wireUser(inviter) } : {}),
    expires_at: iso(expiresAt(i)),
    approximate_member_count: state?.memberCount ?? 0,
    ...(withMeta ? { uses: i.uses, max_uses: i.max_uses, max_age: i.max_age, temporary: i.temporary, created_at: iso(i.created_at)! } : {}),
  };
}

export async function createInvite(deps: Deps, ctx: Ctx, channelId: string, body: { max_age?: number; max_uses?: number; temporary?: boolean }) {
  const { state } = await deps.access.channel(ctx, channelId, Permissions.CREATE_INSTANT_INVITE);
  const invite: InviteRecord = {
    code: newCode(),
    guild_id: state.guild.id,
    channel_id: channelId,
    inviter_id: ctx.user.id,
    max_age: body.max_age ?? 86400,
    max_uses: body.max_uses ?? 0,
    uses: 0,
    temporary: body.temporary ?? false,
    created_at: Date.now(),
  };
  await deps.invites.create(invite);
  const wire = await wireInvite(deps, invite, true);
  await emit(deps, guildTopic(state.guild.id), {
    t: 'INVITE_CREATE',
    d: { ...wire, channel_id: channelId, guild_id: state.guild.id },
    guild_id: state.guild.id,
    channel_id: channelId,
    // As on Discord: invite codes reach only those who manage the channel.
    permission: Permissions.MANAGE_CHANNELS.toString(),
  });
  return wire;
}

/** Anyone may look an invite up by its code (it is how people decide to join). */
export async function getInvite(deps: Deps, code: string): Promise<Invite> {
  const invite = await deps.invites.get(code);
  if (!invite || !usable(invite, Date.now())) throw errors.unknown('invite');
  return wireInvite(deps, invite, false);
}

/** Joins the invite's guild; a member who is already in it just gets the invite back. */
export async function acceptInvite(deps: Deps, ctx: Ctx, code: string) {
  const invite = await deps.invites.get(code);
  if (!invite) throw errors.unknown('invite');
  if (ctx.user.bot) throw errors.usersOnly();
  const already = await deps.guilds.getMember(invite.guild_id, ctx.user.id);
  let joined = false;
  if (!already) {
    // Member row and use count commit together: a double click joins once and uses the invite once.
    const record = newMemberRecord(invite.guild_id, ctx.user.id);
    const outcome = await deps.invites.accept(code, record, Date.now());
    if (outcome === 'unusable') throw errors.unknown('invite');
    joined = outcome === 'joined';
    if (joined) await announceMember(deps, ctx.user, record);
  }
  return { ...(await wireInvite(deps, invite, false)), new_member: joined };
}

export async function listGuildInvites(deps: Deps, ctx: Ctx, guildId: string) {
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  const now = Date.now();
  const list = (await deps.invites.listByGuild(guildId)).filter((i) => usable(i, now));
  return Promise.all(list.map((i) => wireInvite(deps, i, true)));
}

export async function deleteInvite(deps: Deps, ctx: Ctx, code: string) {
  const invite = await deps.invites.get(code);
  if (!invite) throw errors.unknown('invite');
  const { perms } = await deps.access.guild(ctx, invite.guild_id);
  if (!(perms & (Permissions.MANAGE_GUILD | Permissions.MANAGE_CHANNELS))) throw errors.missingPermissions();
  if (!(await deps.invites.delete(code))) throw errors.unknown('invite');
  const wire = await wireInvite(deps, invite, true);
  await emit(deps, guildTopic(invite.guild_id), {
    t: 'INVITE_DELETE',
    d: { code, channel_id: invite.channel_id, guild_id: invite.guild_id },
    guild_id: invite.guild_id,
    channel_id: invite.channel_id,
    permission: Permissions.MANAGE_CHANNELS.toString(),
  });
  return wire;
}
