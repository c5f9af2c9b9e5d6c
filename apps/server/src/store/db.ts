/**
 * The small SQL surface both adapters implement. Statements use `?` placeholders; the PostgreSQL driver
 * numbers them. Integers beyond 2^53 (snowflakes) come back as decimal strings, smaller ones as numbers:
 * every snowflake minted after January 2015 is above 2^53, and no count or timestamp is.
 */
export type Param = string | number | bigint | null;
export type Row = Record<string, any>;

export interface Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  all<T extends Row = Row>(sql: string, params?: Param[]): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A unique key refused a row. Drivers throw this instead of their own error, so services can answer "taken"
 * without reading driver messages. `target` names the table and column (SQLite) or the constraint (PostgreSQL).
 */
export class UniqueViolation extends Error {
  constructor(
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(`unique key violated: ${target}`, options);
    this.name = 'UniqueViolation';
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Turns a BigInt from a driver into the value the stores expect (see the note at the top). */
export function normaliseInt(v: bigint): number | string {
  return v > MAX_SAFE || v < MIN_SAFE ? v.toString() : Number(v);
}
