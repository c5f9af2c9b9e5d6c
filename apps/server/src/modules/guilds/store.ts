import type { Queryable, Row } from '../../store/db.js';

export interface GuildRecord {
  id: string;
  name: string;
  icon: string | null;
  description: string | null;
  owner_id: string;
  system_channel_id: string | null;
  /** Discord's SystemChannelFlags: bit 0 suppresses the join notices. */
  system_channel_flags: number;
  afk_channel_id: string | null;
  afk_timeout: number;
  created_at: number;
  /** 0 none, 1 low, 2 medium, 3 high, 4 very high (Discord's levels; see messages' verification gate). */
  verification_level?: number;
  default_message_notifications?: number;
  explicit_content_filter?: number;
}

export interface RoleRecord {
  id: string;
  guild_id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  bot_id: string | null;
  /** A gradient's second colour and a holographic role's third (Discord's `colors`). */
  secondary_color?: number | null;
  tertiary_color?: number | null;
}

export interface MemberRecord {
  guild_id: string;
  user_id: string;
  nick: string | null;
  joined_at: number;
  deaf: boolean;
  mute: boolean;
  communication_disabled_until: number | null;
  /** Discord's guild member flags (AutoMod's quarantine); 0 when left out. */
  flags?: number;
  /** Role ids, not including @everyone. */
  roles: string[];
}

export type GuildPatch = Partial<Pick<GuildRecord, 'name' | 'icon' | 'description' | 'system_channel_id' | 'system_channel_flags' | 'afk_channel_id' | 'afk_timeout' | 'owner_id' | 'verification_level' | 'default_message_notifications' | 'explicit_content_filter'>>;

/** Some methods write several rows (a member and its roles): services call them in a transaction. */
export interface GuildStore {
  create(guild: GuildRecord): Promise<void>;
  get(id: string): Promise<GuildRecord | undefined>;
  update(id: string, patch: GuildPatch): Promise<GuildRecord | undefined>;
  /** Deletes the guild; its roles, members, channels and invites go with it (foreign keys). */
  delete(id: string): Promise<boolean>;
  guildIdsForUser(userId: string): Promise<string[]>;
  roles(guildId: string): Promise<RoleRecord[]>;
  createRole(role: RoleRecord): Promise<void>;
  /** Adds the member (and roles); false when already a member. */
  addMember(member: MemberRecord): Promise<boolean>;
  removeMember(guildId: string, userId: string): Promise<boolean>;
  getMember(guildId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(guildId: string, opts: { after?: string; limit: number }): Promise<MemberRecord[]>;
  countMembers(guildId: string): Promise<number>;
  /**
   * Members whose username starts with `prefix` and, when `userIds` is given, who are among them; in user id
   * order after `after`, at most `limit`. Filtered and paged in the database.
   */
  findMembers(guildId: string, filter: { prefix?: string; userIds?: readonly string[] }, page: { after?: string; limit: number }): Promise<MemberRecord[]>;
  /** How many members `findMembers` would find without paging. */
  countFoundMembers(guildId: string, filter: { prefix?: string; userIds?: readonly string[] }): Promise<number>;
}

const toGuild = (r: Row): GuildRecord => ({
  id: String(r.id),
  name: r.name,
  icon: r.icon ?? null,
  description: r.description ?? null,
  owner_id: String(r.owner_id),
  system_channel_id: r.system_channel_id == null ? null : String(r.system_channel_id),
  system_channel_flags: r.system_channel_flags ?? 0,
  afk_channel_id: r.afk_channel_id == null ? null : String(r.afk_channel_id),
  afk_timeout: r.afk_timeout,
  created_at: r.created_at,
  verification_level: Number(r.verification_level ?? 0),
  default_message_notifications: Number(r.default_message_notifications ?? 0),
  explicit_content_filter: Number(r.explicit_content_filter ?? 0),
});

export const toRole = (r: Row): RoleRecord => ({
  id: String(r.id),
  guild_id: String(r.guild_id),
  name: r.name,
  color: r.color,
  hoist: Boolean(r.hoist),
  position: r.position,
  permissions: r.permissions,
  managed: Boolean(r.managed),
  mentionable: Boolean(r.mentionable),
  bot_id: r.bot_id == null ? null : String(r.bot_id),
  secondary_color: r.secondary_color ?? null,
  tertiary_color: r.tertiary_color ?? null,
});

const toMember = (r: Row, roles: string[]): MemberRecord => ({
  guild_id: String(r.guild_id),
  user_id: String(r.user_id),
  nick: r.nick ?? null,
  joined_at: r.joined_at,
  deaf: Boolean(r.deaf),
  mute: Boolean(r.mute),
  communication_disabled_until: r.communication_disabled_until ?? null,
  flags: Number(r.flags ?? 0),
  roles,
});

export class SqlGuildStore implements GuildStore {
  constructor(private readonly db: Queryable) {}

