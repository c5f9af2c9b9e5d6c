import type { AuditLogChange } from '@concord/protocol';
import type { Queryable, Row } from '../../store/db.js';

export interface AuditRecord {
  id: string;
  guild_id: string;
  user_id: string | null;
  target_id: string | null;
  action_type: number;
  changes: AuditLogChange[] | null;
  options: Record<string, string> | null;
  reason: string | null;
}

export interface AuditQuery {
  user_id?: string;
  action_type?: number;
  before?: string;
  after?: string;
  limit: number;
}

export interface AuditStore {
  add(entry: AuditRecord): Promise<void>;
  /** Newest first; with `after` alone, the oldest after it first (as Discord pages). */
  list(guildId: string, q: AuditQuery): Promise<AuditRecord[]>;
}

const idOrNull = (v: unknown) => (v == null ? null : String(v));

const toEntry = (r: Row): AuditRecord => ({
  id: String(r.id),
  guild_id: String(r.guild_id),
  user_id: idOrNull(r.user_id),
  target_id: idOrNull(r.target_id),
  action_type: Number(r.action_type),
  changes: r.changes ? JSON.parse(r.changes) : null,
  options: r.options ? JSON.parse(r.options) : null,
  reason: r.reason ?? null,
});

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Queryable) {}

  async add(e: AuditRecord) {
    await this.db.run(
      'INSERT INTO audit_log_entries (id, guild_id, user_id, target_id, action_type, changes, options, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [e.id, e.guild_id, e.user_id, e.target_id, e.action_type, e.changes ? JSON.stringify(e.changes) : null, e.options ? JSON.stringify(e.options) : null, e.reason],
    );
  }

  async list(guildId: string, q: AuditQuery) {
    const where = ['guild_id = ?'];
    const params: (string | number)[] = [guildId];
    const filter = (sql: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    filter('user_id = ?', q.user_id);
    filter('action_type = ?', q.action_type);
    filter('id < ?', q.before);
    filter('id > ?', q.after);
    const ascending = q.after !== undefined && q.before === undefined;
    const rows = await this.db.all(`SELECT * FROM audit_log_entries WHERE ${where.join(' AND ')} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`, [...params, q.limit]);
    return rows.map(toEntry);
  }
}
