/**
 * The outbox: optimistic sends that survive disconnects and reloads.
 *
 * A message is `queued` until the gateway is ready, then `sending` (op 100 with its nonce) until the op 101
 * ack arrives. Sends go one at a time, so messages keep the order they were typed in. If the socket drops
 * mid-send the entry goes back to `queued` and is sent again with the same nonce once reconnected: the
 * server deduplicates by (author, nonce), so a message whose ack was lost is not stored twice. No ack within
 * SEND_TIMEOUT_MS on a live connection -> `failed`, and Retry queues it again, still with the same nonce.
 * A rate limit (429) puts it back in the queue until the server's `retry_after` has passed, and the messages
 * behind it wait with it, so order holds; after MAX_LIMITED rate limits in a row it fails instead.
 * An entry leaves the outbox once the server's copy (matched by nonce or acked id) is in the message list.
 */
import { makeNonce } from '@concord/client';
import { ErrorCodes, mergeMessages, type Message, type XMessageAckData } from '@concord/protocol';
import { describeError, rest } from './api';
import { forget, loadOutbox, persist } from './db';
import { getState, notify, setState, type OutboxEntry } from './store';

export const SEND_TIMEOUT_MS = 10_000;
export const MAX_LIMITED = 5;

type Transport = (entry: OutboxEntry) => boolean;
let transport: Transport | null = null;
let inflight: { nonce: string; timer: ReturnType<typeof setTimeout> } | null = null;
/** Wakes the queue when a rate-limited entry may go again. */
let wake: ReturnType<typeof setTimeout> | null = null;

/** The gateway registers how to send (or unregisters with null while it is down). */
export function setTransport(t: Transport | null): void {
  transport = t;
  if (!t) requeueInflight();
  else pump();
}

function update(nonce: string, patch: Partial<OutboxEntry>): OutboxEntry | undefined {
  const entry = getState().outbox[nonce];
  if (!entry) return undefined;
  const next = { ...entry, ...patch };
  setState((s) => ({ outbox: { ...s.outbox, [nonce]: next } }));
  void persist(next);
  return next;
}

function remove(nonce: string): void {
  if (inflight?.nonce === nonce) {
    clearTimeout(inflight.timer);
    inflight = null;
  }
  if (!getState().outbox[nonce]) return;
  setState((s) => {
    const outbox = { ...s.outbox };
    delete outbox[nonce];
    return { outbox };
  });
  void forget(nonce);
}

export function enqueue(channelId: string, content: string, replyTo?: OutboxEntry['replyTo']): void {
  const userId = getState().client.user?.id;
  if (!userId) return;
  const entry: OutboxEntry = { nonce: makeNonce(), userId, channelId, content, createdAt: Date.now(), status: 'queued', ...(replyTo ? { replyTo } : {}) };
  setState((s) => ({ outbox: { ...s.outbox, [entry.nonce]: entry } }));
  void persist(entry);
  pump();
}

export function retry(nonce: string): void {
  update(nonce, { status: 'queued', error: undefined, notBefore: undefined, limited: 0 });
  pump();
}

export function discard(nonce: string): void {
  remove(nonce);
}

/** Sends the oldest queued entry if the gateway is up and nothing else is in flight. */
export function pump(): void {
  if (inflight || !transport) return;
  const next = Object.values(getState().outbox)
    .filter((e) => e.status === 'queued')
    .sort((a, b) => a.createdAt - b.createdAt)[0];
  if (!next) return;
  const wait = (next.notBefore ?? 0) - Date.now();
  if (wait > 0) {
    if (wake) clearTimeout(wake);
    wake = setTimeout(() => {
      wake = null;
      pump();
    }, wait);
    return;
  }
  if (!transport(next)) return;
  update(next.nonce, { status: 'sending', notBefore: undefined });
  const nonce = next.nonce;
  inflight = {
    nonce,
    timer: setTimeout(() => {
      inflight = null;
      update(nonce, { status: 'failed', error: 'The server did not answer.' });
      pump();
    }, SEND_TIMEOUT_MS),
  };
}

