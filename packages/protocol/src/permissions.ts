/** Discord permission bits and the pure permission math (no I/O). */
export const Permissions = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  PRIORITY_SPEAKER: 1n << 8n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  SEND_TTS_MESSAGES: 1n << 12n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  VIEW_GUILD_INSIGHTS: 1n << 19n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  USE_VAD: 1n << 25n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  REQUEST_TO_SPEAK: 1n << 32n,
  MANAGE_EVENTS: 1n << 33n,
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  USE_EXTERNAL_STICKERS: 1n << 37n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  USE_EMBEDDED_ACTIVITIES: 1n << 39n,
  MODERATE_MEMBERS: 1n << 40n,
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 1n << 41n,
  USE_SOUNDBOARD: 1n << 42n,
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
  CREATE_EVENTS: 1n << 44n,
  USE_EXTERNAL_SOUNDS: 1n << 45n,
  SEND_VOICE_MESSAGES: 1n << 46n,
  SEND_POLLS: 1n << 49n,
  USE_EXTERNAL_APPS: 1n << 50n,
} as const;

export type PermissionName = keyof typeof Permissions;

export const ALL_PERMISSIONS = Object.values(Permissions).reduce((a, b) => a | b, 0n);

/** What @everyone gets in a new guild (Discord's default set). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permissions.CREATE_INSTANT_INVITE |
  Permissions.ADD_REACTIONS |
  Permissions.STREAM |
  Permissions.VIEW_CHANNEL |
  Permissions.SEND_MESSAGES |
  Permissions.EMBED_LINKS |
  Permissions.ATTACH_FILES |
  Permissions.READ_MESSAGE_HISTORY |
  Permissions.MENTION_EVERYONE |
  Permissions.USE_EXTERNAL_EMOJIS |
  Permissions.CONNECT |
  Permissions.SPEAK |
  Permissions.USE_VAD |
  Permissions.CHANGE_NICKNAME |
  Permissions.USE_APPLICATION_COMMANDS |
  Permissions.REQUEST_TO_SPEAK |
  Permissions.CREATE_PUBLIC_THREADS |
  Permissions.CREATE_PRIVATE_THREADS |
  Permissions.USE_EXTERNAL_STICKERS |
  Permissions.SEND_MESSAGES_IN_THREADS |
  Permissions.USE_EMBEDDED_ACTIVITIES |
  Permissions.SEND_VOICE_MESSAGES |
  Permissions.SEND_POLLS |
  Permissions.USE_EXTERNAL_APPS;

export interface PermissionRole {
  id: string;
  permissions: bigint;
}

export interface PermissionOverwrite {
  id: string;
  /** 0 = role, 1 = member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface GuildPermissionInput {
  guildId: string;
  ownerId: string;
  userId: string;
  /** The member's role ids, not including @everyone. */
  memberRoleIds: readonly string[];
  /** Every role of the guild, including @everyone (whose id equals the guild id). */
  roles: ReadonlyMap<string, PermissionRole> | readonly PermissionRole[];
  /** When the member is timed out, only VIEW_CHANNEL and READ_MESSAGE_HISTORY remain. */
  communicationDisabledUntil?: number | null;
  /** A member AutoMod quarantined for their name: restricted as a timeout is, until the name changes. */
  quarantined?: boolean;
  now?: number;
}

function roleLookup(roles: GuildPermissionInput['roles']): (id: string) => PermissionRole | undefined {
  if (roles instanceof Map) return (id) => roles.get(id);
  const list = roles as readonly PermissionRole[];
  return (id) => list.find((r) => r.id === id);
}

/** Guild-level permissions, as Discord computes them. */
export function computeBasePermissions(input: GuildPermissionInput): bigint {
  if (input.userId === input.ownerId) return ALL_PERMISSIONS;
  const get = roleLookup(input.roles);
  let perms = get(input.guildId)?.permissions ?? 0n;
  for (const roleId of input.memberRoleIds) perms |= get(roleId)?.permissions ?? 0n;
  if (perms & Permissions.ADMINISTRATOR) return ALL_PERMISSIONS;
  return perms;
}

