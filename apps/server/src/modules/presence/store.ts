/**
 * Who is connected, per user: each live gateway session with the status and activities it set. One process keeps
 * it in memory; a cluster keeps it in Redis so every process sees every session. Each process refreshes its
 * sessions' entries, so a process that dies takes its sessions offline when their entries expire.
 */
import type { Activity, VisibleStatus } from '@concord/protocol';
import type { Redis } from 'ioredis';

export type Status = 'online' | 'idle' | 'dnd' | 'invisible';
export type { VisibleStatus };

/** What one session set. */
export interface SessionPresence {
  status: Status;
  activities: Activity[];
}

/** What others see of a user. */
export interface Shown {
  status: VisibleStatus;
  activities: Activity[];
}

export const OFFLINE: Shown = { status: 'offline', activities: [] };

const RANK: Record<Exclude<Status, 'invisible'>, number> = { online: 3, dnd: 2, idle: 1 };

/**
 * A user with several sessions shows the most present of them (online, then do not disturb, then idle), with that
 * session's activities; no session, or any session invisible, shows offline (hiding wins over every other device).
 */
export function shownOf(sessions: Iterable<SessionPresence>): Shown {
  let best: SessionPresence | undefined;
  for (const s of sessions) {
    if (s.status === 'invisible') return OFFLINE;
    if (!best || RANK[s.status] > RANK[best.status as keyof typeof RANK]) best = s;
  }
  return best ? { status: best.status as VisibleStatus, activities: best.activities } : OFFLINE;
}

export const sameShown = (a: Shown, b: Shown) => a.status === b.status && JSON.stringify(a.activities) === JSON.stringify(b.activities);

export interface PresenceStore {
  /** Adds or updates one session's presence; answers what others saw of the user before and after. */
  set(userId: string, sessionId: string, presence: SessionPresence): Promise<{ before: Shown; after: Shown }>;
  remove(userId: string, sessionId: string): Promise<{ before: Shown; after: Shown }>;
  shown(userIds: readonly string[]): Promise<Map<string, Shown>>;
  /** Keeps this process's sessions alive in a shared store; a no-op in memory. */
  refresh(sessions: readonly { userId: string; sessionId: string }[]): Promise<void>;
  close(): void;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Map<string, SessionPresence>>();

  private read(userId: string): Shown {
    const sessions = this.users.get(userId);
    return sessions ? shownOf(sessions.values()) : OFFLINE;
  }

  async set(userId: string, sessionId: string, presence: SessionPresence) {
    const before = this.read(userId);
    let sessions = this.users.get(userId);
    if (!sessions) this.users.set(userId, (sessions = new Map()));
    sessions.set(sessionId, presence);
    return { before, after: this.read(userId) };
  }

  async remove(userId: string, sessionId: string) {
    const before = this.read(userId);
    const sessions = this.users.get(userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.users.delete(userId);
    return { before, after: this.read(userId) };
  }

  async shown(userIds: readonly string[]) {
    return new Map(userIds.map((id) => [id, this.read(id)]));
  }

  async refresh(): Promise<void> {}
  close(): void {}
}

/** Per user: a sorted set of session ids scored by expiry, and a hash of each session's presence. */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = 90_000,
    private readonly prefix = 'concord:presence:',
  ) {}

  private async read(userId: string): Promise<Shown> {
    const key = this.prefix + userId;
    const [, [, live], [, all]] = (await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', Date.now())
      .zrange(key, 0, -1)
      .hgetall(key + ':p')
      .exec()) as [unknown, [unknown, string[]], [unknown, Record<string, string>]];
    // Entries of expired sessions (a process that died) stay in the hash until the key expires: skip them.
    return shownOf(live.flatMap((id) => (all[id] ? [JSON.parse(all[id]) as SessionPresence] : [])));
  }

  async set(userId: string, sessionId: string, presence: SessionPresence) {
    const before = await this.read(userId);
    const key = this.prefix + userId;
    await this.redis
      .multi()
      .zadd(key, Date.now() + this.ttlMs, sessionId)
      .hset(key + ':p', sessionId, JSON.stringify(presence))
      .pexpire(key, this.ttlMs)
      .pexpire(key + ':p', this.ttlMs)
      .exec();
    return { before, after: await this.read(userId) };
  }

  async remove(userId: string, sessionId: string) {
    const before = await this.read(userId);
    const key = this.prefix + userId;
    await this.redis.multi().zrem(key, sessionId).hdel(key + ':p', sessionId).exec();
    return { before, after: await this.read(userId) };
  }

  async shown(userIds: readonly string[]) {
    return new Map(await Promise.all(userIds.map(async (id) => [id, await this.read(id)] as const)));
  }

  async refresh(sessions: readonly { userId: string; sessionId: string }[]): Promise<void> {
    if (sessions.length === 0) return;
    const expiry = Date.now() + this.ttlMs;
    const m = this.redis.multi();
    for (const s of sessions) {
      const key = this.prefix + s.userId;
      m.zadd(key, expiry, s.sessionId).pexpire(key, this.ttlMs).pexpire(key + ':p', this.ttlMs);
    }
    await m.exec();
  }

  /** The connection belongs to app.ts. */
  close(): void {}
}
