import type { Db, Row } from '../../store/db.js';
import { insertMember, type MemberRecord } from '../guilds/store.js';

export interface InviteRecord {
  code: string;
  guild_id: string;
  channel_id: string;
  inviter_id: string;
  max_age: number;
  max_uses: number;
  uses: number;
  temporary: boolean;
  created_at: number;
}

export interface InviteStore {
  create(invite: InviteRecord): Promise<void>;
  get(code: string): Promise<InviteRecord | undefined>;
  listByGuild(guildId: string): Promise<InviteRecord[]>;
  /** Counts one use unless the invite is used up or expired at `now`; false when it could not be used. */
  use(code: string, now: number): Promise<boolean>;
  /**
   * Joins through the invite in one transaction: adds the member and counts one use, or neither. 'member' when
   * the user already was one (no use counted), 'unusable' when the invite is used up, expired or gone.
   */
  accept(code: string, member: MemberRecord, now: number): Promise<'joined' | 'member' | 'unusable'>;
  delete(code: string): Promise<boolean>;
}

const toInvite = (r: Row): InviteRecord => ({
  code: r.code,
  guild_id: String(r.guild_id),
  channel_id: String(r.channel_id),
  inviter_id: String(r.inviter_id),
  max_age: r.max_age,
  max_uses: r.max_uses,
  uses: r.uses,
  temporary: Boolean(r.temporary),
  created_at: r.created_at,
});

/** One conditional UPDATE, so concurrent joins can never exceed max_uses. */
const USE =
  'UPDATE invites SET uses = uses + 1 WHERE code = ? AND (max_uses = 0 OR uses < max_uses) AND (max_age = 0 OR created_at + max_age * 1000 > ?)';

/** Thrown inside `accept`'s transaction to roll the member back. */
class Unusable extends Error {}

export class SqlInviteStore implements InviteStore {
  constructor(private readonly db: Db) {}

  async create(i: InviteRecord) {
    await this.db.run(
      'INSERT INTO invites (code, guild_id, channel_id, inviter_id, max_age, max_uses, uses, temporary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [i.code, i.guild_id, i.channel_id, i.inviter_id, i.max_age, i.max_uses, i.uses, i.temporary ? 1 : 0, i.created_at],
    );
  }
  async get(code: string) {
    const r = await this.db.get('SELECT * FROM invites WHERE code = ?', [code]);
    return r && toInvite(r);
  }
  async listByGuild(guildId: string) {
    return (await this.db.all('SELECT * FROM invites WHERE guild_id = ? ORDER BY created_at', [guildId])).map(toInvite);
  }
  async use(code: string, now: number) {
    return (await this.db.run(USE, [code, now])).changes > 0;
  }
  async accept(code: string, member: MemberRecord, now: number) {
    try {
      return await this.db.tx(async (q) => {
        // The member row first: a concurrent accept by the same person waits on it, then finds them a member.
        if (!(await insertMember(q, member))) return 'member' as const;
        if ((await q.run(USE, [code, now])).changes === 0) throw new Unusable();
        return 'joined' as const;
      });
    } catch (err) {
      if (err instanceof Unusable) return 'unusable';
      throw err;
    }
  }
  async delete(code: string) {
    return (await this.db.run('DELETE FROM invites WHERE code = ?', [code])).changes > 0;
  }
}
