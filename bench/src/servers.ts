/**
 * Starts the processes under test as children of the load tool: Concord (SQLite, or PostgreSQL + Redis)
 * and the bare `ws` baseline. Both listen on 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, REPO_DIR, sleep } from './env.js';
import { HttpClient } from './http.js';

export interface Target {
  /** e.g. http://127.0.0.1:8080/api/v10 */
  apiBase: string;
  /** e.g. ws://127.0.0.1:8080/gateway?v=10&encoding=json */
  gatewayUrl: string;
  /** Set when the process is a child we started (memory and CPU can then be read from /proc). */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * A port for a server this test spawns. Picked below Linux's ephemeral range (32768-60999): a port the kernel
 * handed out once can be taken by any outgoing connection before the server binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const http = new HttpClient(url, 1);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`);
      try {
        if ((await http.request('GET', '')).status < 500) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
  } finally {
    http.close();
  }
}

function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function startNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: REPO_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, log: () => out };
}

export interface ConcordOptions {
  dataDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
  processId?: number;
  /** Extra node flags for the server, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

export async function startConcord(o: ConcordOptions = {}): Promise<Target & { dataDir: string; port: number; log: () => string }> {
  const port = await freePort();
  const dataDir = o.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    RATE_LIMIT_SCALE: '0',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: 'warn',
    WORKER_ID: '1',
    PROCESS_ID: String(o.processId ?? 1),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    ...o.env,
  };
  const { child, log } = startNode(path.join(REPO_DIR, 'apps/server/src/main.ts'), env, o.nodeArgs);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${base}/api/v10/gateway`, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    apiBase: `${base}/api/v10`,
    gatewayUrl: `ws://127.0.0.1:${port}/gateway?v=10&encoding=json`,
    pid: child.pid,
    dataDir,
    port,
    log,
    stop: () => stopChild(child),
  };
}

/** The baseline: a bare `ws` server that broadcasts one pre-serialised frame per message (raw-server.ts). */
export async function startRaw(): Promise<Target> {
  const port = await freePort();
  const { child, log } = startNode(path.join(BENCH_DIR, 'src/raw-server.ts'), { PORT: String(port) });
  await waitReady(`http://127.0.0.1:${port}/api/v10/health`, child, log);
  return {
    apiBase: `http://127.0.0.1:${port}/api/v10`,
    gatewayUrl: `ws://127.0.0.1:${port}/gateway?v=10&encoding=json`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

/** The upload-memory baseline: a bare HTTP server that streams each body to a file (raw-upload-server.ts). */
export async function startRawUpload(nodeArgs: string[] = []): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const { child, log } = startNode(path.join(BENCH_DIR, 'src/raw-upload-server.ts'), { PORT: String(port) }, nodeArgs);
  await waitReady(`http://127.0.0.1:${port}/health`, child, log);
  return { base: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' });

/** A fresh PostgreSQL database for one run; `drop()` removes it. */
export function freshPostgres(): { url: string; drop(): void } {
  const name = `concord_bench_${Date.now()}_${process.pid}`;
  psql(`CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: () => {
      try {
        psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (err) {
        console.error(`could not drop ${name}:`, (err as Error).message);
      }
    },
  };
}

export function postgresAvailable(): boolean {
  try {
    psql('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

export const REDIS_URL = 'redis://127.0.0.1:6379';

export function redisAvailable(): boolean {
  try {
    return execFileSync('redis-cli', ['-h', '127.0.0.1', 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
  } catch {
    return false;
  }
}
