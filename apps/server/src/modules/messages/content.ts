/**
 * Who sees a message's content. In guilds, a bot without the MESSAGE_CONTENT intent gets messages with their
 * content blanked unless it wrote them or is mentioned, as on Discord; in private channels content is always
 * shown. Used by REST (history, one message) and by the gateway fan-out, so the policy is written once.
 */
import type { DispatchPayloads, Message } from '@concord/protocol';

export type ContentPayload = Message | DispatchPayloads['MESSAGE_UPDATE'];

export function redacted<T extends ContentPayload>(m: T): T {
  return { ...m, content: '', embeds: [], attachments: [], components: [] };
}

/** Authors and mentioned users always see a message's content. */
export function addressedTo(m: ContentPayload, userId: string): boolean {
  return m.author?.id === userId || m.mentions.some((u) => u.id === userId);
}

/** The message as a bot without MESSAGE_CONTENT may see it. */
export function redactFor<T extends ContentPayload>(botId: string, m: T): T {
  return addressedTo(m, botId) ? m : redacted(m);
}
