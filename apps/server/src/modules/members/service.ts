/**
 * Member edits (roles, nickname, timeout, voice mute/deaf) and kicks, with Discord's permissions and hierarchy.
 * Each writes its audit entry in its own transaction; GUILD_MEMBER_UPDATE / REMOVE follow the commit.
 */
import {
  AuditLogEvents,
  MAX_TIMEOUT_MS,
  Permissions,
  canActOnMember,
  canManageRole,
  hasPermission,
  isAssignableRole,
  isSnowflake,
  type AuditLogChange,
  type Member,
  type ModifyMemberBody,
} from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import { iso } from '../../lib/time.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { recordAudit } from '../audit/service.js';
import { hierarchyOf } from '../roles/service.js';
import { wireMember, wireUser } from '../wire.js';
import type { MemberPatch } from './store.js';
import { leftGuild, prepareMove, serverMuteChanged } from '../voice/service.js';
import { screenMember } from '../automod/service.js';

type MemberDeps = Needs<'members' | 'guilds' | 'users' | 'audit' | 'automod' | 'messages', 'access' | 'cache' | 'ids' | 'events' | 'voiceStates'>;

/** Discord lets a client's clock run a little ahead: a timeout may end up to this much past 28 days. */
const TIMEOUT_SLACK_MS = 60_000;

async function target(deps: MemberDeps, guildId: string, userId: string, state: Parameters<MemberDeps['cache']['member']>[0]) {
  const member = isSnowflake(userId) ? await deps.cache.member(state, userId) : undefined;
  if (!member) throw errors.unknown('member');
  return member;
}

function parseTimeout(value: string | null): number | null {
  if (value === null) return null;
  const at = Date.parse(value);
  const now = Date.now();
  if (Number.isNaN(at)) throw errors.invalidField(['communication_disabled_until'], 'DATE_TYPE_INVALID', 'Not a valid ISO8601 timestamp.');
  // A time already past ends the timeout, as on Discord; too far ahead is refused.
  if (at <= now) return null;
  if (at - now > MAX_TIMEOUT_MS + TIMEOUT_SLACK_MS) throw errors.invalidField(['communication_disabled_until'], 'COMMUNICATION_DISABLED_UNTIL_TOO_LONG', 'A timeout lasts at most 28 days.');
  return at;
}

