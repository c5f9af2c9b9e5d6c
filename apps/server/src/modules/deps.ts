import type { Bus, BusEvent } from '../bus/bus.js';
import type { Config } from '../config.js';
import type { IdSource } from '../lib/ids.js';
import type { RateLimiter } from '../lib/ratelimiter.js';
import type { Access } from './access.js';
import type { ApplicationStore } from './applications/store.js';
import type { ChannelStore } from './channels/store.js';
import type { GuildCache } from './guilds/cache.js';
import type { GuildStore } from './guilds/store.js';
import type { InviteStore } from './invites/store.js';
import type { MessageStore } from './messages/store.js';
import type { ReactionStore } from './reactions/store.js';
import type { UserStore } from './users/store.js';
import type { PresenceStore } from './presence/store.js';

export interface Stores {
  users: UserStore;
  applications: ApplicationStore;
  guilds: GuildStore;
  channels: ChannelStore;
  messages: MessageStore;
  reactions: ReactionStore;
  invites: InviteStore;
}

/** Everything a service function may use; built once in app.ts. */
export interface Deps extends Stores {
  config: Config;
  ids: IdSource;
  bus: Bus;
  limiter: RateLimiter;
  presence: PresenceStore;
  cache: GuildCache;
  access: Access;
}

/**
 * Publishes an event after its write committed. A failed publish does not undo or fail the write
 * (it is durable and clients resync from history); it is logged.
 */
export async function emit(deps: Pick<Deps, 'bus'>, topic: string, event: BusEvent): Promise<void> {
  try {
    await deps.bus.publish(topic, event);
  } catch (err) {
    console.error(`publish ${event.t} to ${topic} failed:`, err);
  }
}
