/**
 * A gateway session: what outlives one socket. It numbers its dispatches and keeps those the client has not
 * yet confirmed (heartbeats carry the last sequence received), at most `capacity`, so a client can resume
 * after a drop. Kept frames are the shared, pre-encoded prefixes: no per-session copies.
 */
import type { SessionPresence } from '../modules/presence/store.js';
import type { UserRecord } from '../modules/users/store.js';

/** Shared by every session that set nothing else (most of them), so an idle session carries no presence of its own. */
const ONLINE: SessionPresence = Object.freeze({ status: 'online', activities: Object.freeze([]) as unknown as [] });

export interface SessionSocket {
  send(frame: Buffer): void;
  close(code: number, reason?: string): void;
}

/** The per-session frame: the shared prefix (`{"op":0,"t":...,"d":...,"s":`), the sequence number, `}`. */
export function frameFor(prefix: Buffer, seq: number): Buffer {
  const digits = String(seq);
  const out = Buffer.allocUnsafe(prefix.length + digits.length + 1);
  prefix.copy(out, 0);
  out.write(digits, prefix.length, 'latin1');
  out[out.length - 1] = 0x7d;
  return out;
}

export class Session {
  seq = 0;
  readonly guilds = new Set<string>();
  socket: SessionSocket | null = null;
  /** Dispatches that arrived while READY was being prepared, sent right after it. */
  pending: Buffer[] | null = [];
  detachedAt = 0;
  /** The status and activities this session set (Identify, op 3). */
  presence: SessionPresence = ONLINE;
  /** Whether it counts in the user's presence now: from READY until its socket has been gone for the grace period. */
  present = false;
  /** SHA-256 of the token that identified (or last resumed) it: revoking that token ends the session. */
  tokenHash = '';
  /** Prefixes of the unconfirmed dispatches, oldest first: seqs (seq - kept.length, seq]. Null when empty. */
  private kept: Buffer[] | null = null;
  /** The last of READY's dispatches; a resume must start at or after it. */
  private floor = 0;

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

  dispatch(prefix: Buffer): void {
    if (this.pending) {
      this.pending.push(prefix);
      return;
    }
    this.write(prefix, true);
  }

  /**
   * Sends READY and its GUILD_CREATEs ahead of what queued while they were prepared. They are not kept: a
   * client that missed any of them resumes from before `floor` and is told to identify again, which costs
   * one new session in a rare case instead of every session holding its largest payloads.
   */
  dispatchFirst(prefix: Buffer): void {
    this.write(prefix, false);
    this.floor = this.seq;
  }

  flushPending(): void {
    const queued = this.pending ?? [];
    this.pending = null;
    for (const p of queued) this.write(p, true);
  }

  private write(prefix: Buffer, keep: boolean): void {
    const s = ++this.seq;
    if (keep) {
      const kept = (this.kept ??= []);
      kept.push(prefix);
      if (kept.length > this.capacity) kept.shift();
    }
    this.socket?.send(frameFor(prefix, s));
  }

  /** The client has everything up to `seq`: those need not be kept for a resume. */
  ack(seq: number): void {
    if (!this.kept) return;
    const drop = Math.min(seq, this.seq) - (this.seq - this.kept.length);
    if (drop >= this.kept.length) this.kept = null;
    else if (drop > 0) this.kept.splice(0, drop);
  }

  /** Frames after `seq`, or null when some of them are no longer kept (the client must re-identify). */
  replayAfter(seq: number): Buffer[] | null {
    if (seq > this.seq || seq < this.floor) return null;
    const kept = this.kept ?? [];
    const first = this.seq - kept.length + 1;
    if (seq + 1 < first) return null;
    return kept.slice(seq + 1 - first).map((p, i) => frameFor(p, seq + 1 + i));
  }
}