const TIMEOUT_ALLOWED = Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY;

/** Channel-level permissions: base permissions with @everyone, role and member overwrites applied in order. */
export function computeChannelPermissions(
  input: GuildPermissionInput,
  overwrites: readonly PermissionOverwrite[],
): bigint {
  const base = computeBasePermissions(input);
  if (base & Permissions.ADMINISTRATOR || input.userId === input.ownerId) return ALL_PERMISSIONS;
  let perms = base;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.memberRoleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  // Without VIEW_CHANNEL nothing else in the channel applies.
  if (!(perms & Permissions.VIEW_CHANNEL)) return 0n;
  const until = input.communicationDisabledUntil;
  if ((until && until > (input.now ?? Date.now())) || input.quarantined) perms &= TIMEOUT_ALLOWED;
  return perms;
}

export function hasPermission(perms: bigint, required: bigint): boolean {
  return (perms & required) === required;
}

export function permissionNames(perms: bigint): PermissionName[] {
  return (Object.keys(Permissions) as PermissionName[]).filter((k) => (perms & Permissions[k]) !== 0n);
}

/**
 * What a recipient of a DM or group DM may do: the text and voice permissions of a channel, without managing
 * others' messages. The group DM's owner also manages the channel (name, icon, recipients).
 */
export const PRIVATE_CHANNEL_PERMISSIONS =
  Permissions.VIEW_CHANNEL |
  Permissions.SEND_MESSAGES |
  Permissions.SEND_TTS_MESSAGES |
  Permissions.EMBED_LINKS |
  Permissions.ATTACH_FILES |
  Permissions.READ_MESSAGE_HISTORY |
  Permissions.MENTION_EVERYONE |
  Permissions.USE_EXTERNAL_EMOJIS |
  Permissions.ADD_REACTIONS |
  Permissions.CONNECT |
  Permissions.SPEAK |
  Permissions.STREAM |
  Permissions.USE_VAD |
  Permissions.USE_APPLICATION_COMMANDS |
  Permissions.USE_EXTERNAL_STICKERS |
  Permissions.SEND_VOICE_MESSAGES |
  Permissions.SEND_POLLS |
  Permissions.USE_EXTERNAL_APPS;

export interface PrivateChannelPermissionInput {
  userId: string;
  recipientIds: readonly string[];
  /** Group DMs have an owner; DMs do not. */
  ownerId?: string | null;
}

/** Private channels have no roles or overwrites: a recipient has the recipient set, anyone else nothing. */
export function computePrivateChannelPermissions(input: PrivateChannelPermissionInput): bigint {
  if (!input.recipientIds.includes(input.userId)) return 0n;
  return input.ownerId === input.userId ? PRIVATE_CHANNEL_PERMISSIONS | Permissions.MANAGE_CHANNELS : PRIVATE_CHANNEL_PERMISSIONS;
}

export interface ThreadPermissionInput {
  /** The member's permissions in the thread's parent channel. */
  parentPermissions: bigint;
  /** Private threads are seen by their members and by those who manage threads. */
  isPrivate: boolean;
  isMember: boolean;
}

/**
 * A thread inherits its parent's permissions, with Discord's two differences: sending needs
 * SEND_MESSAGES_IN_THREADS (reported as SEND_MESSAGES, so callers check one bit everywhere), and a private
 * thread is invisible to non-members without MANAGE_THREADS.
 */
export function computeThreadPermissions(input: ThreadPermissionInput): bigint {
  let perms = input.parentPermissions;
  if (!(perms & Permissions.VIEW_CHANNEL)) return 0n;
  if (input.isPrivate && !input.isMember && !(perms & Permissions.MANAGE_THREADS)) return 0n;
  perms &= ~Permissions.SEND_MESSAGES;
  if (perms & Permissions.SEND_MESSAGES_IN_THREADS) perms |= Permissions.SEND_MESSAGES;
  return perms;
}

/**
 * The permission bits an overwrite change touches (allowed, denied or cleared), and whether anything changed at
 * all: writing overwrites is managing permissions, so every touched bit must be one the writer has.
 */
