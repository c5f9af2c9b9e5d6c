/**
 * What an author recently sent in a guild, for AutoMod's spam and mention-raid triggers. One process keeps it in
 * memory; a cluster keeps it in Redis (chosen in app.ts), so a spammer who spreads sends over processes behind a
 * load balancer is judged on all of them. Only sends that were stored are recorded, and only while a guild has a
 * rule that looks at them.
 */
import type { Redis } from 'ioredis';

export interface RecentSend {
  at: number;
  /** The content as spam compares it (`spamKey`). */
  content: string;
  channelId: string;
  /** Unique user and role mentions. */
  mentions: number;
}

/** How far back the triggers look, and how many sends per author are kept within it. */
export const RECENT_WINDOW_MS = 60_000;
export const RECENT_PER_AUTHOR = 20;

export interface RecentSends {
  /** The author's sends in the guild within the window before `now`, oldest first. */
  recent(guildId: string, authorId: string, now: number): Promise<RecentSend[]>;
  record(guildId: string, authorId: string, send: RecentSend): Promise<void>;
  close(): void;
}

/** Authors tracked at once (over all guilds); the least recently active are forgotten past it. */
const MAX_TRACKED = 100_000;

export class MemoryRecentSends implements RecentSends {
  private readonly byAuthor = new Map<string, RecentSend[]>();

  async recent(guildId: string, authorId: string, now: number) {
    return (this.byAuthor.get(`${guildId}:${authorId}`) ?? []).filter((e) => now - e.at < RECENT_WINDOW_MS);
  }

  async record(guildId: string, authorId: string, send: RecentSend) {
    const key = `${guildId}:${authorId}`;
    const kept = (await this.recent(guildId, authorId, send.at)).slice(-(RECENT_PER_AUTHOR - 1));
    kept.push(send);
    // Re-inserted, so the map's order is least recently active first.
    this.byAuthor.delete(key);
    this.byAuthor.set(key, kept);
    if (this.byAuthor.size > MAX_TRACKED) this.byAuthor.delete(this.byAuthor.keys().next().value!);
  }

  close(): void {}
}

/**
 * A list per (guild, author), newest first, trimmed to RECENT_PER_AUTHOR and expiring a window after the last send,
 * so Redis holds only the authors of the last minute. Entries carry their own time; the window is applied on read.
 */
export class RedisRecentSends implements RecentSends {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'concord:automod:recent:',
  ) {}

  private key(guildId: string, authorId: string) {
    return `${this.prefix}${guildId}:${authorId}`;
  }

  async recent(guildId: string, authorId: string, now: number) {
    const raw = await this.redis.lrange(this.key(guildId, authorId), 0, RECENT_PER_AUTHOR - 1);
    const out: RecentSend[] = [];
    for (let i = raw.length - 1; i >= 0; i--) {
      const e = JSON.parse(raw[i]!) as RecentSend;
      if (now - e.at < RECENT_WINDOW_MS) out.push(e);
    }
    return out;
  }

  async record(guildId: string, authorId: string, send: RecentSend) {
    const key = this.key(guildId, authorId);
    await this.redis.multi().lpush(key, JSON.stringify(send)).ltrim(key, 0, RECENT_PER_AUTHOR - 1).pexpire(key, RECENT_WINDOW_MS).exec();
  }

  close(): void {}
}