/** `PATCH /guilds/:id/members/:user_id` (and `@me`, and the role PUT/DELETE routes, which come here). */
export async function modifyMember(deps: MemberDeps, ctx: Ctx, guildId: string, userId: string, body: ModifyMemberBody): Promise<Member> {
  const { state, member: actor, perms } = await deps.access.guild(ctx, guildId);
  const id = userId === '@me' ? ctx.user.id : userId;
  const current = await target(deps, guildId, id, state);
  const self = id === ctx.user.id;
  const h = hierarchyOf(state);
  const actorH = { userId: ctx.user.id, roleIds: actor.roles };
  const outranks = () => canActOnMember(h, actorH, { userId: id, roleIds: current.roles });
  const require = (ok: boolean) => {
    if (!ok) throw errors.missingPermissions();
  };
  const patch: MemberPatch = {};
  const changes: AuditLogChange[] = [];

  if (body.nick !== undefined) {
    const nick = body.nick === '' ? null : body.nick;
    if (self) require(hasPermission(perms, Permissions.CHANGE_NICKNAME) || hasPermission(perms, Permissions.MANAGE_NICKNAMES));
    else require(hasPermission(perms, Permissions.MANAGE_NICKNAMES) && outranks());
    if (nick !== current.nick) {
      patch.nick = nick;
      changes.push({ key: 'nick', ...(current.nick ? { old_value: current.nick } : {}), ...(nick ? { new_value: nick } : {}) });
    }
  }
  if (body.communication_disabled_until !== undefined) {
    require(hasPermission(perms, Permissions.MODERATE_MEMBERS) && outranks());
    // Administrators (and so the owner) cannot be timed out.
    require(!hasPermission(deps.cache.basePermissions(state, id, current), Permissions.ADMINISTRATOR));
    const until = parseTimeout(body.communication_disabled_until);
    const before = current.communication_disabled_until;
    if (iso(until) !== before) {
      patch.communication_disabled_until = until;
      changes.push({ key: 'communication_disabled_until', ...(before ? { old_value: before } : {}), ...(until ? { new_value: iso(until) } : {}) });
    }
  }
  for (const key of ['mute', 'deaf'] as const) {
    if (body[key] === undefined) continue;
    require(hasPermission(perms, key === 'mute' ? Permissions.MUTE_MEMBERS : Permissions.DEAFEN_MEMBERS));
    if (body[key] !== current[key]) {
      patch[key] = body[key];
      changes.push({ key, old_value: current[key], new_value: body[key] });
    }
  }

  // Checked before anything is written; applied once the rest committed.
  const move = body.channel_id !== undefined ? await prepareMove(deps, ctx, state, actor, id, current, body.channel_id) : undefined;

  let added: string[] = [];
  let removed: string[] = [];
  if (body.roles !== undefined) {
    const next = new Set(body.roles.filter((r) => r !== guildId));
    added = [...next].filter((r) => !current.roles.includes(r));
    removed = current.roles.filter((r) => !next.has(r));
    if (added.length || removed.length) require(hasPermission(perms, Permissions.MANAGE_ROLES));
    for (const roleId of [...added, ...removed]) {
      const role = state.roles.get(roleId);
      if (!role) throw errors.unknown('role');
      require(isAssignableRole(h, role) && canManageRole(h, actorH, role));
    }
  }

  const nothing = changes.length === 0 && added.length === 0 && removed.length === 0;
  if (nothing) {
    await move?.();
    return current;
  }
  const user = await deps.users.get(id);
  const wire = await deps.tx(async (tx) => {
    if (!(await tx.members.update(guildId, id, patch))) throw errors.unknown('member');
    for (const r of added) await tx.members.addRole(guildId, id, r);
    for (const r of removed) await tx.members.removeRole(guildId, id, r);
    if (changes.length) await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MEMBER_UPDATE, target_id: id, changes });
    if (added.length || removed.length) {
      const named = (ids: string[]) => ids.map((r) => ({ id: r, name: state.roles.get(r)?.name ?? '' }));
      const roleChanges = [...(added.length ? [{ key: '$add', new_value: named(added) }] : []), ...(removed.length ? [{ key: '$remove', new_value: named(removed) }] : [])];
      await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MEMBER_ROLE_UPDATE, target_id: id, changes: roleChanges });
    }
    const record = await tx.guilds.getMember(guildId, id);
    if (!record) throw errors.unknown('member');
    const wire = wireMember(record, user);
    tx.emit({ guild: guildId }, 'GUILD_MEMBER_UPDATE', { ...wire, guild_id: guildId });
    return wire;
  });
  if (patch.mute !== undefined || patch.deaf !== undefined) await serverMuteChanged(deps, guildId, id, { mute: wire.mute, deaf: wire.deaf });
  // A timed-out member is disconnected from voice, as on Discord.
  if (patch.communication_disabled_until) await leftGuild(deps, id, guildId);
  else await move?.();
  // A new nickname is judged by AutoMod's member-profile rules (which may quarantine or release the member).
  if (patch.nick !== undefined) {
    await screenMember(deps, guildId, id);
    const after = await deps.guilds.getMember(guildId, id);
    if (after) return wireMember(after, user);
  }
  return wire;
}

/** `PUT` / `DELETE /guilds/:id/members/:user_id/roles/:role_id`. */
export async function changeMemberRole(deps: MemberDeps, ctx: Ctx, guildId: string, userId: string, roleId: string, give: boolean): Promise<void> {
  const { state } = await deps.access.guild(ctx, guildId);
  if (!state.roles.has(roleId)) throw errors.unknown('role');
  const current = await target(deps, guildId, userId, state);
  const roles = give ? [...new Set([...current.roles, roleId])] : current.roles.filter((r) => r !== roleId);
  await modifyMember(deps, ctx, guildId, userId, { roles });
}

/** `DELETE /guilds/:id/members/:user_id`: the member's sessions lose the guild at once (GUILD_MEMBER_REMOVE). */
export async function kickMember(deps: MemberDeps, ctx: Ctx, guildId: string, userId: string): Promise<void> {
  const { state, member: actor } = await deps.access.guild(ctx, guildId, Permissions.KICK_MEMBERS);
  const current = await target(deps, guildId, userId, state);
  if (!canActOnMember(hierarchyOf(state), { userId: ctx.user.id, roleIds: actor.roles }, { userId, roleIds: current.roles })) throw errors.missingPermissions();
  const user = await deps.users.get(userId);
  if (!user) throw errors.unknown('member');
  await deps.tx(async (tx) => {
    if (!(await tx.guilds.removeMember(guildId, userId))) throw errors.unknown('member');
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.MEMBER_KICK, target_id: userId });
    tx.emit({ guild: guildId }, 'GUILD_MEMBER_REMOVE', { guild_id: guildId, user: wireUser(user) });
  });
}
