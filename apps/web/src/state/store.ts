/**
 * The one Zustand store. `client` is exactly what the protocol reducer produces from gateway dispatches
 * (plus history pages merged in); everything else is this client's own state: connection, paging,
 * the outbox of unconfirmed sends, typing, notices, route and theme.
 */
import { create } from 'zustand';
import { initialClientState, type ClientState } from '@concord/protocol';
import type { GatewayState } from '@concord/client';

export type OutboxStatus = 'queued' | 'sending' | 'failed';

/** A message the user sent that the server has not confirmed yet, keyed by its nonce. */
export interface OutboxEntry {
  nonce: string;
  userId: string;
  channelId: string;
  content: string;
  createdAt: number;
  status: OutboxStatus;
  error?: string;
  /** The message this one replies to, and whether its author is pinged (Discord's default: yes). */
  replyTo?: { messageId: string; mention: boolean };
  /** The stored message id from the ack, kept until the server's copy is in the list. */
  ackId?: string;
  /** Rate limited: not sent again before this time (ms epoch); the entry stays `queued` meanwhile. */
  notBefore?: number;
  /** How many times a rate limit sent it back to the queue. */
  limited?: number;
  /** Files of the message: their bytes are kept (IndexedDB) until it is sent; each is uploaded once. */
  files?: OutboxFile[];
  /** Its uploads had expired once and were made again (a second time it fails instead). */
  reuploaded?: boolean;
}

export interface OutboxFile {
  name: string;
  size: number;
  type: string;
  spoiler: boolean;
  /** Alt text, sent as the attachment's `description`. */
  description?: string;
  blob: Blob;
  /** `<id>/<name>` once its bytes are on the server: a resend names it instead of uploading it again. */
  uploadFilename?: string;
}

export interface ChannelHistory {
  loading: boolean;
  /** False once a page came back shorter than asked: the start of the channel is loaded. */
  hasMore: boolean;
  /**
   * Set after a jump loaded history around an older message: the list is continuous only up to this id, what
   * is newer is loaded page by page as the reader scrolls down (or all at once by "Jump to present").
   */
  newerThan?: string;
}

export interface Notice {
  id: number;
  text: string;
}

export interface ConnectionInfo {
  state: GatewayState;
  /** When the next reconnect attempt is due (ms epoch), while reconnecting. */
  retryAt: number | null;
  /** Set when the gateway gave up for good (e.g. the token was revoked). */
  fatal: string | null;
}

export interface AppState {
  token: string | null;
  client: ClientState;
  connection: ConnectionInfo;
  history: Record<string, ChannelHistory>;
  outbox: Record<string, OutboxEntry>;
  /** channel id -> user id -> when their "typing" expires (ms epoch). */
  typing: Record<string, Record<string, number>>;
  notices: Notice[];
  /** Unsent composer text per channel; kept across channel switches and reconnects. */
  drafts: Record<string, string>;
  /** channel id -> when the reader's slowmode there ends (ms epoch). */
  slowmode: Record<string, number>;
  path: string;
  theme: 'light' | 'dark';
}

const TOKEN_KEY = 'concord.token';
const DRAFTS_KEY = 'concord.drafts';

function savedDrafts(): Record<string, string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(DRAFTS_KEY) ?? '{}');
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Drafts survive a reload, as on Discord; empty ones are not kept. */
export function setDraft(channelId: string, text: string): void {
  setState((s) => {
    const drafts = { ...s.drafts, [channelId]: text };
    if (!text) delete drafts[channelId];
    try {
      localStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
    } catch {
      // Storage full or disabled: the draft stays in memory.
    }
    return { drafts };
  });
}
const THEME_KEY = 'concord.theme';

function initialTheme(): 'light' | 'dark' {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const useStore = create<AppState>(() => ({
  token: localStorage.getItem(TOKEN_KEY),
  client: initialClientState,
  connection: { state: 'idle', retryAt: null, fatal: null },
  history: {},
  outbox: {},
  typing: {},
  notices: [],
  drafts: savedDrafts(),
  slowmode: {},
  path: location.pathname,
  theme: initialTheme(),
}));

export const getState = useStore.getState;
export const setState = useStore.setState;

export function saveToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(DRAFTS_KEY);
  }
  setState({ token });
}

export function setTheme(theme: 'light' | 'dark'): void {
  localStorage.setItem(THEME_KEY, theme);
  setState({ theme });
}

let noticeId = 0;
export function notify(text: string): void {
  const id = ++noticeId;
  setState((s) => ({ notices: [...s.notices.filter((n) => n.text !== text), { id, text }] }));
  setTimeout(() => dismissNotice(id), 6000);
}

export function dismissNotice(id: number): void {
  setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

// ---- routing: the path is state, so components re-render on navigation ----

export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  setState({ path });
}

window.addEventListener('popstate', () => setState({ path: location.pathname }));
