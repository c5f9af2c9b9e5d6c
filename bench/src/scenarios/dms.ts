/**
 * Scenario: a DM flood and an ack storm. P pairs of people, each pair in its own DM: every sender sends M messages
 * to its recipient while both are connected, then every recipient acks each of them, as fast as `--ack-inflight`
 * requests allow. Measured in one run:
 *
 * - DM flood: deliveries/s at the recipients and X_MESSAGE_RECEIPT events/s at the senders, against the raw `ws`
 *   baseline routing the same frames to one socket per channel, and against guild fan-out (one channel, the same
 *   P receivers) on the same server.
 * - Ack storm: acks/s against the raw baseline's no-op ack route, and the rows the debounced buffers wrote:
 *   read positions (`concord_read_state_writes_total`) at most one per channel per ACK_FLUSH_MS window, read
 *   receipt cursors (`concord_receipt_cursor_writes_total{kind="read"}`) one per channel per 200 ms, whatever the ack rate.
 *
 * Every delivery is checked exactly once, and every DM's final receipt state (delivered, then read up to the last
 * message) over `GET /channels/:id/x-receipts`.
 *
 *   npm run -w bench dms [-- --pairs 1000 --messages 10 --inflight 32 --ack-inflight 64 --quick]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayIntents } from '@concord/protocol';
import { Api, setupGuild, type Account } from '../api.js';
import { main, newResult, options, runTag } from '../cli.js';
import { cpuMs, now, sleep } from '../env.js';
import { checkStep, fanoutStep, workersFor, type StepResult } from '../fanout-step.js';
import { HttpClient } from '../http.js';
import { benchContent } from '../receiver.js';
import { DEFAULT_RESULTS_DIR, writeResult, type Result } from '../report.js';
import { startRaw, type Target } from '../servers.js';
import { dist, ratio, round, type Dist } from '../stats.js';
import { concordFor } from '../under-test.js';
import { WorkerPool } from '../workers.js';

export const DMS_OPTIONS = {
  pairs: { type: 'string' },
  /** Messages each sender sends to its recipient. */
  messages: { type: 'string' },
  /** Sends outstanding at once (over all pairs). */
  inflight: { type: 'string' },
  'ack-inflight': { type: 'string' },
  'content-bytes': { type: 'string' },
} as const;

/** The server's debounce window for read positions (ACK_FLUSH_MS in modules/read_states). */
const ACK_FLUSH_MS = 1000;
/** The delivery buffer's window (DELIVERY_FLUSH_MS in modules/receipts). */
const DELIVERY_FLUSH_MS = 200;

const DM_INTENTS = GatewayIntents.Guilds | GatewayIntents.DirectMessages | GatewayIntents.MessageContent;

interface Side {
  apiBase: string;
  gatewayUrls: string[];
  pids: number[];
  senderTokens: string[];
  /** The tokens recipients identify with (Concord: their accounts; raw: `raw-dm:<channel>`). */
  recipientTokens: string[];
  channelIds: string[];
}

export interface FloodResult {
  target: string;
  pairs: number;
  messages: number;
  sent: number;
  accepted: number;
  delivered: number;
  missing: number;
  duplicated: number;
  out_of_order: number;
  latency_ms: Dist;
  deliveries_per_s: number;
  server_cpu_us_per_delivery: number;
  receipt_events: number;
  receipt_events_per_s: number;
  delivery_cursor_writes: number;
  /** One per DM per started DELIVERY_FLUSH_MS window of the flood, plus the window the last delivery opened. */
  delivery_cursor_bound: number;
  /** Message ids per pair, in order (Concord only; the ack storm acks them). */
  ids: string[][];
  errors: string[];
}

export interface AckResult {
  target: string;
  channels: number;
  acks: number;
  accepted: number;
  acks_per_s: number;
  ack_ms: Dist;
  window_s: number;
  read_state_writes: number;
  read_cursor_writes: number;
  /** One write per channel per started ACK_FLUSH_MS window, plus one for a window cut by the first ack. */
  write_bound: number;
  /** The same for read receipt cursors, on the receipts' DELIVERY_FLUSH_MS window. */
  read_cursor_bound: number;
  read_receipt_events: number;
  errors: string[];
}

