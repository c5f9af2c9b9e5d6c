/**
 * Scenario: bots. (1) The interaction round trip: a person runs a slash command (`POST /interactions`), the bot
 * gets INTERACTION_CREATE on its gateway session and answers through the callback (an ephemeral message), and the
 * person's session sees the answer (MESSAGE_CREATE). Timed from the invoke to the answer's arrival, with 1 and 100
 * concurrent invokers (each a closed loop, its own account and session), on Concord and on the raw relay
 * (raw-server.ts: the same hops with nothing checked or stored) in the same run. (2) Webhook executes per second
 * (`POST /webhooks/:id/:token?wait=true`) against message creates (`POST /channels/:id/messages`) in the same run
 * and server, each then counted in the channel's history.
 *
 *   npm run -w bench interactions [-- --invokers 1,100 --senders 8 --duration 10 --quick]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, setupGuild } from '../api.js';
import { GatewaySession } from '../gateway.js';
import { HttpClient } from '../http.js';
import { csv, main, newResult, options, runTag } from '../cli.js';
import { cpuMs, now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { startConcord, startRaw, type Target } from '../servers.js';
import { dist, ratio, round, type Dist } from '../stats.js';

const OPTIONS = {
  invokers: { type: 'string' },
  /** Closed-loop lanes of the webhook / message create comparison. */
  senders: { type: 'string' },
} as const;

/** GUILDS | GUILD_MESSAGES: an ephemeral answer in a guild is gated as a guild message. */
const INTENTS = (1 << 0) | (1 << 9);
/** An answer later than this is lost (Concord's response window is 3 s; the token lives 15 min). */
const ANSWER_TIMEOUT_MS = 10_000;

interface Side {
  /** What the bot identifies with; it answers every INTERACTION_CREATE with the tag the interaction carries. */
  gatewayToken: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  command: { id: string; name: string };
  /** The invokers: the token they call with and identify with. */
  invokers: { rest: string; gateway: string }[];
}

interface Row {
  target: string;
  invokers: number;
  invocations: number;
  answered: number;
  lost: number;
  per_s: number;
  round_trip_ms: Dist;
  server_cpu_us: number;
  /** Callbacks the server refused. */
  bot_errors: number;
}

/** One step: `n` invokers, each a closed loop of invoke -> wait for the answer, for `seconds`. */
async function roundTrips(target: Target, side: Side, n: number, seconds: number, label: string): Promise<Row> {
  const botHttp = new HttpClient(target.apiBase, Math.max(8, n));
  let botErrors = 0;
  const bot = await GatewaySession.connect(
    target.gatewayUrl,
    side.gatewayToken,
    (frame) => {
      if (!frame.includes('"INTERACTION_CREATE"')) return;
      const d = JSON.parse(frame).d as { id: string; token: string; data: { options?: { value: string }[] } };
      const tag = d.data.options?.[0]?.value ?? '';
      botHttp
        .request('POST', `/interactions/${d.id}/${d.token}/callback`, { type: 4, data: { content: tag, flags: 64 } })
        .then((r) => void (r.status >= 300 && botErrors++), () => void botErrors++);
    },
    30_000,
    INTENTS,
  );
  const waiting = new Map<string, () => void>();
  const sessions = await Promise.all(
    side.invokers.slice(0, n).map((inv) =>
      GatewaySession.connect(
        target.gatewayUrl,
        inv.gateway,
        (frame) => {
          if (!frame.includes('"MESSAGE_CREATE"')) return;
          const content = (JSON.parse(frame).d as { content: string }).content;
          waiting.get(content)?.();
          waiting.delete(content);
        },
        30_000,
        INTENTS,
      ),
    ),
  );
  const http = new HttpClient(target.apiBase, n + 2);
  const tag = runTag();
  const times: number[] = [];
  let invocations = 0;
  let lost = 0;
  const cpu0 = target.pid ? cpuMs(target.pid) : undefined;
  const start = now();
  const end = start + seconds * 1000;
  const lane = async (i: number) => {
    const inv = side.invokers[i]!;
    for (let k = 0; now() < end; k++) {
      const value = `${tag}-${i}-${k}`;
      invocations++;
      const t = now();
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(value);
          resolve(false);
        }, ANSWER_TIMEOUT_MS);
        waiting.set(value, () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      const res = await http.request('POST', '/interactions', {
        type: 2,
        application_id: side.applicationId,
        guild_id: side.guildId,
        channel_id: side.channelId,
        nonce: String(Date.now() * 1000 + k),
        data: { id: side.command.id, name: side.command.name, type: 1, options: [{ name: 'tag', type: 3, value }] },
      }, inv.rest);
      if (res.status !== 204 || !(await answered)) {
        lost++;
        waiting.delete(value);
        continue;
      }
      times.push(now() - t);
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => lane(i)));
  const elapsed = (now() - start) / 1000;
  const cpu = target.pid && cpu0 !== undefined ? cpuMs(target.pid)! - cpu0 : NaN;
  await Promise.all([bot.close(), ...sessions.map((s) => s.close())]);
  http.close();
  botHttp.close();
  console.info(`${label} ${n} invokers: ${times.length} round trips, ${Math.round(times.length / elapsed)}/s, p50 ${dist(times).p50} ms, lost ${lost}`);
  return {
    target: label,
    invokers: n,
    invocations,
    answered: times.length,
    lost,
    per_s: Math.round(times.length / elapsed),
    round_trip_ms: dist(times),
    server_cpu_us: round((cpu * 1000) / Math.max(1, times.length), 1),
    bot_errors: botErrors,
  };
}

