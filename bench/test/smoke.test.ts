/**
 * The load tool end to end in quick mode against real servers: every scenario must report every message
 * delivered (or persisted) exactly once. Timing is never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFanoutScenario } from '../src/scenarios/fanout.js';
import { runThroughput } from '../src/scenarios/throughput.js';
import { runConnections } from '../src/scenarios/connections.js';
import { runHistory } from '../src/scenarios/history.js';
import { runFiles } from '../src/scenarios/files.js';
import { runRender } from '../src/scenarios/render.js';
import { runDms } from '../src/scenarios/dms.js';
import { runSearch } from '../src/scenarios/search.js';
import { runSearchIndexing } from '../src/scenarios/search-indexing.js';
import { runInteractions } from '../src/scenarios/interactions.js';
import { singleProcess, twoProcessCluster } from '../src/under-test.js';
import { postgresAvailable, redisAvailable } from '../src/servers.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('bench quick mode', () => {
  it('fan-out: every receiver gets every message once, on Concord and on the raw baseline', async () => {
    const r = await runFanoutScenario('fanout', ['--quick', '--out', out, '--steps', '5@20,5@max'], (o) => singleProcess('fanout', o.profile));
    expect(r.failures).toEqual([]);
    const steps = r.steps as { target: string; missing: number; duplicated: number; delivered: number; expected: number }[];
    expect(steps.map((s) => s.target)).toEqual(['concord', 'raw ws', 'concord', 'raw ws']);
    for (const s of steps) {
      expect(s.delivered).toBe(s.expected);
      expect(s.expected).toBeGreaterThan(0);
      expect([s.missing, s.duplicated]).toEqual([0, 0]);
    }
    expect(fs.existsSync(path.join(out, 'fanout.md'))).toBe(true);
  }, 120_000);

  it('files: uploads and downloads on disk and S3 come back whole, previews are made', async () => {
    const r = await runFiles(['--quick', '--out', out, '--sizes', '1', '--thumbnails', '2']);
    expect(r.failures).toEqual([]);
    expect(r.tables[0]!.rows).toHaveLength(1);
    expect(fs.existsSync(path.join(out, 'files.md'))).toBe(true);
  }, 180_000);

  it('throughput: every accepted message is in history once', async () => {
    const r = await runThroughput(['--quick', '--out', out, '--senders', '1,2', '--stores', 'sqlite']);
    expect(r.failures).toEqual([]);
    for (const row of r.rows as { accepted: number; persisted: number; missing: number; duplicated: number }[]) {
      expect(row.accepted).toBeGreaterThan(0);
      expect(row.persisted).toBe(row.accepted);
    }
  }, 120_000);

  it('connections: every held session receives the alive-check message', async () => {
    const r = await runConnections(['--quick', '--out', out, '--targets', '20,60']);
    expect(r.failures).toEqual([]);
    expect(r.max_sessions).toEqual({ concord: 60, raw: 60 });
  }, 120_000);

  it('history: latest 50 of a seeded channel', async () => {
    const r = await runHistory(['--quick', '--out', out, '--messages', '2000', '--requests', '50']);
    expect(r.failures).toEqual([]);
    expect((r.seeded as { rows: number }).rows).toBe(2000);
  }, 120_000);

  it('dms: every DM delivered once, delivered then read receipts, ack storm writes within one per channel per window', async () => {
    const r = await runDms(['--quick', '--out', out, '--pairs', '4', '--messages', '5']);
    expect(r.failures).toEqual([]);
    const floods = r.floods as { target: string; delivered: number; missing: number; duplicated: number; receipt_events: number }[];
    expect(floods.map((f) => [f.target, f.delivered, f.missing, f.duplicated])).toEqual([
      ['concord', 20, 0, 0],
      ['raw ws', 20, 0, 0],
    ]);
    expect(floods[0]!.receipt_events).toBeGreaterThan(0);
    const [storm] = r.storms as { acks: number; accepted: number; read_state_writes: number; write_bound: number }[];
    expect(storm!.accepted).toBe(20);
    expect(storm!.read_state_writes).toBeGreaterThan(0);
    expect(storm!.read_state_writes).toBeLessThanOrEqual(storm!.write_bound);
    expect(fs.existsSync(path.join(out, 'dms.md'))).toBe(true);
  }, 180_000);

  it('search: every query answers on each engine, and the index holds every seeded message', async () => {
    const stores = postgresAvailable() ? 'sqlite,postgres' : 'sqlite';
    const r = await runSearch(['--quick', '--out', out, '--stores', stores, '--messages', '2000', '--requests', '3']);
    expect(r.failures).toEqual([]);
    expect(r.tables).toHaveLength(stores.split(',').length);
    for (const t of r.tables) expect(t.rows.find((row) => String(row[0]).startsWith('common word'))![1]).toBe(250);
  }, 180_000);

  it('search-indexing: writes with and without the index, one row per store and transaction size', async () => {
    const r = await runSearchIndexing(['--quick', '--out', out, '--stores', 'sqlite', '--batches', '16,2000', '--messages', '500']);
    expect(r.failures).toEqual([]);
    expect(r.tables[0]!.rows).toHaveLength(2);
  }, 120_000);

  it('interactions: every invocation is answered on the invoker\'s session, on Concord and the raw relay; webhook and REST sends are all in history', async () => {
    const r = await runInteractions(['--quick', '--out', out, '--invokers', '1,3', '--senders', '2']);
    expect(r.failures).toEqual([]);
    const rows = r.rows as { target: string; invokers: number; answered: number; lost: number }[];
    expect(rows.map((x) => [x.target, x.invokers])).toEqual([['concord', 1], ['raw relay', 1], ['concord', 3], ['raw relay', 3]]);
    for (const x of rows) {
      expect(x.answered).toBeGreaterThan(0);
      expect(x.lost).toBe(0);
    }
    for (const x of r.send_rows as { accepted: number; in_history: number }[]) {
      expect(x.accepted).toBeGreaterThan(0);
      expect(x.in_history).toBe(x.accepted);
    }
    expect(fs.existsSync(path.join(out, 'interactions.md'))).toBe(true);
  }, 120_000);

  it.runIf(postgresAvailable() && redisAvailable())('cluster: fan-out across two processes on PostgreSQL + Redis', async () => {
    const r = await runFanoutScenario('cluster', ['--quick', '--out', out, '--steps', '6@20', '--no-raw'], (o) => twoProcessCluster('cluster', o.profile));
    expect(r.failures).toEqual([]);
    const [s] = r.steps as { delivered: number; expected: number; missing: number; duplicated: number }[];
    expect(s!.delivered).toBe(s!.expected);
  }, 120_000);

  it('render: the web client and the raw page both scroll the seeded channel to its end', async () => {
    const r = await runRender(['--quick', '--out', out, '--messages', '120']);
    expect(r.failures).toEqual([]);
    expect((r.measured as { target: string }[]).map((m) => m.target)).toEqual(['concord', 'raw page']);
    expect(fs.existsSync(path.join(out, 'render.md'))).toBe(true);
  }, 180_000);
});