function requeueInflight(): void {
  if (!inflight) return;
  clearTimeout(inflight.timer);
  const { nonce } = inflight;
  inflight = null;
  if (getState().outbox[nonce]?.status === 'sending') update(nonce, { status: 'queued' });
}

export function onAck(ack: XMessageAckData): void {
  const nonce = String(ack.nonce);
  if (inflight?.nonce === nonce) {
    clearTimeout(inflight.timer);
    inflight = null;
  }
  const entry = getState().outbox[nonce];
  if (entry) {
    if (ack.error) {
      const wait = ack.error.retry_after === undefined ? '' : ` Try again in ${Math.max(1, Math.ceil(ack.error.retry_after))} s.`;
      const text =
        ack.error.status === 429
          ? `You are sending messages too fast.${wait}`
          : ack.error.code === ErrorCodes.AUTOMOD_MESSAGE_BLOCKED
            ? `AutoMod blocked this message${ack.error.custom_message ? `: ${ack.error.custom_message}` : '.'}`
            : ack.error.code === ErrorCodes.VERIFICATION_LEVEL_TOO_HIGH
              ? 'This server asks newcomers to wait a few minutes before sending messages.'
              : ack.error.status === 403
                ? "You don't have permission to send messages here."
                : ack.error.message;
      // Slowmode says how long to wait: the composer counts it down.
      if (ack.error.code === ErrorCodes.SLOWMODE_RATE_LIMITED && ack.error.retry_after !== undefined) {
        const until = Date.now() + ack.error.retry_after * 1000;
        setState((s) => ({ slowmode: { ...s.slowmode, [entry.channelId]: until } }));
      }
      const limited = (entry.limited ?? 0) + 1;
      if (ack.error.status === 429 && ack.error.retry_after !== undefined && limited <= MAX_LIMITED) {
        // Sent again by itself once the limit allows, with the same nonce (the server keeps one copy).
        const seconds = Math.max(1, Math.ceil(ack.error.retry_after));
        update(nonce, { status: 'queued', limited, notBefore: Date.now() + ack.error.retry_after * 1000, error: `Sending too fast: trying again in ${seconds} s.` });
      } else {
        update(nonce, { status: 'failed', error: text, limited: 0 });
        notify(text);
      }
    } else if (ack.id) {
      update(nonce, { ackId: ack.id, error: undefined, limited: 0 });
      void ensureMessage(entry.channelId, ack.id);
    }
  }
  pump();
}

/**
 * The ack normally follows our own MESSAGE_CREATE; when the create was lost (it went to a session that has
 * since been replaced, and the retry was deduplicated) fetch the stored message so the entry can leave.
 */
async function ensureMessage(channelId: string, id: string): Promise<void> {
  reconcile();
  const list = getState().client.messages[channelId];
  if (!list || list.some((m) => m.id === id)) return;
  try {
    const message = await rest.getMessage(channelId, id);
    addMessages(channelId, [message]);
  } catch (err) {
    console.warn('outbox: could not fetch acknowledged message', describeError(err));
  }
}

export function addMessages(channelId: string, page: Message[]): void {
  setState((s) => ({
    client: { ...s.client, messages: { ...s.client.messages, [channelId]: mergeMessages(s.client.messages[channelId] ?? [], page) } },
  }));
  reconcile();
}

/** Drops entries whose server copy has arrived, from a dispatch or a history page. */
export function reconcile(): void {
  const { outbox, client } = getState();
  for (const entry of Object.values(outbox)) {
    const list = client.messages[entry.channelId];
    if (!list) continue;
    if (list.some((m) => m.id === entry.ackId || (m.nonce !== undefined && String(m.nonce) === entry.nonce && m.author.id === entry.userId))) {
      remove(entry.nonce);
    }
  }
}

/** After login or reload: what was unconfirmed comes back, and anything mid-send is sent again. */
export async function restoreOutbox(userId: string): Promise<void> {
  const saved = await loadOutbox(userId);
  if (!saved.length) return;
  setState((s) => {
    const outbox = { ...s.outbox };
    for (const e of saved) outbox[e.nonce] ??= { ...e, status: e.status === 'sending' ? 'queued' : e.status };
    return { outbox };
  });
  pump();
}
