import type { PresenceUpdateData, PresenceUpdateInput } from '@concord/protocol';
import type { Deps } from '../deps.js';
import { sameShown, type SessionPresence, type Shown, type Status } from './store.js';

type PresenceDeps = Pick<Deps, 'events' | 'guilds' | 'presence' | 'users' | 'tx'>;

export function presenceData(userId: string, shown: Shown, guildId?: string, lastSeen?: number): PresenceUpdateData {
  return {
    user: { id: userId },
    ...(guildId ? { guild_id: guildId } : {}),
    status: shown.status,
    activities: shown.activities,
    client_status: shown.status === 'offline' ? {} : { web: shown.status },
    ...(lastSeen !== undefined ? { last_seen: new Date(lastSeen).toISOString() } : {}),
  };
}

/** Tells the user's guilds, once, when what they show changed (first session, last session, a new status or activity). */
async function announce(deps: PresenceDeps, userId: string, change: { before: Shown; after: Shown }): Promise<void> {
  if (sameShown(change.before, change.after)) return;
  if (change.before.status !== 'offline' && change.after.status === 'offline') return wentOffline(deps, userId, change.after);
  for (const guildId of await deps.guilds.guildIdsForUser(userId)) {
    await deps.events.dispatch({ guild: guildId }, 'PRESENCE_UPDATE', presenceData(userId, change.after, guildId));
  }
}

/**
 * The user stopped being visibly online (last session gone, or invisible, which looks the same to others): that
 * moment is their last seen, recorded and carried on the offline update unless they hide it. An invisible user's
 * later comings and goings change nothing others see, so they record nothing either.
 */
async function wentOffline(deps: PresenceDeps, userId: string, after: Shown): Promise<void> {
  const now = Date.now();
  await deps.tx(async (tx) => {
    const user = await tx.users.get(userId);
    if (user && !user.bot) await tx.users.setLastSeen(userId, now);
    const shows = user !== undefined && !user.bot && user.show_last_seen !== false;
    for (const guildId of await tx.guilds.guildIdsForUser(userId)) {
      tx.emit({ guild: guildId }, 'PRESENCE_UPDATE', presenceData(userId, after, guildId, shows ? now : undefined));
    }
  });
}

/** A session is live (READY, a resume, op 3) with what it set. */
export async function sessionPresent(deps: PresenceDeps, userId: string, sessionId: string, presence: SessionPresence): Promise<void> {
  await announce(deps, userId, await deps.presence.set(userId, sessionId, presence));
}

/** A session's socket is gone for good, or for longer than the grace period. */
export async function sessionGone(deps: PresenceDeps, userId: string, sessionId: string): Promise<void> {
  await announce(deps, userId, await deps.presence.remove(userId, sessionId));
}

const STATUSES = new Set<Status>(['online', 'idle', 'dnd', 'invisible']);

/** Op 3 and Identify's `presence` (already checked by the schema): an unknown status counts as online. */
export function parsePresence(raw: PresenceUpdateInput | null | undefined, now = Date.now()): SessionPresence {
  const status = raw?.status;
  return {
    status: typeof status === 'string' && STATUSES.has(status as Status) ? (status as Status) : 'online',
    // Only the fields Discord shows travel on; a missing created_at is the time it was set.
    activities: (raw?.activities ?? []).map((a) => ({
      name: a.name,
      type: a.type,
      ...(a.url != null ? { url: a.url } : {}),
      ...(a.state != null ? { state: a.state } : {}),
      ...(a.details != null ? { details: a.details } : {}),
      ...(a.emoji ? { emoji: { name: a.emoji.name, ...(a.emoji.id ? { id: a.emoji.id } : {}), ...(a.emoji.animated !== undefined ? { animated: a.emoji.animated } : {}) } } : {}),
      created_at: a.created_at ?? now,
    })),
  };
}
