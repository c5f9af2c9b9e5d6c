/** Options shared by every scenario, and the scaffolding of a result. */
import { parseArgs } from 'node:util';
import { machine, versions } from './env.js';
import type { Result } from './report.js';

export const COMMON_OPTIONS = {
  quick: { type: 'boolean', default: false },
  /** Results folder (default bench/results; quick runs default to bench/results/quick). */
  out: { type: 'string' },
  /** Point the tool at a running server instead of starting one: http://host:port/api/v10 */
  'base-url': { type: 'string' },
  'gateway-url': { type: 'string' },
  /** With --base-url: the server's pid, so that its memory and CPU can be read from /proc. */
  'server-pid': { type: 'string' },
  /** Accounts are <user-prefix><n>; registered, or logged in when they exist. */
  'user-prefix': { type: 'string' },
  password: { type: 'string', default: 'bench-password-1' },
  /** Seconds per measured step. */
  duration: { type: 'string' },
  /** Write a V8 CPU profile of the server (node --cpu-prof) and a summary of it. */
  profile: { type: 'boolean', default: false },
} as const;

export function options<T extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(extra: T, argv = process.argv.slice(2)) {
  return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false, strict: true }).values;
}

export function newResult(scenario: string, config: Record<string, unknown>): Result {
  return {
    scenario,
    command: `npm run -w bench ${scenario}${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    started_at: new Date().toISOString(),
    machine: machine(),
    versions: versions(),
    config,
    ok: true,
    failures: [],
    tables: [],
    notes: [],
  };
}

/** Lowercase run tag, unique enough to tell runs and steps apart in one database. */
export const runTag = () => Math.random().toString(36).slice(2, 8).padEnd(6, '0');

export const csv = (s: string | undefined, fallback: string) => (s ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);

/** Runs a scenario's main, printing where its result went; exit code 1 when the result failed. */
export function main(run: () => Promise<Result & { written?: { md: string } }>): void {
  run().then(
    (r) => {
      console.info(`${r.scenario}: ${r.ok ? 'OK' : 'FAILED'}${r.written ? ' -> ' + r.written.md : ''}`);
      process.exit(r.ok ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
