import { describe, expect, it } from 'vitest';
import { DISCORD_EPOCH, SnowflakeGenerator, compareSnowflakes, decodeSnowflake, isSnowflake, snowflakeFromTimestamp, snowflakeTimestamp } from '../src/index.js';

describe('snowflakes', () => {
  it("decodes Discord's documented example", () => {
    // developers/reference.mdx: 175928847299117063 -> 2016-04-30T11:18:25.796Z, worker 1, process 0, increment 7
    expect(decodeSnowflake('175928847299117063')).toEqual({ timestamp: 1462015105796, workerId: 1, processId: 0, increment: 7 });
    expect(new Date(snowflakeTimestamp('175928847299117063')).toISOString()).toBe('2016-04-30T11:18:25.796Z');
  });

  it('encodes time, worker and process in the documented bits', () => {
    const t = 1_700_000_000_000;
    const id = new SnowflakeGenerator(3, 17, () => t).next();
    expect(decodeSnowflake(id)).toEqual({ timestamp: t, workerId: 3, processId: 17, increment: 0 });
    expect(BigInt(id) >> 22n).toBe(BigInt(t) - DISCORD_EPOCH);
    expect(id).toMatch(/^\d{19}$/);
  });

  it('is strictly increasing within a process, even when the clock stalls or steps back', () => {
    const clock = [0, 0, 0, -5, -5, 1, 1, 0];
    let i = 0;
    const gen = new SnowflakeGenerator(0, 0, () => 1_700_000_000_000 + (clock[i++ % clock.length] ?? 0));
    const out = Array.from({ length: 10_000 }, () => gen.next());
    const outOfOrder = out.findIndex((id, k) => k > 0 && compareSnowflakes(out[k - 1]!, id) !== -1);
    expect(outOfOrder).toBe(-1);
  });

  it('borrows the next millisecond when 4096 ids are made in one', () => {
    const gen = new SnowflakeGenerator(0, 0, () => 1_700_000_000_000);
    const ids = Array.from({ length: 5000 }, () => gen.next());
    expect(new Set(ids).size).toBe(5000);
    expect(decodeSnowflake(ids[4096]!).timestamp).toBe(1_700_000_000_001);
  });

  it('never collides across processes in the same millisecond', () => {
    const a = new SnowflakeGenerator(0, 1, () => 1_700_000_000_000);
    const b = new SnowflakeGenerator(0, 2, () => 1_700_000_000_000);
    const ids = new Set([...Array.from({ length: 100 }, () => a.next()), ...Array.from({ length: 100 }, () => b.next())]);
    expect(ids.size).toBe(200);
  });

  it('validates ids and orders them numerically', () => {
    expect(isSnowflake('175928847299117063')).toBe(true);
    expect(isSnowflake('9223372036854775808')).toBe(false);
    expect(isSnowflake('12a')).toBe(false);
    expect(compareSnowflakes('9', '10')).toBe(-1);
    expect(snowflakeTimestamp(snowflakeFromTimestamp(1_600_000_000_000))).toBe(1_600_000_000_000);
    expect(() => new SnowflakeGenerator(32, 0)).toThrow(RangeError);
  });
});