export function overwriteChange(
  current: readonly { id: string; type: number; allow: string | bigint; deny: string | bigint }[],
  next: readonly { id: string; type: number; allow: string | bigint; deny: string | bigint }[],
): { touched: boolean; bits: bigint } {
  const before = new Map(current.map((o) => [`${o.type}:${o.id}`, { allow: BigInt(o.allow), deny: BigInt(o.deny) }]));
  let bits = 0n;
  for (const o of next) {
    const key = `${o.type}:${o.id}`;
    const old = before.get(key) ?? { allow: 0n, deny: 0n };
    before.delete(key);
    bits |= (old.allow ^ BigInt(o.allow)) | (old.deny ^ BigInt(o.deny));
  }
  for (const removed of before.values()) bits |= removed.allow | removed.deny;
  return { touched: next.length !== current.length || bits !== 0n, bits };
}

/** MANAGE_ROLES, and every touched bit that means something; bits no permission uses carry no power. */
export function mayWriteOverwrites(perms: bigint, change: { touched: boolean; bits: bigint }): boolean {
  if (!change.touched) return true;
  return hasPermission(perms, Permissions.MANAGE_ROLES) && hasPermission(perms, change.bits & ALL_PERMISSIONS);
}

/**
 * Role hierarchy, as on Discord. Roles rank by position, then (at equal positions) the older role, with the lower
 * id, ranks higher. Nobody acts on a role at or above their highest role, or on a member whose highest role is at or
 * above theirs; only the owner is exempt (and no one acts on the owner). ADMINISTRATOR grants every permission but
 * not rank. Managed roles (a bot's) are given and taken by the platform alone.
 */
export interface HierarchyRole {
  id: string;
  position: number;
  managed?: boolean;
}

export interface HierarchyGuild {
  guildId: string;
  ownerId: string;
  roles: ReadonlyMap<string, HierarchyRole> | readonly HierarchyRole[];
}

export interface HierarchyMember {
  userId: string;
  /** Not including @everyone. */
  roleIds: readonly string[];
}

/** Positive when `a` ranks above `b`, negative below, 0 for the same role. */
export function compareRoles(a: HierarchyRole, b: HierarchyRole): number {
  if (a.position !== b.position) return a.position - b.position;
  if (a.id === b.id) return 0;
  return BigInt(a.id) < BigInt(b.id) ? 1 : -1;
}

function hierarchyLookup(roles: HierarchyGuild['roles']): (id: string) => HierarchyRole | undefined {
  if (roles instanceof Map) return (id) => roles.get(id);
  const list = roles as readonly HierarchyRole[];
  return (id) => list.find((r) => r.id === id);
}

/** The member's highest role; @everyone (position 0) when they have none. */
export function highestRole(guild: HierarchyGuild, roleIds: readonly string[]): HierarchyRole {
  const get = hierarchyLookup(guild.roles);
  let top: HierarchyRole = get(guild.guildId) ?? { id: guild.guildId, position: 0 };
  for (const id of roleIds) {
    const r = get(id);
    if (r && compareRoles(r, top) > 0) top = r;
  }
  return top;
}

/** May `actor` edit, delete, move, give or take `role`? Strictly below the actor's highest role, or the owner. */
export function canManageRole(guild: HierarchyGuild, actor: HierarchyMember, role: HierarchyRole): boolean {
  if (actor.userId === guild.ownerId) return true;
  return compareRoles(highestRole(guild, actor.roleIds), role) > 0;
}

/** May `role` be given to or taken from a member by hand? Not @everyone (everyone has it) nor a managed role. */
export function isAssignableRole(guild: HierarchyGuild, role: HierarchyRole): boolean {
  return role.id !== guild.guildId && !role.managed;
}

/** May `actor` act on `target` (kick, ban, time out, rename, ...)? Never on the owner or on oneself through this. */
export function canActOnMember(guild: HierarchyGuild, actor: HierarchyMember, target: HierarchyMember): boolean {
  if (target.userId === guild.ownerId || target.userId === actor.userId) return false;
  if (actor.userId === guild.ownerId) return true;
  return compareRoles(highestRole(guild, actor.roleIds), highestRole(guild, target.roleIds)) > 0;
}

