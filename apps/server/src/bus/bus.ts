import type { BusEventName, DispatchPayloads, Overwrite } from '@concord/protocol';
import { log } from '../lib/log.js';

/**
 * What services publish after a commit and gateways subscribe to. Topics (see `topics.ts`): `g:<guild id>`
 * carries a guild's events (its channels' and threads' too); `u:<user id>` carries what is aimed at one user's
 * sessions: their own changes, their private channels' events, and control messages.
 * Subscribers of a `g:` topic: the guild replica (modules/guilds/cache.ts), which applies the event and then
 * hands it to the gateway fan-out. Subscribers of a `u:` topic: the fan-out.
 */

/** Who may see a dispatch: travels beside the payload, never sent to clients. */
export interface Route {
  /** Channel-scoped events reach only sessions that can view this channel (guild topics). */
  channel_id?: string;
  /** Also needed in `channel_id`, besides VIEW_CHANNEL (a decimal permission bit set; e.g. invites need MANAGE_CHANNELS). */
  permission?: string;
  /** These users need only VIEW_CHANNEL, not `permission` (a private thread's members). */
  or_user_ids?: string[];
  /**
   * CHANNEL_UPDATE: the channel's overwrites before the change. A session that could see it and now cannot gets
   * CHANNEL_DELETE; one that could not and now can gets CHANNEL_CREATE, as on Discord.
   */
  previous?: { permission_overwrites: Overwrite[] };
  /** Guild-wide events for those holding this guild permission (decimal bits), e.g. audit entries need VIEW_AUDIT_LOG. */
  guild_permission?: string;
  /** Only these users' sessions receive it. */
  user_ids?: string[];
  /** Sessions of these users skip it (e.g. the joiner gets GUILD_CREATE instead of GUILD_MEMBER_ADD). */
  exclude_user_ids?: string[];
}

export type DispatchMessage = { [K in BusEventName]: { kind: 'dispatch'; t: K; d: DispatchPayloads[K]; route: Route } }[BusEventName];

/** Internal messages to a user's sessions, never dispatched as they are. */
export type Control =
  /** The user joined a guild: their sessions add it and get GUILD_CREATE. */
  | { type: 'GUILD_JOIN'; guild_id: string }
  /** A token was revoked: sessions identified with it close 4004. */
  | { type: 'TOKEN_REVOKED'; token_hash: string }
  /** The user showed or hid their last seen: their sessions see others' last seen or not (symmetric). */
  | { type: 'LAST_SEEN_SETTING'; show_last_seen: boolean };

export interface ControlMessage {
  kind: 'control';
  control: Control;
}

export type BusMessage = DispatchMessage | ControlMessage;
export type BusHandler = (message: BusMessage) => void;

export interface Bus {
  publish(topic: string, message: BusMessage): Promise<void>;
  /**
   * Ref-counted per topic: the transport subscribes on the first handler and unsubscribes after the last.
   * Resolves once events published from then on are sure to arrive; gives back the unsubscribe function.
   */
  subscribe(topic: string, handler: BusHandler): Promise<() => void>;
  /**
   * Called after this process's subscriptions were lost and restored: events published in between never
   * arrived here, so whatever was kept current from them (replicas, sessions) must be rebuilt. The
   * subscriptions are live again when it is called. Gives back the function that removes the listener.
   */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Shared handler bookkeeping for both transports. */
export class TopicHandlers {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  add(topic: string, handler: BusHandler): boolean {
    let set = this.handlers.get(topic);
    const first = !set;
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return first;
  }

  remove(topic: string, handler: BusHandler): boolean {
    const set = this.handlers.get(topic);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.handlers.delete(topic);
    return true;
  }

  deliver(topic: string, message: BusMessage): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of set) {
      try {
        h(message);
      } catch (err) {
        log.error('bus handler failed', { topic, err });
      }
    }
  }
}
