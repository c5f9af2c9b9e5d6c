/**
 * Per-route buckets (per user, or per IP before login) plus a global per-user limit, with Discord's
 * headers. The major parameter (channel or guild id) gets its own window, as on Discord.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitedError } from '../lib/errors.js';
import type { RateLimits } from '../lib/ratelimit.js';

export { RateLimitedError };

function setHeaders(reply: FastifyReply, bucket: string, r: { limit: number; remaining: number; resetAfterMs: number }) {
  const resetAfter = Math.max(0, r.resetAfterMs) / 1000;
  reply.header('X-RateLimit-Limit', String(r.limit));
  reply.header('X-RateLimit-Remaining', String(r.remaining));
  reply.header('X-RateLimit-Reset', ((Date.now() + r.resetAfterMs) / 1000).toFixed(3));
  reply.header('X-RateLimit-Reset-After', resetAfter.toFixed(3));
  reply.header('X-RateLimit-Bucket', bucket);
}

export function rateLimitHook(limits: RateLimits) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!limits.enabled) return;
    const route = request.routeOptions.config.bucket;
    if (!route) return;
    const params = request.params as Record<string, string>;
    // A webhook's token routes are limited per webhook (as on Discord), whoever calls them.
    const who = request.ctx ? `u${request.ctx.user.id}` : params.webhook_token ? 'webhook' : `ip${request.ip}`;
    const major = params.channel_id ?? params.guild_id ?? params.webhook_id ?? '';

    if (request.ctx) {
      const g = (await limits.global(who))!;
      if (!g.allowed) {
        reply.header('X-RateLimit-Global', 'true');
        reply.header('X-RateLimit-Scope', 'global');
        throw new RateLimitedError(g.resetAfterMs / 1000, true);
      }
    }
    // Named buckets are shared by their routes; every other route gets a default-sized window of its own.
    const named = limits.isNamed(route);
    const r = (await limits.consume(named ? route : 'default', named ? `${major}:${who}` : `${route}:${major}:${who}`))!;
    setHeaders(reply, named ? route : `default:${route}`, r);
    if (!r.allowed) {
      reply.header('X-RateLimit-Scope', 'user');
      throw new RateLimitedError(r.resetAfterMs / 1000, false);
    }
  };
}
