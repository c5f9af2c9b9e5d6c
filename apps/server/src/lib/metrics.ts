/**
 * Prometheus metrics (prom-client), one registry per app so several apps in one process (tests) keep their
 * own counts. Hot paths count once per event or request, never per recipient with label lookups.
 * Names and meanings are listed in docs/operations.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  /** Live figures read at scrape time. */
  gateway(): { connections: number; sessions: number };
  /** PostgreSQL pool figures, when there is a pool. */
  pool?(): { total: number; idle: number; waiting: number };
  /** Rows the debounced writers wrote: read positions (acks) and receipt cursors (deliveries, reads). */
  bufferedWrites?(): { readStates: number; deliveries: number; reads: number };
}

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'concord_http_request_duration_seconds',
    help: 'REST latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'concord_rate_limited_total',
    help: 'Requests and gateway sends refused by a rate limit, by bucket',
    labelNames: ['bucket'] as const,
    registers: [this.registry],
  });
  readonly dispatches = new Counter({
    name: 'concord_gateway_dispatches_total',
    help: 'Dispatches delivered to gateway sessions, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly dispatchLatency = new Histogram({
    name: 'concord_gateway_fanout_seconds',
    help: 'Time to fan one event out to every session of this process',
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly groupCommit = new Histogram({
    name: 'concord_db_group_commit_batch_size',
    help: 'Messages written per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'concord_' });
    new Gauge({
      name: 'concord_gateway_sessions',
      help: 'Gateway sessions held by this process (connected or resumable)',
      registers: [this.registry],
      collect() {
        this.set(sources.gateway().sessions);
      },
    });
    new Gauge({
      name: 'concord_gateway_connections',
      help: 'Open gateway sockets',
      registers: [this.registry],
      collect() {
        this.set(sources.gateway().connections);
      },
    });
    if (sources.bufferedWrites) {
      const writes = sources.bufferedWrites;
      // The buffers keep the running totals; a scrape copies them (a counter that only ever grows).
      new Counter({
        name: 'concord_read_state_writes_total',
        help: 'Read positions written by the debounced ack buffer (at most one per user and channel per window)',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(writes().readStates);
        },
      });
      new Counter({
        name: 'concord_receipt_cursor_writes_total',
        help: 'Receipt cursors written by the debounced receipt buffers, by kind (at most one per recipient and channel per window)',
        labelNames: ['kind'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          const w = writes();
          this.inc({ kind: 'delivered' }, w.deliveries);
          this.inc({ kind: 'read' }, w.reads);
        },
      });
    }
    if (sources.pool) {
      const pool = sources.pool;
      new Gauge({
        name: 'concord_db_pool_connections',
        help: 'PostgreSQL pool connections by state',
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const p = pool();
          this.set({ state: 'total' }, p.total);
          this.set({ state: 'idle' }, p.idle);
          this.set({ state: 'waiting' }, p.waiting);
        },
      });
    }
  }

  /** Text exposition for GET /metrics. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
