/** The phone layout's drawers (servers + channels from the left, members from the right), and guild loading. */
import { create } from 'zustand';

export interface LayoutUi {
  drawer: 'left' | 'right' | null;
  /** Guild ids READY announced whose GUILD_CREATE may still be on its way. */
  expectedGuilds: ReadonlySet<string>;
  /** Bumped on CHANNEL_PINS_UPDATE, so an open pins popout fetches again. */
  pinsVersion: Record<string, number>;
  /** A group DM's member list is shown beside it on a wide screen unless the header's toggle hid it. */
  groupMembersHidden: boolean;
}

export const useLayout = create<LayoutUi>(() => ({ drawer: null, expectedGuilds: new Set(), pinsVersion: {}, groupMembersHidden: false }));

export const openDrawer = (drawer: LayoutUi['drawer']) => useLayout.setState({ drawer });
export const closeDrawer = () => useLayout.setState({ drawer: null });
export const expectGuilds = (ids: string[]) => useLayout.setState({ expectedGuilds: new Set(ids) });
export const pinsChanged = (channelId: string) => useLayout.setState((s) => ({ pinsVersion: { ...s.pinsVersion, [channelId]: (s.pinsVersion[channelId] ?? 0) + 1 } }));
export const toggleGroupMembers = () => useLayout.setState((s) => ({ groupMembersHidden: !s.groupMembersHidden }));
