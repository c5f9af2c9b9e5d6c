/**
 * Who is connected, per user: the set of live gateway sessions and the status the user chose. One process keeps
 * it in memory; a cluster keeps it in Redis so every process sees every session. Each process refreshes its
 * sessions' entries, so a process that dies takes its sessions offline when their entries expire.
 */
import type { Redis } from 'ioredis';

export type Status = 'online' | 'idle' | 'dnd' | 'invisible';
export type VisibleStatus = Exclude<Status, 'invisible'> | 'offline';

export interface PresenceStore {
  /** Adds or refreshes a session and sets the user's chosen status; answers the visible status before and after. */
  connect(userId: string, sessionId: string, status: Status): Promise<{ before: VisibleStatus; after: VisibleStatus }>;
  disconnect(userId: string, sessionId: string): Promise<{ before: VisibleStatus; after: VisibleStatus }>;
  statuses(userIds: readonly string[]): Promise<Map<string, VisibleStatus>>;
  /** Keeps this process's sessions alive in a shared store; a no-op in memory. */
  refresh(sessions: readonly { userId: string; sessionId: string }[]): Promise<void>;
  close(): void;
}

const visible = (sessions: number, status: Status): VisibleStatus => (sessions === 0 || status === 'invisible' ? 'offline' : status);

export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, { sessions: Set<string>; status: Status }>();

  async connect(userId: string, sessionId: string, status: Status) {
    let u = this.users.get(userId);
    const before = u ? visible(u.sessions.size, u.status) : 'offline';
    if (!u) this.users.set(userId, (u = { sessions: new Set(), status }));
    u.sessions.add(sessionId);
    u.status = status;
    return { before, after: visible(u.sessions.size, u.status) };
  }

  async disconnect(userId: string, sessionId: string) {
    const u = this.users.get(userId);
    if (!u) return { before: 'offline' as const, after: 'offline' as const };
    const before = visible(u.sessions.size, u.status);
    u.sessions.delete(sessionId);
    if (u.sessions.size === 0) this.users.delete(userId);
    return { before, after: visible(u.sessions.size, u.status) };
  }

  async statuses(userIds: readonly string[]) {
    const out = new Map<string, VisibleStatus>();
    for (const id of userIds) {
      const u = this.users.get(id);
      out.set(id, u ? visible(u.sessions.size, u.status) : 'offline');
    }
    return out;
  }

  async refresh(): Promise<void> {}
  close(): void {}
}

/** Sessions live in a sorted set per user scored by expiry; the chosen status in a plain key. */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = 90_000,
    private readonly prefix = 'concord:presence:',
  ) {}

  private async read(userId: string): Promise<VisibleStatus> {
    const key = this.prefix + userId;
    const [, [, count], [, status]] = (await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', Date.now())
      .zcard(key)
      .get(key + ':status')
      .exec()) as [unknown, [unknown, number], [unknown, Status | null]];
    return visible(count, status ?? 'online');
  }

  async connect(userId: string, sessionId: string, status: Status) {
    const before = await this.read(userId);
    const key = this.prefix + userId;
    await this.redis.multi().zadd(key, Date.now() + this.ttlMs, sessionId).set(key + ':status', status).pexpire(key, this.ttlMs).exec();
    return { before, after: await this.read(userId) };
  }

  async disconnect(userId: string, sessionId: string) {
    const before = await this.read(userId);
    await this.redis.zrem(this.prefix + userId, sessionId);
    return { before, after: await this.read(userId) };
  }

  async statuses(userIds: readonly string[]) {
    const out = new Map<string, VisibleStatus>();
    await Promise.all(userIds.map(async (id) => out.set(id, await this.read(id))));
    return out;
  }

  async refresh(sessions: readonly { userId: string; sessionId: string }[]): Promise<void> {
    if (sessions.length === 0) return;
    const expiry = Date.now() + this.ttlMs;
    const m = this.redis.multi();
    for (const s of sessions) m.zadd(this.prefix + s.userId, expiry, s.sessionId).pexpire(this.prefix + s.userId, this.ttlMs);
    await m.exec();
  }

  /** The connection belongs to app.ts. */
  close(): void {}
}
