import { ChannelTypes, type Channel, type ClientState } from '@concord/protocol';
import { displayName } from '../../components/util';

/** A DM is named after the other person; a group DM by its name, or its people. */
export function conversationName(s: Pick<ClientState, 'users'>, c: Channel): string {
  const people = (c.recipients ?? []).map((u) => displayName(s.users[u.id] ?? u));
  if (c.type === ChannelTypes.GROUP_DM) return c.name || people.join(', ') || 'Unnamed group';
  return people[0] ?? 'Unknown user';
}

/** Newest activity first: the last message, or when the conversation was opened. */
export function byActivity(a: Channel, b: Channel): number {
  const ka = BigInt(a.last_message_id ?? a.id);
  const kb = BigInt(b.last_message_id ?? b.id);
  return ka === kb ? 0 : ka > kb ? -1 : 1;
}
