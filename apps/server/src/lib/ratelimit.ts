/**
 * Named rate-limit buckets over a limiter (in memory, or Redis for a cluster). Each module declares its
 * buckets (modules/<domain>/index.ts); every other route gets a default-sized window of its own. Shared by
 * HTTP routes and gateway ops, so a REST send and an op 100 send spend the same allowance.
 */
import type { Limit, RateLimitResult, RateLimiter } from './ratelimiter.js';

export const DEFAULT_LIMIT: Limit = { limit: 20, windowMs: 1_000 };
/** Per user across every route, as Discord's global limit. */
export const GLOBAL_LIMIT: Limit = { limit: 50, windowMs: 1_000 };

export class RateLimits {
  constructor(
    private readonly limiter: RateLimiter,
    /** Multiplies every limit; 0 turns them off. */
    readonly scale: number,
    private readonly buckets: Readonly<Record<string, Limit>>,
  ) {}

  get enabled(): boolean {
    return this.scale > 0;
  }

  isNamed(bucket: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.buckets, bucket);
  }

  /** Counts one hit of `bucket` for `key` (user, channel...); undefined when limits are off. */
  async consume(bucket: string, key: string): Promise<RateLimitResult | undefined> {
    return this.hit(`${bucket}:${key}`, this.buckets[bucket] ?? DEFAULT_LIMIT);
  }

  /**
   * A channel's slowmode: one message per `seconds` for `userId`. A channel setting, so neither scaled nor
   * turned off with the route limits.
   */
  async slowmode(channelId: string, userId: string, seconds: number): Promise<RateLimitResult> {
    return this.limiter.consume(`slowmode:${channelId}:${userId}`, 1, seconds * 1000);
  }

  async global(who: string): Promise<RateLimitResult | undefined> {
    return this.hit(`global:${who}`, GLOBAL_LIMIT);
  }

  private async hit(key: string, conf: Limit): Promise<RateLimitResult | undefined> {
    if (!this.enabled) return undefined;
    return this.limiter.consume(key, Math.max(1, Math.round(conf.limit * this.scale)), conf.windowMs);
  }
}

/** Every module's buckets in one table; two modules naming one bucket is a mistake caught at start. */
export function collectBuckets(modules: readonly { name: string; buckets?: Readonly<Record<string, Limit>> }[]): Record<string, Limit> {
  const out: Record<string, Limit> = {};
  for (const m of modules) {
    for (const [name, limit] of Object.entries(m.buckets ?? {})) {
      if (out[name]) throw new Error(`rate-limit bucket ${name} is declared twice (module ${m.name})`);
      out[name] = limit;
    }
  }
  return out;
}
