/** The Fastify instance: JSON in and out, Discord-shaped errors, auth and rate limits, routes under /api[/vN]. */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { isSnowflake } from '@concord/protocol';
import { ApiError, errors } from '../lib/errors.js';
import { NUL_MESSAGE, findNul } from '../lib/text.js';
import { parseRequestJson } from '../lib/json.js';
import type { Deps } from '../modules/deps.js';
import { authenticate } from '../modules/auth/service.js';
import { createRouter, type Router } from './router.js';
import { RateLimitedError, rateLimitHook } from './ratelimit.js';
import { securityHeaders } from './security.js';
import { registerOps, type OpsHooks } from './ops.js';
import { registerMedia } from './media.js';
import { modules } from '../modules/index.js';
import { log } from '../lib/log.js';

const API_PREFIXES = ['/api/v10', '/api/v9', '/api'];

function unsupportedType(): FastifyError {
  const err = new Error('Unsupported Content-Type; send application/json') as FastifyError;
  err.code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  return err;
}

/** Path ids that are not snowflakes can only name nothing: answer the matching "Unknown ..." at once. */
const ID_PARAMS: Record<string, Parameters<typeof errors.unknown>[0]> = {
  guild_id: 'guild',
  channel_id: 'channel',
  message_id: 'message',
  user_id: 'user',
  webhook_id: 'webhook',
};
/** Other path parameters, for the same answer when they hold what no stored name can (NUL). */
const NAME_PARAMS: Record<string, Parameters<typeof errors.unknown>[0]> = { ...ID_PARAMS, code: 'invite', role_id: 'role' };

/** X-Audit-Log-Reason is percent-encoded; one that is not (a stray `%`) is kept as sent rather than failing the request. */
function decodeReason(raw: string): string {
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // Not valid percent-encoding: use it as it is.
  }
  return text.replaceAll('\0', '').slice(0, 512);
}

function registerRoutes(r: Router, deps: Deps): void {
  for (const m of modules) {
    // A gateway-only process answers discovery and nothing else; API processes serve everything.
    if (deps.config.role === 'gateway' && m.name !== 'discovery') continue;
    m.routes?.(r, deps);
  }
}

export function buildHttp(deps: Deps, stats: () => Record<string, number>, ops: OpsHooks): FastifyInstance {
  const app = Fastify({
    // Requests are not logged one by one; failures are, by the error handler below.
    logger: false,
    bodyLimit: deps.config.bodyLimitBytes,
    // Off unless configured: otherwise any client could pick its address (and its per-address limits) by header.
    // (A hop count works at run time; Fastify's types leave it out.)
    trustProxy: deps.config.trustProxy as boolean | string,
    // Discord clients percent-encode path parameters (emoji); Fastify decodes them.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // The router's own refusals (a path parameter too long to name anything, a malformed percent-escape) name
    // nothing either: 404 in Discord's shape rather than Fastify's {error, code: 'FST_...'} body.
    frameworkErrors: (_err, _req, reply) => void (reply as FastifyReply).code(404).send(errors.notFound().toBody()),
  });

  // Empty bodies are {} (bots send POST /typing with a JSON content type and nothing in it).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body: string, done) => {
    // Counted on the text before JSON.parse builds (and zod walks) a huge structure.
    try {
      done(null, parseRequestJson(body));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // Files: only routes that take them read multipart bodies, and they stream them (nothing is buffered here).
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    if (!request.routeOptions.config?.multipart) return done(unsupportedType(), undefined);
    request.multipartBody = payload;
    done(null, undefined);
  });

  // A body-less POST/PUT (pin, reaction, typing) comes with whatever content type the library's HTTP client
  // picks (or none): empty is {}, as Discord takes it; a non-empty body must be JSON (or multipart, later).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body: string, done) => {
    if (body.trim() === '') return done(null, {});
    done(unsupportedType(), undefined);
  });

  // Fastify's default is `application/json; charset=utf-8`; strict clients (discord.py) decode JSON only
  // when the header is exactly what Discord sends.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    return payload;
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const params = request.params as Record<string, string> | undefined;
    if (params) {
      for (const [name, kind] of Object.entries(ID_PARAMS)) {
        const v = params[name];
        // `@me` names the caller, so it is a user id and nothing else; `@original` is an interaction's first answer.
        if (v !== undefined && !(v === '@me' && name === 'user_id') && !(v === '@original' && name === 'message_id') && !isSnowflake(v)) throw errors.unknown(kind);
      }
      for (const [name, v] of Object.entries(params)) {
        if (typeof v === 'string' && v.includes('\0')) throw NAME_PARAMS[name] ? errors.unknown(NAME_PARAMS[name]) : errors.notFound();
      }
    }
    const inQuery = findNul(request.query);
    if (inQuery) throw errors.invalidField(inQuery, 'BASE_TYPE_INVALID', NUL_MESSAGE);
    if (request.routeOptions.config?.auth) {
      const { user, token } = await authenticate(deps, request.headers.authorization);
      request.ctx = { user };
      request.token = token;
      const reason = request.headers['x-audit-log-reason'];
      if (typeof reason === 'string') request.ctx.reason = decodeReason(reason);
    }
  });
  // Before the body is read and parsed: a client over its limit costs no parsing.
  const limit = rateLimitHook(deps.limits);
  app.addHook('preParsing', async (request, reply, payload) => {
    await limit(request, reply);
    return payload;
  });

  app.addHook('onSend', securityHeaders(deps.config.publicUrl));
  registerOps(app, ops);
  registerMedia(app, deps);

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof RateLimitedError) {
      const retry = Math.max(0.001, err.retryAfter);
      reply.header('Retry-After', String(Math.ceil(retry)));
      reply.header('X-RateLimit-Remaining', '0');
      reply.header('X-RateLimit-Reset-After', retry.toFixed(3));
      return reply.code(429).send({ message: err.message, retry_after: Number(retry.toFixed(3)), global: err.global, code: err.code });
    }
    if (err instanceof ApiError) return reply.code(err.status).send(err.toBody());
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errors.tooLarge().toBody());
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ code: 50035, message: 'Unsupported Content-Type; send application/json' });
    }
    if (fe.statusCode && fe.statusCode < 500) return reply.code(fe.statusCode).send({ code: 50035, message: fe.message });
    log.error('request failed', { req_id: request.id, method: request.method, url: request.url, err });
    return reply.code(500).send({ code: 0, message: '500: Internal Server Error' });
  });

  const webDir = deps.config.webDir && fs.existsSync(path.join(deps.config.webDir, 'index.html')) ? deps.config.webDir : undefined;
  // Fastify allows one not-found handler per scope, so the SPA fallback lives in the same one as the JSON 404.
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    // Client-side routes (/channels/..., /invite/...) load the app shell; missing files (with an extension) stay 404.
    if (webDir && request.method === 'GET' && !url.startsWith('/api') && !url.startsWith('/gateway') && !path.extname(url)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send(errors.notFound().toBody());
  });

  // For load balancers and operators: cheap, unauthenticated, and says what this process holds.
  app.get('/health', async () => {
    const mem = process.memoryUsage();
    return { status: 'ok', role: deps.config.role, ...stats(), rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed };
  });

  for (const prefix of API_PREFIXES) {
    app.register(
      async (scope) => {
        scope.setNotFoundHandler((_req, reply) => reply.code(404).send(errors.notFound().toBody()));
        registerRoutes(createRouter(scope, deps.config.publicUrl, deps.config.bodyLimitBytes), deps);
      },
      { prefix },
    );
  }

  if (webDir) app.register(fastifyStatic, { root: path.resolve(webDir), wildcard: false });
  return app;
}
