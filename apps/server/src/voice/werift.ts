/**
 * The in-process SFU on werift (WebRTC in TypeScript: ICE, DTLS-SRTP, RTP; no native code). Each peer is one
 * RTCPeerConnection answering the browser's offer (one BUNDLE, so one UDP port per peer). Packets received on a
 * peer's send tracks are handed to the other peers' receive slots as they are (werift rewrites SSRC, sequence
 * number and timestamp offsets per slot, so a slot can change source), never decoded. Speaking is judged from
 * the audio level header extension (RFC 6464) the browser puts on every audio packet.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RTP_EXTENSION_URI,
  useAudioLevelIndication,
  useSdesMid,
  type MediaStreamTrack,
  type RTCRtpTransceiver,
} from 'werift';
import { log } from '../lib/log.js';
import type { MediaFlags, MediaPeer, MediaPeerEvents, MediaServer, MediaSource } from './media.js';

export interface WeriftOptions {
  /** Extra host candidate addresses (a public IP behind NAT, 127.0.0.1 for local clients). */
  addresses: string[];
  /** UDP port range. */
  ports?: [number, number];
}

type SendKind = 'audio' | 'camera' | 'screen';
const SEND_KINDS: SendKind[] = ['audio', 'camera', 'screen'];

/** -dBov at or under which a packet counts as voice (0 is loudest, 127 silence). */
const SPEAKING_LEVEL = 60;
/** Speaking ends after this long without a loud packet. */
const SPEAKING_HOLD_MS = 400;

interface Slot {
  transceiver: RTCRtpTransceiver;
  mid: string;
  source?: { peer: Peer; kind: SendKind };
  /** replaceTrack calls on one sender run in order. */
  chain: Promise<unknown>;
}

class Peer implements MediaPeer {
  answer = '';
  readonly tracks: Partial<Record<SendKind, { track: MediaStreamTrack; transceiver: RTCRtpTransceiver }>> = {};
  readonly audioSlots: Slot[] = [];
  readonly videoSlots: Slot[] = [];
  private speaking = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private lastSources = '';
  closed = false;

  constructor(
    private readonly sfu: WeriftSfu,
    public room: string,
    readonly userId: string,
    readonly pc: RTCPeerConnection,
    public flags: MediaFlags,
    readonly events: MediaPeerEvents,
  ) {}

  setFlags(flags: MediaFlags): void {
    this.flags = flags;
    if (!flags.sendAudio) this.setSpeaking(false);
    this.sfu.route(this.room);
  }

  moveTo(room: string): void {
    if (room === this.room) return;
    const from = this.room;
    this.sfu.leaveRoom(this);
    this.room = room;
    this.sfu.joinRoom(this);
    this.sfu.route(from);
    this.sfu.route(room);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.quietTimer);
    this.sfu.leaveRoom(this);
    this.sfu.route(this.room);
    this.pc.close().catch(() => undefined);
  }

  onAudioLevel(level: number): void {
    if (!this.flags.sendAudio || level > SPEAKING_LEVEL) return;
    this.setSpeaking(true);
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.setSpeaking(false), SPEAKING_HOLD_MS);
    this.quietTimer.unref();
  }

  private setSpeaking(speaking: boolean): void {
    if (speaking === this.speaking) return;
    this.speaking = speaking;
    this.events.speaking(speaking);
  }

  /** Tells the client whose media each slot carries, when that changed. */
  publishSources(): void {
    const byUser = new Map<string, MediaSource>();
    for (const slot of [...this.audioSlots, ...this.videoSlots]) {
      if (!slot.source) continue;
      const s = byUser.get(slot.source.peer.userId) ?? { userId: slot.source.peer.userId };
      s[slot.source.kind === 'camera' ? 'video' : slot.source.kind] = slot.mid;
      byUser.set(s.userId, s);
    }
    const list = [...byUser.values()];
    const key = JSON.stringify(list);
    if (key === this.lastSources) return;
    this.lastSources = key;
    this.events.sources(list);
  }
}

export class WeriftSfu implements MediaServer {
  private readonly rooms = new Map<string, Set<Peer>>();
  private received = 0;

  constructor(private readonly options: WeriftOptions) {}

