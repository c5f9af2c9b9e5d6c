/**
 * The side panel beside a channel: a thread being read, a thread being started (from a message or on its own),
 * or search results. One at a time, as on Discord; it belongs to the channel it was opened from.
 */
import { create } from 'zustand';

export type SidePanel =
  | { kind: 'thread'; parentId: string; threadId: string }
  | { kind: 'new-thread'; parentId: string; messageId?: string }
  | { kind: 'search'; guildId: string; query: string; offset: number };

interface ThreadUi {
  panel: SidePanel | null;
}

export const useSidePanel = create<ThreadUi>(() => ({ panel: null }));

export const openThread = (parentId: string, threadId: string) => useSidePanel.setState({ panel: { kind: 'thread', parentId, threadId } });
export const startNewThread = (parentId: string, messageId?: string) => useSidePanel.setState({ panel: { kind: 'new-thread', parentId, messageId } });
export const openSearch = (guildId: string, query: string, offset = 0) => useSidePanel.setState({ panel: { kind: 'search', guildId, query, offset } });
export const closePanel = () => useSidePanel.setState({ panel: null });
