/** A thin typed layer over Fastify: routes declare auth and rate-limit bucket and return a value or nothing. */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../modules/access.js';

export interface Req {
  ctx: Ctx;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: unknown;
  ip: string;
  token: string | undefined;
  headers: FastifyRequest['headers'];
  /** Public base URL of this server as the client reached it, e.g. http://localhost:8080. */
  baseUrl: string;
  /** A `multipart/form-data` body, unread (routes with `multipart: true` only): the route streams it. */
  multipart?: Readable;
}

export interface RouteOptions {
  /** Default true: a valid token is required. */
  auth?: boolean;
  /** Rate-limit bucket name (see http/ratelimit.ts); defaults to the method and route. */
  bucket?: string;
  /** Status for a non-empty answer (default 200). */
  status?: number;
  /**
   * `large` for routes that carry messages or images (up to BODY_LIMIT_BYTES); every other body is refused past
   * SMALL_BODY_BYTES, before it is read whole, so an anonymous client cannot make the server parse megabytes.
   */
  body?: 'small' | 'large';
  /**
   * Also takes `multipart/form-data` (files): the body is not parsed but handed over as a stream, and its size
   * is the route's own business (uploads check their limits while streaming). Other routes answer 415 to it.
   */
  multipart?: boolean;
}

export const SMALL_BODY_BYTES = 16 * 1024;

/** An answer whose status depends on what happened (e.g. 201 created, 200 replaced). */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export type Handler = (req: Req) => unknown | Promise<unknown>;

export interface Router {
  get(path: string, handler: Handler, opts?: RouteOptions): void;
  post(path: string, handler: Handler, opts?: RouteOptions): void;
  put(path: string, handler: Handler, opts?: RouteOptions): void;
  patch(path: string, handler: Handler, opts?: RouteOptions): void;
  delete(path: string, handler: Handler, opts?: RouteOptions): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx?: Ctx;
    token?: string;
    /** Set by the multipart content-type parser, which leaves the body unread. */
    multipartBody?: Readable;
  }
  interface FastifyContextConfig {
    auth?: boolean;
    bucket?: string;
    multipart?: boolean;
  }
}

export function createRouter(app: FastifyInstance, publicUrl: string | undefined, largeBodyBytes: number): Router {
  const add = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE') => (path: string, handler: Handler, opts: RouteOptions = {}) => {
    app.route({
      method,
      url: path,
      bodyLimit: opts.body === 'large' ? largeBodyBytes : Math.min(SMALL_BODY_BYTES, largeBodyBytes),
      config: { auth: opts.auth ?? true, bucket: opts.bucket ?? `${method} ${path}`, multipart: opts.multipart ?? false },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        // An upload refused mid-body: the rest is not worth reading, so the connection ends after the answer.
        const closeOnError = (err: unknown) => {
          if (request.multipartBody && !request.multipartBody.readableEnded) reply.header('connection', 'close');
          throw err;
        };
        const result = await Promise.resolve(
          handler({
          ctx: request.ctx as Ctx,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          body: request.body,
          ip: request.ip,
          token: request.token,
          headers: request.headers,
          baseUrl: publicUrl ?? `${request.protocol}://${request.host}`,
          multipart: request.multipartBody,
          }),
        ).catch(closeOnError);
        if (result === undefined) return reply.code(204).send();
        if (result instanceof Answer) return reply.code(result.status).send(result.body);
        return reply.code(opts.status ?? 200).send(result);
      },
    });
  };
  return { get: add('GET'), post: add('POST'), put: add('PUT'), patch: add('PATCH'), delete: add('DELETE') };
}