/**
 * Which permission bits a role change may carry: an actor grants only what they hold (the owner and
 * administrators hold all). Bits the role already had and keeps are not a grant.
 */
export function mayGrantPermissions(actorPerms: bigint, before: bigint, after: bigint): boolean {
  const granted = (after & ~before) & ALL_PERMISSIONS;
  return hasPermission(actorPerms, granted);
}

/** The longest timeout Discord allows: 28 days. */
export const MAX_TIMEOUT_MS = 28 * 24 * 60 * 60 * 1000;

/** A member is timed out while `communication_disabled_until` lies ahead; it ends by itself. */
export function isCommunicationDisabled(member: { communication_disabled_until?: string | null }, now = Date.now()): boolean {
  const until = member.communication_disabled_until;
  return Boolean(until && Date.parse(until) > now);
}

/** A per-guild command permission (see interactions.ts): a role (the guild's id: @everyone), a user or a channel. */
export interface CommandOverwrite {
  id: string;
  type: 1 | 2 | 3;
  permission: boolean;
}

export interface CommandUseInput {
  guildId: string;
  userId: string;
  roleIds: readonly string[];
  /** The channel the command runs in (a thread: its parent), with the member's permissions there. */
  channelId: string;
  channelPerms: bigint;
  defaultMemberPermissions: string | null;
  /** The command's own permissions in the guild, and its application's (the defaults of all its commands). */
  command?: readonly CommandOverwrite[];
  application?: readonly CommandOverwrite[];
}

/** "All channels" in command permissions: the guild's id minus one, as on Discord. */
export const allChannelsId = (guildId: string): string => (BigInt(guildId) - 1n).toString();

/** The member's verdict of one level (the command's, or the application's): undefined when it says nothing. */
function memberVerdict(list: readonly CommandOverwrite[] | undefined, input: CommandUseInput): boolean | undefined {
  if (!list?.length) return undefined;
  const user = list.find((p) => p.type === 2 && p.id === input.userId);
  if (user) return user.permission;
  const roles = list.filter((p) => p.type === 1 && p.id !== input.guildId && input.roleIds.includes(p.id));
  // A role that allows wins over one that denies, as with channel overwrites.
  if (roles.some((p) => p.permission)) return true;
  if (roles.length > 0) return false;
  return list.find((p) => p.type === 1 && p.id === input.guildId)?.permission;
}

function channelVerdict(list: readonly CommandOverwrite[] | undefined, input: CommandUseInput): boolean | undefined {
  if (!list?.length) return undefined;
  const all = allChannelsId(input.guildId);
  return (list.find((p) => p.type === 3 && p.id === input.channelId) ?? list.find((p) => p.type === 3 && p.id === all))?.permission;
}

/**
 * Whether a member may see and run a command in a guild channel, as Discord decides: USE_APPLICATION_COMMANDS
 * first; then the channel (the command's entry for the channel, its "all channels" entry, then the
 * application's); then the member (user, roles, @everyone: the command's level before the application's);
 * and only when neither level names the member, `default_member_permissions` (administrators pass it).
 */
export function mayUseCommandIn(input: CommandUseInput): boolean {
  if (!hasPermission(input.channelPerms, Permissions.USE_APPLICATION_COMMANDS)) return false;
  const channel = channelVerdict(input.command, input) ?? channelVerdict(input.application, input);
  if (channel === false) return false;
  const member = memberVerdict(input.command, input) ?? memberVerdict(input.application, input);
  if (member !== undefined) return member;
  return meetsDefaultPermissions(input.defaultMemberPermissions, input.channelPerms);
}

/** `default_member_permissions`: null is everyone, "0" administrators only, else every bit it names. */
export function meetsDefaultPermissions(required: string | null, perms: bigint): boolean {
  if (required == null) return true;
  if (hasPermission(perms, Permissions.ADMINISTRATOR)) return true;
  const need = BigInt(required);
  return need === 0n ? false : hasPermission(perms, need);
}
