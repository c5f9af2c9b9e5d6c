import { randomBytes } from 'node:crypto';
import { AuditLogEvents, Permissions, type AuditLogChange, type Invite } from '@concord/protocol';
import { recordAudit } from '../audit/service.js';
import { errors } from '../../lib/errors.js';
import { iso } from '../../lib/time.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { announceMember, bannedError, newMemberRecord } from '../guilds/service.js';
import { wireUser } from '../wire.js';
import { screenMember } from '../automod/service.js';
import type { InviteRecord } from './store.js';

/** What this domain's services use. */
type InviteDeps = Needs<'invites' | 'guilds' | 'users' | 'moderation' | 'messages' | 'audit' | 'automod' | 'members', 'access' | 'cache' | 'presence' | 'ids' | 'events' | 'voiceStates'>;

/** An invite as its audit entries describe it (Discord's keys). */
function inviteChanges(i: InviteRecord, side: 'new_value' | 'old_value'): AuditLogChange[] {
  const fields: [string, unknown][] = [['code', i.code], ['channel_id', i.channel_id], ['inviter_id', i.inviter_id], ['uses', i.uses], ['max_uses', i.max_uses], ['max_age', i.max_age], ['temporary', i.temporary]];
  return fields.map(([key, value]) => ({ key, [side]: value }));
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function newCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const expiresAt = (i: InviteRecord) => (i.max_age === 0 ? null : i.created_at + i.max_age * 1000);
const usable = (i: InviteRecord, now: number) => (i.max_uses === 0 || i.uses < i.max_uses) && (expiresAt(i) ?? Infinity) > now;

async function wireInvite(deps: InviteDeps, i: InviteRecord, withMeta: boolean): Promise<Invite> {
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

export async function createInvite(deps: InviteDeps, ctx: Ctx, channelId: string, body: { max_age?: number; max_uses?: number; temporary?: boolean }) {
  const { state } = await deps.access.guildChannel(ctx, channelId, Permissions.CREATE_INSTANT_INVITE);
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
  const wire = await wireInvite(deps, invite, true);
  await deps.tx(async (tx) => {
    await tx.invites.create(invite);
    await recordAudit(deps, tx, ctx, state.guild.id, { action_type: AuditLogEvents.INVITE_CREATE, target_id: null, changes: inviteChanges(invite, 'new_value') });
    const { guild: _g, channel: _c, ...d } = wire;
    tx.emit({ guild: state.guild.id }, 'INVITE_CREATE', { ...d, channel_id: channelId, guild_id: state.guild.id }, {
      channel_id: channelId,
      // As on Discord: invite codes reach only those who manage the channel.
      permission: Permissions.MANAGE_CHANNELS.toString(),
    });
  });
  return wire;
}

/** Anyone may look an invite up by its code (it is how people decide to join). */
export async function getInvite(deps: InviteDeps, code: string): Promise<Invite> {
  const invite = await deps.invites.get(code);
  if (!invite || !usable(invite, Date.now())) throw errors.unknown('invite');
  return wireInvite(deps, invite, false);
}

/** Joins the invite's guild; a member who is already in it just gets the invite back. */
export async function acceptInvite(deps: InviteDeps, ctx: Ctx, code: string) {
  const invite = await deps.invites.get(code);
  if (!invite) throw errors.unknown('invite');
  if (ctx.user.bot) throw errors.usersOnly();
  const already = await deps.guilds.getMember(invite.guild_id, ctx.user.id);
  let joined = false;
  if (!already) {
    // Member row and use count commit together: a double click joins once and uses the invite once.
    joined = await deps.tx(async (tx) => {
      // Read in the transaction: a ban that commits first keeps them out; one that commits after removes them.
      if (await tx.moderation.getBan(invite.guild_id, ctx.user.id)) throw bannedError();
      const record = newMemberRecord(invite.guild_id, ctx.user.id);
      // The member row first: a concurrent accept by the same person waits on it, then finds them a member.
      if (!(await tx.guilds.addMember(record))) return false;
      // Used up or expired meanwhile: the member row goes with the rollback.
      if (!(await tx.invites.use(code, Date.now()))) throw errors.unknown('invite');
      await announceMember(deps, tx, ctx.user, record);
      return true;
    });
    // AutoMod's member-profile rules judge the newcomer's names.
    if (joined) await screenMember(deps, invite.guild_id, ctx.user.id);
  }
  return { ...(await wireInvite(deps, invite, false)), new_member: joined };
}

export async function listGuildInvites(deps: InviteDeps, ctx: Ctx, guildId: string) {
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  const now = Date.now();
  const list = (await deps.invites.listByGuild(guildId)).filter((i) => usable(i, now));
  return Promise.all(list.map((i) => wireInvite(deps, i, true)));
}

export async function deleteInvite(deps: InviteDeps, ctx: Ctx, code: string) {
  const invite = await deps.invites.get(code);
  if (!invite) throw errors.unknown('invite');
  const { perms } = await deps.access.guild(ctx, invite.guild_id);
  if (!(perms & (Permissions.MANAGE_GUILD | Permissions.MANAGE_CHANNELS))) throw errors.missingPermissions();
  const wire = await wireInvite(deps, invite, true);
  const deleted = await deps.tx(async (tx) => {
    if (!(await tx.invites.delete(code))) return false;
    await recordAudit(deps, tx, ctx, invite.guild_id, { action_type: AuditLogEvents.INVITE_DELETE, target_id: null, changes: inviteChanges(invite, 'old_value') });
    const route = { channel_id: invite.channel_id, permission: Permissions.MANAGE_CHANNELS.toString() };
    tx.emit({ guild: invite.guild_id }, 'INVITE_DELETE', { code, channel_id: invite.channel_id, guild_id: invite.guild_id }, route);
    return true;
  });
  if (!deleted) throw errors.unknown('invite');
  return wire;
}
