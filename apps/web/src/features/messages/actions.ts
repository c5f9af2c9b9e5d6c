/** History paging and message mutations. Live changes arrive as dispatches; these only ask. */
import { reportError, rest } from '../../state/api';
import { addMessages, reconcile } from '../../state/outbox';
import { mergeMessages } from '@concord/protocol';
import type { Message, User } from '@concord/protocol';
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
  setState((s) => {
    // A list left behind the present by a jump has a gap before the newest page that is about to be merged in.
    const detached = Object.keys(s.history).filter((id) => s.history[id]?.newerThan);
    if (!detached.length) return { history: {} };
    const messages = { ...s.client.messages };
    for (const id of detached) {
      generation[id] = (generation[id] ?? 0) + 1;
      messages[id] = [];
    }
    return { history: {}, client: { ...s.client, messages } };
  });
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

/**
 * Per channel, bumped when its list is replaced (a jump around an older message, or back to the present): a page
 * asked for before that belongs to the list that was dropped.
 */
const generation: Record<string, number> = {};

/** One page (the newest, or the one before `before`); a page that straddles a resync or a replaced list is dropped. */
async function loadPage(channelId: string, before?: string): Promise<void> {
  const newerThan = getState().history[channelId]?.newerThan;
  setHistory(channelId, { loading: true, hasMore: true, newerThan });
  const started = epoch;
  const gen = generation[channelId];
  const stale = () => started !== epoch || gen !== generation[channelId];
  try {
    const page = await rest.listMessages(channelId, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
    if (stale()) return;
    addMessages(channelId, page);
    setHistory(channelId, { loading: false, hasMore: page.length === PAGE_SIZE, newerThan });
  } catch (err) {
    if (stale()) return;
    setHistory(channelId, { loading: false, hasMore: true, newerThan });
    reportError(err);
  }
}

/** Starts a new list for the channel (the old one is dropped, with any page still on its way for it). */
function replaceList(channelId: string, list: Message[], h: ChannelHistory): void {
  generation[channelId] = (generation[channelId] ?? 0) + 1;
  setState((s) => ({ client: { ...s.client, messages: { ...s.client.messages, [channelId]: list } }, history: { ...s.history, [channelId]: h } }));
}

/** Whether a page reaches the channel's newest message (nothing newer is missing after it). */
function reachesPresent(channelId: string, page: Message[]): boolean {
  const last = getState().client.channels[channelId]?.last_message_id;
  const newest = page[page.length - 1]?.id;
  return !newest || !last || BigInt(newest) >= BigInt(last);
}

/**
 * A jump to a message that is not loaded: the page around it (Discord's `around=`) replaces the list, which is
 * then continuous from there; true when the message is in it.
 */
export async function loadAround(channelId: string, messageId: string): Promise<boolean> {
  const started = epoch;
  setHistory(channelId, { loading: true, hasMore: true, newerThan: getState().history[channelId]?.newerThan });
  try {
    const page = mergeMessages([], await rest.listMessages(channelId, { limit: PAGE_SIZE, around: messageId }));
    if (started !== epoch) return false;
    const present = reachesPresent(channelId, page);
    // Kept: what arrived live beyond the page is continuous with it only when the page reaches the present.
    const keep = present ? (getState().client.messages[channelId] ?? []).filter((m) => BigInt(m.id) > BigInt(page[page.length - 1]?.id ?? '0')) : [];
    replaceList(channelId, mergeMessages(page, keep), { loading: false, hasMore: true, newerThan: present ? undefined : page[page.length - 1]?.id });
    reconcile();
    return page.some((m) => m.id === messageId);
  } catch (err) {
    if (started !== epoch) return false;
    setHistory(channelId, { loading: false, hasMore: true });
    reportError(err);
    return false;
  }
}

/** Scrolled down in a list a jump left behind the present: the next page after what is continuous. */
export async function loadNewer(channelId: string): Promise<void> {
  const h = getState().history[channelId];
  if (!h?.newerThan || h.loading) return;
  const started = epoch;
  const gen = generation[channelId];
  const after = h.newerThan;
  setHistory(channelId, { ...h, loading: true });
  try {
    const page = mergeMessages([], await rest.listMessages(channelId, { limit: PAGE_SIZE, after }));
    if (started !== epoch || gen !== generation[channelId]) return;
    addMessages(channelId, page);
    const done = page.length < PAGE_SIZE || reachesPresent(channelId, page);
    setHistory(channelId, { loading: false, hasMore: h.hasMore, newerThan: done ? undefined : page[page.length - 1]!.id });
  } catch (err) {
    if (started !== epoch || gen !== generation[channelId]) return;
    setHistory(channelId, { ...h, loading: false });
    reportError(err);
  }
}

/** "Jump to present": the newest page again, as when the channel was opened. */
export async function jumpToPresent(channelId: string): Promise<void> {
  replaceList(channelId, [], { loading: false, hasMore: true });
  await loadPage(channelId);
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

/** The first people who reacted with an emoji (for the chip's tooltip); undefined when the request failed. */
export async function listReactors(channelId: string, messageId: string, emoji: { id: string | null; name: string | null }, limit: number): Promise<User[] | undefined> {
  // A failed tooltip is not worth a notice: the chip still shows the count.
  return rest.request<User[]>('GET', `/channels/${channelId}/messages/${messageId}/reactions/${emojiRoute(emoji)}`, { query: { limit } }).catch(() => undefined);
}

export async function setPinned(channelId: string, messageId: string, pinned: boolean): Promise<void> {
  await rest.request<void>(pinned ? 'PUT' : 'DELETE', `/channels/${channelId}/pins/${messageId}`).catch(reportError);
}

export async function listPins(channelId: string): Promise<Message[]> {
  return rest.request<Message[]>('GET', `/channels/${channelId}/pins`);
}
