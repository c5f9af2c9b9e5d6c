/** Writes of a member's row and roles (the members tables belong to the guilds module, which reads them). */
import type { Queryable } from '../../store/db.js';
import type { MemberRecord } from '../guilds/store.js';

export type MemberPatch = Partial<Pick<MemberRecord, 'nick' | 'communication_disabled_until' | 'mute' | 'deaf' | 'flags'>>;

export interface MemberStore {
  /** False when not a member. */
  update(guildId: string, userId: string, patch: MemberPatch): Promise<boolean>;
  addRole(guildId: string, userId: string, roleId: string): Promise<void>;
  removeRole(guildId: string, userId: string, roleId: string): Promise<void>;
}

export class SqlMemberStore implements MemberStore {
  constructor(private readonly db: Queryable) {}

  async update(guildId: string, userId: string, patch: MemberPatch) {
    const keys = (Object.keys(patch) as (keyof MemberPatch)[]).filter((k) => patch[k] !== undefined);
    const value = (v: MemberPatch[keyof MemberPatch]) => (typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null));
    const sets = keys.length ? keys.map((k) => `${k} = ?`).join(', ') : 'guild_id = guild_id';
    const { changes } = await this.db.run(`UPDATE members SET ${sets} WHERE guild_id = ? AND user_id = ?`, [...keys.map((k) => value(patch[k])), guildId, userId]);
    return changes > 0;
  }
  async addRole(guildId: string, userId: string, roleId: string) {
    await this.db.run('INSERT INTO member_roles (guild_id, user_id, role_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [guildId, userId, roleId]);
  }
  async removeRole(guildId: string, userId: string, roleId: string) {
    await this.db.run('DELETE FROM member_roles WHERE guild_id = ? AND user_id = ? AND role_id = ?', [guildId, userId, roleId]);
  }
}
