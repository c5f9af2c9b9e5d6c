/**
 * Roles: create, modify, delete and reorder, with Discord's hierarchy (the protocol's pure functions). Each
 * action writes its audit entry in its own transaction and announces GUILD_ROLE_* after the commit.
 */
import {
  ALL_PERMISSIONS,
  AuditLogEvents,
  highestRole,
  ErrorCodes,
  Permissions,
  canManageRole,
  compareRoles,
  mayGrantPermissions,
  type HierarchyGuild,
  type Role,
  type RoleBody,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import type { GuildState } from '../guilds/cache.js';
import type { RoleRecord } from '../guilds/store.js';
import { wireRole } from '../wire.js';
import { diffChanges, recordAudit } from '../audit/service.js';
import type { RolePatch } from './store.js';

type RoleDeps = Needs<'roles' | 'audit', 'access' | 'ids'>;

const MAX_ROLES = 250;
const AUDITED = ['name', 'permissions', 'color', 'hoist', 'mentionable', 'position'] as const;

export function hierarchyOf(state: GuildState): HierarchyGuild {
  return { guildId: state.guild.id, ownerId: state.guild.owner_id, roles: state.roles };
}

/** Lowest first. */
const sortRoles = (roles: Iterable<Role>) => [...roles].sort(compareRoles);

function patchOf(body: RoleBody): RolePatch {
  const primary = body.colors?.primary_color ?? body.color;
  return {
    name: body.name,
    permissions: body.permissions === undefined ? undefined : (BigInt(body.permissions) & ALL_PERMISSIONS).toString(),
    color: primary,
    secondary_color: body.colors ? (body.colors.secondary_color ?? null) : undefined,
    tertiary_color: body.colors ? (body.colors.tertiary_color ?? null) : undefined,
    hoist: body.hoist,
    mentionable: body.mentionable,
  };
}

/** `POST /guilds/:id/roles`: a new role just above @everyone, as on Discord (older roles at that position rank above it). */
export async function createRole(deps: RoleDeps, ctx: Ctx, guildId: string, body: RoleBody): Promise<Role> {
  const { state, perms } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_ROLES);
  const everyone = state.roles.get(guildId);
  const patch = patchOf(body);
  const permissions = patch.permissions ?? everyone?.permissions ?? '0';
  if (!mayGrantPermissions(perms, 0n, BigInt(permissions))) throw errors.missingPermissions();
  const role: RoleRecord = {
    id: deps.ids.next(),
    guild_id: guildId,
    name: patch.name ?? 'new role',
    color: patch.color ?? 0,
    secondary_color: patch.secondary_color ?? null,
    tertiary_color: patch.tertiary_color ?? null,
    hoist: patch.hoist ?? false,
    position: 1,
    permissions,
    managed: false,
    mentionable: patch.mentionable ?? false,
    bot_id: null,
  };
  const wire = wireRole(role);
  await deps.tx(async (tx) => {
    if ((await tx.roles.count(guildId)) >= MAX_ROLES) throw new ApiError(400, ErrorCodes.MAX_ROLES, `Maximum number of guild roles reached (${MAX_ROLES})`);
    await tx.roles.create(role);
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.ROLE_CREATE, target_id: role.id, changes: diffChanges(undefined, wire, AUDITED) });
    tx.emit({ guild: guildId }, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: wire });
  });
  return wire;
}

/** The role, if the actor may manage it (MANAGE_ROLES and strictly below their highest role). */
async function manageable(deps: RoleDeps, ctx: Ctx, guildId: string, roleId: string) {
  const access = await deps.access.guild(ctx, guildId, Permissions.MANAGE_ROLES);
  const role = access.state.roles.get(roleId);
  if (!role) throw errors.unknown('role');
  if (!canManageRole(hierarchyOf(access.state), { userId: ctx.user.id, roleIds: access.member.roles }, role)) throw errors.missingPermissions();
  return { ...access, role };
}

/** `PATCH /guilds/:id/roles/:role_id`. @everyone keeps its name; nobody grants a permission they lack. */
export async function modifyRole(deps: RoleDeps, ctx: Ctx, guildId: string, roleId: string, body: RoleBody): Promise<Role> {
  const { role, perms } = await manageable(deps, ctx, guildId, roleId);
  const patch = patchOf(body);
  if (roleId === guildId) {
    patch.name = undefined;
    patch.hoist = undefined;
    patch.mentionable = undefined;
  }
  if (patch.permissions !== undefined && !mayGrantPermissions(perms, BigInt(role.permissions), BigInt(patch.permissions))) throw errors.missingPermissions();
  const updated = await deps.tx(async (tx) => {
    const record = await tx.roles.update(guildId, roleId, patch);
    if (!record) throw errors.unknown('role');
    const wire = wireRole(record);
    const changes = diffChanges(role, wire, AUDITED);
    if (changes.length === 0) return wire;
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.ROLE_UPDATE, target_id: roleId, changes });
    tx.emit({ guild: guildId }, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: wire });
    return wire;
  });
  return updated;
}

