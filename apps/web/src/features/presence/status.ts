/**
 * The status this person chose (online, idle, do not disturb, invisible) and their custom status, kept in this
 * browser and sent as the session's presence; idle by itself after ten minutes without input, as on Discord.
 */
import { create } from 'zustand';
import type { PresenceUpdateInput } from '@concord/protocol';

export type ChosenStatus = 'online' | 'idle' | 'dnd' | 'invisible';

export interface CustomStatus {
  text: string;
  emoji?: string;
  /** When it clears itself (ms epoch); null keeps it. */
  expiresAt: number | null;
}

interface PresenceChoice {
  status: ChosenStatus;
  custom: CustomStatus | null;
  /** No input for IDLE_AFTER_MS: shown as idle while the chosen status is online. */
  afk: boolean;
}

export const IDLE_AFTER_MS = 10 * 60_000;
const KEY = 'concord.presence';

function saved(): Pick<PresenceChoice, 'status' | 'custom'> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PresenceChoice> | null;
    const status = v?.status && ['online', 'idle', 'dnd', 'invisible'].includes(v.status) ? v.status : 'online';
    const custom = v?.custom && typeof v.custom.text === 'string' && (v.custom.expiresAt == null || v.custom.expiresAt > Date.now()) ? v.custom : null;
    return { status, custom };
  } catch {
    return { status: 'online', custom: null };
  }
}

export const usePresenceChoice = create<PresenceChoice>(() => ({ ...saved(), afk: false }));

function save(): void {
  const { status, custom } = usePresenceChoice.getState();
  localStorage.setItem(KEY, JSON.stringify({ status, custom }));
}

export function chooseStatus(status: ChosenStatus): void {
  usePresenceChoice.setState({ status });
  save();
}

export function setCustomStatus(custom: CustomStatus | null): void {
  usePresenceChoice.setState({ custom: custom && custom.text.trim() === '' && !custom.emoji ? null : custom });
  save();
  scheduleExpiry();
}

export function clearPresenceChoice(): void {
  localStorage.removeItem(KEY);
  usePresenceChoice.setState({ status: 'online', custom: null, afk: false });
}

/** What the gateway sends for this choice (Identify's `presence`, op 3). */
export function presencePayload(p: PresenceChoice = usePresenceChoice.getState()): PresenceUpdateInput {
  const custom = p.custom && (p.custom.expiresAt == null || p.custom.expiresAt > Date.now()) ? p.custom : null;
  return {
    status: p.afk && p.status === 'online' ? 'idle' : p.status,
    since: p.afk ? Date.now() : null,
    afk: p.afk,
    activities: custom ? [{ name: 'Custom Status', type: 4, state: custom.text || null, emoji: custom.emoji ? { name: custom.emoji } : null }] : [],
  };
}

let expiry: ReturnType<typeof setTimeout> | null = null;
function scheduleExpiry(): void {
  if (expiry) clearTimeout(expiry);
  expiry = null;
  const at = usePresenceChoice.getState().custom?.expiresAt;
  // Timers cap at about 24.8 days; a longer expiry is checked again when it fires.
  if (at != null) expiry = setTimeout(() => (Date.now() >= at ? setCustomStatus(null) : scheduleExpiry()), Math.min(at - Date.now(), 2 ** 31 - 1));
}

let idleTimer: ReturnType<typeof setTimeout> | null = null;
/** Watches input: ten quiet minutes make the session idle, the next key or pointer makes it present again. */
export function watchIdle(target: Window = window, idleAfterMs = IDLE_AFTER_MS): () => void {
  const active = () => {
    if (usePresenceChoice.getState().afk) usePresenceChoice.setState({ afk: false });
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => usePresenceChoice.setState({ afk: true }), idleAfterMs);
  };
  const events = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
  for (const e of events) target.addEventListener(e, active, { passive: true });
  active();
  scheduleExpiry();
  return () => {
    for (const e of events) target.removeEventListener(e, active);
    if (idleTimer) clearTimeout(idleTimer);
  };
}
