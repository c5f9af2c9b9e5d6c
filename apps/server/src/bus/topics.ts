/**
 * Where events go, decided in one place: a guild's topic for guild channels and threads (its replica and
 * fan-out filter by channel permissions there), each recipient's user topic for private channels (recipients
 * decide access, so the recipient list at the time of the write is the audience).
 */
export const guildTopic = (guildId: string) => `g:${guildId}`;
export const userTopic = (userId: string) => `u:${userId}`;

/** What a topic is for: its kind and the id after the prefix. */
export function parseTopic(topic: string): { kind: 'guild' | 'user'; id: string } {
  return { kind: topic.startsWith('g:') ? 'guild' : 'user', id: topic.slice(2) };
}

export type Audience = { guild: string } | { user: string } | { users: readonly string[] };

/** The topics an event for this audience is published on. */
export function topicsFor(to: Audience): string[] {
  if ('guild' in to) return [guildTopic(to.guild)];
  if ('user' in to) return [userTopic(to.user)];
  return [...new Set(to.users)].map(userTopic);
}

/** What Discord shards guilds by: the snowflake's timestamp part (42 bits, a safe integer). */
export const shardKeyOf = (guildId: string): number => Number(BigInt(guildId) >> 22n);

/** A guild's shard for a session identified with `[shard_id, num_shards]`, as Discord computes it. */
export function shardOf(guildId: string, numShards: number): number {
  return shardKeyOf(guildId) % numShards;
}
