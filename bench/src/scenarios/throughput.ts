/**
 * Scenario 1: message throughput. 1, 4 and 16 senders (distinct accounts, one channel), each a closed loop of
 * REST sends for a fixed time; accepted messages per second, then every acknowledged message is looked up in
 * the channel's history (missing or duplicated = failure). Runs on SQLite and, when reachable, PostgreSQL;
 * the bare SQLite single-row commit loop runs in the same run.
 *
 *   npm run -w bench throughput [-- --senders 1,4,16 --stores sqlite,postgres --duration 10 --quick --automod]
 *
 * With --automod, every step runs twice in the same server: without AutoMod rules, then with the most a guild may
 * hold of the costly kind (6 keyword rules of 1,000 keywords each, one with 10 regex patterns, 1 keyword preset
 * rule), none of which the bench's messages trigger; the owner (exempt from AutoMod) does not send.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, setupGuild } from '../api.js';
import { GatewaySession } from '../gateway.js';
import { csv, main, newResult, options, runTag } from '../cli.js';
import { cpuMs, now } from '../env.js';
import { DEFAULT_RESULTS_DIR, writeResult } from '../report.js';
import { freshPostgres, postgresAvailable, startConcord } from '../servers.js';
import { commitLoop } from '../sqlite-baseline.js';
import { dist, ratio, round, type Dist } from '../stats.js';
import { benchContent } from '../receiver.js';
import { profileTable } from './fanout.js';
import { external, profileArgs } from '../under-test.js';
import { newestProfile } from '../profile.js';

const OPTIONS = {
  senders: { type: 'string' },
  stores: { type: 'string' },
  'content-bytes': { type: 'string' },
  /** rest (POST /channels/:id/messages) or gateway (extension op 100 -> op 101) */
  via: { type: 'string', default: 'rest' },
  automod: { type: 'boolean', default: false },
} as const;

/** Words no bench message contains: each rule's thousand keywords mix whole words, prefixes, suffixes and infixes. */
function keywordList(rule: number): string[] {
  return Array.from({ length: 1000 }, (_, i) => {
    const w = `zq${rule}x${i.toString(36)}`;
    return i % 10 === 0 ? `${w}*` : i % 10 === 1 ? `*${w}` : i % 10 === 2 ? `*${w}*` : w;
  });
}

/** The rules of an --automod step: the most a guild may hold of keyword rules (6) and a preset rule. */
async function addAutoModRules(api: Api, ownerToken: string, guildId: string): Promise<number> {
  const regexes = Array.from({ length: 10 }, (_, i) => `fo+b${i}r\\d{2,}|(spam|scam)${i}[a-z]+!{3}`);
  for (let r = 0; r < 6; r++) {
    await api.autoModRule(ownerToken, guildId, {
      name: `bench ${r}`,
      event_type: 1,
      trigger_type: 1,
      trigger_metadata: { keyword_filter: keywordList(r), ...(r === 0 ? { regex_patterns: regexes } : {}) },
      actions: [{ type: 1 }],
      enabled: true,
    });
  }
  await api.autoModRule(ownerToken, guildId, { name: 'bench preset', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [1, 2, 3] }, actions: [{ type: 1 }], enabled: true });
  return 7;
}

interface Row {
  store: string;
  /** AutoMod rules in the guild during the step. */
  automod_rules: number;
  senders: number;
  accepted: number;
  errors: number;
  msgs_per_s: number;
  ack_ms: Dist;
  persisted: number;
  missing: number;
  duplicated: number;
  server_cpu_us_per_msg: number;
  problems: string[];
}

