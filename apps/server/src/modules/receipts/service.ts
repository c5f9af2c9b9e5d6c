/**
 * Delivery and read receipts in DMs and group DMs (an extension, docs/receipts.md). A message goes sent ->
 * delivered (a session of the recipient was sent it, or the recipient fetched it) -> read (the recipient acked
 * past it). Per recipient and channel one durable cursor of each: messages arrive in order, so a cursor covers
 * every message before it. The other recipients (the senders) get X_MESSAGE_RECEIPT when a cursor moves, and the
 * cursors in READY. Read receipts are mutual, as in WhatsApp: someone who turned them off sends none and sees none.
 */
import { compareSnowflakes, type ReceiptCursorData } from '@concord/protocol';
import { log } from '../../lib/log.js';
import type { Ctx, PrivateChannelScope } from '../access.js';
import type { Deps, Needs, Tx } from '../deps.js';

type ReceiptDeps = Needs<'receipts' | 'channels', 'events'>;
type ReceiptTx = Tx<'receipts' | 'channels'>;

/** In `tx`: the delivered cursor moves; the other recipients hear of it after the commit. */
async function deliveredIn(tx: ReceiptTx, userId: string, channelId: string, messageId: string): Promise<void> {
  const at = Date.now();
  if (!(await tx.receipts.delivered(channelId, userId, messageId, at))) return;
  const others = (await tx.channels.members(channelId)).filter((id) => id !== userId);
  if (others.length === 0) return;
  tx.emit({ users: others }, 'X_MESSAGE_RECEIPT', { channel_id: channelId, user_id: userId, message_id: messageId, status: 'delivered', at });
}

/** A recipient's session was sent the message, or the recipient fetched history up to it. */
export async function noteDelivered(deps: ReceiptDeps, userId: string, channelId: string, messageId: string): Promise<void> {
  await deps.tx((tx) => deliveredIn(tx, userId, channelId, messageId));
}

/** How long deliveries to connected sessions gather before they are written (one row and one event per window). */
export const DELIVERY_FLUSH_MS = 200;

/**
 * Receipt cursors gathered per (channel, user) over DELIVERY_FLUSH_MS, the newest message winning, then written in
 * one transaction: a burst is one cursor write and one X_MESSAGE_RECEIPT per window, not one per message. A crash
 * loses at most a window of cursors, which the user's next history fetch or ack moves again.
 */
export class CursorBuffer<T extends { channelId: string; userId: string; messageId: string }> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | undefined;
  /** Cursor writes made, for tests and metrics. */
  writes = 0;

  constructor(
    private readonly deps: ReceiptDeps,
    private readonly what: string,
    private readonly write: (tx: ReceiptTx, item: T) => Promise<void>,
  ) {}

  note(item: T): void {
    const key = `${item.channelId}:${item.userId}`;
    const was = this.pending.get(key);
    if (!was || compareSnowflakes(was.messageId, item.messageId) < 0) this.pending.set(key, item);
    this.timer ??= setTimeout(() => void this.flush().catch((err: unknown) => log.error(`${this.what} flush failed`, { err })), DELIVERY_FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return;
    await this.deps.tx(async (tx) => {
      for (const item of batch) await this.write(tx, item);
    });
    this.writes += batch.length;
  }
}

type Delivery = { userId: string; channelId: string; messageId: string };
type ReadReceipt = Delivery & { ctx: Ctx; scope: PrivateChannelScope };

const buffers = new WeakMap<object, { deliveries: CursorBuffer<Delivery>; reads: CursorBuffer<ReadReceipt> }>();

/** The process's buffers (one pair per event publisher, so one per app). */
function buffersOf(deps: ReceiptDeps) {
  let b = buffers.get(deps.events);
  if (!b) {
    b = {
      // Deliveries noted by the fan-out and by resumes.
      deliveries: new CursorBuffer<Delivery>(deps, 'delivery receipts', (tx, d) => deliveredIn(tx, d.userId, d.channelId, d.messageId)),
      // Read receipts from acks: an ack storm on a busy DM is one cursor write per window, as the read position is
      // one write per ACK_FLUSH_MS.
      reads: new CursorBuffer<ReadReceipt>(deps, 'read receipts', (tx, r) => readIn(tx, r.ctx, r.scope, r.messageId)),
    };
    buffers.set(deps.events, b);
  }
  return b;
}

