/**
 * The dependency bag. `Stores` is derived from the module list (each module's `store`), so a new domain's
 * store appears here without an edit. Services declare the narrow part they use with `Needs<...>`.
 */
import type { BusEventName, DispatchPayloads } from '@concord/protocol';
import type { Bus, Control, Route } from '../bus/bus.js';
import type { Config } from '../config.js';
import type { IdSource } from '../lib/ids.js';
import type { RateLimits } from '../lib/ratelimit.js';
import type { Db } from '../store/db.js';
import type { Access } from './access.js';
import type { Events, Target } from './events.js';
import type { GuildCache } from './guilds/cache.js';
import type { Module } from './module.js';
import type { modules } from './index.js';
import type { PresenceStore } from './presence/store.js';
import type { VoiceStateStore } from './voice/store.js';
import type { RecentSends } from './automod/recent.js';
import type { SearchStore } from '../search/port.js';
import type { BlobStore } from '../blobs/port.js';
import type { MediaUrls } from './attachments/media.js';

type StoreOf<M> = M extends Module<string, infer S> ? S : never;
type NameOf<M> = M extends Module<infer N, infer S> ? ([S] extends [never] ? never : N) : never;

/** Every module's store, by module name. */
export type Stores = { [M in (typeof modules)[number] as NameOf<M>]: StoreOf<M> };
export type StoreName = keyof Stores;

/** What a transaction gives a service besides its stores bound to it. */
export interface TxHooks {
  /** Runs after the commit, in the order registered; never when the transaction rolls back. */
  afterCommit(fn: () => unknown): void;
  /** Publishes a dispatch after the commit. */
  emit<K extends BusEventName>(to: Target, t: K, d: DispatchPayloads[K], route?: Route): void;
  /** Sends a control message to a user's sessions after the commit. */
  control(userId: string, control: Control): void;
  /** Every module removes its rows of these channels and of what goes with them (threads), in this transaction. */
  purgeChannels(channelIds: readonly string[]): Promise<void>;
  /** Every module removes its rows of these messages (reactions, ...), in this transaction. */
  purgeMessages(channelId: string, messageIds: readonly string[]): Promise<void>;
}

/** A transaction: the stores `S`, bound to it, and its hooks. */
export type Tx<S extends StoreName = StoreName> = Pick<Stores, S> & TxHooks;
/** Opens a transaction, runs `fn` in it, commits, then runs the after-commit hooks. */
export type TxRunner<S extends StoreName = StoreName> = <T>(fn: (tx: Tx<S>) => Promise<T>) => Promise<T>;

/** Everything besides stores, built once in app.ts. */
export interface Infra {
  config: Config;
  db: Db;
  ids: IdSource;
  bus: Bus;
  events: Events;
  /** Every module's named rate-limit buckets over the limiter app.ts chose. */
  limits: RateLimits;
  presence: PresenceStore;
  /** Who is in which voice channel (memory or Redis, beside presence). */
  voiceStates: VoiceStateStore;
  /** AutoMod's record of authors' recent sends, for spam and mention raids (memory or Redis). */
  recentSends: RecentSends;
  /** Message search (SQLite FTS5 or PostgreSQL trigram, chosen in app.ts). */
  search: SearchStore;
  /** Files (disk or S3, chosen in app.ts). */
  blobs: BlobStore;
  /** Signs and checks media URLs. */
  media: MediaUrls;
  cache: GuildCache;
  access: Access;
  tx: TxRunner;
}

export interface Deps extends Stores, Infra {}

/** A service's narrow view: the stores it reads and writes (also in its transactions) and the infrastructure it uses. */
export type Needs<S extends StoreName, I extends Exclude<keyof Infra, 'tx'> = never> = Pick<Stores, S> & Pick<Infra, I> & { tx: TxRunner<S> };
