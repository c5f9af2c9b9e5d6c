/** Writes a scenario's result as JSON and as a Markdown table into the results folder. */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './env.js';

export const DEFAULT_RESULTS_DIR = path.join(BENCH_DIR, 'results');

export type Cell = string | number | boolean | undefined | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

export interface Result {
  scenario: string;
  command: string;
  started_at: string;
  finished_at?: string;
  machine: Record<string, unknown>;
  versions: Record<string, unknown>;
  config: Record<string, unknown>;
  /** True when every message was delivered exactly once (and persisted, where checked). */
  ok: boolean;
  failures: string[];
  tables: Table[];
  notes: string[];
  [key: string]: unknown;
}

const fmt = (v: Cell) => (v === undefined || v === null ? '' : typeof v === 'number' && !Number.isFinite(v) ? '—' : String(v));

export function markdown(r: Result): string {
  const lines = [
    `# ${r.scenario} — ${r.ok ? 'OK' : 'FAILED'}`,
    '',
    `\`${r.command}\` — ${r.started_at}, commit ${String(r.versions.concord_commit)}${r.versions.concord_dirty ? ' (dirty)' : ''}, node ${String(r.versions.node)}, ` +
      `${String(r.machine.cpus)} CPUs, ${String(r.machine.memory_mib)} MiB, load ${JSON.stringify(r.machine.loadavg_at_start)} at start`,
    '',
  ];
  for (const t of r.tables) {
    lines.push(`## ${t.title}`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => ' --- ').join('|')}|`);
    for (const row of t.rows) lines.push(`| ${row.map(fmt).join(' | ')} |`);
    lines.push('');
  }
  if (r.failures.length) lines.push('## Failures', '', ...r.failures.map((f) => `- ${f}`), '');
  if (r.notes.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

export function writeResult(r: Result, dir = DEFAULT_RESULTS_DIR): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  r.finished_at = new Date().toISOString();
  const base = path.join(dir, r.scenario);
  fs.writeFileSync(base + '.json', JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(base + '.md', markdown(r));
  return { json: base + '.json', md: base + '.md' };
}
