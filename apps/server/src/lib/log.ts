/**
 * A small structured logger: one JSON object a line on stderr (`{"time","level","msg",...fields}`), so log
 * shippers parse it without patterns. `LOG_LEVEL` picks the lowest level written; `silent` writes nothing.
 * One per process (the level is set where the config is read); fields name what the line is about.
 */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

const rank = (l: Level | 'silent') => (l === 'silent' ? Infinity : LEVELS.indexOf(l));

function describe(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(code !== undefined ? { code } : {}), stack: err.stack };
}

export class Logger {
  private min = rank('info');

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
    private readonly base: Record<string, unknown> = {},
  ) {}

  setLevel(level: Level | 'silent'): void {
    this.min = rank(level);
  }

  enabled(level: Level): boolean {
    return rank(level) >= this.min;
  }

  /** A logger that adds `fields` to every line and shares this one's level. */
  child(fields: Record<string, unknown>): Logger {
    const child = new Logger(this.write, { ...this.base, ...fields });
    Object.defineProperty(child, 'min', { get: () => this.min, set: (v: number) => (this.min = v) });
    return child;
  }

  log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled(level)) return;
    const out: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...this.base };
    for (const [k, v] of Object.entries(fields)) out[k] = k === 'err' ? describe(v) : v;
    this.write(JSON.stringify(out));
  }

  trace = (msg: string, fields?: Record<string, unknown>) => this.log('trace', msg, fields);
  debug = (msg: string, fields?: Record<string, unknown>) => this.log('debug', msg, fields);
  info = (msg: string, fields?: Record<string, unknown>) => this.log('info', msg, fields);
  warn = (msg: string, fields?: Record<string, unknown>) => this.log('warn', msg, fields);
  error = (msg: string, fields?: Record<string, unknown>) => this.log('error', msg, fields);
  fatal = (msg: string, fields?: Record<string, unknown>) => this.log('fatal', msg, fields);
}

/** The process's logger. */
export const log = new Logger();