/** Concord's counters from /metrics (the origin of `apiBase`). */
async function counters(apiBase: string): Promise<{ readStates: number; deliveries: number; reads: number }> {
  const http = new HttpClient(new URL(apiBase).origin, 1);
  try {
    const res = await http.request<string>('GET', '/metrics');
    const read = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)`, 'm').exec(String(res.body))?.[1] ?? NaN);
    return {
      readStates: read('concord_read_state_writes_total'),
      deliveries: read('concord_receipt_cursor_writes_total{kind="delivered"}'),
      reads: read('concord_receipt_cursor_writes_total{kind="read"}'),
    };
  } finally {
    http.close();
  }
}

const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

/** Runs `tasks` with `lanes` of them outstanding at once, in order. */
async function lanes<T>(tasks: T[], width: number, run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await run(tasks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, tasks.length)) }, lane));
}

async function flood(side: Side, name: string, messages: number, inflight: number, contentBytes: number, concord: boolean): Promise<FloodResult> {
  const pairs = side.channelIds.length;
  const api = new Api(side.apiBase, Math.max(16, inflight));
  const recipients = new WorkerPool(workersFor(pairs));
  const senders = concord ? new WorkerPool(workersFor(pairs)) : undefined;
  const errors: string[] = [];
  const ids: string[][] = side.channelIds.map(() => []);
  try {
    const conn = await recipients.connect(side.gatewayUrls, side.recipientTokens, pairs, 64, DM_INTENTS);
    errors.push(...conn.errors);
    if (senders) errors.push(...(await senders.connect(side.gatewayUrls, side.senderTokens, pairs, 64, DM_INTENTS)).errors);

    // Warm-up: one message per DM (it also makes each DM appear on the recipient's side).
    const warm = `${runTag()}w`;
    await recipients.arm(warm, 1);
    await lanes(
      side.channelIds.map((_, i) => i),
      inflight,
      async (i) => void (await api.send(side.senderTokens[i]!, side.channelIds[i]!, benchContent(warm, 0, now(), contentBytes), `${warm}${i}`)),
    );
    const warmDeadline = Date.now() + 30_000;
    while ((await recipients.progress()).delivered < conn.connected && Date.now() < warmDeadline) await sleep(20);
    await sleep(DELIVERY_FLUSH_MS * 2);

    const tag = runTag();
    await recipients.arm(tag, messages);
    await senders?.arm(tag, messages);
    const before = concord ? await counters(side.apiBase) : undefined;
    const cpu0 = sum(side.pids.map(cpuMs));
    // Message-major order: with at least as many pairs as lanes, one pair never has two sends in flight, so each
    // DM's messages are sent (and numbered) in order.
    const tasks: [number, number][] = [];
    for (let seq = 0; seq < messages; seq++) for (let p = 0; p < pairs; p++) tasks.push([p, seq]);
    let sent = 0;
    let accepted = 0;
    const t0 = now();
    await lanes(tasks, Math.min(inflight, pairs), async ([p, seq]) => {
      sent++;
      try {
        const res = await api.send(side.senderTokens[p]!, side.channelIds[p]!, benchContent(tag, seq, now(), contentBytes), `${tag}${p}n${seq}`);
        if (res.status < 300 && res.body.id) {
          accepted++;
          ids[p]![seq] = res.body.id;
        } else if (errors.length < 5) errors.push(`send ${p}/${seq}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (errors.length < 5) errors.push(`send ${p}/${seq}: ${(err as Error).message}`);
      }
    });
    const d = await recipients.collect(messages, 30_000 + pairs * 10);
    const cpu = sum(side.pids.map(cpuMs)) - cpu0;
    // The delivery buffer writes (and announces) after its window.
    await sleep(DELIVERY_FLUSH_MS * 3);
    const r = senders ? await senders.collect(messages, 10_000) : undefined;
    const after = concord ? await counters(side.apiBase) : undefined;
    const receiptSpan = r && r.lastReceiptAt > t0 ? (r.lastReceiptAt - t0) / 1000 : NaN;
    return {
      target: name,
      pairs,
      messages,
      sent,
      accepted,
      delivered: d.delivered,
      missing: d.missing,
      duplicated: d.duplicated,
      out_of_order: d.outOfOrder,
      latency_ms: d.latency.dist(),
      deliveries_per_s: d.lastAt > t0 ? Math.round(d.delivered / ((d.lastAt - t0) / 1000)) : 0,
      server_cpu_us_per_delivery: d.delivered ? round((cpu * 1000) / d.delivered, 2) : NaN,
      receipt_events: r?.receiptsDelivered ?? NaN,
      receipt_events_per_s: r ? Math.round(r.receiptsDelivered / receiptSpan) : NaN,
      delivery_cursor_writes: before && after ? after.deliveries - before.deliveries : NaN,
      delivery_cursor_bound: concord ? pairs * (Math.ceil(Math.max(0, d.lastAt - t0) / DELIVERY_FLUSH_MS) + 2) : NaN,
      ids,
      errors,
    };
  } finally {
    await recipients.closeSessions().catch(() => undefined);
    await recipients.stop();
    if (senders) {
      await senders.closeSessions().catch(() => undefined);
      await senders.stop();
    }
    api.close();
  }
}

