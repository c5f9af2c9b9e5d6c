/** The Concord deployments scenarios run against: one process on embedded defaults, or a PostgreSQL + Redis cluster. */
import { DEFAULT_RESULTS_DIR } from './report.js';
import fs from 'node:fs';
import path from 'node:path';
import { freshPostgres, REDIS_URL, startConcord, type Target } from './servers.js';

export interface ConcordUnderTest {
  label: string;
  servers: (Target & { log: () => string })[];
  /** Gateway URLs receivers are spread over (round-robin). */
  gatewayUrls: string[];
  config: Record<string, unknown>;
  profileDir?: string;
  stop(): Promise<void>;
}

export function profileArgs(on: boolean, scenario: string): { nodeArgs: string[]; profileDir?: string } {
  if (!on) return { nodeArgs: [] };
  const profileDir = path.join(DEFAULT_RESULTS_DIR, 'profiles', `${scenario}-${Date.now()}`);
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`], profileDir };
}

export async function singleProcess(scenario: string, profile: boolean): Promise<ConcordUnderTest> {
  const prof = profileArgs(profile, scenario);
  const server = await startConcord({ nodeArgs: prof.nodeArgs });
  return {
    label: 'concord',
    servers: [server],
    gatewayUrls: [server.gatewayUrl],
    config: { store: 'sqlite', bus: 'in-process', processes: 1, data_dir: server.dataDir },
    profileDir: prof.profileDir,
    stop: async () => {
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}

/** Two processes on a fresh PostgreSQL database and the local Redis; receivers alternate between them. */
export async function twoProcessCluster(scenario: string, profile: boolean): Promise<ConcordUnderTest> {
  const pg = freshPostgres();
  const prof = profileArgs(profile, scenario);
  const servers: Awaited<ReturnType<typeof startConcord>>[] = [];
  try {
    // The first process migrates; the second starts after it, as a rolling deployment would.
    servers.push(await startConcord({ databaseUrl: pg.url, redisUrl: REDIS_URL, processId: 1, nodeArgs: prof.nodeArgs }));
    servers.push(await startConcord({ databaseUrl: pg.url, redisUrl: REDIS_URL, processId: 2, nodeArgs: prof.nodeArgs }));
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    pg.drop();
    throw err;
  }
  return {
    label: 'concord cluster',
    servers,
    gatewayUrls: servers.map((s) => s.gatewayUrl),
    config: { store: 'postgresql', bus: 'redis', processes: 2, database: pg.url.replace(/^.*\//, ''), sender_on: 'process 1 (REST)', receivers: 'alternate between the two processes' },
    profileDir: prof.profileDir,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      for (const s of servers) fs.rmSync(s.dataDir, { recursive: true, force: true });
      pg.drop();
    },
  };
}

export interface TargetOptions {
  profile: boolean;
  'base-url'?: string;
  'gateway-url'?: string;
  'server-pid'?: string;
}

/** A server the tool did not start (--base-url): nothing to stop; memory and CPU only with --server-pid. */
export function external(o: TargetOptions): ConcordUnderTest {
  const base = new URL(o['base-url']!);
  const gatewayUrl = o['gateway-url'] ?? `ws://${base.host}/gateway?v=10&encoding=json`;
  const pid = o['server-pid'] ? Number(o['server-pid']) : undefined;
  return {
    label: 'external',
    servers: [{ apiBase: o['base-url']!.replace(/\/$/, ''), gatewayUrl, pid, log: () => '', stop: async () => undefined }],
    gatewayUrls: [gatewayUrl],
    config: { target: 'external', base_url: o['base-url'], gateway_url: gatewayUrl, server_pid: pid },
    stop: async () => undefined,
  };
}

/** The one-process target: the server at --base-url when given, else a fresh Concord on SQLite. */
export const concordFor = (scenario: string, o: TargetOptions) => (o['base-url'] ? Promise.resolve(external(o)) : singleProcess(scenario, o.profile));
