/** What a result needs to be read later: machine, versions, load, and a process's memory and CPU from /proc. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(BENCH_DIR, '..');

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function pkgVersion(name: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpu_model: cpus[0]?.model,
    memory_mib: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    open_file_limit: tryRun('sh', ['-c', 'ulimit -n']),
    loadavg_at_start: os.loadavg().map((l) => +l.toFixed(2)),
    note: 'shared 2-core machine: other engineers run builds and tests at the same time, so absolute figures are noisy; read ratios against the same-run baselines',
  };
}

export function versions() {
  return {
    node: process.version,
    concord_commit: tryRun('git', ['-C', REPO_DIR, 'rev-parse', '--short', 'HEAD']),
    concord_dirty: (tryRun('git', ['-C', REPO_DIR, 'status', '--porcelain', '--', 'apps', 'packages']) ?? '') !== '',
    ws: pkgVersion('ws'),
    fastify: pkgVersion('fastify'),
    'better-sqlite3': pkgVersion('better-sqlite3'),
    pg: pkgVersion('pg'),
    ioredis: pkgVersion('ioredis'),
    sqlite: tryRun(process.execPath, ['-e', "console.log(new (require('better-sqlite3'))(':memory:').prepare('select sqlite_version() v').get().v)"]),
    postgres: tryRun('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show server_version']),
    redis: tryRun('redis-cli', ['-h', '127.0.0.1', 'info', 'server'])?.match(/redis_version:(\S+)/)?.[1],
  };
}

/** Resident memory of a process in bytes (VmRSS), or undefined when it cannot be read. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const TICK_MS = 1000 / Number(tryRun('getconf', ['CLK_TCK']) ?? 100);

/** User + system CPU time of a process in ms (from /proc/<pid>/stat). */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wall clock in ms with sub-ms resolution, comparable across processes on one machine. */
export const now = () => performance.timeOrigin + performance.now();
