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
import { modules } from './modules/index.js';
import type { Migration } from './modules/module.js';
import { bindStores, createTxRunner } from './modules/tx.js';
import { Events } from './modules/events.js';
import { RateLimits, collectBuckets } from './lib/ratelimit.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory.js';
import { RedisBus } from './bus/redis.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './lib/ratelimiter.js';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from './modules/presence/store.js';
import { MemoryVoiceStateStore, RedisVoiceStateStore, type VoiceStateStore } from './modules/voice/store.js';
import { MemoryRecentSends, RedisRecentSends, type RecentSends } from './modules/automod/recent.js';
import { createIdSource } from './lib/ids.js';
import { GuildCache } from './modules/guilds/cache.js';
import { Access } from './modules/access.js';
import type { Deps, Stores } from './modules/deps.js';
import { buildHttp } from './http/server.js';
import { probe } from './http/ops.js';
import { Gateway } from './gateway/server.js';
import { VoiceGateway } from './voice/gateway.js';
import type { MediaServer } from './voice/media.js';
import { WeriftSfu } from './voice/werift.js';
import { archiveIdleThreads } from './modules/threads/service.js';
import { ackBuffer, flushAcks } from './modules/read_states/service.js';
import { deliveryBuffer, flushDeliveries, readReceiptBuffer } from './modules/receipts/service.js';
import type { SearchStore } from './search/port.js';
import { SqliteSearch } from './search/sqlite.js';
import { PostgresSearch } from './search/postgres.js';

/** How often idle threads are looked for (their shortest auto-archive duration is an hour). */
const THREAD_SWEEP_MS = 60_000;
import { lockDataDir } from './lib/lockfile.js';
import { Metrics } from './lib/metrics.js';
import { SqlMessageStore } from './modules/messages/store.js';
import { log } from './lib/log.js';
import crypto from 'node:crypto';
import type { BlobStore } from './blobs/port.js';
import { DiskBlobStore } from './blobs/disk.js';
import { S3BlobStore } from './blobs/s3.js';
import { MediaUrls } from './modules/attachments/media.js';
import { sweepBlobs } from './modules/attachments/service.js';

export interface App {
  config: Config;
  http: FastifyInstance;
  gateway: Gateway;
  /** The voice gateway at /voice and its media server. */
  voice: VoiceGateway;
  deps: Deps;
  /** Listens on config.port (0 picks a free port); answers the base URL. */
  listen(): Promise<string>;
  /** Graceful: /ready turns false, gateway clients get op 7, in-flight requests finish, connections close. */
  close(): Promise<void>;
  metrics: Metrics;
}

const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Files on S3 when a bucket is configured, else on disk under DATA_DIR (or BLOB_DIR). */
export function openBlobs(config: Config): BlobStore {
  if (config.s3Bucket) {
    return new S3BlobStore({
      bucket: config.s3Bucket,
      endpoint: config.s3Endpoint,
      region: config.s3Region,
      accessKeyId: config.s3AccessKeyId,
      secretAccessKey: config.s3SecretAccessKey,
      forcePathStyle: config.s3ForcePathStyle,
      prefix: config.s3Prefix,
    });
  }
  return new DiskBlobStore(path.resolve(config.blobDir ?? path.join(config.dataDir, 'blobs')));
}

export function openDb(config: Config): Db {
  return config.databaseUrl ? new PostgresDb(config.databaseUrl) : new SqliteDb(path.join(config.dataDir, 'concord.db'), { synchronous: config.sqliteSynchronous, checkTransactions: config.checkTransactions });
}

/** Every module's migrations, for the runner. */
export const allMigrations: Migration[] = modules.flatMap((m) => m.migrations ?? []);

/** Every module's store on the database (outside any transaction). */
export function createStores(db: Db): Stores {
  return bindStores(modules, db);
}

/** Builds from raw options (env, flags, test overrides), validated and defaulted. */
export function buildAppFrom(input: ConfigInput = {}): Promise<App> {
  return buildApp(parseConfig(input));
}

