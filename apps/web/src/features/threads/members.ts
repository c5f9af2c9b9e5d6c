/**
 * Who is in each open thread: the first page of `GET /channels/:id/thread-members?with_member=true` (100, Discord's
 * page), kept current by THREAD_MEMBERS_UPDATE (added members come with their guild member, removed ones by id).
 * Only threads whose member list was opened are kept.
 */
import { create } from 'zustand';
import type { Member, ThreadMember, ThreadMembersUpdateData } from '@concord/protocol';
import { rest } from '../../state/api';

interface ThreadMembers {
  /** Thread id -> user id -> the guild member as the list or the event carried it (null when it did not). */
  byThread: Record<string, Record<string, Member | null>>;
}

export const useThreadMembers = create<ThreadMembers>(() => ({ byThread: {} }));

const asMap = (list: ThreadMember[]) => Object.fromEntries(list.filter((m) => m.user_id).map((m) => [m.user_id!, m.member ?? null]));

/** Loads a thread's members; what events changed meanwhile wins over the page. */
export async function loadThreadMembers(threadId: string): Promise<void> {
  const list = await rest.request<ThreadMember[]>('GET', `/channels/${threadId}/thread-members`, { query: { with_member: true, limit: 100 } });
  useThreadMembers.setState((s) => ({ byThread: { ...s.byThread, [threadId]: { ...asMap(list), ...s.byThread[threadId] } } }));
}

/** Applies THREAD_MEMBERS_UPDATE to a thread whose list is loaded. */
export function onThreadMembersUpdate(d: ThreadMembersUpdateData): void {
  useThreadMembers.setState((s) => {
    const known = s.byThread[d.id];
    if (!known) return s;
    const next = { ...known, ...asMap(d.added_members ?? []) };
    for (const id of d.removed_member_ids ?? []) delete next[id];
    return { byThread: { ...s.byThread, [d.id]: next } };
  });
}
