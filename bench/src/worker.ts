/**
 * A receiver process: holds gateway sessions and counts what reaches them. Driven over IPC by
 * WorkerPool (workers.ts); runs as its own process so clients never share an event loop with the server.
 */
import { GatewaySession } from './gateway.js';
import { Receiver } from './receiver.js';
import { sleep } from './env.js';

export type WorkerCommand =
  | { id: number; type: 'connect'; urls: string[]; tokens: string[]; count: number; concurrency: number; offset?: number; intents?: number }
  | { id: number; type: 'arm'; tag: string; capacity: number }
  | { id: number; type: 'collect'; expected: number; timeoutMs: number }
  | { id: number; type: 'progress' }
  | { id: number; type: 'close' };

const sessions: GatewaySession[] = [];
const receiver = new Receiver(0);

/** `offset`: this worker's first token among all workers' sessions, so that session n of the pool is tokens[n]. */
async function connect(urls: string[], tokens: string[], count: number, concurrency: number, offset = 0, intents?: number) {
  const started = Date.now();
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const base = sessions.length;
  receiver.grow(base + count);
  const slots: (GatewaySession | undefined)[] = [];
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const index = base + i;
      try {
        const n = offset + index;
        slots[i] = await GatewaySession.connect(urls[n % urls.length]!, tokens[n % tokens.length]!, (f) => receiver.onFrame(index, f), 30_000, intents);
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  // Keep indices stable: a failed slot stays a session that receives nothing (and counts as missing).
  for (let i = 0; i < count; i++) sessions.push(slots[i] ?? (null as unknown as GatewaySession));
  return { connected: count - failed, failed, errors, ms: Date.now() - started };
}

async function collect(expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const want = expected * sessions.length;
  while (receiver.delivered < want && Date.now() < deadline) await sleep(20);
  // A little longer, so that duplicates arriving after the last expected frame are seen too.
  await sleep(100);
  return receiver.report(expected, sessions.filter((s) => !s || s.lostAfterReady).length);
}

async function handle(cmd: WorkerCommand): Promise<unknown> {
  switch (cmd.type) {
    case 'connect':
      return connect(cmd.urls, cmd.tokens, cmd.count, cmd.concurrency, cmd.offset, cmd.intents);
    case 'arm':
      receiver.arm(cmd.tag, cmd.capacity);
      return { ok: true };
    case 'progress':
      return { delivered: receiver.delivered, frameBytes: receiver.frameBytes, receipts: receiver.receiptsDelivered + receiver.receiptsRead, receiptsRead: receiver.receiptsRead };
    case 'collect':
      return collect(cmd.expected, cmd.timeoutMs);
    case 'close':
      await Promise.all(sessions.filter(Boolean).map((s) => s.close()));
      sessions.length = 0;
      receiver.grow(0);
      return { ok: true };
  }
}

process.on('message', (cmd: WorkerCommand) => {
  handle(cmd).then(
    (result) => process.send!({ id: cmd.id, result }),
    (err: Error) => process.send!({ id: cmd.id, error: err.stack ?? err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