export async function buildApp(config: Config): Promise<App> {
  log.setLevel(config.logLevel);
  const unlock = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  let db: Db;
  try {
    db = openDb(config);
    await migrate(db, allMigrations);
  } catch (err) {
    unlock();
    throw err;
  }

  let bus: Bus;
  let limiter: RateLimiter;
  let presence: PresenceStore;
  let voiceStates: VoiceStateStore;
  let recentSends: RecentSends;
  let redis: Redis | undefined;
  let redisBus: RedisBus | undefined;
  if (config.redisUrl) {
    redisBus = new RedisBus(config.redisUrl);
    await redisBus.ready();
    bus = redisBus;
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    // A dropped link is retried by ioredis; say so once per error rather than crash on an unhandled event.
    redis.on('error', (err: Error) => log.warn('redis (rate limits, presence)', { err: err.message }));
    limiter = new RedisRateLimiter(redis);
    presence = new RedisPresenceStore(redis);
    voiceStates = new RedisVoiceStateStore(redis);
    recentSends = new RedisRecentSends(redis);
  } else {
    bus = new MemoryBus();
    limiter = new MemoryRateLimiter();
    presence = new MemoryPresenceStore();
    voiceStates = new MemoryVoiceStateStore();
    recentSends = new MemoryRecentSends();
  }

  const stores = createStores(db);
  // The engine follows the database (see search/).
  const search: SearchStore = db.dialect === 'postgres' ? new PostgresSearch(db) : new SqliteSearch(db);
  const blobs = openBlobs(config);
  // Every process of a cluster signs with the same key: the configured one, or the first process's, kept in the database.
  const mediaSecret = config.mediaSecret ?? (await stores.attachments.mediaSecret(crypto.randomBytes(32).toString('hex')));
  // Media URLs are absolute, as bots expect: PUBLIC_URL, else the address this process listens on.
  const mediaBase = () => deps.config.publicUrl?.replace(/\/+$/, '') ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${deps.config.port}`;
  const media = new MediaUrls(mediaSecret, mediaBase, config.mediaUrlTtlSeconds);
  const cache = new GuildCache({ guilds: stores.guilds, channels: stores.channels, users: stores.users, emojis: stores.emojis, bus });
  const events = new Events(bus);
  const deps: Deps = {
    ...stores,
    config: { ...config, webDir: config.webDir ?? defaultWebDir },
    db,
    ids: createIdSource(config.workerId, config.processId),
    bus,
    events,
    limits: new RateLimits(limiter, config.rateLimitScale, collectBuckets(modules)),
    presence,
    voiceStates,
    recentSends,
    search,
    blobs,
    media,
    cache,
    access: new Access(cache, stores.channels),
    tx: createTxRunner(db, modules, events),
  };
  const gateway = new Gateway(deps);
  // The media server: in this process by default; a dedicated one would be another MediaServer chosen here.
  const sfu: MediaServer = new WeriftSfu({ addresses: config.voiceAddresses, ports: config.voicePorts });
  const voice = new VoiceGateway(deps, sfu);
  const metrics = new Metrics({
    gateway: () => gateway.stats(),
    pool: db instanceof PostgresDb ? () => ({ total: db.pool.totalCount, idle: db.pool.idleCount, waiting: db.pool.waitingCount }) : undefined,
    bufferedWrites: () => ({ readStates: ackBuffer(deps).writes, deliveries: deliveryBuffer(deps).writes, reads: readReceiptBuffer(deps).writes }),
  });
  gateway.observeFanout((t, delivered, seconds) => {
    if (delivered > 0) metrics.dispatches.inc({ type: t }, delivered);
    metrics.dispatchLatency.observe(seconds);
  });
  if (stores.messages instanceof SqlMessageStore) stores.messages.onBatch = (n) => metrics.groupCommit.observe(n);

  let closed = false;
  const ready = async () => {
    const checks: Record<string, string> = { database: await probe(() => db.get('SELECT 1')) };
    if (redis) checks.redis = await probe(() => redis.ping());
    if (redisBus) checks.bus = redisBus.connected ? 'ok' : 'not connected';
    if (closed) checks.process = 'draining';
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const http = buildHttp(deps, () => gateway.stats(), { metrics, ready, metricsToken: config.metricsToken });
  if (config.role !== 'api') gateway.attach(http.server, (req, socket, head) => voice.handleUpgrade(req, socket, head));
  // Every API node sweeps; a thread archived by another node is skipped, not announced twice.
  const sweeper =
    config.role === 'gateway'
      ? undefined
      : setInterval(() => void archiveIdleThreads(deps).catch((err: unknown) => log.error('thread auto-archive failed', { err })), THREAD_SWEEP_MS);
  sweeper?.unref();
  // Files of what was deleted, and uploads nobody sent, leave the store after their commit (retried until done).
  let sweeping = Promise.resolve();
  const blobSweeper =
    config.role === 'gateway'
      ? undefined
      : setInterval(() => {
          sweeping = sweeping.then(() => sweepBlobs(deps).then(() => undefined, (err: unknown) => log.error('blob sweep failed', { err })));
        }, config.blobSweepMs);
  blobSweeper?.unref();
  // Messages stored before search existed are indexed in the background; new ones are indexed as they are stored.
  const progress = (line: string) => log.info(line);
  const backfill = config.role === 'gateway' ? Promise.resolve() : search.backfill(progress, () => closed).catch((err: unknown) => log.error('search backfill failed', { err }));
  const indexer = config.role === 'gateway' ? undefined : search.runIndexer?.((err: unknown) => log.error('search indexing failed', { err }), config.searchIndexMs);

  return {
    get config() {
      return deps.config;
    },
    http,
    gateway,
    voice,
    deps,
    metrics,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const addr = http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      // Port 0 picked a free port: the gateway's resume URL falls back to it.
      deps.config = { ...deps.config, port };
      return `http://127.0.0.1:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      clearInterval(blobSweeper);
      await sweeping;
      await backfill;
      await indexer?.stop();
      // Voice first: ending the gateway's sessions removes their voice states, which would close voice
      // connections with 4014 (disconnected) and keep clients from rejoining after the restart.
      await voice.close();
      await gateway.close();
      // In-flight requests finish; a client still holding its socket after the bound (a keep-alive connection that
      // took a file) is cut, so a shutdown ends in bounded time.
      const cut = setTimeout(() => http.server.closeAllConnections(), config.drainTimeoutMs);
      await http.close();
      clearTimeout(cut);
      // Acks still gathering are written before the database goes.
      await flushAcks(deps);
      await flushDeliveries(deps);
      cache.close();
      await bus.close();
      limiter.close();
      presence.close();
      voiceStates.close();
      recentSends.close();
      redis?.disconnect();
      await blobs.close();
      await db.close();
      unlock();
    },
  };
}
