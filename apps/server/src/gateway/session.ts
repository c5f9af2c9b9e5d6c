/**
 * A gateway session: what outlives one socket. It numbers its dispatches and keeps the last N of them
 * (as shared, pre-encoded frame prefixes, not per-session copies) so a client can resume after a drop.
 */
import type { UserRecord } from '../modules/users/store.js';

export interface SessionSocket {
  send(frame: string): void;
  close(code: number, reason?: string): void;
}

export class Session {
  seq = 0;
  readonly guilds = new Set<string>();
  socket: SessionSocket | null = null;
  /** Dispatches that arrived while READY was being prepared, sent right after it. */
  pending: string[] | null = [];
  detachedAt = 0;
  // Ring buffer of encoded prefixes: seq s lives at index (s - 1) % capacity; allocated on first use.
  private ring: string[] | null = null;

  constructor(
    readonly id: string,
    readonly user: UserRecord,
    readonly intents: number,
    readonly shard: [number, number],
    readonly largeThreshold: number,
    /** False for bots without the MESSAGE_CONTENT intent. */
    readonly seesContent: boolean,
    private readonly capacity: number,
  ) {}

  /** `prefix` is `{"op":0,"t":...,"d":...,"s":` shared by every session receiving this dispatch. */
  dispatch(prefix: string): void {
    if (this.pending) {
      this.pending.push(prefix);
      return;
    }
    this.write(prefix);
  }

  /** Sends READY (or RESUMED) first, then whatever queued behind it. */
  dispatchFirst(prefix: string): void {
    this.write(prefix);
  }

  flushPending(): void {
    const queued = this.pending ?? [];
    this.pending = null;
    for (const p of queued) this.write(p);
  }

  private write(prefix: string): void {
    const s = ++this.seq;
    this.remember(prefix);
    this.socket?.send(prefix + s + '}');
  }

  private remember(prefix: string): void {
    this.ring ??= [];
    this.ring[(this.seq - 1) % this.capacity] = prefix;
  }

  /** Frames after `seq`, or null when some of them are no longer kept (the client must re-identify). */
  replayAfter(seq: number): string[] | null {
    if (seq > this.seq) return null;
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    if (seq + 1 < oldest) return null;
    const out: string[] = [];
    for (let s = seq + 1; s <= this.seq; s++) out.push(this.ring![(s - 1) % this.capacity]! + s + '}');
    return out;
  }
}
