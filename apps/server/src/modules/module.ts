/**
 * A domain module's manifest: everything the app wires for the domain, declared in the domain's own folder
 * (`modules/<domain>/index.ts`). The app, the dependency bag, the router, the migrations and the rate limiter
 * iterate over the one list in `modules/index.ts`, so a new domain is its folder plus one line there.
 */
import type { EventName } from '@concord/protocol';
import type { Router } from '../http/router.js';
import type { Queryable } from '../store/db.js';
import type { Limit } from '../lib/ratelimiter.js';
import type { Deps } from './deps.js';

export interface Migration {
  /** Global order across modules (a module's own migrations keep increasing ids); never reused. */
  id: number;
  name: string;
  /** SQL for both dialects, or one per dialect where they differ. */
  shared?: string;
  sqlite?: string;
  postgres?: string;
}

/**
 * What a domain removes of its own rows when what they belong to goes. Each hook gets the domain's own store,
 * bound to the deleting transaction: a domain deletes only its own rows.
 */
export interface PurgeHooks<S> {
  /** Channels that go with these (a channel's threads): every module purges them too, in the same transaction. */
  dependents?(store: S, channelIds: readonly string[]): Promise<string[]>;
  /** Channels are being deleted (alone, or with their guild). */
  channels?(store: S, channelIds: readonly string[]): Promise<void>;
  /** Messages of one channel are being deleted. */
  messages?(store: S, channelId: string, messageIds: readonly string[]): Promise<void>;
}

export interface Module<N extends string = string, S = unknown> {
  name: N;
  migrations?: readonly Migration[];
  /** The domain's store over a database or a transaction (stores never open transactions of their own). */
  store?: (q: Queryable) => S;
  routes?: (r: Router, deps: Deps) => void;
  /** Named rate-limit buckets of the domain's routes and ops. */
  buckets?: Readonly<Record<string, Limit>>;
  /** The dispatches the domain's services publish (its part of the contract). */
  events?: readonly EventName[];
  purge?: PurgeHooks<S>;
}

/** Keeps the literal name and the store type for the derived `Stores`. */
export function defineModule<N extends string, S = never>(m: Module<N, S>): Module<N, S> {
  return m;
}
