/**
 * Voice state over the gateway (op 4) and REST: joining, moving and leaving, one channel per user across sessions
 * and guilds, the permissions (CONNECT, SPEAK, MUTE_MEMBERS, DEAFEN_MEMBERS, MOVE_MEMBERS), user_limit, timeouts,
 * moderators' moves and mutes, and cleanup when a session, a membership or a channel ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayOpcodes, Permissions } from '@concord/protocol';
import { GatewayTester, join, newGuild, newUser, startTestServer, type Frame, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const open: GatewayTester[] = [];
async function connect(user: TestUser): Promise<GatewayTester> {
  const t = await GatewayTester.identify(server.gatewayUrl, user.token);
  open.push(t);
  return t;
}

function op4(t: GatewayTester, guildId: string, channelId: string | null, self: { self_mute?: boolean; self_deaf?: boolean; self_video?: boolean } = {}): void {
  t.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false, ...self } });
}

const vsu = (userId: string, pred: (d: any) => boolean = () => true) => (f: Frame) => f.t === 'VOICE_STATE_UPDATE' && f.d.user_id === userId && pred(f.d);

interface Room {
  owner: TestUser;
  member: TestUser;
  guild: TestGuild;
  ownerWs: GatewayTester;
  memberWs: GatewayTester;
}

async function room(): Promise<Room> {
  const owner = await newUser(server.base, 'owner');
  const member = await newUser(server.base, 'member');
  const guild = await newGuild(owner.api, 'Voice');
  await join(owner.api, member.api, guild.generalId);
  return { owner, member, guild, ownerWs: await connect(owner), memberWs: await connect(member) };
}

/** The member's voice state as REST sees it (404 when not connected). */
const stateOf = (r: Room, userId: string) => r.owner.api.get(`/guilds/${r.guild.id}/voice-states/${userId}`);

async function voiceChannel(r: Room, body: Record<string, unknown> = {}): Promise<string> {
  const c = await r.owner.api.ok.post<{ id: string }>(`/guilds/${r.guild.id}/channels`, { name: 'Room', type: 2, ...body });
  return c.id;
}

/** Op 4 is answered by nothing when refused: a later allowed change shows the refused one left no trace. */
async function refused(r: Room, t: GatewayTester, userId: string, channelId: string): Promise<void> {
  const from = r.ownerWs.frames.length;
  op4(t, r.guild.id, channelId);
  op4(t, r.guild.id, r.guild.voiceId);
  const f = await r.ownerWs.next(vsu(userId), { from });
  expect(f.d.channel_id).toBe(r.guild.voiceId);
  op4(t, r.guild.id, null);
  await r.ownerWs.next(vsu(userId, (d) => d.channel_id === null), { from });
}

afterAll(() => {
  for (const t of open) t.terminate();
});

