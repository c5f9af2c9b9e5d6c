/**
 * Transactions owned by actions: a service opens one with `deps.tx`, every store it calls is bound to it, and
 * what it publishes waits for the commit. Message sends are the one exception: they are group-committed by the
 * message store (many sends share a transaction), and published by the service once their commit resolved.
 */
import type { Db, Queryable } from '../store/db.js';
import type { Events } from './events.js';
import type { Module } from './module.js';
import type { Stores, Tx, TxRunner } from './deps.js';
import { log } from '../lib/log.js';

/** Every module's store over `q` (the database, or an open transaction). */
export function bindStores(modules: readonly Module[], q: Queryable): Stores {
  const stores: Record<string, unknown> = {};
  for (const m of modules) if (m.store) stores[m.name] = m.store(q);
  return stores as Stores;
}

export function createTxRunner(db: Db, modules: readonly Module[], events: Events): TxRunner {
  return async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const after: (() => unknown)[] = [];
    const result = await db.tx(async (q) => {
      const stores = bindStores(modules, q);
      const own = (m: Module) => (stores as Record<string, unknown>)[m.name];
      const tx: Tx = {
        ...stores,
        afterCommit: (f) => void after.push(f),
        emit: (to, t, d, route) => void after.push(() => events.dispatch(to, t, d, route)),
        control: (userId, control) => void after.push(() => events.control(userId, control)),
        async purgeChannels(given) {
          // With everything that goes with them (threads of a deleted channel), found before any row is gone.
          const ids = new Set(given);
          let fresh = [...given];
          while (fresh.length > 0) {
            const found: string[] = [];
            for (const m of modules) for (const id of (await m.purge?.dependents?.(own(m), fresh)) ?? []) if (!ids.has(id)) found.push(id);
            for (const id of found) ids.add(id);
            fresh = found;
          }
          if (ids.size > 0) for (const m of modules) await m.purge?.channels?.(own(m), [...ids]);
        },
        async purgeMessages(channelId, ids) {
          if (ids.length > 0) for (const m of modules) await m.purge?.messages?.(own(m), channelId, ids);
        },
      };
      return fn(tx);
    });
    for (const f of after) {
      try {
        await f();
      } catch (err) {
        log.error('after-commit hook failed', { err });
      }
    }
    return result;
  };
}
