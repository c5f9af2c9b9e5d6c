import { SnowflakeGenerator } from '@concord/protocol';

/** The process's snowflake source; worker and process ids come from config so processes never collide. */
export type IdSource = { next(): string };

export function createIdSource(workerId: number, processId: number): IdSource {
  return new SnowflakeGenerator(workerId, processId);
}