describe('op 4', () => {
  it('join: the guild gets VOICE_STATE_UPDATE with the member, the joining session VOICE_SERVER_UPDATE', async () => {
    const r = await room();
    const second = await connect(r.member);
    const from = second.frames.length;
    op4(r.memberWs, r.guild.id, r.guild.voiceId, { self_mute: true });
    const seen = await r.ownerWs.next(vsu(r.member.id));
    expect(seen.d).toMatchObject({
      guild_id: r.guild.id,
      channel_id: r.guild.voiceId,
      user_id: r.member.id,
      session_id: r.memberWs.sessionId,
      self_mute: true,
      self_deaf: false,
      self_video: false,
      mute: false,
      deaf: false,
      suppress: false,
      request_to_speak_timestamp: null,
    });
    expect(seen.d.member.user.id).toBe(r.member.id);
    const vs = await r.memberWs.next((f) => f.t === 'VOICE_SERVER_UPDATE');
    expect(vs.d.guild_id).toBe(r.guild.id);
    expect(vs.d.token).toMatch(/^[0-9a-f]{32}$/);
    expect(vs.d.endpoint).toBe(`${new URL(server.base).host}/voice`);
    // The user's other session sees the state, but the connection details are the joiner's alone.
    await second.next(vsu(r.member.id), { from });
    expect(second.dispatches('VOICE_SERVER_UPDATE')).toEqual([]);
    expect((await stateOf(r, r.member.id)).body).toMatchObject({ channel_id: r.guild.voiceId, self_mute: true });
  });

  it('GUILD_CREATE carries the voice states (without guild_id)', async () => {
    const r = await room();
    op4(r.memberWs, r.guild.id, r.guild.voiceId, { self_deaf: true });
    await r.ownerWs.next(vsu(r.member.id));
    const fresh = await connect(r.owner);
    const gc = fresh.dispatches('GUILD_CREATE').find((f) => f.d.id === r.guild.id)!;
    expect(gc.d.voice_states).toEqual([
      expect.objectContaining({ channel_id: r.guild.voiceId, user_id: r.member.id, session_id: r.memberWs.sessionId, self_deaf: true }),
    ]);
    expect(gc.d.voice_states[0].guild_id).toBeUndefined();
  });

  it('self mute, deafen and video change the state without a new voice connection; a move keeps it too', async () => {
    const r = await room();
    const other = await voiceChannel(r);
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.memberWs.next((f) => f.t === 'VOICE_SERVER_UPDATE');
    op4(r.memberWs, r.guild.id, r.guild.voiceId, { self_mute: true, self_deaf: true, self_video: true });
    await r.ownerWs.next(vsu(r.member.id, (d) => d.self_mute && d.self_deaf && d.self_video));
    op4(r.memberWs, r.guild.id, other);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === other));
    op4(r.memberWs, r.guild.id, null);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null));
    expect(r.memberWs.dispatches('VOICE_SERVER_UPDATE')).toHaveLength(1);
    expect((await stateOf(r, r.member.id)).status).toBe(404);
  });

  it('one voice channel per user: another session takes it over, another guild moves the user out of the first', async () => {
    const r = await room();
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    const phone = await connect(r.member);
    op4(phone, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.session_id === phone.sessionId));
    await phone.next((f) => f.t === 'VOICE_SERVER_UPDATE');
    const elsewhere = await newGuild(r.member.api, 'Elsewhere');
    await phone.next((f) => f.t === 'GUILD_CREATE' && f.d.id === elsewhere.id);
    const from = r.ownerWs.frames.length;
    op4(phone, elsewhere.id, elsewhere.voiceId);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null && d.guild_id === r.guild.id), { from });
    expect((await r.member.api.get(`/guilds/${elsewhere.id}/voice-states/@me`)).body).toMatchObject({ channel_id: elsewhere.voiceId, guild_id: elsewhere.id });
    expect((await stateOf(r, r.member.id)).status).toBe(404);
  });

  it('CONNECT is required; without SPEAK the state is suppressed; a text channel is refused', async () => {
    const r = await room();
    const noConnect = await voiceChannel(r, { permission_overwrites: [{ id: r.guild.id, type: 0, allow: '0', deny: String(Permissions.CONNECT) }] });
    const noSpeak = await voiceChannel(r, { permission_overwrites: [{ id: r.guild.id, type: 0, allow: '0', deny: String(Permissions.SPEAK) }] });
    await refused(r, r.memberWs, r.member.id, noConnect);
    await refused(r, r.memberWs, r.member.id, r.guild.generalId);
    op4(r.memberWs, r.guild.id, noSpeak);
    expect((await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === noSpeak))).d.suppress).toBe(true);
  });

  it('user_limit: a full channel refuses, except to holders of MOVE_MEMBERS', async () => {
    const r = await room();
    const small = await voiceChannel(r, { user_limit: 1 });
    const third = await newUser(server.base, 'third');
    await join(r.owner.api, third.api, r.guild.generalId);
    const thirdWs = await connect(third);
    op4(r.memberWs, r.guild.id, small);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === small));
    await refused(r, thirdWs, third.id, small);
    op4(r.ownerWs, r.guild.id, small);
    await r.ownerWs.next(vsu(r.owner.id, (d) => d.channel_id === small));
  });

  it('a timed-out member is disconnected and cannot join until the timeout ends', async () => {
    const r = await room();
    const path = `/guilds/${r.guild.id}/members/${r.member.id}`;
    const other = await voiceChannel(r);
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    await r.owner.api.ok.patch(path, { communication_disabled_until: new Date(Date.now() + 60_000).toISOString() });
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null));
    const from = r.ownerWs.frames.length;
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    // Ops run in order of arrival: once the owner's edit is seen, the member's op 4 was handled and refused.
    await r.member.api.ok.get(`/guilds/${r.guild.id}`);
    await r.owner.api.ok.patch(path, { communication_disabled_until: null });
    await r.memberWs.next((f) => f.t === 'GUILD_MEMBER_UPDATE' && f.d.user.id === r.member.id && f.d.communication_disabled_until === null);
    op4(r.memberWs, r.guild.id, other);
    expect((await r.ownerWs.next(vsu(r.member.id), { from })).d.channel_id).toBe(other);
  });

  it('payloads this server does not serve are ignored, not answered with a close', async () => {
    const r = await room();
    r.memberWs.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: null, channel_id: null, self_mute: false, self_deaf: false } });
    r.memberWs.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: '1', channel_id: '2', self_mute: false, self_deaf: false } });
    await refused(r, r.memberWs, r.member.id, '12345');
  });
});

