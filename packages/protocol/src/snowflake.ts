/** Discord snowflakes: 42 bits of ms since 2015-01-01, 5 bits worker, 5 bits process, 12 bits increment. */
export const DISCORD_EPOCH = 1420070400000n;

export type Snowflake = string;

export interface DecodedSnowflake {
  timestamp: number;
  workerId: number;
  processId: number;
  increment: number;
}

export function decodeSnowflake(id: Snowflake): DecodedSnowflake {
  const n = BigInt(id);
  return {
    timestamp: Number((n >> 22n) + DISCORD_EPOCH),
    workerId: Number((n >> 17n) & 0x1fn),
    processId: Number((n >> 12n) & 0x1fn),
    increment: Number(n & 0xfffn),
  };
}

export function snowflakeTimestamp(id: Snowflake): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The smallest snowflake at a given time; used for time-based pagination bounds. */
export function snowflakeFromTimestamp(ms: number): Snowflake {
  return ((BigInt(ms) - DISCORD_EPOCH) << 22n).toString();
}

export function compareSnowflakes(a: Snowflake, b: Snowflake): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A decimal id that fits the 63 bits both databases store. */
export function isSnowflake(value: string): boolean {
  return /^\d{1,19}$/.test(value) && BigInt(value) < 1n << 63n;
}

/**
 * Monotonic per process: if the clock stalls or steps back, ids continue from the last timestamp,
 * borrowing the next millisecond when the 12-bit increment overflows. Distinct worker/process ids
 * keep processes apart.
 */
export class SnowflakeGenerator {
  private lastMs = 0n;
  private increment = 0n;
  private readonly node: bigint;

  constructor(workerId = 0, processId = 0, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > 31) throw new RangeError('workerId must be 0-31');
    if (!Number.isInteger(processId) || processId < 0 || processId > 31) throw new RangeError('processId must be 0-31');
    this.node = (BigInt(workerId) << 17n) | (BigInt(processId) << 12n);
  }

  next(): Snowflake {
    let ms = BigInt(this.now()) - DISCORD_EPOCH;
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.increment += 1n;
      if (this.increment > 0xfffn) {
        ms += 1n;
        this.increment = 0n;
      }
    } else {
      this.increment = 0n;
    }
    this.lastMs = ms;
    return ((ms << 22n) | this.node | this.increment).toString();
  }
}
