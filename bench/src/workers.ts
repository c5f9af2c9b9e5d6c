/** The orchestrator's side of the receiver processes: spreads sessions over them and merges their reports. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR } from './env.js';
import type { ReceiverReport } from './receiver.js';
import { Histogram } from './stats.js';
import type { WorkerCommand } from './worker.js';

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type Command = Distribute<WorkerCommand>;

class Worker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly child: ChildProcess;

  constructor() {
    this.child = fork(path.join(BENCH_DIR, 'src/worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`receiver worker exited with ${code}`));
      this.waiting.clear();
    });
  }

  call<T>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...cmd, id });
    });
  }
}

/** A receiver report merged over workers, with the latency histogram in full form. */
export type Delivery = Omit<ReceiverReport, 'latency'> & { latency: Histogram };

export class WorkerPool {
  private readonly workers: Worker[];
  sessions = 0;

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new Worker());
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid!);
  }

  /**
   * Adds `count` sessions spread evenly over the workers; urls and tokens are used round-robin, so with one token
   * per session, session n (in worker order) is tokens[n]. `intents` defaults to the guild fan-out's.
   */
  async connect(urls: string[], tokens: string[], count: number, concurrency = 64, intents?: number) {
    const per = this.workers.map((_, i) => Math.floor(count / this.workers.length) + (i < count % this.workers.length ? 1 : 0));
    const offsets = per.map((_, i) => this.sessions + per.slice(0, i).reduce((a, n) => a + n, 0));
    const results = await Promise.all(
      this.workers.map((w, i) =>
        w.call<{ connected: number; failed: number; errors: string[]; ms: number }>({ type: 'connect', urls, tokens, count: per[i]!, concurrency, offset: offsets[i]!, intents }),
      ),
    );
    this.sessions += count;
    return {
      connected: results.reduce((a, r) => a + r.connected, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
      ms: Math.max(...results.map((r) => r.ms)),
    };
  }

  async arm(tag: string, capacity: number): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ type: 'arm', tag, capacity })));
  }

  async progress(): Promise<{ delivered: number; frameBytes: number; receipts: number; receiptsRead: number }> {
    const all = await Promise.all(this.workers.map((w) => w.call<{ delivered: number; frameBytes: number; receipts: number; receiptsRead: number }>({ type: 'progress' })));
    const sum = (k: 'delivered' | 'receipts' | 'receiptsRead') => all.reduce((a, p) => a + p[k], 0);
    return { delivered: sum('delivered'), frameBytes: Math.max(...all.map((p) => p.frameBytes)), receipts: sum('receipts'), receiptsRead: sum('receiptsRead') };
  }

  async collect(expected: number, timeoutMs: number): Promise<Delivery> {
    const reports = await Promise.all(this.workers.map((w) => w.call<ReceiverReport>({ type: 'collect', expected, timeoutMs })));
    const latency = new Histogram();
    for (const r of reports) latency.merge(r.latency);
    const sum = (k: keyof ReceiverReport) => reports.reduce((a, r) => a + (r[k] as number), 0);
    const firsts = reports.map((r) => r.firstAt).filter((t) => t > 0);
    return {
      sessions: sum('sessions'),
      expected: sum('expected'),
      delivered: sum('delivered'),
      missing: sum('missing'),
      duplicated: sum('duplicated'),
      outOfOrder: sum('outOfOrder'),
      seqGaps: sum('seqGaps'),
      unparsed: sum('unparsed'),
      lost: sum('lost'),
      frameBytes: Math.max(...reports.map((r) => r.frameBytes)),
      firstAt: firsts.length ? Math.min(...firsts) : 0,
      lastAt: Math.max(...reports.map((r) => r.lastAt)),
      latency,
      receiptsDelivered: sum('receiptsDelivered'),
      receiptsRead: sum('receiptsRead'),
      lastReceiptAt: Math.max(...reports.map((r) => r.lastReceiptAt)),
    };
  }

  async closeSessions(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ type: 'close' })));
    this.sessions = 0;
  }

  async stop(): Promise<void> {
    for (const w of this.workers) {
      if (w.child.connected) w.child.disconnect();
    }
    await Promise.all(this.workers.map((w) => (w.child.exitCode === null ? new Promise((r) => w.child.once('exit', r)) : undefined)));
  }
}
