/**
 * Scenario 3: idle authenticated sessions. Sessions are opened in steps (1,000, 10,000, then on towards the
 * open-file limit) and held, heartbeating; after each step the server's RSS (/proc/<pid>/status) is read and one
 * message checks that every session is alive. The first step with a failed connection ends the ramp: the
 * previous total is the maximum. Then the same steps against the raw `ws` baseline.
 * With --cluster: a two-process PostgreSQL + Redis cluster, sessions alternating between the processes.
 *
 *   npm run -w bench connections [-- --targets 1000,10000,15000,19000,19900,20500 --cluster --quick]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csv, main, newResult, options, runTag } from '../cli.js';
import { now, rssBytes, sleep } from '../env.js';
import { benchContent } from '../receiver.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { startRaw } from '../servers.js';
import { concordChannel } from '../setup.js';
import { ratio, round } from '../stats.js';
import { concordFor, twoProcessCluster } from '../under-test.js';
import { WorkerPool } from '../workers.js';
import { Api } from '../api.js';

const OPTIONS = {
  targets: { type: 'string' },
  cluster: { type: 'boolean', default: false },
  settle: { type: 'string' },
} as const;

interface Held {
  target: string;
  sessions: number;
  connected: number;
  failed: number;
  connect_s: number;
  rss_mib: number;
  kib_per_session: number;
  alive_check: string;
}

interface Side {
  name: string;
  apiBase: string;
  gatewayUrls: string[];
  pids: number[];
  tokens: string[];
  senderToken: string;
  channelId: string;
}

const rssOf = (pids: number[]) => pids.reduce((a, p) => a + (rssBytes(p) ?? 0), 0);

async function ramp(side: Side, targets: number[], settleMs: number, failures: string[]): Promise<{ rows: Held[]; max: number }> {
  const pool = new WorkerPool(Math.max(2, Math.ceil(Math.max(...targets) / 5000)));
  const api = new Api(side.apiBase, 4);
  const rows: Held[] = [];
  let held = 0;
  try {
    await sleep(settleMs);
    const rss0 = rssOf(side.pids);
    rows.push({ target: side.name, sessions: 0, connected: 0, failed: 0, connect_s: 0, rss_mib: round(rss0 / 2 ** 20, 1), kib_per_session: NaN, alive_check: '' });
    for (const target of targets) {
      const add = target - pool.sessions;
      if (add <= 0) continue;
      const c = await pool.connect(side.gatewayUrls, side.tokens, add, 100);
      await sleep(settleMs);
      // Every session must still be there and authenticated: one message, received once by each.
      const tag = runTag();
      await pool.arm(tag, 1);
      // A server out of file descriptors may refuse the send itself: that ends the ramp like a failed session.
      const r = await api.http
        .request('POST', `/channels/${side.channelId}/messages`, { content: benchContent(tag, 0, now(), 80), nonce: `${tag}0`, x_frame_bytes: 900 }, side.senderToken)
        .catch((err: Error) => ({ status: 0, body: err.message }));
      const d = await pool.collect(1, r.status ? 30_000 : 1000);
      const alive = d.delivered - d.duplicated;
      const rss = rssOf(side.pids);
      rows.push({
        target: side.name,
        sessions: target,
        connected: c.connected,
        failed: c.failed,
        connect_s: round(c.ms / 1000, 1),
        rss_mib: round(rss / 2 ** 20, 1),
        kib_per_session: round((rss - rss0) / 1024 / target, 2),
        alive_check: r.status < 300 ? `${alive}/${target} received${d.duplicated ? `, ${d.duplicated} duplicated` : ''}` : `send failed: ${r.status ? `HTTP ${r.status}` : String(r.body)}`,
      });
      console.info(`${side.name}: ${target} sessions (${c.failed} failed), RSS ${round(rss / 2 ** 20, 1)} MiB, ${rows[rows.length - 1]!.kib_per_session} KiB/session, alive ${alive}`);
      if (c.failed > 0 || alive < target) {
        held = Math.max(held, alive);
        break;
      }
      if (d.duplicated) failures.push(`${side.name} at ${target} sessions: ${d.duplicated} duplicated deliveries`);
      held = target;
    }
  } finally {
    await pool.closeSessions().catch(() => undefined);
    await pool.stop();
    api.close();
  }
  return { rows, max: held };
}

export async function runConnections(argv: string[]) {
  const o = options(OPTIONS, argv);
  const targets = csv(o.targets, o.quick ? '50,200' : o.cluster ? '1000,10000,20000,30000,35000,36000' : '1000,10000,15000,19000,19900,20500').map(Number);
  const settleMs = Number(o.settle ?? (o.quick ? 200 : 3000));
  const scenario = o.cluster ? 'connections-cluster' : 'connections';
  const concord = o.cluster ? await twoProcessCluster(scenario, o.profile) : await concordFor(scenario, o);
  const result = newResult(scenario, { targets, settle_ms: settleMs, receiver_accounts: 100, ...concord.config });
  const rows: Held[] = [];
  let concordMax = 0;
  let rawMax = 0;
  try {
    const ch = await concordChannel(concord.servers[0]!.apiBase, { prefix: o['user-prefix'], password: o.password, receiverAccounts: o.quick ? 5 : 100 });
    const pids = concord.servers.map((s) => s.pid!);
    const r = await ramp({ name: concord.label, apiBase: concord.servers[0]!.apiBase, gatewayUrls: concord.gatewayUrls, pids, tokens: ch.receiverTokens, senderToken: ch.senderToken, channelId: ch.channelId }, targets, settleMs, result.failures);
    rows.push(...r.rows);
    concordMax = r.max;
  } catch (err) {
    for (const s of concord.servers) console.error(`server ${s.apiBase} output:\n${s.log()}`);
    throw err;
  } finally {
    await concord.stop();
  }
  const raw = await startRaw();
  try {
    const r = await ramp({ name: 'raw ws', apiBase: raw.apiBase, gatewayUrls: [raw.gatewayUrl], pids: [raw.pid!], tokens: ['raw'], senderToken: 'raw', channelId: '1' }, targets, settleMs, result.failures);
    rows.push(...r.rows);
    rawMax = r.max;
  } finally {
    await raw.stop();
  }
  const at = (name: string, n: number) => rows.find((r) => r.target === name && r.sessions === n);
  const compare = targets.filter((n) => at(concord.label, n) && at('raw ws', n));
  if (concordMax < Math.min(targets[0]!, targets[targets.length - 1]!)) result.failures.push(`${concord.label} held only ${concordMax} sessions`);
  result.ok = result.failures.length === 0;
  Object.assign(result, { rows, max_sessions: { concord: concordMax, raw: rawMax } });
  result.tables.push(
    {
      title: `Idle sessions held (max: ${concord.label} ${concordMax}, raw ws ${rawMax})`,
      columns: ['target', 'sessions', 'added', 'failed', 'connect s', 'server RSS MiB', 'KiB/session', 'alive check'],
      rows: rows.map((r) => [r.target, r.sessions, r.connected, r.failed, r.connect_s, r.rss_mib, r.kib_per_session, r.alive_check]),
    },
    {
      title: 'Memory per session against the raw ws baseline (same run)',
      columns: ['sessions', `${concord.label} KiB/session`, 'raw KiB/session', 'ratio'],
      rows: compare.map((n) => [n, at(concord.label, n)!.kib_per_session, at('raw ws', n)!.kib_per_session, ratio(at(concord.label, n)!.kib_per_session, at('raw ws', n)!.kib_per_session)]),
    },
  );
  result.notes.push(
    'KiB/session = (server RSS with the sessions - RSS before the first) / sessions, read after a settle pause; RSS includes garbage not yet collected, so small steps are noisy',
    `sessions spread over ${concord.config.processes === 2 ? 'both processes (RSS summed)' : 'one process'}; every session identifies (the raw server answers READY at once) and heartbeats`,
    'the ramp stops at the first step where a session fails to connect or misses the alive-check message (max = sessions alive then); the open-file limit is 20,000 per process (the server needs one fd per socket)',
  );
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runConnections(process.argv.slice(2)));
