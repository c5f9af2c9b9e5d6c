/** The server as an operator runs it: `main.ts` with env and flags, clear config errors, graceful SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { freePort, startTestServer } from '../src/testing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}


describe('configuration', () => {
  it('reads env vars and flags (flags win) and names the bad option', () => {
    const c = loadConfig({ PORT: '9000', DATA_DIR: '/tmp/x', RATE_LIMIT_SCALE: '0' }, ['--port=9001', '--worker-id', '3']);
    expect(c).toMatchObject({ port: 9001, dataDir: '/tmp/x', workerId: 3, rateLimitScale: 0, role: 'all' });
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a number/);
    expect(() => loadConfig({}, ['--database-url', 'mysql://x'])).toThrow(/--database-url: must start with postgres/);
    expect(() => loadConfig({}, ['--colour', 'blue'])).toThrow(ConfigError);
    expect(() => loadConfig({ WORKER_ID: '32' })).toThrow(/WORKER_ID/);
  });
});

describe('main.ts', () => {
  it('refuses a bad configuration with exit code 2 and a clear message', async () => {
    const p = run(['--port', 'x'], {});
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('--port: must be a number');
  });

  it('starts on embedded defaults, serves the API and the gateway URL, and stops on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-main-'));
    const p = run([], { PORT: String(port), DATA_DIR: dataDir, ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    let gateway: any;
    while (!gateway && Date.now() < deadline) {
      gateway = await fetch(`${base}/api/v10/gateway`).then((r) => r.json(), () => undefined);
      if (!gateway) await new Promise((r) => setTimeout(r, 200));
    }
    expect(gateway, p.output()).toEqual({ url: `ws://127.0.0.1:${port}/gateway` });
    const reg = await fetch(`${base}/api/v10/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'main@example.com', username: 'main', password: 'correct horse battery' }),
    });
    expect(reg.status).toBe(201);
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', sessions: 0 });
    expect(fs.existsSync(path.join(dataDir, 'concord.db'))).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

/** What main.ts needs beside a test server: the loopback, few logs, cheap hashing. */
const QUIET = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

describe('startup errors', () => {
  it('main.ts: a held data directory and a port in use are one-line errors with exit 1', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-lock-'));
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-port-'));
    const holder = await startTestServer({ dataDir });
    try {
      const port = new URL(holder.base).port;
      // Both at once: each pays the TypeScript loader's start-up.
      const locked = run([], { ...QUIET, DATA_DIR: dataDir, PORT: String(await freePort()) });
      const busy = run([], { ...QUIET, DATA_DIR: otherDir, PORT: port });
      expect(await locked.exited).toBe(1);
      expect(locked.output().trim()).toMatch(/^Another Concord process \(pid \d+\) is using the data directory .+\. Stop it first/);
      expect(locked.output().trim().split('\n')).toHaveLength(1);

      expect(await busy.exited).toBe(1);
      expect(busy.output().trim()).toBe(`Port ${port} on 127.0.0.1 is already in use: stop what holds it, or choose another with PORT / --port.`);
    } finally {
      await holder.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  }, 90_000);
});
