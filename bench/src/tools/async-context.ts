/**
 * What an AsyncLocalStorage costs on this Node: a loop awaiting resolved promises, timed in a process that never
 * used one and in a process where one ran once (which, on Node 20, turns on a promise hook for the whole process).
 *
 *   npm run -w bench async-context
 */
import { execFileSync } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';

const N = 2_000_000;

async function loop(): Promise<number> {
  const t = process.hrtime.bigint();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await Promise.resolve(i);
  if (sum < 0) throw new Error('unreachable');
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function child(mode: string): Promise<void> {
  if (mode === 'als') new AsyncLocalStorage<number>().run(1, () => undefined);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(await loop());
  console.info(JSON.stringify(times.map((x) => Math.round(x))));
}

const mode = process.argv[2];
if (mode) await child(mode);
else {
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < 2; round++) {
    for (const m of ['none', 'als']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, m], { encoding: 'utf8' }).trim();
      console.info(`${m === 'als' ? 'with an AsyncLocalStorage run once' : 'without'}: ms per ${N.toLocaleString()} awaits, 5 repeats: ${out}`);
    }
  }
}
