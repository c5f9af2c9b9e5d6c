/** A real Concord server on a free port with a throwaway data directory, for the client's tests. */
import type { App } from '@concord/server';
import { startTestServer } from '@concord/server/testing';
import { RestClient } from '../src/index.js';

export interface TestServer {
  app: App;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startServer(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const s = await startTestServer(overrides);
  return { app: s.app, url: s.base, wsUrl: s.gatewayUrl, close: s.close };
}

let counter = 0;
/** Registers a fresh user and answers a REST client holding their token. */
export async function newUser(url: string, name = 'user'): Promise<{ rest: RestClient; userId: string; username: string }> {
  const username = `${name}${process.pid % 10000}${++counter}`;
  const rest = new RestClient({ baseUrl: url });
  const auth = await rest.register({ email: `${username}@example.test`, username, password: 'correct horse battery' });
  rest.token = auth.token;
  return { rest, userId: auth.user_id, username };
}

/** Resolves when `predicate` holds, checking after every event; rejects after `ms`. */
export function waitFor<T>(subscribe: (check: () => void) => () => void, predicate: () => T | undefined | false, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error('waitFor timed out'));
    }, ms);
    const check = () => {
      const v = predicate();
      if (v) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    };
    off = subscribe(check);
    check();
  });
}
