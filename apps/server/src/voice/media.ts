/**
 * The media server port: what the voice gateway needs from an SFU. Concord runs one in its own process by
 * default (werift.ts); a dedicated media server can take its place by implementing this and being chosen in
 * app.ts. Media is forwarded as it arrives (Opus audio, VP8 or H.264 video), never decoded.
 *
 * A peer is one voice connection: the browser offers one send transceiver each for audio, camera and screen (in
 * that order; a track may be absent, replaced later without renegotiating) and as many receive-only slots as it
 * wants to hear and see others; the server answers and fills the slots with the room's other peers' media.
 */
export interface MediaFlags {
  /** The peer's audio is forwarded (not server-muted, not self-muted, allowed to speak). */
  sendAudio: boolean;
  /** Others' audio is forwarded to the peer (not deafened). */
  receiveAudio: boolean;
}

/** Where one remote user's media arrives in a peer's connection (the receive slots' mids). */
export interface MediaSource {
  userId: string;
  audio?: string;
  video?: string;
  screen?: string;
}

export interface MediaPeerEvents {
  /** The peer's speaking changed, judged from the audio levels it sends. */
  speaking(speaking: boolean): void;
  /** Which slot carries whose media in this peer's connection changed. */
  sources(sources: MediaSource[]): void;
}

export interface MediaPeer {
  /** The SDP answer to the peer's offer. */
  readonly answer: string;
  setFlags(flags: MediaFlags): void;
  moveTo(room: string): void;
  close(): void;
}

export interface MediaServer {
  /** Answers `offer` and puts the peer in `room` (a voice channel id). */
  connect(room: string, userId: string, offer: string, flags: MediaFlags, events: MediaPeerEvents): Promise<MediaPeer>;
  /** Rooms and peers here, for metrics and tests. */
  stats(): { rooms: number; peers: number; receivedPackets: number };
  close(): Promise<void>;
}
