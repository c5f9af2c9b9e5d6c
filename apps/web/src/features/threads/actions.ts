/** Thread and forum requests. What they change arrives as dispatches; these only ask and hand back the answer. */
import type { Channel, Message } from '@concord/protocol';
import { rest } from '../../state/api';

export interface ThreadList {
  threads: Channel[];
  has_more?: boolean;
}

export const startThreadFromMessage = (channelId: string, messageId: string, name: string) =>
  rest.request<Channel>('POST', `/channels/${channelId}/messages/${messageId}/threads`, { body: { name } });

/** A public thread of its own (the client's "Create Thread" without a message). */
export const startThread = (channelId: string, name: string) => rest.request<Channel>('POST', `/channels/${channelId}/threads`, { body: { name, type: 11 } });

export const createPost = (forumId: string, body: { name: string; content: string; applied_tags: string[] }) =>
  rest.request<Channel & { message: Message }>('POST', `/channels/${forumId}/threads`, {
    body: { name: body.name, applied_tags: body.applied_tags, message: { content: body.content } },
  });

export const archivedThreads = (channelId: string) => rest.request<ThreadList>('GET', `/channels/${channelId}/threads/archived/public`, { query: { limit: 50 } });

export const getChannel = (channelId: string) => rest.request<Channel>('GET', `/channels/${channelId}`);

export const getMessage = (channelId: string, messageId: string) => rest.request<Message>('GET', `/channels/${channelId}/messages/${messageId}`);

export const joinThread = (threadId: string) => rest.request<void>('PUT', `/channels/${threadId}/thread-members/@me`);

export const leaveThread = (threadId: string) => rest.request<void>('DELETE', `/channels/${threadId}/thread-members/@me`);