  async create(guild: GuildRecord) {
    await this.db.run(
      'INSERT INTO guilds (id, name, icon, description, owner_id, system_channel_id, system_channel_flags, afk_channel_id, afk_timeout, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [guild.id, guild.name, guild.icon, guild.description, guild.owner_id, guild.system_channel_id, guild.system_channel_flags, guild.afk_channel_id, guild.afk_timeout, guild.created_at],
    );
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM guilds WHERE id = ?', [id]);
    return r && toGuild(r);
  }
  async update(id: string, patch: GuildPatch) {
    const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) as (keyof GuildPatch)[];
    if (keys.length > 0) {
      await this.db.run(`UPDATE guilds SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`, [
        ...keys.map((k) => patch[k] ?? null),
        id,
      ]);
    }
    return this.get(id);
  }
  async delete(id: string) {
    return (await this.db.run('DELETE FROM guilds WHERE id = ?', [id])).changes > 0;
  }
  async guildIdsForUser(userId: string) {
    return (await this.db.all('SELECT guild_id FROM members WHERE user_id = ? ORDER BY guild_id', [userId])).map((r) => String(r.guild_id));
  }
  async roles(guildId: string) {
    return (await this.db.all('SELECT * FROM roles WHERE guild_id = ? ORDER BY position, id', [guildId])).map(toRole);
  }
  async createRole(r: RoleRecord) {
    await this.db.run(
      'INSERT INTO roles (id, guild_id, name, color, hoist, position, permissions, managed, mentionable, bot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [r.id, r.guild_id, r.name, r.color, r.hoist ? 1 : 0, r.position, r.permissions, r.managed ? 1 : 0, r.mentionable ? 1 : 0, r.bot_id],
    );
  }
  async addMember(m: MemberRecord) {
    const { changes } = await this.db.run(
      'INSERT INTO members (guild_id, user_id, nick, joined_at, deaf, mute, communication_disabled_until) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [m.guild_id, m.user_id, m.nick, m.joined_at, m.deaf ? 1 : 0, m.mute ? 1 : 0, m.communication_disabled_until],
    );
    if (changes === 0) return false;
    for (const roleId of m.roles) {
      await this.db.run('INSERT INTO member_roles (guild_id, user_id, role_id) VALUES (?, ?, ?)', [m.guild_id, m.user_id, roleId]);
    }
    return true;
  }
  async removeMember(guildId: string, userId: string) {
    return (await this.db.run('DELETE FROM members WHERE guild_id = ? AND user_id = ?', [guildId, userId])).changes > 0;
  }
  async getMember(guildId: string, userId: string) {
    const r = await this.db.get('SELECT * FROM members WHERE guild_id = ? AND user_id = ?', [guildId, userId]);
    if (!r) return undefined;
    const roles = await this.db.all('SELECT role_id FROM member_roles WHERE guild_id = ? AND user_id = ? ORDER BY role_id', [guildId, userId]);
    return toMember(r, roles.map((x) => String(x.role_id)));
  }
  async listMembers(guildId: string, opts: { after?: string; limit: number }) {
    const rows = await this.db.all('SELECT * FROM members WHERE guild_id = ? AND user_id > ? ORDER BY user_id LIMIT ?', [
      guildId,
      opts.after ?? '0',
      opts.limit,
    ]);
    if (rows.length === 0) return [];
    const last = rows[rows.length - 1]!;
    const roleRows = await this.db.all(
      'SELECT user_id, role_id FROM member_roles WHERE guild_id = ? AND user_id >= ? AND user_id <= ? ORDER BY role_id',
      [guildId, String(rows[0]!.user_id), String(last.user_id)],
    );
    const byUser = new Map<string, string[]>();
    for (const rr of roleRows) {
      const list = byUser.get(String(rr.user_id)) ?? [];
      list.push(String(rr.role_id));
      byUser.set(String(rr.user_id), list);
    }
    return rows.map((r) => toMember(r, byUser.get(String(r.user_id)) ?? []));
  }
  async countMembers(guildId: string) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM members WHERE guild_id = ?', [guildId]);
    return Number(r?.n ?? 0);
  }
  async findMembers(guildId: string, filter: { prefix?: string; userIds?: readonly string[] }, page: { after?: string; limit: number }) {
    const { where, params } = this.memberFilter(guildId, filter);
    const rows = await this.db.all(
      `SELECT m.* FROM members m JOIN users u ON u.id = m.user_id WHERE ${where} AND m.user_id > ? ORDER BY m.user_id LIMIT ?`,
      [...params, page.after ?? '0', page.limit],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((r) => String(r.user_id));
    const roleRows = await this.db.all(
      `SELECT user_id, role_id FROM member_roles WHERE guild_id = ? AND user_id IN (${ids.map(() => '?').join(', ')}) ORDER BY role_id`,
      [guildId, ...ids],
    );
    const byUser = new Map<string, string[]>();
    for (const rr of roleRows) byUser.set(String(rr.user_id), [...(byUser.get(String(rr.user_id)) ?? []), String(rr.role_id)]);
    return rows.map((r) => toMember(r, byUser.get(String(r.user_id)) ?? []));
  }
  async countFoundMembers(guildId: string, filter: { prefix?: string; userIds?: readonly string[] }) {
    const { where, params } = this.memberFilter(guildId, filter);
    const r = await this.db.get(`SELECT COUNT(*) AS n FROM members m JOIN users u ON u.id = m.user_id WHERE ${where}`, params);
    return Number(r?.n ?? 0);
  }
  /** The WHERE clause shared by findMembers and countFoundMembers; `substr` compares the same way in both dialects (LIKE does not). */
  private memberFilter(guildId: string, filter: { prefix?: string; userIds?: readonly string[] }) {
    const where = ['m.guild_id = ?'];
    const params: (string | number)[] = [guildId];
    if (filter.prefix) {
      where.push('substr(u.username, 1, ?) = ?');
      params.push(filter.prefix.length, filter.prefix);
    }
    if (filter.userIds) {
      where.push(filter.userIds.length ? `m.user_id IN (${filter.userIds.map(() => '?').join(', ')})` : '1 = 0');
      params.push(...filter.userIds);
    }
    return { where: where.join(' AND '), params };
  }
}
