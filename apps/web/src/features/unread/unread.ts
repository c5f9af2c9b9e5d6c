/**
 * Unread and mention counts, derived from the reducer's read states (READY's read_state, then MESSAGE_ACK and
 * MESSAGE_CREATE): a channel is unread when its newest message is after the reader's position. Reading is an
 * ack of the newest message (`POST /channels/:id/messages/:id/ack`), sent at most once per channel per 300 ms.
 */
import { ChannelTypes, compareSnowflakes, type ClientState } from '@concord/protocol';
import { rest } from '../../state/api';
import { getState } from '../../state/store';

export interface Unread {
  unread: boolean;
  mentions: number;
}

const NONE: Unread = { unread: false, mentions: 0 };

export function channelUnread(s: ClientState, channelId: string): Unread {
  const c = s.channels[channelId];
  if (!c?.last_message_id) return NONE;
  const rs = s.readStates[channelId];
  // A channel never read (no entry yet) with messages counts as unread; its mentions show once it has an entry.
  const unread = !rs || compareSnowflakes(c.last_message_id, rs.last_message_id) > 0;
  return { unread, mentions: unread || rs ? (rs?.mention_count ?? 0) : 0 };
}

const textLike = (type: number) => type === ChannelTypes.GUILD_TEXT || type === ChannelTypes.GUILD_ANNOUNCEMENT;

/** A guild is unread when one of its text channels is; its mentions are their sum. */
export function guildUnread(s: ClientState, guildId: string): Unread {
  const g = s.guilds[guildId];
  if (!g) return NONE;
  let unread = false;
  let mentions = 0;
  for (const id of g.channelIds) {
    const c = s.channels[id];
    if (!c || !textLike(c.type)) continue;
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

const pending = new Map<string, ReturnType<typeof setTimeout>>();
const sent = new Map<string, string>();

/** Reads the channel up to its newest message (debounced; nothing is sent when it is read already). */
export function markRead(channelId: string, now = false): void {
  const run = () => {
    pending.delete(channelId);
    const s = getState().client;
    const last = s.channels[channelId]?.last_message_id;
    const rs = s.readStates[channelId];
    if (!last || (rs && compareSnowflakes(last, rs.last_message_id) <= 0) || sent.get(channelId) === last) return;
    sent.set(channelId, last);
    rest.request('POST', `/channels/${channelId}/messages/${last}/ack`, { body: { token: null } }).catch(() => sent.delete(channelId));
  };
  const t = pending.get(channelId);
  if (t) clearTimeout(t);
  if (now) run();
  else pending.set(channelId, setTimeout(run, 300));
}

export function markGuildRead(guildId: string): void {
  const g = getState().client.guilds[guildId];
  for (const id of g?.channelIds ?? []) markRead(id, true);
}