/** Every acknowledged id must be in the channel exactly once: page back through history until past the first. */
async function verify(api: Api, token: string, channelId: string, tag: string, acked: Map<string, string>) {
  const seen = new Map<string, number>();
  const nonces = new Map<string, number>();
  const oldest = [...acked.keys()].reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b));
  let before = '';
  for (;;) {
    const res = await api.history(token, channelId, `limit=100${before ? `&before=${before}` : ''}`);
    if (res.status !== 200) throw new Error(`history: HTTP ${res.status}`);
    for (const m of res.body) {
      if (!m.content.startsWith(tag + ':')) continue;
      seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
      if (m.nonce !== undefined) nonces.set(String(m.nonce), (nonces.get(String(m.nonce)) ?? 0) + 1);
    }
    const last = res.body[res.body.length - 1];
    if (!last || BigInt(last.id) <= BigInt(oldest)) break;
    before = last.id;
  }
  let missing = 0;
  for (const id of acked.keys()) if (!seen.has(id)) missing++;
  let duplicated = 0;
  for (const c of [...seen.values(), ...nonces.values()]) if (c > 1) duplicated += c - 1;
  // A stored message nobody was told about (e.g. a send that failed after commit) also counts as a duplicate risk.
  const unacked = [...seen.keys()].filter((id) => !acked.has(id)).length;
  return { persisted: seen.size, missing, duplicated: duplicated + unacked };
}

async function measure(store: string, apiBase: string, pid: number | undefined, senders: number, seconds: number, contentBytes: number, tokens: string[], channelId: string, gatewayUrl?: string): Promise<Omit<Row, 'automod_rules'>> {
  const api = new Api(apiBase, senders + 2);
  // --via gateway: each sender is one gateway session using the op 100 send extension (acked by op 101). It identifies
  // with GUILDS only, so the server does not also fan every message out to the senders' own sessions.
  const gateways = gatewayUrl ? await Promise.all(tokens.slice(0, senders).map((t) => GatewaySession.connect(gatewayUrl, t, () => undefined, 30_000, 1))) : undefined;
  const tag = runTag();
  const acked = new Map<string, string>();
  const acks: number[] = [];
  let errors = 0;
  let seq = 0;
  const problems = new Set<string>();
  const cpu0 = pid ? cpuMs(pid) : undefined;
  const start = now();
  const end = start + seconds * 1000;
  const lane = async (i: number) => {
    while (now() < end) {
      const n = seq++;
      const t = now();
      const content = benchContent(tag, n, t, contentBytes);
      let id: string | undefined;
      try {
        id = gateways ? (await gateways[i]!.sendMessage(channelId, content, `${tag}${n}`)).id : (await api.send(tokens[i]!, channelId, content, `${tag}${n}`)).body.id;
      } catch (err) {
        errors++;
        problems.add((err as Error).message);
        return;
      }
      acks.push(now() - t);
      if (id) acked.set(id, `${tag}${n}`);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => lane(i)));
  const elapsed = (now() - start) / 1000;
  const cpu = pid && cpu0 !== undefined ? cpuMs(pid)! - cpu0 : NaN;
  const v = acked.size ? await verify(api, tokens[0]!, channelId, tag, acked) : { persisted: 0, missing: 0, duplicated: 0 };
  await Promise.all((gateways ?? []).map((g) => g.close()));
  api.close();
  return {
    store,
    senders,
    accepted: acked.size,
    errors,
    msgs_per_s: Math.round(acked.size / elapsed),
    ack_ms: dist(acks),
    ...v,
    server_cpu_us_per_msg: round((cpu * 1000) / acked.size, 1),
    problems: [...problems],
  };
}

