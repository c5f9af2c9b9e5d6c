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
import { RestError, makeNonce } from '@concord/client';
import { ErrorCodes, mergeMessages, type Message, type XMessageAckData } from '@concord/protocol';
import { describeError, rest } from './api';
import { forget, loadOutbox, persist } from './db';
import { getState, notify, setState, type OutboxEntry, type OutboxFile } from './store';

export const SEND_TIMEOUT_MS = 10_000;
export const MAX_LIMITED = 5;

type Transport = (entry: OutboxEntry) => boolean;
let transport: Transport | null = null;
/** The entry being sent; `timer` fails it when no ack comes (not for files, which take as long as they take). */
let inflight: { nonce: string; timer?: ReturnType<typeof setTimeout> } | null = null;
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

export function enqueue(channelId: string, content: string, replyTo?: OutboxEntry['replyTo'], files?: OutboxFile[]): void {
  const userId = getState().client.user?.id;
  if (!userId) return;
  const entry: OutboxEntry = {
    nonce: makeNonce(),
    userId,
    channelId,
    content,
    createdAt: Date.now(),
    status: 'queued',
    ...(replyTo ? { replyTo } : {}),
    ...(files && files.length > 0 ? { files } : {}),
  };
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
  if (next.files) {
    sendFiles(next);
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

/**
 * A message with files goes over REST once the gateway is up (the sign of being online): each file not yet on the
 * server is uploaded (two-step: a slot, then a PUT of the bytes) and its upload name kept in the entry, so a
 * reconnect or reload does not upload it again; then the message names them, with the entry's nonce, so a resend
 * after a lost answer gets the first message back. Uploads the server no longer has (they expire) are made again.
 */
function sendFiles(entry: OutboxEntry): void {
  const nonce = entry.nonce;
  // A dropped connection requeues it (setTransport); the upload names kept so far stay.
  inflight = { nonce };
  update(nonce, { status: 'sending', notBefore: undefined });
  const still = () => inflight?.nonce === nonce;
  void (async () => {
    try {
      let files = entry.files!;
      const missing = files.map((f, i) => [f, i] as const).filter(([f]) => !f.uploadFilename);
      if (missing.length > 0) {
        const { attachments: slots } = await rest.request<{ attachments: { id: string; upload_url: string; upload_filename: string }[] }>('POST', `/channels/${entry.channelId}/attachments`, {
          body: { files: missing.map(([f, i]) => ({ id: String(i), filename: f.name, file_size: f.size })) },
        });
        for (const [k, [f, i]] of missing.entries()) {
          const slot = slots[k]!;
          const u = new URL(slot.upload_url, location.href);
          const put = await fetch(u.pathname + u.search, { method: 'PUT', body: f.blob });
          if (!put.ok) throw new RestError(put.status, 0, put.status === 413 ? 'File is too large' : `Upload failed (${put.status})`);
          files = files.map((x, j) => (j === i ? { ...x, uploadFilename: slot.upload_filename } : x));
          if (still()) update(nonce, { files });
        }
      }
      const message = await rest.request<Message>('POST', `/channels/${entry.channelId}/messages`, {
        body: {
          content: entry.content,
          nonce,
          attachments: files.map((f, i) => ({
            id: String(i),
            filename: f.spoiler ? `SPOILER_${f.name}` : f.name,
            uploaded_filename: f.uploadFilename,
            ...(f.description ? { description: f.description } : {}),
          })),
          ...(entry.replyTo ? { message_reference: { message_id: entry.replyTo.messageId, fail_if_not_exists: false }, allowed_mentions: { parse: ['users', 'roles', 'everyone'], replied_user: entry.replyTo.mention } } : {}),
        },
      });
      if (!still()) return;
      inflight = null;
      update(nonce, { ackId: message.id, error: undefined });
      addMessages(entry.channelId, [message]);
    } catch (err) {
      if (!still()) return;
      inflight = null;
      const status = err instanceof RestError ? err.status : 0;
      if (err instanceof RestError && err.status === 400 && JSON.stringify(err.errors ?? {}).includes('ATTACHMENT_NOT_FOUND') && !entry.reuploaded) {
        // The uploads expired while waiting: upload them again, once.
        update(nonce, { status: 'queued', reuploaded: true, files: entry.files!.map(({ uploadFilename: _u, ...f }) => f) });
      } else if (status === 0 || status >= 500 || status === 429) {
        // Offline again, or the server is busy: it goes again with the next connection (or shortly).
        update(nonce, { status: 'queued', notBefore: Date.now() + 2000 });
      } else {
        const text = describeError(err);
        update(nonce, { status: 'failed', error: text });
        notify(text);
      }
    }
    pump();
  })();
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
