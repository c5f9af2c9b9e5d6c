/** Which user popout is open (one at a time, as on Discord), and where: beside what was clicked. */
import { create } from 'zustand';

export interface PopoutState {
  open: { userId: string; guildId: string | null; rect: { left: number; right: number; top: number; bottom: number } } | null;
}

export const usePopout = create<PopoutState>(() => ({ open: null }));

export function openPopout(userId: string, guildId: string | null, el: Element): void {
  openPopoutAt(userId, guildId, el.getBoundingClientRect());
}

/** At a point or box (a context menu's "Profile" opens it where the menu was). */
export function openPopoutAt(userId: string, guildId: string | null, r: { left: number; right: number; top: number; bottom: number }): void {
  const same = usePopout.getState().open;
  // A second click on the same person closes it again.
  if (same && same.userId === userId) return closePopout();
  usePopout.setState({ open: { userId, guildId, rect: { left: r.left, right: r.right, top: r.top, bottom: r.bottom } } });
}

export const closePopout = () => usePopout.setState({ open: null });