/** A delivery to a connected session, written with the others of its window. */
export const deliveryBuffer = (deps: ReceiptDeps) => buffersOf(deps).deliveries;
/** An ack's read receipt, written with the others of its window. */
export const readReceiptBuffer = (deps: ReceiptDeps) => buffersOf(deps).reads;

/** Writes what is pending, deliveries and reads (graceful shutdown, tests). */
export async function flushDeliveries(deps: Pick<Deps, 'events'>): Promise<void> {
  const b = buffers.get(deps.events);
  await b?.deliveries.flush();
  await b?.reads.flush();
}

/** In `tx`: the reader acked past `messageId`: read (if they send read receipts), and delivered in any case. */
async function readIn(tx: ReceiptTx, ctx: Ctx, scope: PrivateChannelScope, messageId: string): Promise<void> {
  const userId = ctx.user.id;
  if (!(await tx.receipts.readReceipts(userId))) return deliveredIn(tx, userId, scope.channel.id, messageId);
  const at = Date.now();
  if (!(await tx.receipts.read(scope.channel.id, userId, messageId, at))) return;
  const others = scope.recipients.filter((id) => id !== userId);
  const off = await tx.receipts.withoutReadReceipts(others);
  const seeing = others.filter((id) => !off.has(id));
  const blind = others.filter((id) => off.has(id));
  const d = { channel_id: scope.channel.id, user_id: userId, message_id: messageId, at };
  if (seeing.length > 0) tx.emit({ users: seeing }, 'X_MESSAGE_RECEIPT', { ...d, status: 'read' });
  // Those who turned read receipts off still learn of the delivery.
  if (blind.length > 0) tx.emit({ users: blind }, 'X_MESSAGE_RECEIPT', { ...d, status: 'delivered' });
}

/** The other recipients' cursors in these private channels, as `viewerId` may see them. */
export async function cursorsFor(deps: Pick<Deps, 'receipts'>, viewerId: string, channelIds: readonly string[]): Promise<ReceiptCursorData[]> {
  const rows = (await deps.receipts.forChannels(channelIds)).filter((r) => r.user_id !== viewerId);
  const off = await deps.receipts.withoutReadReceipts([viewerId, ...new Set(rows.map((r) => r.user_id))]);
  return rows.map((r) => ({
    channel_id: r.channel_id,
    user_id: r.user_id,
    delivered_message_id: r.delivered_id,
    read_message_id: off.has(viewerId) || off.has(r.user_id) || r.read_id === '0' ? null : r.read_id,
  }));
}

/** `GET /channels/:id/x-receipts`: who has it and since when (cursor by cursor; `*_at` is when the cursor last moved). */
export async function channelReceipts(deps: Needs<'receipts', 'access'>, ctx: Ctx, channelId: string) {
  const scope = await deps.access.channel(ctx, channelId);
  if (scope.kind !== 'private') return [];
  const rows = (await deps.receipts.forChannels([channelId])).filter((r) => r.user_id !== ctx.user.id);
  const off = await deps.receipts.withoutReadReceipts([ctx.user.id, ...rows.map((r) => r.user_id)]);
  const hide = (id: string) => off.has(ctx.user.id) || off.has(id);
  return rows.map((r) => ({
    user_id: r.user_id,
    delivered_message_id: r.delivered_id,
    delivered_at: r.delivered_at,
    read_message_id: hide(r.user_id) || r.read_id === '0' ? null : r.read_id,
    read_at: hide(r.user_id) ? null : r.read_at,
  }));
}

export async function getSettings(deps: Pick<Deps, 'receipts'>, ctx: Ctx) {
  return { read_receipts: await deps.receipts.readReceipts(ctx.user.id) };
}

export async function setSettings(deps: Pick<Deps, 'receipts'>, ctx: Ctx, body: { read_receipts: boolean }) {
  await deps.receipts.setReadReceipts(ctx.user.id, body.read_receipts);
  return { read_receipts: body.read_receipts };
}
