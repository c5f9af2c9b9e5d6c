/**
 * Named rate-limit buckets and the one way to count a hit against them, shared by the HTTP hook and the
 * gateway (identify and the send extension use the same allowances as their REST counterparts).
 */
import type { RateLimitResult, RateLimiter } from './ratelimiter.js';

export interface Limit {
  limit: number;
  windowMs: number;
}

export const BUCKETS: Record<string, Limit> = {
  'messages.create': { limit: 5, windowMs: 5_000 },
  'messages.modify': { limit: 10, windowMs: 5_000 },
  typing: { limit: 10, windowMs: 10_000 },
  'auth.register': { limit: 5, windowMs: 60_000 },
  'auth.login': { limit: 10, windowMs: 60_000 },
  'guilds.create': { limit: 10, windowMs: 60_000 },
  'invites.accept': { limit: 10, windowMs: 60_000 },
  reactions: { limit: 5, windowMs: 1_000 },
  // Discord's session_start_limit: identifies per user per day.
  'gateway.identify': { limit: 1000, windowMs: 24 * 3600_000 },
  default: { limit: 20, windowMs: 1_000 },
};
export const GLOBAL_LIMIT: Limit = { limit: 50, windowMs: 1_000 };

/** Counts one hit of `bucket` for `key` (user, channel...); undefined when limits are off. */
export async function consumeBucket(limiter: RateLimiter, scale: number, bucket: string, key: string): Promise<RateLimitResult | undefined> {
  if (scale === 0) return undefined;
  const conf = BUCKETS[bucket] ?? BUCKETS.default!;
  return limiter.consume(`${bucket}:${key}`, Math.max(1, Math.round(conf.limit * scale)), conf.windowMs);
}
