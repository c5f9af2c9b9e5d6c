import type { PresenceUpdateData } from '@concord/protocol';
import type { Deps } from '../deps.js';
import type { Status, VisibleStatus } from './store.js';

type PresenceDeps = Pick<Deps, 'events' | 'guilds' | 'presence'>;

export function presenceData(userId: string, status: VisibleStatus, guildId?: string): PresenceUpdateData {
  return {
    user: { id: userId },
    ...(guildId ? { guild_id: guildId } : {}),
    status,
    activities: [],
    client_status: status === 'offline' ? {} : { web: status },
  };
}

/** Tells the user's guilds, once, when what they show changed (first session, last session, a new status). */
async function announce(deps: PresenceDeps, userId: string, change: { before: VisibleStatus; after: VisibleStatus }): Promise<void> {
  if (change.before === change.after) return;
  for (const guildId of await deps.guilds.guildIdsForUser(userId)) {
    await deps.events.dispatch({ guild: guildId }, 'PRESENCE_UPDATE', presenceData(userId, change.after, guildId));
  }
}

export async function sessionOnline(deps: PresenceDeps, userId: string, sessionId: string, status: Status): Promise<void> {
  await announce(deps, userId, await deps.presence.connect(userId, sessionId, status));
}

export async function sessionOffline(deps: PresenceDeps, userId: string, sessionId: string): Promise<void> {
  await announce(deps, userId, await deps.presence.disconnect(userId, sessionId));
}

const STATUSES = new Set<Status>(['online', 'idle', 'dnd', 'invisible']);

/** Op 3 and Identify's `presence`: anything unknown counts as online. */
export function parseStatus(raw: unknown): Status {
  const status = (raw as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' && STATUSES.has(status as Status) ? (status as Status) : 'online';
}
