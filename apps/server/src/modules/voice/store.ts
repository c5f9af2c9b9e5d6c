/**
 * Who is in which voice channel, beside presence: one process keeps it in memory; a cluster keeps it in Redis so
 * every process sees every state. A user is in at most one voice channel at a time (across guilds and sessions),
 * so states are keyed by user.
 */
import type { Redis } from 'ioredis';

export interface VoiceRecord {
  guildId: string;
  channelId: string;
  userId: string;
  /** The gateway session that holds the voice connection. */
  sessionId: string;
  /** What the voice gateway's Identify must present (minted per connection). */
  token: string;
  mute: boolean;
  deaf: boolean;
  selfMute: boolean;
  selfDeaf: boolean;
  selfVideo: boolean;
  selfStream: boolean;
  /** No SPEAK in the channel. */
  suppress: boolean;
}

export interface VoiceStateStore {
  get(userId: string): Promise<VoiceRecord | undefined>;
  inGuild(guildId: string): Promise<VoiceRecord[]>;
  /** Sets the user's one state, answering the one it replaced. */
  put(record: VoiceRecord): Promise<VoiceRecord | undefined>;
  /** Removes the user's state (only if held by `sessionId`, when given), answering what was removed. */
  remove(userId: string, sessionId?: string): Promise<VoiceRecord | undefined>;
  /** Keeps this process's sessions' states alive in a shared store; a no-op in memory. */
  refresh(userIds: readonly string[]): Promise<void>;
  close(): void;
}

export class MemoryVoiceStateStore implements VoiceStateStore {
  private readonly byUser = new Map<string, VoiceRecord>();
  private readonly byGuild = new Map<string, Set<string>>();

  async get(userId: string) {
    return this.byUser.get(userId);
  }

  async inGuild(guildId: string) {
    return [...(this.byGuild.get(guildId) ?? [])].flatMap((id) => this.byUser.get(id) ?? []);
  }

  async put(record: VoiceRecord) {
    const before = this.drop(record.userId);
    this.byUser.set(record.userId, { ...record });
    let set = this.byGuild.get(record.guildId);
    if (!set) this.byGuild.set(record.guildId, (set = new Set()));
    set.add(record.userId);
    return before;
  }

  async remove(userId: string, sessionId?: string) {
    const r = this.byUser.get(userId);
    if (!r || (sessionId !== undefined && r.sessionId !== sessionId)) return undefined;
    return this.drop(userId);
  }

  private drop(userId: string): VoiceRecord | undefined {
    const r = this.byUser.get(userId);
    if (!r) return undefined;
    this.byUser.delete(userId);
    const set = this.byGuild.get(r.guildId);
    set?.delete(userId);
    if (set?.size === 0) this.byGuild.delete(r.guildId);
    return r;
  }

  async refresh(): Promise<void> {}
  close(): void {}
}

/**
 * A hash per user (its state, as JSON, with an expiry the holding process refreshes) and a set per guild. A
 * process that dies stops refreshing, so its users' states expire and readers drop them.
 */
export class RedisVoiceStateStore implements VoiceStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs = 90_000,
    private readonly prefix = 'concord:voice:',
  ) {}

  private userKey = (id: string) => `${this.prefix}u:${id}`;
  private guildKey = (id: string) => `${this.prefix}g:${id}`;

  async get(userId: string) {
    const raw = await this.redis.get(this.userKey(userId));
    return raw ? (JSON.parse(raw) as VoiceRecord) : undefined;
  }

  async inGuild(guildId: string) {
    const ids = await this.redis.smembers(this.guildKey(guildId));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(this.userKey));
    const out: VoiceRecord[] = [];
    const gone: string[] = [];
    raws.forEach((raw, i) => {
      const r = raw ? (JSON.parse(raw) as VoiceRecord) : undefined;
      if (r && r.guildId === guildId) out.push(r);
      else gone.push(ids[i]!);
    });
    if (gone.length) await this.redis.srem(this.guildKey(guildId), ...gone);
    return out;
  }

  async put(record: VoiceRecord) {
    const before = await this.get(record.userId);
    const m = this.redis.multi().set(this.userKey(record.userId), JSON.stringify(record), 'PX', this.ttlMs).sadd(this.guildKey(record.guildId), record.userId);
    if (before && before.guildId !== record.guildId) m.srem(this.guildKey(before.guildId), record.userId);
    await m.exec();
    return before;
  }

  async remove(userId: string, sessionId?: string) {
    const r = await this.get(userId);
    if (!r || (sessionId !== undefined && r.sessionId !== sessionId)) return undefined;
    await this.redis.multi().del(this.userKey(userId)).srem(this.guildKey(r.guildId), userId).exec();
    return r;
  }

  async refresh(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const m = this.redis.multi();
    for (const id of userIds) m.pexpire(this.userKey(id), this.ttlMs);
    await m.exec();
  }

  /** The connection belongs to app.ts. */
  close(): void {}
}
