/** Server settings and moderation requests. Live changes come back as dispatches (roles, members); these only ask. */
import {
  Permissions,
  computeBasePermissions,
  canActOnMember,
  canManageRole,
  hasPermission,
  type AuditLogEntry,
  type AutoModRule,
  type ClientGuild,
  type CreateAutoModRuleBody,
  type Guild,
  type GuildEmoji,
  type Invite,
  type Member,
  type Role,
  type User,
  type Webhook,
} from '@concord/protocol';
import { reportError, rest } from '../../state/api';

const g = (guildId: string) => `/guilds/${guildId}`;

async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    reportError(err);
    return undefined;
  }
}

export const createRole = (guildId: string, name: string) => attempt(() => rest.request<Role>('POST', `${g(guildId)}/roles`, { body: { name } }));
export const modifyRole = (guildId: string, roleId: string, body: { name?: string; color?: number; permissions?: string; hoist?: boolean }) =>
  attempt(() => rest.request<Role>('PATCH', `${g(guildId)}/roles/${roleId}`, { body }));
export const deleteRole = (guildId: string, roleId: string) => attempt(() => rest.request<void>('DELETE', `${g(guildId)}/roles/${roleId}`).then(() => true));
export const setMemberRole = (guildId: string, userId: string, roleId: string, give: boolean) =>
  attempt(() => rest.request<void>(give ? 'PUT' : 'DELETE', `${g(guildId)}/members/${userId}/roles/${roleId}`));
export const kick = (guildId: string, userId: string, reason?: string) => attempt(() => rest.request<void>('DELETE', `${g(guildId)}/members/${userId}`, { reason }).then(() => true));
export const ban = (guildId: string, userId: string, deleteMessageSeconds = 0, reason?: string) =>
  attempt(() => rest.request<void>('PUT', `${g(guildId)}/bans/${userId}`, { body: { delete_message_seconds: deleteMessageSeconds }, reason }).then(() => true));
export const timeout = (guildId: string, userId: string, minutes: number | null, reason?: string) =>
  attempt(() =>
    rest.request<Member>('PATCH', `${g(guildId)}/members/${userId}`, { body: { communication_disabled_until: minutes ? new Date(Date.now() + minutes * 60_000).toISOString() : null }, reason }),
  );

/** The settings Overview edits (Discord's guild fields). */
export interface GuildSettings {
  name: string;
  system_channel_id: string | null;
  afk_channel_id: string | null;
  afk_timeout: number;
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
}
export const fetchGuild = (guildId: string) => attempt(() => rest.request<Guild & Partial<GuildSettings>>('GET', g(guildId)));
export const modifyGuild = (guildId: string, body: Partial<GuildSettings>) => attempt(() => rest.request<Guild & Partial<GuildSettings>>('PATCH', g(guildId), { body }));
/** The guild goes from every client by GUILD_DELETE. */
export const deleteGuild = (guildId: string) => attempt(() => rest.request<void>('DELETE', g(guildId)).then(() => true));
export const leaveGuild = (guildId: string) => attempt(() => rest.request<void>('DELETE', `/users/@me/guilds/${guildId}`).then(() => true));

export interface Ban {
  user: User;
  reason: string | null;
}
/** Every ban, a page of 1000 at a time (Discord's most per request), oldest first. */
export const listBans = (guildId: string) =>
  attempt(async () => {
    const all: Ban[] = [];
    for (let after: string | undefined; ; ) {
      const page = await rest.request<Ban[]>('GET', `${g(guildId)}/bans`, { query: { limit: 1000, ...(after ? { after } : {}) } });
      all.push(...page);
      if (page.length < 1000) return all;
      after = page[page.length - 1]!.user.id;
    }
  });
export const revokeBan = (guildId: string, userId: string) => attempt(() => rest.request<void>('DELETE', `${g(guildId)}/bans/${userId}`).then(() => true));
export const listInvites = (guildId: string) => attempt(() => rest.request<Invite[]>('GET', `${g(guildId)}/invites`));
export const revokeInvite = (code: string) => attempt(() => rest.request<Invite>('DELETE', `/invites/${code}`).then(() => true));

export const listAutoModRules = (guildId: string) => attempt(() => rest.request<AutoModRule[]>('GET', `${g(guildId)}/auto-moderation/rules`));
export const createAutoModRule = (guildId: string, body: CreateAutoModRuleBody) => attempt(() => rest.request<AutoModRule>('POST', `${g(guildId)}/auto-moderation/rules`, { body }));
export const modifyAutoModRule = (guildId: string, ruleId: string, body: Partial<CreateAutoModRuleBody>) =>
  attempt(() => rest.request<AutoModRule>('PATCH', `${g(guildId)}/auto-moderation/rules/${ruleId}`, { body }));
