/**
 * buildApp: chooses the adapters (the only place that does) and wires stores, bus, services, HTTP and
 * gateway together. It never listens; main.ts and tests decide that.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { parseConfig, type Config, type ConfigInput } from './config.js';
import type { Db } from './store/db.js';
import { SqliteDb } from './store/sqlite/driver.js';
import { PostgresDb } from './store/postgres/driver.js';
import { migrate } from './store/migrations.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory.js';
import { RedisBus } from './bus/redis.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './lib/ratelimiter.js';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from './modules/presence/store.js';
import { createIdSource } from './lib/ids.js';
import { SqlUserStore } from './modules/users/store.js';
import { SqlApplicationStore } from './modules/applications/store.js';
import { SqlGuildStore } from './modules/guilds/store.js';
import { SqlChannelStore } from './modules/channels/store.js';
import { SqlMessageStore } from './modules/messages/store.js';
import { SqlReactionStore } from './modules/reactions/store.js';
import { SqlInviteStore } from './modules/invites/store.js';
import { GuildCache } from './modules/guilds/cache.js';
import { Access } from './modules/access.js';
import type { Deps, Stores } from './modules/deps.js';
import { buildHttp } from './http/server.js';
import { Gateway } from './gateway/server.js';

export interface App {
  config: Config;
  http: FastifyInstance;
  gateway: Gateway;
  deps: Deps;
  /** Listens on config.port (0 picks a free port); answers the base URL. */
  listen(): Promise<string>;
  /** Graceful: gateway clients get op 7, in-flight requests finish, connections close. */
  close(): Promise<void>;
}

const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export function openDb(config: Config): Db {
  return config.databaseUrl ? new PostgresDb(config.databaseUrl) : new SqliteDb(path.join(config.dataDir, 'concord.db'), config.sqliteSynchronous);
}

export function createStores(db: Db): Stores {
  return {
    users: new SqlUserStore(db),
    applications: new SqlApplicationStore(db),
    guilds: new SqlGuildStore(db),
    channels: new SqlChannelStore(db),
    messages: new SqlMessageStore(db),
    reactions: new SqlReactionStore(db),
    invites: new SqlInviteStore(db),
  };
}

export async function buildApp(input: Config | ConfigInput = {}): Promise<App> {
  const config = 'dataDir' in input && path.isAbsolute(String(input.dataDir)) && 'processId' in input ? (input as Config) : parseConfig(input);
  const db = openDb(config);
  await migrate(db);

  let bus: Bus;
  let limiter: RateLimiter;
  let presence: PresenceStore;
  let redis: Redis | undefined;
  if (config.redisUrl) {
    const redisBus = new RedisBus(config.redisUrl);
    await redisBus.ready();
    bus = redisBus;
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    limiter = new RedisRateLimiter(redis);
    presence = new RedisPresenceStore(redis);
  } else {
    bus = new MemoryBus();
    limiter = new MemoryRateLimiter();
    presence = new MemoryPresenceStore();
  }

  const stores = createStores(db);
  const cache = new GuildCache({ guilds: stores.guilds, channels: stores.channels, users: stores.users, bus });
  const deps: Deps = {
    ...stores,
    config: { ...config, webDir: config.webDir ?? defaultWebDir },
    ids: createIdSource(config.workerId, config.processId),
    bus,
    limiter,
    presence,
    cache,
    access: new Access(cache, stores.channels),
  };
  const gateway = new Gateway(deps);
  const http = buildHttp(deps, () => gateway.stats());
  if (config.role !== 'api') gateway.attach(http.server);

  let closed = false;
  return {
    config: deps.config,
    http,
    gateway,
    deps,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const addr = http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      (deps.config as { port: number }).port = port;
      return `http://127.0.0.1:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      await http.close();
      cache.close();
      await bus.close();
      limiter.close();
      presence.close();
      redis?.disconnect();
      await db.close();
    },
  };
}
