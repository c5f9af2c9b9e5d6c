/**
 * One voice connection, as Discord's web client makes it: the voice gateway's Hello, Identify with the token of
 * VOICE_SERVER_UPDATE, Ready, then Select Protocol `webrtc` with an SDP offer and the server's answer (Session
 * Description). The offer carries one send transceiver each for the microphone, the camera and the screen (their
 * tracks come and go by replaceTrack, never renegotiating) and receive-only slots the server fills with the
 * others' media; op 12 says whose media each slot carries, op 5 who is speaking.
 */
export const AUDIO_SLOTS = 12;
export const VIDEO_SLOTS = 12;

export interface RemoteMedia {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  screen?: MediaStreamTrack;
}

export interface VoiceConnectionEvents {
  state(state: 'connecting' | 'connected' | 'reconnecting' | 'closed', code?: number): void;
  speaking(userId: string, speaking: boolean): void;
  /** Whose media arrives where changed. */
  media(byUser: Record<string, RemoteMedia>): void;
  /** Round trip of the last heartbeat, in ms. */
  ping(ms: number): void;
}

export interface VoiceServerInfo {
  endpoint: string;
  token: string;
  guildId: string;
  userId: string;
  sessionId: string;
}

export class VoiceConnection {
  readonly pc: RTCPeerConnection;
  private ws: WebSocket | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly senders: { audio: RTCRtpSender; camera: RTCRtpSender; screen: RTCRtpSender };
  private readonly slotTracks = new Map<string, MediaStreamTrack>();
  private sources: Record<string, { audio?: string; video?: string; screen?: string }> = {};
  private seq = -1;
  private closed = false;
  private connectedOnce = false;
  private lastBeatAt = 0;
  /** The audio elements that play the receive slots (one each, so per-user volume can come later). */
  readonly players: HTMLAudioElement[] = [];