export async function runThroughput(argv: string[]) {
  const o = options(OPTIONS, argv);
  const seconds = Number(o.duration ?? (o.quick ? 1 : 10));
  const senderCounts = csv(o.senders, o.quick ? '1,4' : '1,4,16').map(Number);
  const contentBytes = Number(o['content-bytes'] ?? 80);
  const stores = o['base-url'] ? ['external'] : csv(o.stores, o.quick ? 'sqlite' : postgresAvailable() ? 'sqlite,postgres' : 'sqlite');
  const via = o.via === 'gateway' ? 'gateway' : 'rest';
  const result = newResult(via === 'gateway' ? 'throughput-gateway' : 'throughput', {
    senders: senderCounts,
    duration_s: seconds,
    content_bytes: contentBytes,
    stores,
    transport: via === 'gateway' ? 'gateway op 100 -> op 101 ack, one session per sender' : 'REST POST /channels/:id/messages, keep-alive',
  });
  const rows: Row[] = [];

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-sqlite-'));
  const raw = commitLoop(path.join(scratch, 'raw.db'), seconds, contentBytes);
  fs.rmSync(scratch, { recursive: true, force: true });
  console.info(`raw SQLite: ${raw.commits_per_s} single-row commits/s`);

  let profileDir: string | undefined;
  for (const store of stores) {
    const pg = store === 'postgres' ? freshPostgres() : undefined;
    const prof = profileArgs(o.profile && store === 'sqlite', 'throughput');
    profileDir ??= prof.profileDir;
    const server = store === 'external' ? external(o).servers[0]! : await startConcord({ databaseUrl: pg?.url, nodeArgs: prof.nodeArgs });
    try {
      const api = new Api(server.apiBase, 8);
      const max = Math.max(...senderCounts);
      // With --automod the owner, whom AutoMod exempts, only sets up: the senders are the members after it.
      const skip = o.automod ? 1 : 0;
      const { accounts, guildId, channelId } = await setupGuild(api, o['user-prefix'] ?? `t${runTag()}u`, max + skip, o.password);
      const senders = accounts.slice(skip).map((a) => a.token);
      for (const rules of o.automod ? [0, 7] : [0]) {
        if (rules > 0) await addAutoModRules(api, accounts[0]!.token, guildId);
        for (const n of senderCounts) {
          const r = { ...(await measure(store, server.apiBase, server.pid, n, seconds, contentBytes, senders, channelId, via === 'gateway' ? server.gatewayUrl : undefined)), automod_rules: rules };
          rows.push(r);
          const label = `${store} ${n} senders${o.automod ? `, ${rules} AutoMod rules` : ''}`;
          console.info(`${label}: ${r.msgs_per_s} msgs/s, missing ${r.missing}, dup ${r.duplicated}`);
          if (r.errors) result.failures.push(`${label}: ${r.errors} sends were not accepted ${r.problems.join('; ')}`.trim());
          if (r.missing) result.failures.push(`${label}: ${r.missing} acknowledged messages not in history`);
          if (r.duplicated) result.failures.push(`${label}: ${r.duplicated} duplicated or unacknowledged messages in history`);
        }
      }
      api.close();
    } finally {
      await server.stop();
      const dataDir = (server as { dataDir?: string }).dataDir;
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      pg?.drop();
    }
  }

  result.ok = result.failures.length === 0;
  result.raw_sqlite = raw;
  result.rows = rows;
  result.tables.push({
    title: `Accepted and persisted messages (raw SQLite single-row commits in this run: ${raw.commits_per_s}/s, commit p50 ${raw.latency_ms.p50} ms)`,
    columns: ['store', 'senders', ...(o.automod ? ['AutoMod rules'] : []), 'accepted', 'msgs/s', 'vs raw SQLite commits/s', 'ack p50 ms', 'ack p99 ms', 'persisted', 'missing', 'dup', 'server CPU µs/msg'],
    rows: rows.map((r) => [r.store, r.senders, ...(o.automod ? [r.automod_rules] : []), r.accepted, r.msgs_per_s, ratio(r.msgs_per_s, raw.commits_per_s), r.ack_ms.p50, r.ack_ms.p99, r.persisted, r.missing, r.duplicated, r.server_cpu_us_per_msg]),
  });
  const prof = profileDir && newestProfile(profileDir);
  if (prof) result.tables.push(profileTable(prof));
  result.notes.push('each sender is a closed loop (next send after the previous answer) from the load-tool process; the server is a separate process');
  const written = writeResult(result, o.out ?? (o.quick ? path.join(DEFAULT_RESULTS_DIR, 'quick') : DEFAULT_RESULTS_DIR));
  return Object.assign(result, { written });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(() => runThroughput(process.argv.slice(2)));
