/** Turns the loaded messages plus the outbox into list rows: day separators and author groups. */
import type { Attachment, Channel, Message, Reaction, User } from '@concord/protocol';
import type { OutboxEntry, OutboxStatus } from '../../state/store';
import { dayKey, formatDay } from '../../components/util';

/** Discord's: messages by the same author within 7 minutes share a header. */
export const GROUP_WINDOW_MS = 7 * 60_000;

export interface DisplayMessage {
  /** Stable across pending -> confirmed for our own messages, so the row is not remounted. */
  key: string;
  id: string | null;
  nonce: string | null;
  channelId: string;
  author: User;
  content: string;
  timestamp: number;
  edited: boolean;
  status: 'sent' | OutboxStatus;
  error?: string;
  /** Discord's message type: 0 default, 19 reply, 6 "pinned a message", 24 an AutoMod alert. */
  type: number;
  pinned: boolean;
  reactions?: Reaction[];
  /** The id of the message this replies to (or, for a pin notice, the pinned message). */
  replyToId?: string;
  /** The replied-to message as the server sent it: null when it was deleted. */
  referenced?: Message | null;
  mentions: readonly User[];
  mentionRoles: readonly string[];
  mentionEveryone: boolean;
  /** Rich embeds (bots, webhooks) as the server sent them. */
  embeds: readonly unknown[];
  /** The server's message (absent while pending): flags, components and interaction metadata. */
  source?: Message;
  /** The thread started from this message, as the server last described it. */
  thread?: Channel;
  attachments: readonly Attachment[];
  /** Files of a message still in the outbox (not uploaded, or not sent yet). */
  pendingFiles?: readonly { name: string; size: number }[];
}

const NONE: readonly never[] = [];

export type Row =
  | { kind: 'top'; key: 'top'; hasMore: boolean; loading: boolean }
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'message'; key: string; message: DisplayMessage; head: boolean };

function fromServer(m: Message, me: string): DisplayMessage {
  const own = m.author.id === me && m.nonce !== undefined;
  return {
    key: own ? `n${m.nonce}` : m.id,
    id: m.id,
    nonce: m.nonce === undefined ? null : String(m.nonce),
    channelId: m.channel_id,
    author: m.author,
    content: m.content,
    timestamp: Date.parse(m.timestamp),
    edited: m.edited_timestamp !== null,
    status: 'sent',
    type: m.type,
    pinned: m.pinned,
    reactions: m.reactions,
    replyToId: m.message_reference?.message_id ?? undefined,
    referenced: m.referenced_message,
    mentions: m.mentions,
    mentionRoles: m.mention_roles,
    mentionEveryone: m.mention_everyone,
    embeds: m.embeds,
    source: m,
    ...(m.thread ? { thread: m.thread } : {}),
    attachments: m.attachments ?? NONE,
  };
}

function fromOutbox(e: OutboxEntry, me: User): DisplayMessage {
  return {
    key: `n${e.nonce}`,
    id: e.ackId ?? null,
    nonce: e.nonce,
    channelId: e.channelId,
    author: me,
    content: e.content,
    timestamp: e.createdAt,
    edited: false,
    status: e.status,
    error: e.error,
    type: e.replyTo ? 19 : 0,
    pinned: false,
    replyToId: e.replyTo?.messageId,
    mentions: NONE,
    mentionRoles: NONE,
    mentionEveryone: false,
    embeds: NONE,
    attachments: NONE,
    ...(e.files ? { pendingFiles: e.files.map((f) => ({ name: f.name, size: f.size })) } : {}),
  };
}

/**
 * `lastReadId`: where the reader had stopped when the channel was opened; a "new messages" divider goes before the
 * first message of someone else after it (none when nothing is new, or for '0' before a loaded start is known).
 */
export function buildRows(messages: readonly Message[], pending: readonly OutboxEntry[], me: User, hasMore: boolean, loading: boolean, lastReadId?: string | null): Row[] {
  const rows: Row[] = [{ kind: 'top', key: 'top', hasMore, loading }];
  const all = [...messages.map((m) => fromServer(m, me.id)), ...[...pending].sort((a, b) => a.createdAt - b.createdAt).map((e) => fromOutbox(e, me))];
  let prev: DisplayMessage | null = null;
  let divided = lastReadId == null;
  for (const m of all) {
    const day = dayKey(m.timestamp);
    const newDay = !prev || dayKey(prev.timestamp) !== day;
    if (newDay) rows.push({ kind: 'day', key: `day-${day}`, label: formatDay(m.timestamp) });
    if (!divided && m.id && m.author.id !== me.id && BigInt(m.id) > BigInt(lastReadId!)) {
      divided = true;
      rows.push({ kind: 'unread', key: 'unread' });
    }
    // A reply, a system message and whatever follows a system message start a new group, as on Discord.
    const system = (x: DisplayMessage) => x.type !== 0 && x.type !== 19;
    const head =
      newDay || !prev || prev.author.id !== m.author.id || m.timestamp - prev.timestamp > GROUP_WINDOW_MS || m.type === 19 || system(m) || system(prev);
    rows.push({ kind: 'message', key: m.key, message: m, head });
    prev = m;
  }
  return rows;
}
