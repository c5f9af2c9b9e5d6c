/** Writes of the roles table (created by the guilds module, which reads it for its replicas and snapshots). */
import type { Queryable } from '../../store/db.js';
import { toRole, type RoleRecord } from '../guilds/store.js';

export type RolePatch = Partial<Pick<RoleRecord, 'name' | 'color' | 'secondary_color' | 'tertiary_color' | 'hoist' | 'mentionable' | 'permissions' | 'position'>>;

export interface RoleStore {
  create(role: RoleRecord): Promise<void>;
  get(guildId: string, roleId: string): Promise<RoleRecord | undefined>;
  update(guildId: string, roleId: string, patch: RolePatch): Promise<RoleRecord | undefined>;
  /** Members lose it with it (foreign keys). */
  delete(guildId: string, roleId: string): Promise<boolean>;
  count(guildId: string): Promise<number>;
}

export class SqlRoleStore implements RoleStore {
  constructor(private readonly db: Queryable) {}

  async create(r: RoleRecord) {
    await this.db.run(
      `INSERT INTO roles (id, guild_id, name, color, secondary_color, tertiary_color, hoist, position, permissions, managed, mentionable, bot_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.id, r.guild_id, r.name, r.color, r.secondary_color ?? null, r.tertiary_color ?? null, r.hoist ? 1 : 0, r.position, r.permissions, r.managed ? 1 : 0, r.mentionable ? 1 : 0, r.bot_id],
    );
  }
  async get(guildId: string, roleId: string) {
    const r = await this.db.get('SELECT * FROM roles WHERE guild_id = ? AND id = ?', [guildId, roleId]);
    return r && toRole(r);
  }
  async update(guildId: string, roleId: string, patch: RolePatch) {
    const keys = (Object.keys(patch) as (keyof RolePatch)[]).filter((k) => patch[k] !== undefined);
    if (keys.length > 0) {
      const value = (v: RolePatch[keyof RolePatch]) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null));
      await this.db.run(`UPDATE roles SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE guild_id = ? AND id = ?`, [...keys.map((k) => value(patch[k])), guildId, roleId]);
    }
    return this.get(guildId, roleId);
  }
  async delete(guildId: string, roleId: string) {
    return (await this.db.run('DELETE FROM roles WHERE guild_id = ? AND id = ?', [guildId, roleId])).changes > 0;
  }
  async count(guildId: string) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM roles WHERE guild_id = ?', [guildId]);
    return Number(r?.n ?? 0);
  }
}
