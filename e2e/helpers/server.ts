/**
 * Concord as real child processes (node --import tsx apps/server/src/main.ts) for multi-process tests on
 * PostgreSQL + Redis. In-process servers come from the test kit (`startTestServer` in @concord/server/testing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@concord/server/testing';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedServer {
  proc: ChildProcess;
  port: number;
  base: string;
  gatewayUrl: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** SIGTERM (graceful: op 7 to clients) and wait for exit; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Spawns `node --import tsx apps/server/src/main.ts` with `env` and waits for "Concord listening". */
export async function spawnServer(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedServer> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never leave a server behind when the test runner exits early.
  const reap = () => proc.kill('SIGKILL');
  process.once('exit', reap);
  proc.once('exit', () => process.off('exit', reap));
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const onData = () => {
        if (out.includes('Concord listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening:\n${out}`));
      });
    });
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    proc,
    port,
    base,
    gatewayUrl: `ws://127.0.0.1:${port}/gateway`,
    output: () => out,
    async stop(stopTimeoutMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
