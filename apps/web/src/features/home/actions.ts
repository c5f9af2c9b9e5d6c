/** Friends, DMs and group DMs: requests only; what changes comes back as RELATIONSHIP_* and CHANNEL_* dispatches. */
import type { Channel } from '@concord/protocol';
import { describeError, reportError, rest } from '../../state/api';
import { navigate } from '../../state/store';

async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    reportError(err);
    return undefined;
  }
}

const rel = (id: string) => `/users/@me/relationships/${id}`;

/** A friend request by username: answers an error in words, or null when it went out. */
export async function addFriend(username: string): Promise<string | null> {
  try {
    await rest.request('POST', '/users/@me/relationships', { body: { username } });
    return null;
  } catch (err) {
    return describeError(err);
  }
}

/** Sends a request, or accepts theirs. */
export const befriend = (userId: string) => attempt(() => rest.request('PUT', rel(userId), { body: {} }));
export const block = (userId: string) => attempt(() => rest.request('PUT', rel(userId), { body: { type: 2 } }));
/** Unfriend, decline, cancel or unblock. */
export const removeRelationship = (userId: string) => attempt(() => rest.request('DELETE', rel(userId)));

/** Opens (or finds) the DM with one person, or creates a group DM with several, and goes there. */
export async function openConversation(userIds: string[]): Promise<void> {
  const body = userIds.length === 1 ? { recipient_id: userIds[0] } : { recipients: userIds };
  const channel = await attempt(() => rest.request<Channel>('POST', '/users/@me/channels', { body }));
  if (channel) navigate(`/channels/@me/${channel.id}`);
}

export const renameGroup = (channelId: string, name: string | null) => attempt(() => rest.request<Channel>('PATCH', `/channels/${channelId}`, { body: { name } }));

/** Leaves a group DM, or closes a DM (it comes back with the next message). */
export async function closeConversation(channelId: string, here: boolean): Promise<void> {
  await attempt(() => rest.request('DELETE', `/channels/${channelId}`));
  if (here) navigate('/channels/@me');
}

/** Adds people to a group DM, one request each (Discord's route). */
export async function addRecipients(channelId: string, userIds: string[]): Promise<void> {
  for (const id of userIds) await attempt(() => rest.request('PUT', `/channels/${channelId}/recipients/${id}`));
}

/** The owner removes someone from a group DM (Discord's route; anyone else gets 403 50013). */
export const removeRecipient = (channelId: string, userId: string) => attempt(() => rest.request('DELETE', `/channels/${channelId}/recipients/${userId}`));
