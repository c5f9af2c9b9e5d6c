/** IndexedDB (Dexie): the outbox survives reloads and crashes, so an unconfirmed message is never silently lost. */
import Dexie, { type EntityTable } from 'dexie';
import type { OutboxEntry } from './store';

class ConcordDb extends Dexie {
  outbox!: EntityTable<OutboxEntry, 'nonce'>;

  constructor() {
    super('concord');
    this.version(1).stores({ outbox: 'nonce, userId, createdAt' });
  }
}

export const db = new ConcordDb();

/** IndexedDB can be unavailable (private modes, quota); the app then keeps its outbox in memory only. */
export async function persist(entry: OutboxEntry): Promise<void> {
  await db.outbox.put(entry).catch((err: unknown) => console.warn('outbox: could not persist', err));
}

export async function forget(nonce: string): Promise<void> {
  await db.outbox.delete(nonce).catch((err: unknown) => console.warn('outbox: could not delete', err));
}

export async function loadOutbox(userId: string): Promise<OutboxEntry[]> {
  return db.outbox.where('userId').equals(userId).sortBy('createdAt').catch(() => []);
}

export async function clearOutbox(): Promise<void> {
  await db.outbox.clear().catch(() => undefined);
}