/** Every recipient acks every message of its DM, in order; on raw the same requests go to its no-op route. */
async function ackStorm(side: Side, name: string, ids: string[][], inflight: number, concord: boolean): Promise<AckResult> {
  const api = new Api(side.apiBase, Math.max(16, inflight));
  const senders = concord ? new WorkerPool(workersFor(ids.length)) : undefined;
  const errors: string[] = [];
  try {
    if (senders) {
      errors.push(...(await senders.connect(side.gatewayUrls, side.senderTokens, ids.length, 64, DM_INTENTS)).errors);
      await senders.arm(runTag(), 1);
    }
    const tasks: [number, string][] = [];
    const messages = Math.max(...ids.map((l) => l.length));
    for (let seq = 0; seq < messages; seq++) for (let p = 0; p < ids.length; p++) if (ids[p]![seq]) tasks.push([p, ids[p]![seq]!]);
    // Let the flood's last window pass, so that every write counted below is the storm's.
    await sleep(ACK_FLUSH_MS * 1.5);
    const before = concord ? await counters(side.apiBase) : undefined;
    const times: number[] = [];
    let accepted = 0;
    const t0 = now();
    await lanes(tasks, inflight, async ([p, id]) => {
      const at = now();
      try {
        const res = await api.ack(side.recipientTokens[p]!, side.channelIds[p]!, id);
        times.push(now() - at);
        if (res.status < 300) accepted++;
        else if (errors.length < 5) errors.push(`ack ${p}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (errors.length < 5) errors.push(`ack ${p}: ${(err as Error).message}`);
      }
    });
    const elapsed = now() - t0;
    // The last window is written when it ends.
    await sleep(ACK_FLUSH_MS * 1.5);
    const after = concord ? await counters(side.apiBase) : undefined;
    const progress = senders ? await senders.progress() : undefined;
    return {
      target: name,
      channels: ids.length,
      acks: tasks.length,
      accepted,
      acks_per_s: Math.round(tasks.length / (elapsed / 1000)),
      ack_ms: dist(times),
      window_s: round(elapsed / 1000, 2),
      read_state_writes: before && after ? after.readStates - before.readStates : NaN,
      read_cursor_writes: before && after ? after.reads - before.reads : NaN,
      write_bound: concord ? ids.length * (Math.ceil(elapsed / ACK_FLUSH_MS) + 1) : NaN,
      read_cursor_bound: concord ? ids.length * (Math.ceil(elapsed / DELIVERY_FLUSH_MS) + 1) : NaN,
      read_receipt_events: progress?.receiptsRead ?? NaN,
      errors,
    };
  } finally {
    if (senders) {
      await senders.closeSessions().catch(() => undefined);
      await senders.stop();
    }
    api.close();
  }
}

/** Each DM's receipts as its sender sees them: delivered and read up to the last message. */
async function checkReceipts(apiBase: string, senders: Account[], channelIds: string[], ids: string[][], want: 'delivered' | 'read'): Promise<string[]> {
  const api = new Api(apiBase, 8);
  const wrong: string[] = [];
  try {
    await lanes(
      channelIds.map((_, i) => i),
      8,
      async (i) => {
        const last = ids[i]!.at(-1);
        const [r] = await api.receipts(senders[i]!.token, channelIds[i]!);
        const got = want === 'read' ? r?.read_message_id : r?.delivered_message_id;
        if (got !== last) wrong.push(`DM ${i}: ${want} up to ${String(got)}, want ${String(last)}`);
      },
    );
  } finally {
    api.close();
  }
  return wrong;
}

export async function runDms(argv: string[]): Promise<Result & { written: { md: string } }> {
  const o = options(DMS_OPTIONS, argv);
  const pairs = Number(o.pairs ?? (o.quick ? 10 : 1000));
  const messages = Number(o.messages ?? (o.quick ? 20 : 10));
  const inflight = Number(o.inflight ?? 32);
  const ackInflight = Number(o['ack-inflight'] ?? 64);
  const contentBytes = Number(o['content-bytes'] ?? 80);
  const concord = await concordFor('dms', o);
  const result = newResult('dms', { pairs, messages, inflight, ack_inflight: ackInflight, content_bytes: contentBytes, ...concord.config });
  let raw: Target | undefined;
  const floods: FloodResult[] = [];
  const storms: AckResult[] = [];
  let guild: StepResult | undefined;
  try {
    raw = await startRaw();
    const setup = new Api(concord.servers[0]!.apiBase, 8);
    const prefix = o['user-prefix'] ?? `d${runTag()}u`;
    // One guild so that every pair may DM (and the guild fan-out step has the same receivers); account 0 owns it.
    const { accounts, channelId: guildChannel } = await setupGuild(setup, prefix, 2 * pairs + 1, o.password);
    const senders = accounts.slice(1, pairs + 1);
    const recipients = accounts.slice(pairs + 1);
    const channelIds: string[] = [];
    for (let i = 0; i < pairs; i += 8) {
      const batch = senders.slice(i, i + 8).map((s, j) => setup.openDm(s.token, recipients[i + j]!.userId));
      channelIds.push(...(await Promise.all(batch)));
    }
    setup.close();
    const pids = concord.servers.map((s) => s.pid).filter((p): p is number => p !== undefined);
    const side: Side = {
      apiBase: concord.servers[0]!.apiBase,
      gatewayUrls: concord.gatewayUrls,
      pids,
      senderTokens: senders.map((a) => a.token),
      recipientTokens: recipients.map((a) => a.token),
      channelIds,
    };
    const rawChannels = channelIds.map((_, i) => String(1000 + i));
    const rawSide: Side = {
      apiBase: raw.apiBase,
      gatewayUrls: [raw.gatewayUrl],
      pids: raw.pid ? [raw.pid] : [],
      senderTokens: rawChannels.map(() => 'raw'),
      recipientTokens: rawChannels.map((c) => `raw-dm:${c}`),
      channelIds: rawChannels,
    };

    const c = await flood(side, concord.label, messages, inflight, contentBytes, true);
    floods.push(c);
    console.info(`${c.target} DM flood ${pairs} pairs x ${messages}: ${c.deliveries_per_s} deliveries/s, ${c.receipt_events_per_s} receipt events/s, missing ${c.missing}, dup ${c.duplicated}`);
    const r = await flood(rawSide, 'raw ws', messages, inflight, contentBytes, false);
    floods.push(r);
    console.info(`raw DM flood: ${r.deliveries_per_s} deliveries/s`);
    for (const f of floods) {
      const where = `${f.target} DM flood`;
      if (f.accepted < f.sent) result.failures.push(`${where}: ${f.sent - f.accepted} of ${f.sent} sends not accepted (${f.errors.join('; ')})`);
      if (f.missing) result.failures.push(`${where}: ${f.missing} deliveries missing`);
      if (f.duplicated) result.failures.push(`${where}: ${f.duplicated} deliveries duplicated`);
    }
    if (!(c.delivery_cursor_writes <= c.delivery_cursor_bound)) result.failures.push(`DM flood: ${c.delivery_cursor_writes} delivery cursor writes (bound ${c.delivery_cursor_bound})`);
    result.failures.push(...(await checkReceipts(side.apiBase, senders, channelIds, c.ids, 'delivered')));

    // Guild fan-out on the same server: the same receivers, one channel, saturated for as long as the flood took.
    const floodS = Math.max(1, Math.round(c.delivered / Math.max(1, c.deliveries_per_s)));
    guild = await fanoutStep(
      { name: `${concord.label} guild`, apiBase: side.apiBase, gatewayUrls: side.gatewayUrls, pids, senderToken: accounts[0]!.token, receiverTokens: side.recipientTokens, channelId: guildChannel },
      { receivers: pairs, rate: 0, durationS: floodS, inflight: Math.min(inflight, 8), contentBytes },
      runTag(),
    );
    result.failures.push(...checkStep(guild));
    console.info(`guild fan-out to ${pairs}: ${guild.deliveries_per_s} deliveries/s`);

    const s = await ackStorm(side, concord.label, c.ids, ackInflight, true);
    storms.push(s);
    console.info(`${s.target} ack storm: ${s.acks} acks, ${s.acks_per_s}/s, ${s.read_state_writes} read-state writes (bound ${s.write_bound})`);
    const sr = await ackStorm(rawSide, 'raw http', c.ids, ackInflight, false);
    storms.push(sr);
    console.info(`raw ack storm: ${sr.acks_per_s}/s`);
    for (const a of storms) if (a.accepted < a.acks) result.failures.push(`${a.target} ack storm: ${a.acks - a.accepted} of ${a.acks} acks refused (${a.errors.join('; ')})`);
    if (!(s.read_state_writes <= s.write_bound)) result.failures.push(`ack storm: ${s.read_state_writes} read-state writes for ${s.channels} channels over ${s.window_s} s (bound ${s.write_bound})`);
    if (!(s.read_cursor_writes <= s.read_cursor_bound)) result.failures.push(`ack storm: ${s.read_cursor_writes} read receipt writes for ${s.channels} channels over ${s.window_s} s (bound ${s.read_cursor_bound})`);
    result.failures.push(...(await checkReceipts(side.apiBase, senders, channelIds, c.ids, 'read')));
  } finally {
    await raw?.stop();
    await concord.stop();
  }
  result.ok = result.failures.length === 0;
  result.floods = floods.map(({ ids: _ids, ...f }) => f);
  result.storms = storms;
  result.guild = guild;
  const [cf, rf] = floods;
  const [cs, rs] = storms;
  result.tables.push(
    {
      title: 'DM flood',
      columns: ['target', 'pairs', 'msgs/pair', 'delivered', 'missing', 'dup', 'p50 ms', 'p99 ms', 'deliveries/s', 'server CPU µs/delivery', 'receipt events', 'receipt events/s', 'delivery cursor writes', 'bound'],
      rows: floods.map((f) => [f.target, f.pairs, f.messages, f.delivered, f.missing, f.duplicated, f.latency_ms.p50, f.latency_ms.p99, f.deliveries_per_s, f.server_cpu_us_per_delivery, f.receipt_events, f.receipt_events_per_s, f.delivery_cursor_writes, f.delivery_cursor_bound]),
    },
    {
      title: 'Guild fan-out on the same server (same receivers, one channel)',
      columns: ['receivers', 'messages', 'delivered', 'missing', 'p99 ms', 'deliveries/s', 'server CPU µs/delivery'],
      rows: guild ? [[guild.receivers, guild.sent, guild.delivered, guild.missing, guild.latency_ms.p99, guild.deliveries_per_s, guild.server_cpu_us_per_delivery]] : [],
    },
    {
      title: 'Ack storm',
      columns: ['target', 'channels', 'acks', 'acks/s', 'p50 ms', 'p99 ms', 'storm s', 'read-state writes', 'bound (channels x 1 s windows)', 'read receipt writes', 'bound (channels x 200 ms windows)', 'read receipt events'],
      rows: storms.map((a) => [a.target, a.channels, a.acks, a.acks_per_s, a.ack_ms.p50, a.ack_ms.p99, a.window_s, a.read_state_writes, a.write_bound, a.read_cursor_writes, a.read_cursor_bound, a.read_receipt_events]),
    },
    {
      title: 'Ratios (same run)',
      columns: ['what', 'ratio'],
      rows: [
        ['DM deliveries/s: Concord / raw ws', cf && rf ? ratio(cf.deliveries_per_s, rf.deliveries_per_s) : NaN],
        ['DM deliveries/s: DM flood / guild fan-out', cf && guild ? ratio(cf.deliveries_per_s, guild.deliveries_per_s) : NaN],
        ['server CPU per delivery: DM / guild', cf && guild ? ratio(cf.server_cpu_us_per_delivery, guild.server_cpu_us_per_delivery) : NaN],
        ['acks/s: Concord / raw http', cs && rs ? ratio(cs.acks_per_s, rs.acks_per_s) : NaN],
        ['read-state writes per ack', cs ? round(cs.read_state_writes / Math.max(1, cs.acks), 4) : NaN],
        ['read receipt writes per ack', cs ? round(cs.read_cursor_writes / Math.max(1, cs.acks), 4) : NaN],
      ],
    },
  );
  result.notes.push(
    'DM flood: each sender posts its messages over REST into its own DM; a delivery is a MESSAGE_CREATE at the recipient; latency = arrival minus the start of the send, same machine clock',
    'receipt events = X_MESSAGE_RECEIPT (delivered) frames at the senders: the delivery buffer makes one per DM per 200 ms window, not one per message',
    'the raw baseline routes each frame to the one socket of its channel with no storage or checks; its ack route answers at once',
    'ack storm: every recipient acks each of its messages in order; writes are the server\'s own counters (concord_read_state_writes_total, concord_receipt_cursor_writes_total) over the storm and its last window',
    'the load generator shares the 2 cores with the server: read the ratios, not the absolute figures',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runDms(process.argv.slice(2)));
