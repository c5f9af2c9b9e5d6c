/**
 * Member search (the gateway's Request Guild Members): members by username prefix and/or user ids, filtered and
 * paged in the database and read one page at a time, so a large guild is never held in memory at once.
 */
import type { Member } from '@concord/protocol';
import type { Deps } from '../deps.js';
import { wireMember } from '../wire.js';

export const MEMBER_PAGE_SIZE = 1000;

export interface MemberQuery {
  /** Username prefix (usernames are lowercase); empty or absent for everyone. */
  query?: string;
  userIds?: readonly string[];
  /** At most this many in all; 0 or absent for no limit. */
  limit?: number;
}

export interface MemberPage {
  members: Member[];
  index: number;
  /** How many pages there are in all: exactly this many are yielded, the first even when nothing matched. */
  count: number;
  /** With `userIds`: those that are not (matching) members, on the first page. */
  notFound?: string[];
}

/** The matching members, in user id order, one page of up to MEMBER_PAGE_SIZE at a time. */
export async function* searchMembers(deps: Pick<Deps, 'guilds' | 'users'>, guildId: string, q: MemberQuery): AsyncGenerator<MemberPage> {
  const filter = { prefix: q.query?.toLowerCase() || undefined, userIds: q.userIds };
  const found = await deps.guilds.countFoundMembers(guildId, filter);
  const total = q.limit ? Math.min(q.limit, found) : found;
  const count = Math.max(1, Math.ceil(total / MEMBER_PAGE_SIZE));
  let after: string | undefined;
  let left = total;
  for (let index = 0; index < count; index++) {
    const records = left > 0 ? await deps.guilds.findMembers(guildId, filter, { after, limit: Math.min(MEMBER_PAGE_SIZE, left) }) : [];
    left -= records.length;
    after = records.at(-1)?.user_id ?? after;
    const users = new Map((await deps.users.getMany(records.map((m) => m.user_id))).map((u) => [u.id, u]));
    const members = records.map((m) => wireMember(m, users.get(m.user_id)));
    // At most 100 user ids are asked for, so every one found is on the first page.
    const notFound = q.userIds && index === 0 ? q.userIds.filter((id) => !records.some((m) => m.user_id === id)) : undefined;
    yield { members, index, count, ...(notFound ? { notFound } : {}) };
  }
}
