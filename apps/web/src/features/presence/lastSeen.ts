/**
 * Last seen (a server extension, docs/presence.md): when someone stopped being visibly online, as the server lets
 * this person see it (a shared DM or server, neither side hiding theirs). Fetched with the user (GET /users/:id)
 * when a view needs it and kept current by the offline PRESENCE_UPDATE, which carries `last_seen` or leaves it out.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { PresenceStatus, PresenceUpdateData } from '@concord/protocol';
import { rest } from '../../state/api';
import { useStore } from '../../state/store';
import { lastSeenText } from './lastSeenText';

/** userId -> ISO time, or null when hidden or unknown. A user missing from the map is not fetched yet. */
export const useLastSeen = create<Record<string, string | null>>(() => ({}));
const pending = new Set<string>();

function fetchLastSeen(userId: string): void {
  if (pending.has(userId)) return;
  pending.add(userId);
  rest
    .request<{ last_seen?: string | null }>('GET', `/users/${userId}`)
    .then((u) => useLastSeen.setState({ [userId]: u.last_seen ?? null }))
    // Nothing to show is the right fallback for a view line.
    .catch(() => useLastSeen.setState({ [userId]: null }))
    .finally(() => pending.delete(userId));
}

/** From the gateway: an offline update says when, or (no field) that this person may not see it. */
export function onPresenceLastSeen(d: PresenceUpdateData): void {
  if (d.status === 'offline') useLastSeen.setState({ [d.user.id]: d.last_seen ?? null });
}

/** Everyone's last seen is fetched again (this person's own setting changed what they may see). */
export function forgetLastSeen(): void {
  useLastSeen.setState({}, true);
}

/**
 * The line under a person's name: "Online" while they show any presence, "Last seen ..." when offline and allowed,
 * nothing otherwise (hidden, never seen, or no connection to know).
 */
export function usePresenceLine(userId: string | undefined): string | undefined {
  const connected = useStore((s) => s.connection.state === 'ready');
  const status: PresenceStatus = useStore((s) => (userId && connected ? (s.client.presences[userId] ?? 'offline') : 'offline'));
  const seen = useLastSeen((s) => (userId ? s[userId] : undefined));
  const known = useLastSeen((s) => (userId ? userId in s : true));
  useEffect(() => {
    if (userId && !known) fetchLastSeen(userId);
  }, [userId, known]);
  if (!userId || !connected) return undefined;
  if (status !== 'offline') return 'Online';
  return seen ? lastSeenText(seen) : undefined;
}