describe('moderators: PATCH /guilds/:id/members/:user_id', () => {
  it('server mute and deafen show in the voice state and need MUTE_MEMBERS / DEAFEN_MEMBERS', async () => {
    const r = await room();
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    await r.owner.api.ok.patch(`/guilds/${r.guild.id}/members/${r.member.id}`, { mute: true });
    await r.memberWs.next(vsu(r.member.id, (d) => d.mute && !d.deaf));
    await r.owner.api.ok.patch(`/guilds/${r.guild.id}/members/${r.member.id}`, { deaf: true });
    await r.memberWs.next(vsu(r.member.id, (d) => d.mute && d.deaf));
    expect((await r.member.api.patch(`/guilds/${r.guild.id}/members/${r.owner.id}`, { mute: true })).status).toBe(403);
    expect((await r.member.api.patch(`/guilds/${r.guild.id}/members/${r.owner.id}`, { deaf: true })).status).toBe(403);
    // A server mute holds across rejoins: it belongs to the member.
    op4(r.memberWs, r.guild.id, null);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null));
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === r.guild.voiceId && d.mute && d.deaf));
  });

  it('move and disconnect need MOVE_MEMBERS; the target must be connected and allowed in', async () => {
    const r = await room();
    const other = await voiceChannel(r);
    const locked = await voiceChannel(r, { permission_overwrites: [{ id: r.member.id, type: 1, allow: '0', deny: String(Permissions.CONNECT) }] });
    const path = `/guilds/${r.guild.id}/members/${r.member.id}`;
    const notConnected = await r.owner.api.patch(path, { channel_id: other });
    expect(notConnected.status).toBe(400);
    expect(notConnected.body.code).toBe(40032);
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    op4(r.ownerWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.owner.id));
    // The member cannot move the owner.
    expect((await r.member.api.patch(`/guilds/${r.guild.id}/members/${r.owner.id}`, { channel_id: other })).status).toBe(403);
    expect((await r.owner.api.patch(path, { channel_id: locked })).status).toBe(403);
    expect((await r.owner.api.patch(path, { channel_id: r.guild.generalId })).status).toBe(400);
    await r.owner.api.ok.patch(path, { channel_id: other });
    const moved = await r.memberWs.next(vsu(r.member.id, (d) => d.channel_id === other));
    expect(moved.d.session_id).toBe(r.memberWs.sessionId);
    await r.owner.api.ok.patch(path, { channel_id: null });
    await r.memberWs.next(vsu(r.member.id, (d) => d.channel_id === null));
    expect((await stateOf(r, r.member.id)).status).toBe(404);
  });
});

describe('cleanup', () => {
  it('the session that holds the voice connection ends: the user leaves the channel', async () => {
    const r = await room();
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    await r.memberWs.closeAndWait(1000);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null));
  });

  it('a session that only dropped (resumable) keeps the channel', async () => {
    const r = await room();
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    r.memberWs.terminate();
    const resumed = await GatewayTester.resume(server.gatewayUrl, r.member.token, r.memberWs.sessionId!, r.memberWs.lastSeq()!);
    open.push(resumed);
    await resumed.next((f) => f.t === 'RESUMED');
    expect((await stateOf(r, r.member.id)).body.session_id).toBe(r.memberWs.sessionId);
  });

  it('kicked, or the channel deleted: out of voice', async () => {
    const r = await room();
    const doomed = await voiceChannel(r);
    op4(r.ownerWs, r.guild.id, doomed);
    await r.ownerWs.next(vsu(r.owner.id, (d) => d.channel_id === doomed));
    op4(r.memberWs, r.guild.id, r.guild.voiceId);
    await r.ownerWs.next(vsu(r.member.id));
    await r.owner.api.ok.delete(`/guilds/${r.guild.id}/members/${r.member.id}`);
    await r.ownerWs.next(vsu(r.member.id, (d) => d.channel_id === null));
    await r.owner.api.ok.delete(`/channels/${doomed}`);
    await r.ownerWs.next(vsu(r.owner.id, (d) => d.channel_id === null));
    expect((await stateOf(r, r.owner.id)).status).toBe(404);
  });
});
