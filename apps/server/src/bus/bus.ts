/**
 * What services publish after a commit and gateways subscribe to. Topics: `g:<guild id>` for a guild's
 * events, `u:<user id>` for events aimed at one user's sessions (DMs, joins, leaves).
 */
export interface BusEvent {
  /** Gateway event name; names starting with `@` are internal and never dispatched as they are. */
  t: string;
  d: any;
  guild_id?: string;
  /** Channel-scoped events reach only sessions that can view this channel. */
  channel_id?: string;
  /** Also needed in `channel_id`, besides VIEW_CHANNEL (a decimal permission bit set; e.g. invites need MANAGE_CHANNELS). */
  permission?: string;
  /**
   * CHANNEL_UPDATE: the channel before the change. A session that could see it and now cannot gets
   * CHANNEL_DELETE; one that could not and now can gets CHANNEL_CREATE, as on Discord.
   */
  previous?: { permission_overwrites?: { id: string; type: 0 | 1; allow: string; deny: string }[] };
  /** Only these users' sessions receive it. */
  user_ids?: string[];
  /** Sessions of these users skip it (e.g. the joiner gets GUILD_CREATE instead of GUILD_MEMBER_ADD). */
  exclude_user_ids?: string[];
}

export type BusHandler = (event: BusEvent) => void;

export interface Bus {
  publish(topic: string, event: BusEvent): Promise<void>;
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

export const guildTopic = (guildId: string) => `g:${guildId}`;
export const userTopic = (userId: string) => `u:${userId}`;

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

  deliver(topic: string, event: BusEvent): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of set) {
      try {
        h(event);
      } catch (err) {
        console.error(`bus handler for ${topic} failed:`, err);
      }
    }
  }
}