  constructor(
    private info: VoiceServerInfo,
    private readonly events: VoiceConnectionEvents,
  ) {
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    const send = (kind: 'audio' | 'video') => this.pc.addTransceiver(kind, { direction: 'sendonly' }).sender;
    this.senders = { audio: send('audio'), camera: send('video'), screen: send('video') };
    for (let i = 0; i < AUDIO_SLOTS; i++) this.pc.addTransceiver('audio', { direction: 'recvonly' });
    for (let i = 0; i < VIDEO_SLOTS; i++) this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.pc.ontrack = (ev) => {
      const mid = ev.transceiver.mid;
      if (!mid) return;
      this.slotTracks.set(mid, ev.track);
      if (ev.track.kind === 'audio') {
        const el = new Audio();
        el.autoplay = true;
        el.srcObject = new MediaStream([ev.track]);
        this.players.push(el);
        void el.play().catch(() => undefined);
      }
      this.emitMedia();
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'connected') this.events.state('connected');
      if (this.pc.connectionState === 'failed') this.events.state('reconnecting');
    };
  }

  /** Opens the voice gateway; the microphone track (if any) is sent from the start. */
  start(mic: MediaStreamTrack | null): void {
    void this.senders.audio.replaceTrack(mic);
    this.open(false);
  }

  /** A new VOICE_SERVER_UPDATE (the server moved the connection): identify there afresh. */
  restart(info: VoiceServerInfo): void {
    this.info = info;
    this.ws?.close(1000);
    this.open(false);
  }

  private open(resume: boolean): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${this.info.endpoint}?v=8`);
    this.ws = ws;
    this.events.state(this.connectedOnce ? 'reconnecting' : 'connecting');
    ws.onmessage = (ev) => this.onFrame(JSON.parse(String(ev.data)) as { op: number; d: any; seq?: number }, resume);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      clearInterval(this.heartbeat);
      if (this.closed) return;
      // 4014: disconnected by the server (moved out, kicked); 4004/4006: the token is gone. Others: try resuming.
      if (ev.code === 4014 || ev.code === 4004 || ev.code === 4006 || ev.code === 4012) {
        this.close();
        this.events.state('closed', ev.code);
        return;
      }
      this.events.state('reconnecting');
      setTimeout(() => !this.closed && this.open(true), 1000);
    };
  }

  private sendOp(op: number, d: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ op, d }));
  }

  private onFrame(f: { op: number; d: any; seq?: number }, resume: boolean): void {
    if (typeof f.seq === 'number') this.seq = f.seq;
    const { serverId, userId, sessionId, token } = { serverId: this.info.guildId, userId: this.info.userId, sessionId: this.info.sessionId, token: this.info.token };
    switch (f.op) {
      case 8: // Hello
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => {
          this.lastBeatAt = Date.now();
          this.sendOp(3, { t: this.lastBeatAt, seq_ack: this.seq });
        }, f.d.heartbeat_interval);
        if (resume) this.sendOp(7, { server_id: serverId, session_id: sessionId, token, seq_ack: this.seq });
        else this.sendOp(0, { server_id: serverId, user_id: userId, session_id: sessionId, token, video: true });
        return;
      case 6: // Heartbeat ACK
        if (this.lastBeatAt) this.events.ping(Date.now() - this.lastBeatAt);
        return;
      case 2: // Ready
        void this.negotiate();
        return;
      case 4: // Session Description
        void this.pc.setRemoteDescription({ type: 'answer', sdp: f.d.sdp }).then(() => {
          this.connectedOnce = true;
        });
        return;
      case 9: // Resumed
        this.events.state(this.pc.connectionState === 'connected' ? 'connected' : 'connecting');
        return;
      case 5: // Speaking
        this.events.speaking(String(f.d.user_id), Boolean(f.d.speaking));
        return;
      case 12: // whose media is in which slot
        this.sources[String(f.d.user_id)] = { audio: f.d.x_audio_mid ?? undefined, video: f.d.x_video_mid ?? undefined, screen: f.d.x_screen_mid ?? undefined };
        this.emitMedia();
        return;
      case 13: // Client Disconnect
        delete this.sources[String(f.d.user_id)];
        this.events.speaking(String(f.d.user_id), false);
        this.emitMedia();
        return;
      default:
        return;
    }
  }

  private async negotiate(): Promise<void> {
    // A second negotiation (a reconnect that identified afresh) starts from a new offer on the same connection.
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const done = () => {
        if (this.pc.iceGatheringState !== 'complete') return;
        this.pc.removeEventListener('icegatheringstatechange', done);
        resolve();
      };
      this.pc.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, 3000);
    });
    const sdp = this.pc.localDescription!.sdp;
    this.sendOp(1, {
      protocol: 'webrtc',
      data: sdp,
      sdp,
      codecs: [
        { name: 'opus', type: 'audio', priority: 1000, payload_type: 111 },
        { name: 'VP8', type: 'video', priority: 1000, payload_type: 96 },
      ],
    });
  }

  private emitMedia(): void {
    const out: Record<string, RemoteMedia> = {};
    for (const [userId, s] of Object.entries(this.sources)) {
      out[userId] = {
        audio: s.audio ? this.slotTracks.get(s.audio) : undefined,
        video: s.video ? this.slotTracks.get(s.video) : undefined,
        screen: s.screen ? this.slotTracks.get(s.screen) : undefined,
      };
    }
    this.events.media(out);
  }

  setMic(track: MediaStreamTrack | null): Promise<void> {
    return this.senders.audio.replaceTrack(track);
  }

  setCamera(track: MediaStreamTrack | null): Promise<void> {
    return this.senders.camera.replaceTrack(track);
  }

  setScreen(track: MediaStreamTrack | null): Promise<void> {
    return this.senders.screen.replaceTrack(track);
  }

  /** Deafened: nothing plays (the server also stops sending audio). */
  setDeaf(deaf: boolean): void {
    for (const el of this.players) el.muted = deaf;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.ws?.close(1000);
    this.pc.close();
    for (const el of this.players) el.srcObject = null;
  }
}