/** `DELETE /guilds/:id/roles/:role_id`: never @everyone nor a managed role; its members lose it. */
export async function deleteRole(deps: RoleDeps, ctx: Ctx, guildId: string, roleId: string): Promise<void> {
  const { role } = await manageable(deps, ctx, guildId, roleId);
  if (roleId === guildId) throw new ApiError(400, ErrorCodes.INVALID_ROLE, 'Invalid Role');
  if (role.managed) throw new ApiError(400, ErrorCodes.INVALID_ROLE, 'Invalid Role: managed roles are removed with their bot');
  await deps.tx(async (tx) => {
    if (!(await tx.roles.delete(guildId, roleId))) throw errors.unknown('role');
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.ROLE_DELETE, target_id: roleId, changes: (['name', 'permissions', 'color', 'hoist', 'mentionable'] as const).map((key) => ({ key, old_value: role[key] })) });
    tx.emit({ guild: guildId }, 'GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId });
  });
}

/**
 * `PATCH /guilds/:id/roles` with `[{id, position}]`: the moved roles take their positions, the rest keep their
 * order, and positions are renumbered 1..n above @everyone. Every moved role, and its new place, must be below the
 * actor's highest role. Each role whose position changed gets GUILD_ROLE_UPDATE and an audit entry.
 */
export async function reorderRoles(deps: RoleDeps, ctx: Ctx, guildId: string, body: { id: string; position?: number | null }[]): Promise<Role[]> {
  const { state, member } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_ROLES);
  const h = hierarchyOf(state);
  const actor = { userId: ctx.user.id, roleIds: member.roles };
  const others = sortRoles([...state.roles.values()].filter((r) => r.id !== guildId));
  const top = others.length;
  const wanted = new Map<string, number>();
  body.forEach((m, i) => {
    const role = state.roles.get(m.id);
    if (!role) throw errors.invalidField([String(i), 'id'], 'ROLE_INVALID', 'Unknown role.');
    if (m.position === undefined || m.position === null) return;
    if (m.id === guildId) throw errors.invalidField([String(i), 'id'], 'ROLE_INVALID', '@everyone cannot be moved.');
    if (m.position < 1 || m.position > top) throw errors.invalidField([String(i), 'position'], 'NUMBER_TYPE_MAX', `Position must be between 1 and ${top}.`);
    if (!canManageRole(h, actor, role)) throw errors.missingPermissions();
    wanted.set(m.id, m.position);
  });
  // The moved roles are placed at their positions; the others fill the remaining places in their order.
  const order: (Role | undefined)[] = new Array(top).fill(undefined);
  for (const [id, pos] of [...wanted].sort((a, b) => a[1] - b[1])) {
    let i = pos - 1;
    while (order[i]) i++;
    order[Math.min(i, top - 1)] = state.roles.get(id);
  }
  const rest = others.filter((r) => !wanted.has(r.id));
  for (let i = 0; i < top; i++) if (!order[i]) order[i] = rest.shift();
  const placed = order.filter((r): r is Role => Boolean(r));
  // Nobody moves a role to or above their own highest role (which they cannot move, so it is among the rest).
  if (ctx.user.id !== state.guild.owner_id) {
    const mine = placed.findIndex((r) => r.id === highestRole(h, actor.roleIds).id);
    for (const id of wanted.keys()) if (placed.findIndex((r) => r.id === id) >= mine) throw errors.missingPermissions();
  }
  const moved = placed.map((r, i) => ({ role: r, position: i + 1 })).filter((x) => x.role.position !== x.position);
  if (moved.length > 0) {
    await deps.tx(async (tx) => {
      for (const { role, position } of moved) {
        const record = await tx.roles.update(guildId, role.id, { position });
        if (!record) continue;
        const wire = wireRole(record);
        await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.ROLE_UPDATE, target_id: role.id, changes: [{ key: 'position', old_value: role.position, new_value: position }] });
        tx.emit({ guild: guildId }, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: wire });
      }
    });
  }
  const after = new Map(moved.map((m) => [m.role.id, m.position]));
  return [...state.roles.values()].map((r) => ({ ...r, position: after.get(r.id) ?? r.position })).sort((a, b) => a.position - b.position || compareRoles(b, a));
}
