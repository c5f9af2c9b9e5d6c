/**
 * The test kit, shared by this package's tests, the client's, the end-to-end suites and the bench's:
 * a real server in-process on a free port with a throwaway SQLite directory, a safe port for servers a test
 * spawns as processes, a raw gateway tester, a REST helper with the usual setup steps (newUser, newGuild,
 * join, newBot, addBot), waits that always time out, and PostgreSQL / Redis for the suites that need them.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildAppFrom, type App } from './app.js';
import type { ConfigInput } from './config.js';

export * from './testing/gateway.js';
export * from './testing/rest.js';
export * from './testing/services.js';
export * from './testing/wait.js';
export * from './testing/s3.js';
export * from './testing/files.js';

export interface TestServer {
  app: App;
  /** http://127.0.0.1:port */
  base: string;
  /** ws://127.0.0.1:port/gateway */
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Cheap password hashing and generous rate limits, unless a test says otherwise. */
export async function startTestServer(overrides: ConfigInput = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-test-'));
  const app = await buildAppFrom({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    argon2MemoryKib: 1024,
    argon2TimeCost: 1,
    rateLimitScale: 100,
    checkTransactions: true,
    // Test clients (fetch) keep sockets alive after a download; a suite's end need not wait for them.
    drainTimeoutMs: 500,
    ...overrides,
  });
  const base = await app.listen();
  return {
    app,
    base,
    gatewayUrl: `${base.replace(/^http/, 'ws')}/gateway`,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A port for a server a test spawns as a process. Picked below Linux's ephemeral range (32768-60999): a port
 * the kernel handed out once can be taken by any outgoing connection before the server binds it.
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
