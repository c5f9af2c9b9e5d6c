/**
 * Counts MESSAGE_CREATE frames per session for one tagged run. Bench messages carry
 * `<tag>:<seq>:<sentAtMs>:` at the start of their content; latency = arrival - sentAt (same machine clock).
 * Detects missing and duplicated messages per session, out-of-order arrivals, and gaps in the gateway's `s`.
 */
import { now } from './env.js';
import { Histogram, type SparseHistogram } from './stats.js';

const CONTENT = /"content":"([a-z0-9]+):(\d+):([\d.]+):/;
const SEQ = /"s":(\d+)\}$/;

export interface ReceiverReport {
  sessions: number;
  expected: number;
  delivered: number;
  missing: number;
  duplicated: number;
  outOfOrder: number;
  seqGaps: number;
  unparsed: number;
  lost: number;
  frameBytes: number;
  firstAt: number;
  lastAt: number;
  latency: SparseHistogram;
  /** X_MESSAGE_RECEIPT frames (DM senders' sessions), by status, since `arm`. */
  receiptsDelivered: number;
  receiptsRead: number;
  lastReceiptAt: number;
}

export class Receiver {
  private tag = '';
  private capacity = 0;
  private counts = new Uint8Array(0);
  private lastMsg: Int32Array = new Int32Array(0);
  private lastSeq: Float64Array = new Float64Array(0);
  private hist = new Histogram();
  delivered = 0;
  private outOfOrder = 0;
  private seqGaps = 0;
  private unparsed = 0;
  frameBytes = 0;
  private firstAt = 0;
  private lastAt = 0;
  receiptsDelivered = 0;
  receiptsRead = 0;
  private lastReceiptAt = 0;

  constructor(private sessions: number) {
    this.lastSeq = new Float64Array(sessions);
  }

  /** More sessions joined (indices continue); sequence tracking starts fresh for them. */
  grow(sessions: number): void {
    const seq = new Float64Array(sessions);
    seq.set(this.lastSeq.subarray(0, Math.min(sessions, this.lastSeq.length)));
    this.lastSeq = seq;
    this.sessions = sessions;
  }

  arm(tag: string, capacity: number): void {
    this.tag = tag;
    this.capacity = capacity;
    this.counts = new Uint8Array(this.sessions * capacity);
    this.lastMsg = new Int32Array(this.sessions).fill(-1);
    this.hist = new Histogram();
    this.delivered = this.outOfOrder = this.unparsed = this.seqGaps = 0;
    this.firstAt = this.lastAt = 0;
    this.receiptsDelivered = this.receiptsRead = this.lastReceiptAt = 0;
  }

  onFrame(session: number, frame: string): void {
    const at = now();
    const s = SEQ.exec(frame);
    if (s) {
      const seq = Number(s[1]);
      if (this.lastSeq[session]! > 0 && seq !== this.lastSeq[session]! + 1) this.seqGaps++;
      this.lastSeq[session] = seq;
    }
    if (frame.includes('"t":"X_MESSAGE_RECEIPT"')) {
      if (frame.includes('"status":"read"')) this.receiptsRead++;
      else this.receiptsDelivered++;
      this.lastReceiptAt = at;
      return;
    }
    if (!frame.includes('"t":"MESSAGE_CREATE"')) return;
    this.frameBytes = Buffer.byteLength(frame);
    const m = CONTENT.exec(frame);
    if (!m) return void this.unparsed++;
    if (m[1] !== this.tag) return;
    const msg = Number(m[2]);
    if (msg >= this.capacity) return void this.unparsed++;
    const slot = session * this.capacity + msg;
    if (this.counts[slot]! < 255) this.counts[slot]!++;
    if (msg < this.lastMsg[session]!) this.outOfOrder++;
    this.lastMsg[session] = msg;
    this.delivered++;
    this.hist.add(at - Number(m[3]));
    if (!this.firstAt) this.firstAt = at;
    this.lastAt = at;
  }

  /** `expected` messages (seq 0..expected-1) should have reached every session exactly once. */
  report(expected: number, lost: number): ReceiverReport {
    let missing = 0;
    let duplicated = 0;
    for (let s = 0; s < this.sessions; s++) {
      for (let m = 0; m < Math.min(expected, this.capacity); m++) {
        const c = this.counts[s * this.capacity + m]!;
        if (c === 0) missing++;
        else if (c > 1) duplicated += c - 1;
      }
    }
    return {
      sessions: this.sessions,
      expected: expected * this.sessions,
      delivered: this.delivered,
      missing,
      duplicated,
      outOfOrder: this.outOfOrder,
      seqGaps: this.seqGaps,
      unparsed: this.unparsed,
      lost,
      frameBytes: this.frameBytes,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      latency: this.hist.toSparse(),
      receiptsDelivered: this.receiptsDelivered,
      receiptsRead: this.receiptsRead,
      lastReceiptAt: this.lastReceiptAt,
    };
  }
}

/** Content for message `seq` of a run, padded to `bytes` characters. */
export function benchContent(tag: string, seq: number, sentAt: number, bytes: number): string {
  const head = `${tag}:${seq}:${sentAt.toFixed(3)}:`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length));
}
