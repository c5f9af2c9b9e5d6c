import type { Queryable, Row } from '../../store/db.js';

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
  /** Counts one use unless the invite is used up or expired at `now` (one conditional write, so concurrent uses never exceed max_uses); false when it could not be used. */
  use(code: string, now: number): Promise<boolean>;
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

export class SqlInviteStore implements InviteStore {
  constructor(private readonly db: Queryable) {}

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
  async delete(code: string) {
    return (await this.db.run('DELETE FROM invites WHERE code = ?', [code])).changes > 0;
  }
}