/** A guild with `invokers` members, a bot in it and its guild command `/bench tag:`. */
async function concordSide(api: Api, invokers: number, password: string) {
  const { accounts, guildId, channelId } = await setupGuild(api, `i${runTag()}u`, invokers, password);
  const owner = accounts[0]!;
  const http = api.http;
  const app = await http.request<{ id: string; bot: { token: string } }>('POST', '/applications', { name: 'Bench Bot' }, owner.token);
  if (app.status >= 300) throw new Error(`create application: HTTP ${app.status} ${JSON.stringify(app.body)}`);
  const added = await http.request('POST', `/oauth2/authorize?client_id=${app.body.id}&scope=bot`, { guild_id: guildId, permissions: String(1024 + 2048 + 65536), authorize: true }, owner.token);
  if (added.status >= 300) throw new Error(`add bot: HTTP ${added.status}`);
  const botToken = `Bot ${app.body.bot.token}`;
  const cmd = await http.request<{ id: string; name: string }>(
    'POST',
    `/applications/${app.body.id}/guilds/${guildId}/commands`,
    { name: 'bench', description: 'Answers with its tag', options: [{ type: 3, name: 'tag', description: 'tag', required: true }] },
    botToken,
  );
  if (cmd.status >= 300) throw new Error(`create command: HTTP ${cmd.status} ${JSON.stringify(cmd.body)}`);
  const side: Side = {
    gatewayToken: botToken,
    applicationId: app.body.id,
    guildId,
    channelId,
    command: { id: cmd.body.id, name: cmd.body.name },
    invokers: accounts.map((a) => ({ rest: a.token, gateway: a.token })),
  };
  return { side, owner, channelId };
}

function rawSide(invokers: number): Side {
  return {
    gatewayToken: 'bot',
    applicationId: '1',
    guildId: '2',
    channelId: '3',
    command: { id: '4', name: 'bench' },
    invokers: Array.from({ length: invokers }, (_, i) => ({ rest: `user${i}`, gateway: `user${i}` })),
  };
}

interface SendRow {
  path: string;
  senders: number;
  accepted: number;
  errors: number;
  per_s: number;
  ack_ms: Dist;
  in_history: number;
}

/** Closed-loop lanes of `send` for `seconds`; each accepted message is counted back in the channel's history. */
async function sends(label: string, lanes: number, seconds: number, send: (content: string) => Promise<{ status: number }>, count: (prefix: string) => Promise<number>): Promise<SendRow> {
  const tag = runTag();
  const acks: number[] = [];
  let errors = 0;
  const start = now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, i) => {
      for (let k = 0; now() < end; k++) {
        const t = now();
        const res = await send(`${tag}:${i}:${k}`);
        if (res.status >= 300) errors++;
        else acks.push(now() - t);
      }
    }),
  );
  const elapsed = (now() - start) / 1000;
  const in_history = await count(`${tag}:`);
  console.info(`${label} ${lanes} lanes: ${Math.round(acks.length / elapsed)}/s, ${in_history}/${acks.length} in history`);
  return { path: label, senders: lanes, accepted: acks.length, errors, per_s: Math.round(acks.length / elapsed), ack_ms: dist(acks), in_history };
}

async function countInHistory(api: Api, token: string, channelId: string, prefix: string, expected: number): Promise<number> {
  let n = 0;
  let before = '';
  for (let pages = 0; pages < Math.ceil(expected / 100) + 50; pages++) {
    const res = await api.history(token, channelId, `limit=100${before ? `&before=${before}` : ''}`);
    if (res.status !== 200 || res.body.length === 0) break;
    for (const m of res.body) if (m.content.startsWith(prefix)) n++;
    before = res.body[res.body.length - 1]!.id;
  }
  return n;
}

