/**
 * Scenario 2: fan-out latency, send -> MESSAGE_CREATE at every receiver, with 10 / 100 / 1,000 / 10,000 receivers
 * in one channel at a fixed offered rate, plus a saturation step; each step is repeated against the raw `ws`
 * baseline with frames of the same size to the same number of receivers.
 *
 *   npm run -w bench fanout [-- --steps 10@10,100@10,1000@10,10000@1,1000@max --duration 10 --quick --profile]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, newResult, options, runTag } from '../cli.js';
import { checkStep, fanoutStep, type FanoutTarget, type Step, type StepResult } from '../fanout-step.js';
import { newestProfile, summariseProfile } from '../profile.js';
import { DEFAULT_RESULTS_DIR, writeResult, type Result, type Table } from '../report.js';
import { startRaw } from '../servers.js';
import { concordFor, type ConcordUnderTest } from '../under-test.js';
import { concordChannel, rawTarget } from '../setup.js';
import { ratio } from '../stats.js';

export const FANOUT_OPTIONS = {
  steps: { type: 'string' },
  inflight: { type: 'string' },
  'content-bytes': { type: 'string' },
  'no-raw': { type: 'boolean', default: false },
} as const;

export function parseSteps(spec: string, durationS: number, inflight: number, contentBytes: number): Step[] {
  return spec.split(',').map((s) => {
    const [n, rate] = s.split('@') as [string, string | undefined];
    return { receivers: Number(n), rate: rate === 'max' ? 0 : Number(rate ?? 10), durationS, inflight, contentBytes };
  });
}

export async function runFanoutScenario(
  scenario: string,
  argv: string[],
  start: (o: ReturnType<typeof options<typeof FANOUT_OPTIONS>>) => Promise<ConcordUnderTest>,
): Promise<Result & { written: { md: string } }> {
  const o = options(FANOUT_OPTIONS, argv);
  const durationS = Number(o.duration ?? (o.quick ? 1 : 10));
  const steps = parseSteps(o.steps ?? (o.quick ? '10@20,10@max' : '10@10,100@10,1000@10,10000@1,1000@max'), durationS, Number(o.inflight ?? 8), Number(o['content-bytes'] ?? 80));
  const maxReceivers = Math.max(...steps.map((s) => s.receivers));
  const concord = await start(o);
  const result = newResult(scenario, { steps: o.steps, duration_s: durationS, inflight: steps[0]!.inflight, content_bytes: steps[0]!.contentBytes, ...concord.config });
  const raw = o['no-raw'] ? undefined : await startRaw();
  const rows: (StepResult & { frameBytesSeen?: number })[] = [];
  try {
    const ch = await concordChannel(concord.servers[0]!.apiBase, { prefix: o['user-prefix'], password: o.password, receiverAccounts: Math.min(50, maxReceivers) });
    const target: FanoutTarget = {
      name: concord.label,
      apiBase: concord.servers[0]!.apiBase,
      gatewayUrls: concord.gatewayUrls,
      pids: concord.servers.map((s) => s.pid).filter((p): p is number => p !== undefined),
      senderToken: ch.senderToken,
      receiverTokens: ch.receiverTokens,
      channelId: ch.channelId,
    };
    for (const step of steps) {
      const c = await fanoutStep(target, step, runTag());
      rows.push(c);
      result.failures.push(...checkStep(c));
      console.info(`${c.target} ${c.receivers}@${c.rate}: p99 ${c.latency_ms.p99} ms, ${c.deliveries_per_s} deliveries/s, missing ${c.missing}, dup ${c.duplicated}`);
      if (raw) {
        const r = await fanoutStep(rawTarget(raw.apiBase, raw.gatewayUrl, raw.pid, c.frame_bytes || c.frameBytesSeen), step, runTag());
        rows.push(r);
        result.failures.push(...checkStep(r));
        console.info(`raw ${r.receivers}@${r.rate}: p99 ${r.latency_ms.p99} ms, ${r.deliveries_per_s} deliveries/s`);
      }
    }
  } finally {
    await raw?.stop();
    await concord.stop();
  }
  result.ok = result.failures.length === 0;
  result.steps = rows.map(({ frameBytesSeen: _f, ...r }) => r);
  result.tables.push(stepTable(rows), comparisonTable(rows));
  if (concord.profileDir) {
    const file = newestProfile(concord.profileDir);
    if (file) result.tables.push(profileTable(file));
  }
  result.notes.push(
    'latency = receipt of MESSAGE_CREATE at a receiver minus the start of the send (REST POST), both read from the same machine clock; every receiver of every message counts',
    'deliveries/s = frames delivered to receivers / (last delivery - start of sending); server CPU per delivery = the server processes\' user+system CPU over the step / deliveries',
    'the load generator (sender and receiver processes) shares the 2 cores with the server: at saturation both sides compete, the same way for Concord and the raw baseline',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

function stepTable(rows: StepResult[]): Table {
  return {
    title: 'Fan-out per step',
    columns: ['target', 'receivers', 'msgs/s', 'sent', 'delivered', 'missing', 'dup', 'frame B', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'deliveries/s', 'server CPU µs/delivery', 'server RSS MiB', 'connect s'],
    rows: rows.map((r) => [
      r.target, r.receivers, r.rate, r.sent, r.delivered, r.missing, r.duplicated, r.frame_bytes,
      r.latency_ms.p50, r.latency_ms.p95, r.latency_ms.p99, r.latency_ms.max, r.deliveries_per_s, r.server_cpu_us_per_delivery, r.server_rss_mib, r.connect_s,
    ]),
  };
}

function comparisonTable(rows: StepResult[]): Table {
  const out: Table = { title: 'Against the raw ws baseline (same run)', columns: ['receivers', 'msgs/s', 'p99 ratio', 'deliveries/s ratio', 'CPU/delivery ratio'], rows: [] };
  for (let i = 0; i + 1 < rows.length; i++) {
    const c = rows[i]!;
    const r = rows[i + 1]!;
    if (c.target === 'raw ws' || r.target !== 'raw ws') continue;
    out.rows.push([c.receivers, c.rate, ratio(c.latency_ms.p99, r.latency_ms.p99), ratio(c.deliveries_per_s, r.deliveries_per_s), ratio(c.server_cpu_us_per_delivery, r.server_cpu_us_per_delivery)]);
  }
  return out;
}

export function profileTable(file: string): Table {
  const p = summariseProfile(file);
  return { title: `Server CPU profile, self time (${p.total_ms} ms busy, ${path.basename(file)})`, columns: ['function', 'where', 'ms', '%'], rows: p.rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(() => runFanoutScenario('fanout', process.argv.slice(2), (o) => concordFor('fanout', o)));
}