  async connect(room: string, userId: string, offer: string, flags: MediaFlags, events: MediaPeerEvents): Promise<MediaPeer> {
    const pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceUseIpv6: false,
      iceAdditionalHostAddresses: this.options.addresses,
      icePortRange: this.options.ports,
      codecs: {
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
          }),
        ],
      },
      headerExtensions: { audio: [useSdesMid(), useAudioLevelIndication()], video: [useSdesMid()] },
    });
    const peer = new Peer(this, room, userId, pc, flags, events);
    // Tracks may appear while the offer is applied, before the send transceivers are told apart.
    const kinds = new Map<RTCRtpTransceiver, SendKind>();
    const early = new Map<RTCRtpTransceiver, MediaStreamTrack>();
    pc.onTransceiverAdded.subscribe((t) => {
      t.onTrack.subscribe((track) => {
        const kind = kinds.get(t);
        if (kind) this.addTrack(peer, kind, track, t);
        else early.set(t, track);
      });
    });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      let sends = 0;
      for (const t of pc.getTransceivers()) {
        // offerDirection is already this side's view: `recvonly` where the browser sends.
        const clientSends = t.offerDirection === 'recvonly' || t.offerDirection === 'sendrecv';
        if (clientSends && sends < SEND_KINDS.length && (sends > 0 || t.kind === 'audio')) {
          const kind = SEND_KINDS[sends++]!;
          kinds.set(t, kind);
          t.setDirection('recvonly');
          const track = early.get(t);
          if (track) this.addTrack(peer, kind, track, t);
        } else if (t.offerDirection === 'sendonly') {
          t.setDirection('sendonly');
          const slot: Slot = { transceiver: t, mid: t.mid ?? '', chain: Promise.resolve() };
          (t.kind === 'audio' ? peer.audioSlots : peer.videoSlots).push(slot);
        } else {
          t.setDirection('inactive');
        }
      }
      await pc.setLocalDescription(await pc.createAnswer());
      // The answer goes out whole (no trickle): Discord's protocol has no candidate messages.
      if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
      peer.answer = pc.localDescription!.sdp;
    } catch (err) {
      await pc.close().catch(() => undefined);
      throw err;
    }
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'failed' || s === 'closed') peer.close();
    });
    this.joinRoom(peer);
    this.route(room);
    return peer;
  }

  private addTrack(peer: Peer, kind: SendKind, track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
    if (peer.tracks[kind]) return;
    peer.tracks[kind] = { track, transceiver };
    track.onReceiveRtp.subscribe((_rtp, ext) => {
      this.received++;
      if (kind !== 'audio' || !ext) return;
      const level = ext[RTP_EXTENSION_URI.audioLevelIndication] as { level: number } | undefined;
      if (level) peer.onAudioLevel(level.level);
    });
    this.route(peer.room);
  }

  joinRoom(peer: Peer): void {
    let set = this.rooms.get(peer.room);
    if (!set) this.rooms.set(peer.room, (set = new Set()));
    set.add(peer);
  }

  leaveRoom(peer: Peer): void {
    const set = this.rooms.get(peer.room);
    set?.delete(peer);
    if (set?.size === 0) this.rooms.delete(peer.room);
    for (const slot of [...peer.audioSlots, ...peer.videoSlots]) this.assign(slot, undefined);
  }

  /** Recomputes who hears and sees whom in a room; slots that still carry a wanted source keep it. */
  route(room: string): void {
    const peers = [...(this.rooms.get(room) ?? [])];
    for (const rx of peers) {
      const others = peers.filter((p) => p !== rx);
      const audio = rx.flags.receiveAudio ? others.filter((p) => p.tracks.audio && p.flags.sendAudio).map((p) => ({ peer: p, kind: 'audio' as const })) : [];
      const video = [
        ...others.filter((p) => p.tracks.camera).map((p) => ({ peer: p, kind: 'camera' as const })),
        ...others.filter((p) => p.tracks.screen).map((p) => ({ peer: p, kind: 'screen' as const })),
      ];
      this.fill(rx.audioSlots, audio);
      this.fill(rx.videoSlots, video);
      rx.publishSources();
    }
  }

  private fill(slots: Slot[], wanted: { peer: Peer; kind: SendKind }[]): void {
    const same = (a?: { peer: Peer; kind: SendKind }, b?: { peer: Peer; kind: SendKind }) => !!a && !!b && a.peer === b.peer && a.kind === b.kind;
    const missing = wanted.filter((w) => !slots.some((s) => same(s.source, w)));
    for (const slot of slots) {
      if (slot.source && !wanted.some((w) => same(slot.source, w))) this.assign(slot, undefined);
    }
    for (const slot of slots) {
      if (slot.source) continue;
      const next = missing.shift();
      if (!next) break;
      this.assign(slot, next);
    }
  }

  private assign(slot: Slot, source: { peer: Peer; kind: SendKind } | undefined): void {
    if (slot.source === source) return;
    slot.source = source;
    const from = source?.peer.tracks[source.kind];
    slot.chain = slot.chain
      .then(async () => {
        await slot.transceiver.sender.replaceTrack(from?.track ?? null);
        // A new viewer needs a key frame to start decoding.
        if (from && source.kind !== 'audio' && from.track.ssrc !== undefined) await from.transceiver.receiver.sendRtcpPLI(from.track.ssrc);
      })
      .catch((err: unknown) => log.debug('slot change failed', { err: String(err) }));
  }

  stats() {
    let peers = 0;
    for (const set of this.rooms.values()) peers += set.size;
    return { rooms: this.rooms.size, peers, receivedPackets: this.received };
  }

  async close(): Promise<void> {
    for (const set of [...this.rooms.values()]) for (const p of [...set]) p.close();
  }
}
