/**
 * One fan-out measurement: N receiver sessions in worker processes, one sender offering messages at a fixed
 * rate (or as fast as `inflight` concurrent sends allow, for saturation), then every receiver's count checked.
 */
import { Api } from './api.js';
import { cpuMs, now, rssBytes, sleep } from './env.js';
import { benchContent } from './receiver.js';
import { dist, round, type Dist } from './stats.js';
import { WorkerPool } from './workers.js';

export interface FanoutTarget {
  name: string;
  apiBase: string;
  gatewayUrls: string[];
  /** Server processes whose CPU and memory are read (all of a cluster). */
  pids: number[];
  senderToken: string;
  receiverTokens: string[];
  channelId: string;
  /** The raw baseline pads its frames to this size (Concord's measured MESSAGE_CREATE frame). */
  frameBytes?: number;
}

export interface Step {
  receivers: number;
  /** Messages per second, or 0 for saturation (closed loop with `inflight` sends outstanding). */
  rate: number;
  durationS: number;
  inflight: number;
  contentBytes: number;
}

export interface StepResult {
  target: string;
  receivers: number;
  rate: string;
  connected: number;
  connect_failed: number;
  connect_s: number;
  sent: number;
  accepted: number;
  send_errors: number;
  expected: number;
  delivered: number;
  missing: number;
  duplicated: number;
  out_of_order: number;
  seq_gaps: number;
  lost_sessions: number;
  frame_bytes: number;
  latency_ms: Dist;
  ack_ms: Dist;
  offered_msgs_per_s: number;
  deliveries_per_s: number;
  server_cpu_us_per_delivery: number;
  server_rss_mib: number;
  errors: string[];
}

export const workersFor = (receivers: number) => (receivers <= 100 ? 1 : receivers <= 2000 ? 2 : 4);

const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

export async function fanoutStep(t: FanoutTarget, step: Step, tag: string): Promise<StepResult & { frameBytesSeen: number }> {
  const api = new Api(t.apiBase, Math.max(16, step.inflight));
  const pool = new WorkerPool(workersFor(step.receivers));
  const errors: string[] = [];
  const send = (seq: number, sentAt: number, runTag: string) => {
    const content = benchContent(runTag, seq, sentAt, step.contentBytes);
    const body = { content, nonce: `${runTag}${seq}`, ...(t.frameBytes ? { x_frame_bytes: t.frameBytes } : {}) };
    return api.http.request<{ id?: string }>('POST', `/channels/${t.channelId}/messages`, body, t.senderToken);
  };
  try {
    const conn = await pool.connect(t.gatewayUrls, t.receiverTokens, step.receivers);
    errors.push(...conn.errors);

    // Warm-up: one message everybody must get; it also tells the frame size.
    const warm = `${tag}w`;
    await pool.arm(warm, 1);
    await send(0, now(), warm);
    const warmDeadline = Date.now() + 30_000;
    let progress = await pool.progress();
    while (progress.delivered < conn.connected && Date.now() < warmDeadline) {
      await sleep(20);
      progress = await pool.progress();
    }

    const capacity = step.rate > 0 ? Math.round(step.rate * step.durationS) : Math.max(1000, Math.round(200_000 / step.receivers) * step.durationS);
    await pool.arm(tag, capacity);
    const cpu0 = sum(t.pids.map(cpuMs));
    const t0 = now();
    const acks: number[] = [];
    let accepted = 0;
    let sent = 0;
    const one = async (seq: number) => {
      const sentAt = now();
      sent++;
      try {
        const res = await send(seq, sentAt, tag);
        acks.push(now() - sentAt);
        if (res.status < 300) accepted++;
        else if (errors.length < 5) errors.push(`send ${seq}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (errors.length < 5) errors.push(`send ${seq}: ${(err as Error).message}`);
      }
    };
    if (step.rate > 0) {
      const pending: Promise<void>[] = [];
      for (let seq = 0; seq < capacity; seq++) {
        const due = t0 + (seq * 1000) / step.rate;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        pending.push(one(seq));
      }
      await Promise.all(pending);
    } else {
      let next = 0;
      const end = t0 + step.durationS * 1000;
      const lane = async () => {
        while (now() < end && next < capacity) await one(next++);
      };
      await Promise.all(Array.from({ length: step.inflight }, lane));
    }
    const d = await pool.collect(sent, 30_000 + step.receivers);
    const cpu = sum(t.pids.map(cpuMs)) - cpu0;
    const rss = sum(t.pids.map(rssBytes));
    return {
      target: t.name,
      receivers: step.receivers,
      rate: step.rate > 0 ? String(step.rate) : `max (${step.inflight} in flight)`,
      connected: conn.connected,
      connect_failed: conn.failed,
      connect_s: round(conn.ms / 1000, 1),
      sent,
      accepted,
      send_errors: sent - accepted,
      expected: d.expected,
      delivered: d.delivered,
      missing: d.missing,
      duplicated: d.duplicated,
      out_of_order: d.outOfOrder,
      seq_gaps: d.seqGaps,
      lost_sessions: d.lost,
      frame_bytes: d.frameBytes,
      latency_ms: d.latency.dist(),
      ack_ms: dist(acks),
      offered_msgs_per_s: round(sent / ((now() - t0) / 1000), 1),
      deliveries_per_s: d.lastAt > t0 ? Math.round(d.delivered / ((d.lastAt - t0) / 1000)) : 0,
      server_cpu_us_per_delivery: d.delivered ? round((cpu * 1000) / d.delivered, 2) : NaN,
      server_rss_mib: round(rss / 2 ** 20, 1),
      errors,
      frameBytesSeen: progress.frameBytes,
    };
  } finally {
    await pool.closeSessions().catch(() => undefined);
    await pool.stop();
    api.close();
  }
}

/** Problems with a step's counts, as failure lines (empty when every message arrived exactly once). */
export function checkStep(r: StepResult): string[] {
  const where = `${r.target} ${r.receivers} receivers @ ${r.rate}`;
  const out: string[] = [];
  if (r.connect_failed) out.push(`${where}: ${r.connect_failed} sessions failed to connect (${r.errors.join('; ')})`);
  if (r.send_errors) out.push(`${where}: ${r.send_errors} of ${r.sent} sends were not accepted (${r.errors.join('; ')})`);
  if (r.missing) out.push(`${where}: ${r.missing} deliveries missing`);
  if (r.duplicated) out.push(`${where}: ${r.duplicated} deliveries duplicated`);
  if (r.seq_gaps) out.push(`${where}: ${r.seq_gaps} gaps in the gateway sequence`);
  if (r.lost_sessions) out.push(`${where}: ${r.lost_sessions} sessions lost during the run`);
  return out;
}
