/** Waits for tests: every one fails after its timeout with a message naming what it waited for, never hangs. */
import type { EventEmitter } from 'node:events';

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The next emission of `event` (its arguments), or a timeout error. */
export function waitForEvent(emitter: Pick<EventEmitter, 'once' | 'off'>, event: string, ms: number): Promise<unknown[]> {
  let handler: ((...args: unknown[]) => void) | undefined;
  const p = new Promise<unknown[]>((resolve) => {
    handler = (...args: unknown[]) => resolve(args);
    emitter.once(event, handler);
  });
  return withTimeout(p, ms, `event ${event}`).finally(() => emitter.off(event, handler!));
}

/** Polls `check` until it answers something other than undefined. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, ms = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Resolves with `predicate`'s first truthy answer, re-checked whenever `subscribe`'s callback fires (for
 * emitters whose `on` returns an unsubscribe function); rejects after `ms`.
 */
export function waitFor<T>(subscribe: (check: () => void) => () => void, predicate: () => T | undefined | false, ms = 10_000, what = 'a condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
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
