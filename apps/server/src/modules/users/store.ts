import type { Queryable, Row } from '../../store/db.js';

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  password_hash: string | null;
  global_name: string | null;
  avatar: string | null;
  bot: boolean;
  flags: number;
  created_at: number;
  /** When the user last stopped being visibly online (ms); null when never seen. */
  last_seen_at?: number | null;
  /** False when the user hides their last seen (and so sees no one's). */
  show_last_seen?: boolean;
}

export interface UserStore {
  create(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | undefined>;
  getMany(ids: readonly string[]): Promise<UserRecord[]>;
  getByEmail(email: string): Promise<UserRecord | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  update(id: string, patch: Partial<Pick<UserRecord, 'username' | 'global_name' | 'avatar'>>): Promise<UserRecord | undefined>;
  addToken(tokenHash: string, userId: string, now: number): Promise<void>;
  userIdForToken(tokenHash: string): Promise<string | undefined>;
  revokeToken(tokenHash: string): Promise<boolean>;
  setLastSeen(id: string, at: number): Promise<void>;
  setShowLastSeen(id: string, show: boolean): Promise<void>;
}

export const toUser = (r: Row): UserRecord => ({
  id: String(r.id),
  username: r.username,
  email: r.email ?? null,
  password_hash: r.password_hash ?? null,
  global_name: r.global_name ?? null,
  avatar: r.avatar ?? null,
  bot: Boolean(r.bot),
  flags: r.flags,
  created_at: r.created_at,
  last_seen_at: r.last_seen_at == null ? null : Number(r.last_seen_at),
  show_last_seen: r.show_last_seen === undefined ? true : Boolean(Number(r.show_last_seen)),
});

export class SqlUserStore implements UserStore {
  constructor(private readonly db: Queryable) {}

  async create(u: UserRecord) {
    await this.db.run(
      'INSERT INTO users (id, username, email, password_hash, global_name, avatar, bot, flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [u.id, u.username, u.email, u.password_hash, u.global_name, u.avatar, u.bot ? 1 : 0, u.flags, u.created_at],
    );
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM users WHERE id = ?', [id]);
    return r && toUser(r);
  }
  async getMany(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const rows = await this.db.all(`SELECT * FROM users WHERE id IN (${ids.map(() => '?').join(',')})`, [...ids]);
    return rows.map(toUser);
  }
  async getByEmail(email: string) {
    const r = await this.db.get('SELECT * FROM users WHERE email = ?', [email]);
    return r && toUser(r);
  }
  async getByUsername(username: string) {
    const r = await this.db.get('SELECT * FROM users WHERE username = ?', [username]);
    return r && toUser(r);
  }
  async update(id: string, patch: Partial<Pick<UserRecord, 'username' | 'global_name' | 'avatar'>>) {
    const keys = (['username', 'global_name', 'avatar'] as const).filter((k) => patch[k] !== undefined);
    if (keys.length > 0) {
      await this.db.run(`UPDATE users SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`, [
        ...keys.map((k) => patch[k] ?? null),
        id,
      ]);
    }
    return this.get(id);
  }
  async addToken(tokenHash: string, userId: string, now: number) {
    await this.db.run('INSERT INTO tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)', [tokenHash, userId, now]);
  }
  async userIdForToken(tokenHash: string) {
    const r = await this.db.get('SELECT user_id FROM tokens WHERE token_hash = ?', [tokenHash]);
    return r ? String(r.user_id) : undefined;
  }
  async revokeToken(tokenHash: string) {
    return (await this.db.run('DELETE FROM tokens WHERE token_hash = ?', [tokenHash])).changes > 0;
  }
  async setLastSeen(id: string, at: number) {
    await this.db.run('UPDATE users SET last_seen_at = ? WHERE id = ?', [at, id]);
  }
  async setShowLastSeen(id: string, show: boolean) {
    await this.db.run('UPDATE users SET show_last_seen = ? WHERE id = ?', [show ? 1 : 0, id]);
  }
}