export const deleteAutoModRule = (guildId: string, ruleId: string) => attempt(() => rest.request<void>('DELETE', `${g(guildId)}/auto-moderation/rules/${ruleId}`).then(() => true));

export const listWebhooks = (guildId: string) => attempt(() => rest.request<Webhook[]>('GET', `${g(guildId)}/webhooks`));
export const createWebhook = (channelId: string, name: string) => attempt(() => rest.request<Webhook>('POST', `/channels/${channelId}/webhooks`, { body: { name } }));
export const modifyWebhook = (webhookId: string, body: { name?: string; channel_id?: string; avatar?: string | null }) =>
  attempt(() => rest.request<Webhook>('PATCH', `/webhooks/${webhookId}`, { body }));
export const deleteWebhook = (webhookId: string) => attempt(() => rest.request<void>('DELETE', `/webhooks/${webhookId}`).then(() => true));
export const listEmojis = (guildId: string) => attempt(() => rest.request<GuildEmoji[]>('GET', `${g(guildId)}/emojis`));
export const createEmoji = (guildId: string, body: { name: string; image: string }) => attempt(() => rest.request<GuildEmoji>('POST', `${g(guildId)}/emojis`, { body }));
export const renameEmoji = (guildId: string, emojiId: string, name: string) => attempt(() => rest.request<GuildEmoji>('PATCH', `${g(guildId)}/emojis/${emojiId}`, { body: { name } }));
export const deleteEmoji = (guildId: string, emojiId: string) => attempt(() => rest.request<void>('DELETE', `${g(guildId)}/emojis/${emojiId}`).then(() => true));

export interface AuditLog {
  audit_log_entries: AuditLogEntry[];
  users: User[];
}
export const fetchAuditLog = (guildId: string, q: { user_id?: string; action_type?: number; before?: string; limit?: number }) =>
  attempt(() => rest.request<AuditLog>('GET', `${g(guildId)}/audit-logs`, { query: q }));

/** What the signed-in user may do in the guild, from the same pure math the server uses. */
export function powers(guild: ClientGuild, userId: string | undefined) {
  const member = userId ? guild.members[userId] : undefined;
  const perms = userId
    ? computeBasePermissions({
        guildId: guild.id,
        ownerId: guild.owner_id,
        userId,
        memberRoleIds: member?.roles ?? [],
        roles: Object.values(guild.roles).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
      })
    : 0n;
  const h = { guildId: guild.id, ownerId: guild.owner_id, roles: Object.values(guild.roles) };
  const me = { userId: userId ?? '', roleIds: member?.roles ?? [] };
  return {
    perms,
    has: (bit: bigint) => hasPermission(perms, bit),
    canManageRole: (role: Role) => canManageRole(h, me, role),
    canActOn: (targetId: string) => canActOnMember(h, me, { userId: targetId, roleIds: guild.members[targetId]?.roles ?? [] }),
  };
}

/** Roles highest first, as Discord lists them. */
export function rolesByRank(guild: ClientGuild): Role[] {
  return Object.values(guild.roles).sort((a, b) => b.position - a.position || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

export const hex = (color: number) => `#${color.toString(16).padStart(6, '0')}`;

const SETTINGS_POWERS = Permissions.MANAGE_WEBHOOKS | Permissions.MANAGE_ROLES | Permissions.KICK_MEMBERS | Permissions.BAN_MEMBERS | Permissions.MODERATE_MEMBERS | Permissions.MANAGE_GUILD | Permissions.VIEW_AUDIT_LOG;

/** Whether the server settings have anything for this user. */
export function canOpenSettings(guild: ClientGuild, userId: string | undefined): boolean {
  return (powers(guild, userId).perms & SETTINGS_POWERS) !== 0n;
}

/** The colour of a member's highest coloured role, as names are drawn on Discord; undefined for none. */
export function memberColor(guild: ClientGuild, roleIds: readonly string[]): string | undefined {
  let best: Role | undefined;
  for (const id of roleIds) {
    const r = guild.roles[id];
    if (r && r.color && (!best || r.position > best.position)) best = r;
  }
  return best ? hex(best.color) : undefined;
}
