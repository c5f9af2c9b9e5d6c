/**
 * Operator endpoints beside the API: `/metrics` (Prometheus text; behind METRICS_TOKEN when one is set) and
 * `/ready` (200 only while the database, Redis and the bus answer and the process is not draining; 503
 * otherwise, so a load balancer stops sending traffic here). Latency and 429s are counted per route here.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../lib/metrics.js';

export interface ReadyCheck {
  ready: boolean;
  checks: Record<string, 'ok' | 'draining' | string>;
}

export interface OpsHooks {
  metrics: Metrics;
  ready(): Promise<ReadyCheck>;
  metricsToken?: string;
}

export function registerOps(app: FastifyInstance, ops: OpsHooks): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids would make a series per channel.
    const route = request.routeOptions.url;
    if (!route || route === '/metrics') return;
    const status = reply.statusCode;
    ops.metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    if (status === 429) ops.metrics.rateLimited.inc({ bucket: request.routeOptions.config.bucket ?? route });
  });

  app.get('/metrics', async (request, reply) => {
    if (ops.metricsToken && request.headers.authorization !== `Bearer ${ops.metricsToken}`) {
      return reply.code(401).send({ code: 0, message: '401: Unauthorized' });
    }
    return reply.type(ops.metrics.contentType).send(await ops.metrics.scrape());
  });

  app.get('/ready', async (_request, reply) => {
    const r = await ops.ready();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
}

/** A check that fails instead of hanging when a dependency does not answer. */
export async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}
