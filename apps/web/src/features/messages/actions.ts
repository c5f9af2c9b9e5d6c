/** History paging and message mutations. Live changes arrive as dispatches; these only ask. */
import { reportError, rest } from '../../state/api';
import { addMessages } from '../../state/outbox';
import type { Message } from '@concord/protocol';
import { getState, setState, type ChannelHistory } from '../../state/store';

export const PAGE_SIZE = 50;
const TYPING_EVERY_MS = 8000;

function setHistory(channelId: string, h: ChannelHistory): void {
  setState((s) => ({ history: { ...s.history, [channelId]: h } }));
}

/**
 * Bumped when the session is replaced: a page requested before that must not be merged into the lists
 * rebuilt after it, or a gap between the old page and the new newest page would look like continuous history.
 */
let epoch = 0;

export function invalidateHistory(): void {
  epoch++;
  setState({ history: {} });
}

/**
 * The newest page. The channel's list exists (empty) before the request goes out, so dispatches that arrive
 * meanwhile are kept by the reducer rather than dropped; the page is then merged by id (no duplicates).
 */
export async function loadLatest(channelId: string): Promise<void> {
  if (getState().history[channelId]?.loading) return;
  setState((s) => (s.client.messages[channelId] ? {} : { client: { ...s.client, messages: { ...s.client.messages, [channelId]: [] } } }));
  await loadPage(channelId);
}

export async function loadOlder(channelId: string): Promise<void> {
  const h = getState().history[channelId];
  const oldest = getState().client.messages[channelId]?.[0];
  if (!h || h.loading || !h.hasMore || !oldest) return;
  await loadPage(channelId, oldest.id);
}

/** One page (the newest, or the one before `before`); a page that straddles a resync is dropped. */
async function loadPage(channelId: string, before?: string): Promise<void> {
  setHistory(channelId, { loading: true, hasMore: true });
  const started = epoch;
  try {
    const page = await rest.listMessages(channelId, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
    if (started !== epoch) return;
    addMessages(channelId, page);
    setHistory(channelId, { loading: false, hasMore: page.length === PAGE_SIZE });
  } catch (err) {
    if (started !== epoch) return;
    setHistory(channelId, { loading: false, hasMore: true });
    reportError(err);
  }
}

export async function editMessage(channelId: string, messageId: string, content: string): Promise<boolean> {
  try {
    await rest.editMessage(channelId, messageId, { content });
    return true;
  } catch (err) {
    reportError(err);
    return false;
  }
}

export async function deleteMessage(channelId: string, messageId: string): Promise<void> {
  await rest.deleteMessage(channelId, messageId).catch(reportError);
}

let lastTyping = { channelId: '', at: 0 };
/** Called on each keystroke; tells the server at most every 8 s (Discord shows typing for 10 s). */
export function typed(channelId: string): void {
  const now = Date.now();
  if (lastTyping.channelId === channelId && now - lastTyping.at < TYPING_EVERY_MS) return;
  lastTyping = { channelId, at: now };
  // Best effort: a lost typing signal is not worth a notice (offline, the banner already says so).
  rest.triggerTyping(channelId).catch(() => undefined);
}

/** After a send the indicator stops for others, so the next keystroke should start it again. */
export function resetTyping(): void {
  lastTyping = { channelId: '', at: 0 };
}

// ---- reactions and pins ----

/** The emoji as it goes in a reactions route: the character itself, or `name:id` for a custom emoji. */
export function emojiRoute(emoji: { id: string | null; name: string | null }): string {
  return encodeURIComponent(emoji.id ? `${emoji.name ?? '_'}:${emoji.id}` : (emoji.name ?? ''));
}

export async function addReaction(channelId: string, messageId: string, emoji: { id: string | null; name: string | null }): Promise<void> {
  await rest.request<void>('PUT', `/channels/${channelId}/messages/${messageId}/reactions/${emojiRoute(emoji)}/@me`).catch(reportError);
}

export async function removeReaction(channelId: string, messageId: string, emoji: { id: string | null; name: string | null }): Promise<void> {
  await rest.request<void>('DELETE', `/channels/${channelId}/messages/${messageId}/reactions/${emojiRoute(emoji)}/@me`).catch(reportError);
}

export async function setPinned(channelId: string, messageId: string, pinned: boolean): Promise<void> {
  await rest.request<void>(pinned ? 'PUT' : 'DELETE', `/channels/${channelId}/pins/${messageId}`).catch(reportError);
}

export async function listPins(channelId: string): Promise<Message[]> {
  return rest.request<Message[]>('GET', `/channels/${channelId}/pins`);
}
