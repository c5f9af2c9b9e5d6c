/**
 * Reading: an ack of the newest message (`POST /channels/:id/messages/:id/ack`), sent at most once per channel per
 * 300 ms and never for a channel read already. What is unread is derived in derive.ts.
 */
import { compareSnowflakes } from '@concord/protocol';
import { rest } from '../../state/api';
import { getState } from '../../state/store';

export { badgeText, channelUnread, followedThreads, guildUnread, privateUnread, titlePrefix } from './derive';

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
  // Followed threads are part of the guild's unread state, so "Mark as read" reads them too.
  for (const c of Object.values(getState().client.channels)) if (c.guild_id === guildId && c.thread_metadata && c.member) markRead(c.id, true);
}
