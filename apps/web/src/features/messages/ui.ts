/** This feature's own view state: the reply being composed, the message being edited, a jump in progress. */
import { create } from 'zustand';
import { navigate } from '../../state/store';
import { messagePath } from './links';

export interface MessageUi {
  /** channel id -> the message being replied to, and whether its author gets pinged. */
  replyTo: Record<string, { messageId: string; mention: boolean }>;
  /** The id of the message whose inline editor is open (one at a time, as on Discord). */
  editing: string | null;
  /** A request to scroll to a message and flash it; `n` makes a repeated jump to the same message count. */
  jump: { channelId: string; messageId: string; n: number } | null;
}

export const useMessageUi = create<MessageUi>(() => ({ replyTo: {}, editing: null, jump: null }));

export function startReply(channelId: string, messageId: string): void {
  useMessageUi.setState((s) => ({ replyTo: { ...s.replyTo, [channelId]: { messageId, mention: true } } }));
}

export function toggleReplyMention(channelId: string): void {
  useMessageUi.setState((s) => {
    const r = s.replyTo[channelId];
    return r ? { replyTo: { ...s.replyTo, [channelId]: { ...r, mention: !r.mention } } } : {};
  });
}

export function cancelReply(channelId: string): void {
  useMessageUi.setState((s) => {
    const replyTo = { ...s.replyTo };
    delete replyTo[channelId];
    return { replyTo };
  });
}

export function setEditing(messageId: string | null): void {
  useMessageUi.setState({ editing: messageId });
}

let jumps = 0;
export function jumpTo(channelId: string, messageId: string): void {
  useMessageUi.setState({ jump: { channelId, messageId, n: ++jumps } });
}

/**
 * Opens a message link in place: the address changes (so Back returns), and the route's message id asks the list
 * to jump. Opening the link of the address already shown jumps again.
 */
export function openMessageLink(path: string): void {
  const target = messagePath(path);
  if (!target) return;
  if (location.pathname === target.path) jumpTo(target.channelId, target.messageId);
  else navigate(target.path);
}
