/**
 * The voice gateway at the endpoint VOICE_SERVER_UPDATE names, with werift peers standing in for browsers:
 * Hello, heartbeats and their acks, Identify against the voice state's token, Ready, Select Protocol `webrtc`
 * answered with an SDP answer, audio forwarded through the in-process SFU over UDP on loopback (and stopped by a
 * server mute), Resume, and 4014 when a moderator disconnects the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { GatewayOpcodes } from '@concord/protocol';
import { GatewayTester, eventually, join, newGuild, newUser, startTestServer, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ voiceAddresses: '127.0.0.1' });
});
afterAll(() => server?.close());

type VFrame = { op: number; d: any; seq?: number };

class VoiceTester {
  readonly frames: VFrame[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => this.frames.push(JSON.parse(String(raw)) as VFrame));
    this.closed = new Promise((r) => ws.once('close', (code) => r(code)));
  }
  static async open(endpoint: string): Promise<VoiceTester> {
    const ws = new WebSocket(`ws://${endpoint}?v=8`);
    // Listening before the socket opens: Hello comes at once.
    const t = new VoiceTester(ws);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return t;
  }
  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }
  next(op: number, pred: (d: any) => boolean = () => true): Promise<VFrame> {
    return eventually(() => this.frames.find((f) => f.op === op && pred(f.d)), `voice op ${op}`, 10_000);
  }
}

interface Joined {
  user: TestUser;
  gw: GatewayTester;
  server: { token: string; endpoint: string; guild_id: string };
}

async function joinVoice(user: TestUser, guildId: string, channelId: string): Promise<Joined> {
  const gw = await GatewayTester.identify(server.gatewayUrl, user.token);
  gw.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false } });
  const f = await gw.next((x) => x.t === 'VOICE_SERVER_UPDATE');
  return { user, gw, server: f.d };
}

async function identify(j: Joined): Promise<VoiceTester> {
  const v = await VoiceTester.open(j.server.endpoint);
  await v.next(8);
  v.send(0, { server_id: j.server.guild_id, user_id: j.user.id, session_id: j.gw.sessionId, token: j.server.token });
  await v.next(2);
  return v;
}

/** A peer that sends a synthetic Opus stream and counts what reaches its receive slots. */
async function peer(v: VoiceTester) {
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false });
  const mic = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(mic, { direction: 'sendonly' });
  pc.addTransceiver('video', { direction: 'sendonly' });
  pc.addTransceiver('video', { direction: 'sendonly' });
  for (let i = 0; i < 2; i++) pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const received = { audio: 0 };
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => track.kind === 'audio' && received.audio++));
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
  v.send(1, { protocol: 'webrtc', data: pc.localDescription!.sdp, sdp: pc.localDescription!.sdp });
  const answer = await v.next(4);
  expect(answer.d).toMatchObject({ audio_codec: 'opus', video_codec: 'VP8' });
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.d.sdp });
  let seq = 0;
  const timer = setInterval(() => {
    seq = (seq + 1) & 0xffff;
    mic.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: seq * 960, marker: seq === 1 }), Buffer.alloc(40, 1)));
  }, 20);
  return {
    pc,
    received,
    async close() {
      clearInterval(timer);
      await pc.close();
    },
  };
}

const live: { close(): unknown }[] = [];
afterAll(async () => {
  for (const c of live) await c.close();
});

describe('voice gateway', () => {
  let owner: TestUser;
  let member: TestUser;
  let guild: Awaited<ReturnType<typeof newGuild>>;
  beforeAll(async () => {
    owner = await newUser(server.base, 'owner');
    member = await newUser(server.base, 'member');
    guild = await newGuild(owner.api, 'Voice');
    await join(owner.api, member.api, guild.generalId);
  });

  it('Hello, heartbeat ack, and Identify only with the voice state token', async () => {
    const j = await joinVoice(member, guild.id, guild.voiceId);
    live.push({ close: () => j.gw.terminate() });
    const v = await VoiceTester.open(j.server.endpoint);
    expect((await v.next(8)).d.heartbeat_interval).toBeGreaterThan(0);
    v.send(3, { t: 1234, seq_ack: -1 });
    expect((await v.next(6)).d).toEqual({ t: 1234 });
    v.send(0, { server_id: guild.id, user_id: member.id, session_id: j.gw.sessionId, token: 'wrong' });
    expect(await v.closed).toBe(4004);

    const ok = await identify(j);
    expect(ok.frames.find((f) => f.op === 2)!.d.ssrc).toBeGreaterThan(0);
    ok.send(1, { protocol: 'udp', data: { address: '127.0.0.1', port: 1, mode: 'aead_xchacha20_poly1305_rtpsize' } });
    expect(await ok.closed).toBe(4012);
    j.gw.terminate();
  });

  it('audio goes through the SFU to the other peer; a server mute stops it; a disconnect closes 4014', async () => {
    const a = await joinVoice(owner, guild.id, guild.voiceId);
    const b = await joinVoice(member, guild.id, guild.voiceId);
    live.push({ close: () => a.gw.terminate() }, { close: () => b.gw.terminate() });
    const va = await identify(a);
    const vb = await identify(b);
    const pa = await peer(va);
    const pb = await peer(vb);
    live.push(pa, pb);
    // Each is told whose audio arrives in which slot (op 12), and hears the other.
    await vb.next(12, (d) => d.user_id === owner.id && typeof d.x_audio_mid === 'string');
    await eventually(() => (pb.received.audio > 20 && pa.received.audio > 20) || undefined, 'audio both ways', 15_000);

    await owner.api.ok.patch(`/guilds/${guild.id}/members/${member.id}`, { mute: true });
    await new Promise((r) => setTimeout(r, 500));
    const before = pa.received.audio;
    await new Promise((r) => setTimeout(r, 1000));
    expect(pa.received.audio - before).toBeLessThan(3);
    // The owner still reaches the muted member.
    const heard = pb.received.audio;
    await eventually(() => pb.received.audio > heard + 10 || undefined, 'audio to the muted member');

    // Resume on a new socket keeps the connection and its media.
    const resumed = await VoiceTester.open(a.server.endpoint);
    await resumed.next(8);
    resumed.send(7, { server_id: guild.id, session_id: a.gw.sessionId, token: a.server.token });
    await resumed.next(9);
    expect(await va.closed).toBe(4006);

    await owner.api.ok.patch(`/guilds/${guild.id}/members/${member.id}`, { channel_id: null });
    expect(await vb.closed).toBe(4014);
    expect(server.app.voice.stats().connections).toBe(1);
    resumed.ws.close();
  });
});