export async function runInteractions(argv: string[]) {
  const o = options(OPTIONS, argv);
  const seconds = Number(o.duration ?? (o.quick ? 1 : 10));
  const counts = csv(o.invokers, o.quick ? '1,4' : '1,100').map(Number);
  const lanes = Number(o.senders ?? (o.quick ? 2 : 8));
  const max = Math.max(...counts);
  const result = newResult('interactions', { invokers: counts, duration_s: seconds, senders: lanes, answer: 'ephemeral message (callback type 4, flags 64)' });
  const rows: Row[] = [];
  const sendRows: SendRow[] = [];

  const server = await startConcord();
  const raw = await startRaw();
  try {
    const api = new Api(server.apiBase, 16);
    const { side, owner, channelId } = await concordSide(api, max, o.password);
    for (const n of counts) {
      rows.push(await roundTrips(server, side, n, seconds, 'concord'));
      rows.push(await roundTrips(raw, rawSide(n), n, seconds, 'raw relay'));
    }

    const hook = await api.http.request<{ id: string; token: string }>('POST', `/channels/${channelId}/webhooks`, { name: 'Bench Hook' }, owner.token);
    if (hook.status >= 300) throw new Error(`create webhook: HTTP ${hook.status}`);
    const count = (prefix: string) => countInHistory(api, owner.token, channelId, prefix, (sendRows.at(-1)?.accepted ?? 0) + 10_000);
    sendRows.push(await sends('message create', lanes, seconds, (content) => api.http.request('POST', `/channels/${channelId}/messages`, { content }, owner.token), count));
    sendRows.push(
      await sends('webhook execute', lanes, seconds, (content) => api.http.request('POST', `/webhooks/${hook.body.id}/${hook.body.token}?wait=true`, { content, username: 'CI' }), count),
    );
    api.close();
  } finally {
    await server.stop();
    await raw.stop();
  }

  for (const r of rows) {
    if (r.lost) result.failures.push(`${r.target} ${r.invokers} invokers: ${r.lost} of ${r.invocations} invocations got no answer`);
    if (r.bot_errors) result.failures.push(`${r.target} ${r.invokers} invokers: ${r.bot_errors} callbacks refused`);
    if (r.answered === 0) result.failures.push(`${r.target} ${r.invokers} invokers: no round trip completed`);
  }
  for (const r of sendRows) {
    if (r.errors) result.failures.push(`${r.path}: ${r.errors} sends refused`);
    if (r.in_history !== r.accepted) result.failures.push(`${r.path}: ${r.in_history} of ${r.accepted} accepted messages in history`);
  }
  result.ok = result.failures.length === 0;
  result.rows = rows;
  result.send_rows = sendRows;
  const rawOf = (n: number) => rows.find((r) => r.target === 'raw relay' && r.invokers === n);
  result.tables.push({
    title: 'Interaction round trip: invoke -> INTERACTION_CREATE to the bot -> callback -> the answer on the invoker\'s session (raw relay: the same hops, nothing checked or stored)',
    columns: ['target', 'invokers', 'round trips', 'lost', 'per s', 'p50 ms', 'p99 ms', 'p50 vs raw', 'p99 vs raw', 'server CPU µs/round trip'],
    rows: rows.map((r) => {
      const base = rawOf(r.invokers);
      return [r.target, r.invokers, r.answered, r.lost, r.per_s, r.round_trip_ms.p50, r.round_trip_ms.p99, base ? ratio(r.round_trip_ms.p50, base.round_trip_ms.p50) : '', base ? ratio(r.round_trip_ms.p99, base.round_trip_ms.p99) : '', r.server_cpu_us];
    }),
  });
  const create = sendRows.find((r) => r.path === 'message create');
  result.tables.push({
    title: 'Webhook executes (wait=true) against message creates, same server and run',
    columns: ['path', 'lanes', 'accepted', 'per s', 'vs message create', 'ack p50 ms', 'ack p99 ms', 'in history'],
    rows: sendRows.map((r) => [r.path, r.senders, r.accepted, r.per_s, create ? ratio(r.per_s, create.per_s) : '', r.ack_ms.p50, r.ack_ms.p99, r.in_history]),
  });
  result.notes.push('rate limits are off (RATE_LIMIT_SCALE=0); every invoker is a closed loop from the load-tool process, the bot a gateway session in the same process answering each interaction as it arrives');
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runInteractions(process.argv.slice(2)));
