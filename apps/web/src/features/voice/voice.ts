/**
 * The client's voice: which channel it is in (op 4 asks, the gateway's VOICE_STATE_UPDATE confirms), the voice
 * connection VOICE_SERVER_UPDATE points to, the local microphone, camera and screen, and what arrives from the
 * others. Who is in which channel comes from the reducer (guild voice states); this store holds the live media.
 */
import { create } from 'zustand';
import { GatewayOpcodes, type VoiceServerUpdateData, type VoiceStateUpdateData } from '@concord/protocol';
import { VoiceConnection, type RemoteMedia } from './connection';
import { getState as getApp, notify } from '../../state/store';

export interface VoiceUiState {
  guildId: string | null;
  channelId: string | null;
  status: 'idle' | 'connecting' | 'connected' | 'reconnecting';
  selfMute: boolean;
  selfDeaf: boolean;
  camera: MediaStream | null;
  screen: MediaStream | null;
  speaking: Record<string, boolean>;
  remote: Record<string, RemoteMedia>;
  ping: number | null;
}

export const useVoice = create<VoiceUiState>(() => ({
  guildId: null,
  channelId: null,
  status: 'idle',
  selfMute: false,
  selfDeaf: false,
  camera: null,
  screen: null,
  speaking: {},
  remote: {},
  ping: null,
}));
const set = useVoice.setState;
const get = useVoice.getState;

let sendOp: ((op: number, d: unknown) => boolean) | null = null;
let connection: VoiceConnection | null = null;
let mic: MediaStream | null = null;

/** The gateway's send, while it is ready. */
export function setVoiceTransport(send: ((op: number, d: unknown) => boolean) | null): void {
  sendOp = send;
}

function sendState(): void {
  const { guildId, channelId, selfMute, selfDeaf, camera, screen } = get();
  if (!guildId) return;
  sendOp?.(GatewayOpcodes.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: selfMute, self_deaf: selfDeaf, self_video: Boolean(camera), self_stream: Boolean(screen) });
}

export async function joinVoice(guildId: string, channelId: string): Promise<void> {
  const current = get();
  if (current.channelId === channelId) return;
  if (current.guildId && current.guildId !== guildId) leaveVoice();
  if (!mic) {
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch {
      notify('No microphone: you can listen, but others will not hear you.');
    }
  }
  set({ guildId, channelId, status: current.status === 'idle' ? 'connecting' : current.status });
  sendState();
}

export function leaveVoice(): void {
  const { guildId } = get();
  if (guildId) sendOp?.(GatewayOpcodes.VoiceStateUpdate, { guild_id: guildId, channel_id: null, self_mute: false, self_deaf: false });
  teardown();
}

/**
 * A new gateway session (the server restarted, or the old session expired): its voice state is gone, so the
 * client asks to join the same channel again and makes a new voice connection when the server answers.
 */
export function rejoinVoice(): void {
  const { guildId, channelId } = get();
  if (!guildId || !channelId) return;
  connection?.close();
  connection = null;
  set({ status: 'reconnecting', speaking: {}, remote: {} });
  sendState();
}

function teardown(): void {
  connection?.close();
  connection = null;
  for (const s of [mic, get().camera, get().screen]) s?.getTracks().forEach((t) => t.stop());
  mic = null;
  set({ guildId: null, channelId: null, status: 'idle', camera: null, screen: null, speaking: {}, remote: {}, ping: null });
}

export function toggleMute(): void {
  const selfMute = !get().selfMute;
  // Unmuting while deafened undeafens too, as on Discord.
  set({ selfMute, selfDeaf: selfMute ? get().selfDeaf : false });
  void connection?.setMic(selfMute ? null : (mic?.getAudioTracks()[0] ?? null));
  connection?.setDeaf(get().selfDeaf);
  sendState();
}

export function toggleDeaf(): void {
  const selfDeaf = !get().selfDeaf;
  set({ selfDeaf, selfMute: selfDeaf ? true : get().selfMute });
  void connection?.setMic(get().selfMute ? null : (mic?.getAudioTracks()[0] ?? null));
  connection?.setDeaf(selfDeaf);
  sendState();
}

export async function toggleCamera(): Promise<void> {
  const current = get().camera;
  if (current) {
    current.getTracks().forEach((t) => t.stop());
    set({ camera: null });
    await connection?.setCamera(null);
  } else {
    try {
      const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
      set({ camera });
      await connection?.setCamera(camera.getVideoTracks()[0] ?? null);
    } catch {
      notify('The camera could not be opened.');
    }
  }
  sendState();
}

export async function toggleScreen(): Promise<void> {
  const current = get().screen;
  if (current) {
    current.getTracks().forEach((t) => t.stop());
    set({ screen: null });
    await connection?.setScreen(null);
    sendState();
    return;
  }
  try {
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = screen.getVideoTracks()[0] ?? null;
    // The browser's own "Stop sharing" ends the track.
    track?.addEventListener('ended', () => {
      if (get().screen === screen) void toggleScreen();
    });
    set({ screen });
    await connection?.setScreen(track);
    sendState();
  } catch {
    // Cancelled by the person: nothing to say.
  }
}

/** The gateway's voice dispatches. */
export function onVoiceDispatch(ev: { t: 'VOICE_STATE_UPDATE'; d: VoiceStateUpdateData } | { t: 'VOICE_SERVER_UPDATE'; d: VoiceServerUpdateData }): void {
  const me = getApp().client;
  if (ev.t === 'VOICE_STATE_UPDATE') {
    if (ev.d.user_id !== me.user?.id || ev.d.guild_id !== get().guildId) return;
    // Another session took the voice over, or a moderator disconnected us.
    if (ev.d.channel_id === null || ev.d.session_id !== me.sessionId) return teardown();
    if (ev.d.channel_id !== get().channelId) set({ channelId: ev.d.channel_id });
    return;
  }
  const { guildId } = get();
  if (!guildId || ev.d.guild_id !== guildId || !ev.d.endpoint || !me.user || !me.sessionId) return;
  const info = { endpoint: ev.d.endpoint, token: ev.d.token, guildId, userId: me.user.id, sessionId: me.sessionId };
  if (connection) return connection.restart(info);
  connection = new VoiceConnection(info, {
    state: (status, code) => {
      if (status === 'closed') {
        if (code === 4014) teardown();
        return;
      }
      set({ status });
    },
    speaking: (userId, speaking) => set((s) => ({ speaking: { ...s.speaking, [userId]: speaking } })),
    media: (remote) => set({ remote }),
    ping: (ping) => set({ ping }),
  });
  connection.start(get().selfMute ? null : (mic?.getAudioTracks()[0] ?? null));
  const { camera, screen } = get();
  if (camera) void connection.setCamera(camera.getVideoTracks()[0] ?? null);
  if (screen) void connection.setScreen(screen.getVideoTracks()[0] ?? null);
  connection.setDeaf(get().selfDeaf);
}
