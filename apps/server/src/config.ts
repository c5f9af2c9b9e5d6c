/** Configuration from environment variables and CLI flags (flags win), validated with clear messages. */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max);

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/**
 * Which peers may name the client in X-Forwarded-For: none (false), a hop count, or addresses, CIDRs and
 * range names. `true` trusts every peer and suits only a server reachable through its proxy alone.
 */
const TrustProxy = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v, ctx): boolean | number | string => {
    if (typeof v !== 'string') return v;
    const t = v.trim();
    if (t === 'false' || t === 'off' || t === '0') return false;
    if (t === 'true') return true;
    if (/^\d+$/.test(t)) return Number(t);
    const bad = t.split(',').map((x) => x.trim()).find((x) => !PROXY_RANGES.has(x) && isIP(x.split('/')[0]!) === 0);
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `"${bad}" is not an address, CIDR, hop count, true or false` });
    return t;
  });

/** true/false, yes/no, on/off, 1/0 (a plain coerce would read "false" as true). */
const Flag = z.union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'])]).transform((v) => v === true || v === 'true' || v === 'yes' || v === 'on' || v === '1');

const ConfigSchema = z.object({
  port: int(0, 65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Public base URL (http[s]://host[:port]) used to build the gateway URL; defaults to the request's Host. */
  publicUrl: z.url().optional(),
  workerId: int(0, 31).default(0),
  processId: int(0, 31).default(() => process.pid % 32),
  role: z.enum(['all', 'api', 'gateway']).default('all'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `flagged`: bots get privileged intents their application enables (Discord's model); `all`: every bot gets them. */
  privilegedIntents: z.enum(['flagged', 'all']).default('flagged'),
  /** Multiplies every rate limit; 0 turns limits off (benchmarks measure capacity, not policy). */
  rateLimitScale: z.coerce.number().min(0).max(1000).default(1),
  heartbeatIntervalMs: int(1000, 600_000).default(41250),
  /** How long after its socket drops a session stops counting in its user's presence (it stays resumable longer). */
  presenceGraceMs: int(0, 600_000).default(5000),
  /** On shutdown, connections still open this long after in-flight requests were given to finish are cut. */
  drainTimeoutMs: int(0, 600_000).default(10_000),
  /** How long a disconnected session stays resumable. */
  resumeTimeoutMs: int(1000, 3_600_000).default(180_000),
  /** Dispatches kept per session for resume. */
  replayBufferSize: int(16, 100_000).default(1000),
  argon2MemoryKib: int(1024, 1_048_576).default(19456),
  argon2TimeCost: int(1, 10).default(2),
  /** Directory of the built web client; served at `/` when it exists. */
  webDir: z.string().optional(),
  /** The largest body of the routes that carry much (messages, images); every other route takes a few KB. */
  bodyLimitBytes: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  trustProxy: TrustProxy.default(false),
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A socket that has not identified or resumed by then is closed (4003). */
  identifyTimeoutMs: int(1000, 600_000).default(30_000),
  /**
   * SQLite durability. `full`: a commit is on disk (fsync) before it is acknowledged, so a power cut loses
   * nothing acknowledged. `normal`: commits survive a crash of the process but not of the machine; faster.
   */
  sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
  /**
   * Fail a query made on the database itself from inside one of its own transactions (it would wait for its own
   * lock forever). A development check, on in the test kit: on Node 20 the async context it needs slows every promise.
   */
  checkTransactions: Flag.default(false),
  /** How long a bot has to answer an interaction (Discord's 3 s). */
  interactionResponseMs: int(100, 60_000).default(3000),
  /** How long an interaction's token takes follow-ups (Discord's 15 minutes). */
  interactionTokenTtlMs: int(1000, 3_600_000).default(15 * 60_000),
  /**
   * Voice media (ICE): extra addresses announced as host candidates, e.g. the public IP of a server behind NAT
   * (its ports forwarded), or 127.0.0.1 for clients on the same machine.
   */
  voiceAddresses: z
    .string()
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((a) => isIP(a) !== 0), 'must be IP addresses, comma-separated')
    .default([]),
  /** UDP ports the media server uses (min-max); any free port when absent. */
  voicePorts: z
    .string()
    .regex(/^\d+-\d+$/, 'must be min-max')
    .transform((v) => v.split('-').map(Number) as [number, number])
    .refine(([a, b]) => a >= 1024 && b <= 65535 && a < b, 'must be two ports, 1024-65535, min below max')
    .optional(),
  /** Where blobs (attachments, avatars, icons) live: DATA_DIR/blobs unless an S3 bucket is named. */
  blobDir: z.string().optional(),
  s3Bucket: z.string().min(3).optional(),
  /** An S3-compatible endpoint (MinIO, Ceph, R2...); AWS itself when unset. */
  s3Endpoint: z.url().optional(),
  s3Region: z.string().min(1).default('us-east-1'),
  s3AccessKeyId: z.string().optional(),
  s3SecretAccessKey: z.string().optional(),
  /** `true` for stores that take the bucket in the path (MinIO, most self-hosted ones) rather than the host name. */
  s3ForcePathStyle: Flag.default(false),
  s3Prefix: z.string().default(''),
  /** The largest file a message or a two-step upload takes, and how many files a message has. */
  uploadMaxFileBytes: int(1, 10 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  uploadMaxFiles: int(1, 100).default(10),
  /** Uploads that no message took are deleted after this long. */
  uploadTtlMs: int(1000, 7 * 86_400_000).default(3_600_000),
  /** Key that signs media URLs (ex/is/hm). Unset: one made at first start and kept in the database. */
  mediaSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How long a signed media URL stays valid. */
  mediaUrlTtlSeconds: int(60, 30 * 86_400).default(86_400),
  /** How often deleted blobs and expired uploads are swept (deletes are retried until they succeed). */
  blobSweepMs: int(50, 3_600_000).default(10_000),
  /** How often SQLite's search indexer moves queued messages into the index (searches read the queue too). */
  searchIndexMs: int(10, 3_600_000).default(250),
  /** `vipsthumbnail` (Debian's libvips-tools) for image previews; `off` serves originals only. */
  thumbnailer: z.string().min(1).default('vipsthumbnail'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable -> option, with the line `--help` prints. */
const OPTIONS: [string, keyof Config, string][] = [
  ['PORT', 'port', 'HTTP, REST and gateway port (8080)'],
  ['HOST', 'host', 'interface to listen on (0.0.0.0)'],
  ['DATA_DIR', 'dataDir', 'where the SQLite database lives (./data)'],
  ['DATABASE_URL', 'databaseUrl', 'postgres://... to use PostgreSQL instead of SQLite'],
  ['REDIS_URL', 'redisUrl', 'redis://... for the bus, presence and rate limits of a cluster'],
  ['PUBLIC_URL', 'publicUrl', 'base URL clients reach this server by (default: the request host)'],
  ['WORKER_ID', 'workerId', 'snowflake worker id, 0-31 (0)'],
  ['PROCESS_ID', 'processId', 'snowflake process id, 0-31, distinct per process (pid % 32)'],
  ['ROLE', 'role', 'all | api (no gateway) | gateway (gateway and discovery only)'],
  ['LOG_LEVEL', 'logLevel', 'fatal | error | warn | info | debug | trace | silent (info)'],
  ['PRIVILEGED_INTENTS', 'privilegedIntents', 'flagged (per application) | all'],
  ['RATE_LIMIT_SCALE', 'rateLimitScale', 'multiplies every rate limit; 0 turns them off (1)'],
  ['HEARTBEAT_INTERVAL_MS', 'heartbeatIntervalMs', 'gateway heartbeat interval (41250)'],
  ['RESUME_TIMEOUT_MS', 'resumeTimeoutMs', 'how long a dropped session stays resumable (180000)'],
  ['PRESENCE_GRACE_MS', 'presenceGraceMs', 'how long a dropped session still shows its user online (5000)'],
  ['DRAIN_TIMEOUT_MS', 'drainTimeoutMs', 'on shutdown, connections still open after this long are cut (10000)'],
  ['REPLAY_BUFFER_SIZE', 'replayBufferSize', 'dispatches kept per session for resume (1000)'],
  ['ARGON2_MEMORY_KIB', 'argon2MemoryKib', 'argon2id memory cost for passwords (19456)'],
  ['ARGON2_TIME_COST', 'argon2TimeCost', 'argon2id iterations (2)'],
  ['WEB_DIR', 'webDir', 'built web client to serve at / (apps/web/dist)'],
  ['BODY_LIMIT_BYTES', 'bodyLimitBytes', 'largest body of message and image routes (1048576); others take 16 KiB'],
  ['TRUST_PROXY', 'trustProxy', 'proxies allowed to set X-Forwarded-For: false | true | hop count | IPs/CIDRs, comma-separated (false)'],
  ['METRICS_TOKEN', 'metricsToken', 'bearer token GET /metrics requires (default: open; keep it off the public network)'],
  ['IDENTIFY_TIMEOUT_MS', 'identifyTimeoutMs', 'gateway sockets that have not identified by then are closed (30000)'],
  ['SQLITE_SYNCHRONOUS', 'sqliteSynchronous', 'full (fsync before acknowledging) | normal (survives process crashes only)'],
  ['CHECK_TRANSACTIONS', 'checkTransactions', 'fail queries on the database from inside its own transaction (false; a development check)'],
  ['INTERACTION_RESPONSE_MS', 'interactionResponseMs', 'how long a bot has to answer an interaction (3000)'],
  ['INTERACTION_TOKEN_TTL_MS', 'interactionTokenTtlMs', 'how long an interaction token takes follow-ups (900000)'],
  ['VOICE_ADDRESSES', 'voiceAddresses', 'extra IPs announced for voice media, comma-separated (the public IP behind NAT; 127.0.0.1 for local clients)'],
  ['VOICE_PORTS', 'voicePorts', 'UDP port range for voice media, min-max (any free port)'],
  ['BLOB_DIR', 'blobDir', 'where files live on disk (DATA_DIR/blobs)'],
  ['S3_BUCKET', 's3Bucket', 'keep files in this S3 bucket instead of on disk'],
  ['S3_ENDPOINT', 's3Endpoint', 'S3-compatible endpoint, e.g. http://minio:9000 (default: AWS)'],
  ['S3_REGION', 's3Region', 'S3 region (us-east-1)'],
  ['S3_ACCESS_KEY_ID', 's3AccessKeyId', 'S3 access key (default: the AWS SDK credential chain)'],
  ['S3_SECRET_ACCESS_KEY', 's3SecretAccessKey', 'S3 secret key'],
  ['S3_FORCE_PATH_STYLE', 's3ForcePathStyle', 'true for path-style bucket URLs (MinIO and most self-hosted stores) (false)'],
  ['S3_PREFIX', 's3Prefix', 'prefix of every object key, to share a bucket'],
  ['UPLOAD_MAX_FILE_BYTES', 'uploadMaxFileBytes', 'largest uploaded file (104857600)'],
  ['UPLOAD_MAX_FILES', 'uploadMaxFiles', 'files per message (10)'],
  ['UPLOAD_TTL_MS', 'uploadTtlMs', 'uploads no message took are deleted after this long (3600000)'],
  ['MEDIA_SECRET', 'mediaSecret', 'key signing media URLs; same on every process of a cluster (default: made once, kept in the database)'],
  ['MEDIA_URL_TTL_SECONDS', 'mediaUrlTtlSeconds', 'how long a signed media URL stays valid (86400)'],
  ['BLOB_SWEEP_MS', 'blobSweepMs', 'how often deleted files and expired uploads are swept (10000)'],
  ['SEARCH_INDEX_MS', 'searchIndexMs', 'how often SQLite search indexes the messages queued since (250)'],
  ['THUMBNAILER', 'thumbnailer', 'vipsthumbnail binary for image previews, or off (vipsthumbnail)'],
];

export class ConfigError extends Error {
  /** True when the user asked for the usage text (exit 0), false for a mistake (exit 2). */
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
  }
}

const flagName = (key: string) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Builds a config from env vars and `--flag value` / `--flag=value` arguments. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  for (const [name, key] of OPTIONS) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      raw[key] = v;
      source[key] = name;
    }
  }
  const flags = new Map(OPTIONS.map(([, k]) => [flagName(k), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new ConfigError(usage(), true);
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = flags.get(name);
    if (!key) throw new ConfigError(`Unknown option ${arg}\n\n${usage()}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`Option ${name} needs a value`);
    raw[key] = value;
    source[key] = name;
  }
  return parseConfig(raw, source);
}

export function parseConfig(raw: ConfigInput | Record<string, unknown>, source: Record<string, string> = {}): Config {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = String(i.path[0]);
      const where = source[key] ?? key;
      return `  ${where}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (result.data.s3SecretAccessKey && !result.data.s3AccessKeyId) throw new ConfigError(`Invalid configuration:\n  ${source.s3AccessKeyId ?? 's3AccessKeyId'}: needed with a secret key`);
  return { ...result.data, dataDir: path.resolve(result.data.dataDir) };
}

export function usage(): string {
  const rows = OPTIONS.map(([envName, key, text]) => `  ${flagName(key).padEnd(24)} ${envName.padEnd(22)} ${text}`);
  return `Usage: npm start -- [options]\n\nEach option is a flag or an environment variable (flags win):\n${rows.join('\n')}`;
}

export function describeConfig(c: Config): string {
  const store = c.databaseUrl ? 'PostgreSQL' : `SQLite in ${c.dataDir}`;
  const bus = c.redisUrl ? 'Redis' : 'in-process';
  const blobs = c.s3Bucket ? `s3://${c.s3Bucket}` : 'disk';
  return `store=${store} bus=${bus} blobs=${blobs} role=${c.role} node=${c.workerId}/${c.processId}`;
}
