/**
 * What an operator runs a public instance with: metrics scraped and parsed, readiness that turns false while
 * draining, structured logs at the configured level, and one process per SQLite data directory (the one-line
 * startup errors of main.ts are in process.slow.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppFrom } from '../src/app.js';
import { LockedError } from '../src/lib/lockfile.js';
import { Logger } from '../src/lib/log.js';
import { GatewayTester, newGuild, newUser, startTestServer, type TestServer } from '../src/testing.js';

/** Prometheus text -> sample name with labels -> value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const sample = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix));

describe('metrics and readiness', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ rateLimitScale: 1 });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('GET /metrics: sessions, dispatches per type, REST latency per route, rate-limit hits, group commits, event loop, memory', async () => {
    const user = await newUser(srv.base);
    const g = await newGuild(user.api);
    const t = await GatewayTester.identify(srv.gatewayUrl, user.token);
    await user.api.ok.post(`/channels/${g.generalId}/messages`, { content: 'counted' });
    await t.next((f) => f.t === 'MESSAGE_CREATE');
    // messages.create allows 5 per 5 s: the rest are 429s.
    for (let i = 0; i < 6; i++) await user.api.post(`/channels/${g.generalId}/messages`, { content: `m${i}` });

    const res = await fetch(`${srv.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const m = parseMetrics(await res.text());
    expect(m.get('concord_gateway_sessions')).toBe(1);
    expect(m.get('concord_gateway_connections')).toBe(1);
    expect(m.get('concord_gateway_dispatches_total{type="MESSAGE_CREATE"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('concord_http_request_duration_seconds_count{method="POST",route="/api/v10/channels/:channel_id/messages",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('concord_rate_limited_total{bucket="messages.create"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('concord_db_group_commit_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'concord_gateway_fanout_seconds_count').length).toBe(1);
    expect(m.get('concord_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(m.get('concord_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'concord_nodejs_heap_size_used_bytes').length).toBe(1);
    t.close();
  });

  it('/ready says what it checked; /health stays the cheap liveness answer', async () => {
    const ready = await fetch(`${srv.base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: 'ok' } });
    expect((await fetch(`${srv.base}/health`)).status).toBe(200);
  });

  it('METRICS_TOKEN guards /metrics', async () => {
    const guarded = await startTestServer({ metricsToken: 'a-long-enough-secret' });
    try {
      expect((await fetch(`${guarded.base}/metrics`)).status).toBe(401);
      const ok = await fetch(`${guarded.base}/metrics`, { headers: { authorization: 'Bearer a-long-enough-secret' } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('/ready answers 503 while the process drains', async () => {
    const draining = await startTestServer();
    const t = await GatewayTester.connect(draining.gatewayUrl);
    const closing = draining.close();
    const res = await fetch(`${draining.base}/ready`).catch(() => undefined);
    // Either this process still answers (503, draining) or it has stopped listening: never 200.
    if (res) {
      expect(res.status).toBe(503);
      expect(((await res.json()) as any).checks.process).toBe('draining');
    }
    await closing;
    t.close();
  });
});

describe('logging', () => {
  it('writes one JSON object a line at or above the configured level', () => {
    const lines: string[] = [];
    const log = new Logger((l) => lines.push(l));
    log.setLevel('warn');
    log.info('not written');
    log.warn('written', { port: 1 });
    log.child({ req_id: 'r1' }).error('failed', { err: new Error('boom') });
    log.setLevel('silent');
    log.fatal('not written either');
    expect(lines).toHaveLength(2);
    const [warn, error] = lines.map((l) => JSON.parse(l));
    expect(warn).toMatchObject({ level: 'warn', msg: 'written', port: 1 });
    expect(typeof warn.time).toBe('string');
    expect(error).toMatchObject({ level: 'error', msg: 'failed', req_id: 'r1', err: { name: 'Error', message: 'boom' } });
  });
});

describe('one process per data directory', () => {
  it('a second app on the same SQLite data directory refuses to start; a stale lock is taken over', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-lock-'));
    try {
      const first = await buildAppFrom({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });
      await expect(buildAppFrom({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' })).rejects.toThrow(LockedError);
      await first.close();
      // A lock left by a process that is gone (kill -9) does not stop the next start.
      fs.writeFileSync(path.join(dataDir, 'concord.lock'), '999999999\n');
      const next = await buildAppFrom({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });
      await next.close();
      expect(fs.existsSync(path.join(dataDir, 'concord.lock'))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
