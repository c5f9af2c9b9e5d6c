/**
 * Who sees a message's content. In guilds, a bot without the MESSAGE_CONTENT intent gets messages with their
 * content blanked unless it wrote them or is mentioned, as on Discord; in private channels content is always
 * shown. The message a reply embeds (`referenced_message`) is judged on its own: a bot mentioned in a reply
 * still sees no content of the message replied to unless that one is addressed to it too. Used by REST
 * (history, one message) and by the gateway fan-out, so the policy is written once.
 */
import type { DispatchPayloads, Message } from '@concord/protocol';

export type ContentPayload = Message | DispatchPayloads['MESSAGE_UPDATE'];

const blank = <T extends ContentPayload>(m: T): T => ({ ...m, content: '', embeds: [], attachments: [], components: [] });

function referencedOf(m: ContentPayload): Message | null | undefined {
  return (m as { referenced_message?: Message | null }).referenced_message;
}

/** The message and any message it embeds, with every content field blanked. */
export function redacted<T extends ContentPayload>(m: T): T {
  const ref = referencedOf(m);
  return ref ? { ...blank(m), referenced_message: blank(ref) } : blank(m);
}

/** Authors and mentioned users always see a message's content. */
export function addressedTo(m: ContentPayload, userId: string): boolean {
  return m.author?.id === userId || m.mentions.some((u) => u.id === userId);
}

/** What of the message a bot without MESSAGE_CONTENT sees: both parts visible (`full`), neither, or a mix. */
export function contentView(m: ContentPayload, botId: string): 'full' | 'none' | 'mixed' {
  const top = addressedTo(m, botId);
  const ref = referencedOf(m);
  const refSeen = !ref || addressedTo(ref, botId);
  if (top && refSeen) return 'full';
  if (!top && (!ref || !refSeen)) return 'none';
  return 'mixed';
}

/** The message as a bot without MESSAGE_CONTENT may see it. */
export function redactFor<T extends ContentPayload>(botId: string, m: T): T {
  const top = addressedTo(m, botId) ? m : blank(m);
  const ref = referencedOf(m);
  if (!ref) return top;
  return { ...top, referenced_message: addressedTo(ref, botId) ? ref : blank(ref) };
}
