import type { Redis } from 'ioredis';

/** A named bucket's allowance: `limit` hits per `windowMs`. */
export interface Limit {
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAfterMs: number;
}

/** Fixed-window counters: `limit` hits per `windowMs` per key. */
export interface RateLimiter {
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  close(): void;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => {
      const t = this.now();
      for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    }, 30_000);
    this.sweeper.unref();
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= limit, limit, remaining: Math.max(0, limit - w.count), resetAfterMs: w.resetAt - t };
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/** Shared by every process of a cluster, so a client cannot multiply its allowance by spreading requests. */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix = 'concord:rl:') {}

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = (await this.redis.eval(SCRIPT, 1, this.prefix + key, windowMs)) as [number, number];
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetAfterMs: ttl };
  }

  /** The connection belongs to app.ts. */
  close(): void {}
}
