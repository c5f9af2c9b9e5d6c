/**
 * Unread and mention counts, derived from the reducer's read states (READY's read_state, then MESSAGE_ACK and
 * MESSAGE_CREATE): a channel is unread when its newest message is after the reader's position. Pure, so the
 * rules are unit-tested; reading (the acks) is in unread.ts.
 */
import { ChannelTypes, compareSnowflakes, type Channel, type ClientState } from '@concord/protocol';

export interface Unread {
  unread: boolean;
  mentions: number;
}

const NONE: Unread = { unread: false, mentions: 0 };

export function channelUnread(s: ClientState, channelId: string): Unread {
  const c = s.channels[channelId];
  if (!c?.last_message_id) return NONE;
  const rs = s.readStates[channelId];
  // A channel never read (no entry yet) with messages counts as unread; a mention there makes an entry (position "0").
  const unread = !rs || compareSnowflakes(c.last_message_id, rs.last_message_id) > 0;
  return { unread, mentions: unread || rs ? (rs?.mention_count ?? 0) : 0 };
}

const textLike = (type: number) => type === ChannelTypes.GUILD_TEXT || type === ChannelTypes.GUILD_ANNOUNCEMENT;

/**
 * The active threads of a channel the user follows (is a member of), oldest first: the channel list shows them
 * under their parent, as Discord does. Archived threads leave the store, so they leave the list too.
 */
export function followedThreads(s: ClientState, parentId: string): Channel[] {
  return Object.values(s.channels)
    .filter((c) => c.parent_id === parentId && c.thread_metadata && !c.thread_metadata.archived && c.member)
    .sort((a, b) => compareSnowflakes(a.id, b.id));
}

/** A guild is unread when one of its text channels or followed threads is; its mentions are their sum. */
export function guildUnread(s: ClientState, guildId: string): Unread {
  const g = s.guilds[guildId];
  if (!g) return NONE;
  let unread = false;
  let mentions = 0;
  const followed = Object.values(s.channels).filter((c) => c.guild_id === guildId && c.thread_metadata && c.member).map((c) => c.id);
  for (const id of [...g.channelIds, ...followed]) {
    const c = s.channels[id];
    if (!c || !(textLike(c.type) || c.thread_metadata)) continue;
    const u = channelUnread(s, id);
    unread ||= u.unread;
    mentions += u.mentions;
  }
  return { unread, mentions };
}

/** Private channels: every message of someone else counts as a mention, as on Discord. */
export function privateUnread(s: ClientState): Unread {
  let unread = false;
  let mentions = 0;
  for (const c of Object.values(s.channels)) {
    if (c.guild_id) continue;
    const u = channelUnread(s, c.id);
    unread ||= u.unread;
    mentions += u.mentions;
  }
  return { unread, mentions };
}

/** What the document title shows: "(N)" for mentions, "•" when only unread. */
export function titlePrefix(s: ClientState): string {
  let mentions = privateUnread(s).mentions;
  let unread = mentions > 0;
  for (const id of Object.keys(s.guilds)) {
    const u = guildUnread(s, id);
    mentions += u.mentions;
    unread ||= u.unread;
  }
  if (mentions > 0) return `(${mentions > 99 ? '99+' : mentions}) `;
  return unread ? '• ' : '';
}

export const badgeText = (n: number) => (n > 99 ? '99+' : String(n));


export type ReceiptState = 'sent' | 'delivered' | 'read';

export interface Tally {
  state: ReceiptState;
  delivered: number;
  read: number;
  of: number;
}

export const atOrAfter = (cursor: string | null | undefined, id: string) => cursor != null && cursor !== '0' && compareSnowflakes(cursor, id) >= 0;

/** One's own message in a private channel: how many of the other recipients have it, and have read it. */
export function tally(s: ClientState, channelId: string, messageId: string): Tally {
  const others = (s.channels[channelId]?.recipients ?? []).map((u) => u.id);
  const cursors = s.receipts[channelId] ?? {};
  const delivered = others.filter((id) => atOrAfter(cursors[id]?.delivered, messageId)).length;
  const read = others.filter((id) => atOrAfter(cursors[id]?.read, messageId)).length;
  return { state: receiptState(delivered, read, others.length), delivered, read, of: others.length };
}

export function receiptState(delivered: number, read: number, of: number): ReceiptState {
  return of > 0 && read === of ? 'read' : of > 0 && delivered === of ? 'delivered' : 'sent';
}
