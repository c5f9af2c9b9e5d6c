/**
 * Every event of the contract, captured from a real action: a session that applies it (with the protocol's
 * reducer, to its READY snapshot and the history it had loaded) ends where a fresh READY plus fresh history
 * starts. The table below names an action for each event; the compiler insists on one per name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayOpcodes, initialClientState, mergeMessages, reduce, type ClientState, type EventName, type Message } from '@concord/protocol';
import { Api, GatewayTester, addBot, join, newBot, newGuild, newUser, startTestServer, testPng, type TestGuild, type TestServer, type TestUser } from '@concord/server/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface World {
  owner: TestUser;
  other: TestUser;
  guild: TestGuild;
  /** A message in #general from `other`, for edits, deletes and reactions. */
  message: Message;
  /** The owner's live session under test. */
  live: GatewayTester;
  /** Other sessions an action opened, closed after the comparison. */
  extra: GatewayTester[];
}

/** Loads a channel's latest history into the folded state, as the web client does on opening it. */
async function withHistory(state: ClientState, user: TestUser, channelId: string): Promise<ClientState> {
  const page = await user.api.ok.get<Message[]>(`/channels/${channelId}/messages?limit=100`);
  return { ...state, messages: { ...state.messages, [channelId]: mergeMessages(state.messages[channelId] ?? [], page) } };
}

function fold(frames: { op: number; t: string | null; d: unknown }[], from = initialClientState): ClientState {
  return frames.filter((f) => f.op === 0).reduce((s, f) => reduce(s, { t: f.t!, d: f.d }), from);
}

/** What a snapshot carries, in a form two sessions can agree on (gateway-only message fields left out). */
function comparable(s: ClientState) {
  const guilds = Object.fromEntries(Object.entries(s.guilds).map(([id, g]) => [id, { ...g, channelIds: [...g.channelIds].sort() }]));
  // MESSAGE_CREATE carries the author's member and REST history does not, as on Discord. Authors and mentions
  // are the users they name: clients show them as the guild's member list has them now (renames included).
  const messages = Object.fromEntries(
    Object.entries(s.messages).map(([id, list]) => [id, list.map(({ member: _m, ...m }) => ({ ...m, author: m.author.id, mentions: m.mentions.map((u) => u.id) }))]),
  );
  return { user: s.user, guilds, channels: s.channels, presences: s.presences, messages, readStates: s.readStates, receipts: s.receipts, relationships: s.relationships };
}

/**
 * A bot in the guild with one command and a gateway session; the owner runs the command (as `type`, 2 or 4 for
 * autocomplete) and the bot answers with `answer` (or not at all).
 */
async function interact(w: World, answer: ((i: { id: string; token: string }) => unknown) | undefined, type = 2): Promise<void> {
  const bot = await newBot(w.owner.api);
  await addBot(w.owner.api, w.guild.id, bot);
  const gw = await GatewayTester.identify(server.gatewayUrl, `Bot ${bot.token}`, 1 | 512);
  w.extra.push(gw);
  const cmd = await bot.api.ok.post<{ id: string }>(`/applications/${bot.applicationId}/guilds/${w.guild.id}/commands`, {
    name: 'run',
    description: 'runs',
    options: [{ type: 3, name: 'q', description: 'q', autocomplete: true }],
  });
  const options = type === 4 ? [{ name: 'q', type: 3, value: 'a', focused: true }] : [];
  await w.owner.api.ok.post('/interactions', { type, application_id: bot.applicationId, channel_id: w.guild.generalId, nonce: 'n', data: { id: cmd.id, name: 'run', options } });
  const i = (await gw.next((f) => f.t === 'INTERACTION_CREATE')).d as { id: string; token: string };
  if (answer) await new Api(server.base).ok.post(`/interactions/${i.id}/${i.token}/callback`, answer(i));
}

const keywordRule = (keyword_filter: string[]) => ({ name: 'Words', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter }, actions: [{ type: 1 }], enabled: true });

/** The actions, one per event; `live` is the owner's session, which must receive `t`. */
const actions: { [K in EventName]: (w: World) => Promise<unknown> } = {
  READY: async () => undefined,
  RESUMED: async (w) => {
    // Dropped and resumed: the replay and RESUMED leave the state where it was.
    const seq = w.live.lastSeq()!;
    const sessionId = w.live.sessionId!;
    w.live.terminate();
    w.live = await GatewayTester.resume(server.gatewayUrl, w.owner.token, sessionId, seq);
  },
  GUILD_CREATE: (w) => newGuild(w.owner.api, 'Another'),
  GUILD_UPDATE: (w) => w.owner.api.ok.patch(`/guilds/${w.guild.id}`, { name: 'Renamed' }),
  GUILD_DELETE: async (w) => {
    const g = await newGuild(w.owner.api, 'Short-lived');
    await w.live.next((f) => f.t === 'GUILD_CREATE' && f.d.id === g.id);
    await w.owner.api.ok.delete(`/guilds/${g.id}`);
  },
  GUILD_ROLE_CREATE: async (w) => addBot(w.owner.api, w.guild.id, await newBot(w.owner.api)),
  GUILD_ROLE_UPDATE: async (w) => {
    const role = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/roles`, { name: 'Helpers' });
    await w.owner.api.ok.patch(`/guilds/${w.guild.id}/roles/${role.id}`, { name: 'Moderators', color: 0x3498db, hoist: true });
  },
  GUILD_ROLE_DELETE: async (w) => {
    const role = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/roles`, { name: 'Doomed' });
    await w.owner.api.ok.put(`/guilds/${w.guild.id}/members/${w.other.id}/roles/${role.id}`);
    await w.owner.api.ok.delete(`/guilds/${w.guild.id}/roles/${role.id}`);
  },
  GUILD_EMOJIS_UPDATE: async (w) => {
    const image = `data:image/png;base64,${testPng(32, 32).toString('base64')}`;
    const kept = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/emojis`, { name: 'kept', image });
    const gone = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/emojis`, { name: 'gone', image });
    await w.owner.api.ok.patch(`/guilds/${w.guild.id}/emojis/${kept.id}`, { name: 'renamed' });
    await w.owner.api.ok.delete(`/guilds/${w.guild.id}/emojis/${gone.id}`);
  },
  GUILD_BAN_ADD: (w) => w.owner.api.ok.put(`/guilds/${w.guild.id}/bans/${w.other.id}`, { delete_message_seconds: 3600 }),
  GUILD_BAN_REMOVE: async (w) => {
    const stranger = await newUser(server.base);
    await w.owner.api.ok.put(`/guilds/${w.guild.id}/bans/${stranger.id}`, {});
    await w.owner.api.ok.delete(`/guilds/${w.guild.id}/bans/${stranger.id}`);
  },
  GUILD_AUDIT_LOG_ENTRY_CREATE: (w) => w.owner.api.ok.patch(`/guilds/${w.guild.id}/members/${w.other.id}`, { nick: 'Nicked' }),
  AUTO_MODERATION_RULE_CREATE: (w) => w.owner.api.ok.post(`/guilds/${w.guild.id}/auto-moderation/rules`, keywordRule(['nope'])),
  AUTO_MODERATION_RULE_UPDATE: async (w) => {
    const rule = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/auto-moderation/rules`, keywordRule(['nope']));
    await w.owner.api.ok.patch(`/guilds/${w.guild.id}/auto-moderation/rules/${rule.id}`, { enabled: false });
  },
  AUTO_MODERATION_RULE_DELETE: async (w) => {
    const rule = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/auto-moderation/rules`, keywordRule(['nope']));
    await w.owner.api.ok.delete(`/guilds/${w.guild.id}/auto-moderation/rules/${rule.id}`);
  },
  AUTO_MODERATION_ACTION_EXECUTION: async (w) => {
    await w.owner.api.ok.post(`/guilds/${w.guild.id}/auto-moderation/rules`, keywordRule(['forbidden']));
    const r = await w.other.api.post(`/channels/${w.guild.generalId}/messages`, { content: 'a forbidden word' });
    if (r.status !== 400) throw new Error(`expected a block, got ${r.status}`);
  },
  GUILD_MEMBER_ADD: async (w) => join(w.owner.api, (await newUser(server.base)).api, w.guild.generalId),
  GUILD_MEMBER_UPDATE: (w) => w.other.api.ok.patch('/users/@me', { global_name: 'Other Renamed' }),
  GUILD_MEMBER_REMOVE: async (w) => {
    const leaver = await newUser(server.base);
    await join(w.owner.api, leaver.api, w.guild.generalId);
    await w.live.next((f) => f.t === 'GUILD_MEMBER_ADD' && f.d.user.id === leaver.id);
    await leaver.api.ok.delete(`/users/@me/guilds/${w.guild.id}`);
  },
  GUILD_MEMBERS_CHUNK: async (w) => w.live.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: w.guild.id, query: '', limit: 0 } }),
  CHANNEL_CREATE: (w) => w.owner.api.ok.post(`/guilds/${w.guild.id}/channels`, { name: 'fresh' }),
  CHANNEL_UPDATE: (w) => w.owner.api.ok.patch(`/channels/${w.guild.generalId}`, { topic: 'a topic' }),
  CHANNEL_DELETE: async (w) => {
    const c = await w.owner.api.ok.post<{ id: string }>(`/guilds/${w.guild.id}/channels`, { name: 'doomed' });
    await w.owner.api.ok.post(`/channels/${c.id}/messages`, { content: 'gone with it' });
    await w.owner.api.ok.delete(`/channels/${c.id}`);
  },
  THREAD_CREATE: (w) => w.owner.api.ok.post(`/channels/${w.guild.generalId}/messages/${w.message.id}/threads`, { name: 'a thread' }),
  THREAD_UPDATE: async (w) => {
    const t = await w.owner.api.ok.post<{ id: string }>(`/channels/${w.guild.generalId}/messages/${w.message.id}/threads`, { name: 'to rename' });
    await w.other.api.ok.post(`/channels/${t.id}/messages`, { content: 'in the thread' });
    await w.owner.api.ok.patch(`/channels/${t.id}`, { name: 'renamed' });
    // Archived: it leaves the snapshot's channels; the starter message keeps it.
    await w.owner.api.ok.patch(`/channels/${t.id}`, { archived: true });
  },
  THREAD_DELETE: async (w) => {
    const t = await w.owner.api.ok.post<{ id: string }>(`/channels/${w.guild.generalId}/messages/${w.message.id}/threads`, { name: 'doomed' });
    await w.owner.api.ok.post(`/channels/${t.id}/messages`, { content: 'gone with it' });
    await w.owner.api.ok.delete(`/channels/${t.id}`);
  },
  THREAD_LIST_SYNC: async (w) => {
    await w.other.api.ok.post(`/channels/${w.guild.generalId}/threads`, { name: 'synced', type: 11 });
    await w.owner.api.ok.patch(`/channels/${w.guild.generalId}`, { permission_overwrites: [{ id: w.other.id, type: 1, allow: '0', deny: '8192' }] });
  },
  THREAD_MEMBER_UPDATE: async (w) => {
    const t = await w.other.api.ok.post<{ id: string }>(`/channels/${w.guild.generalId}/threads`, { name: 'to join', type: 11 });
    await w.owner.api.ok.put(`/channels/${t.id}/thread-members/@me`);
  },
  THREAD_MEMBERS_UPDATE: async (w) => {
    const t = await w.owner.api.ok.post<{ id: string }>(`/channels/${w.guild.generalId}/messages/${w.message.id}/threads`, { name: 'joined' });
    await w.other.api.ok.put(`/channels/${t.id}/thread-members/@me`);
    await w.other.api.ok.delete(`/channels/${t.id}/thread-members/@me`);
    await w.other.api.ok.put(`/channels/${t.id}/thread-members/@me`);
  },
  CHANNEL_RECIPIENT_ADD: async (w) => {
    const third = await newUser(server.base, 'third');
    await join(w.owner.api, third.api, w.guild.generalId);
    const group = await w.owner.api.ok.post<{ id: string }>('/users/@me/channels', { recipients: [w.other.id, w.owner.id] });
    await w.owner.api.ok.put(`/channels/${group.id}/recipients/${third.id}`);
  },
  CHANNEL_RECIPIENT_REMOVE: async (w) => {
    const third = await newUser(server.base, 'third');
    await join(w.owner.api, third.api, w.guild.generalId);
    const group = await w.owner.api.ok.post<{ id: string }>('/users/@me/channels', { recipients: [w.other.id, third.id], name: 'trio' });
    await w.owner.api.ok.delete(`/channels/${group.id}/recipients/${third.id}`);
  },
  INVITE_CREATE: (w) => w.owner.api.ok.post(`/channels/${w.guild.generalId}/invites`, {}),
  INVITE_DELETE: async (w) => {
    const inv = await w.owner.api.ok.post<{ code: string }>(`/channels/${w.guild.generalId}/invites`, {});
    await w.owner.api.ok.delete(`/invites/${inv.code}`);
  },
  MESSAGE_CREATE: (w) => w.other.api.ok.post(`/channels/${w.guild.generalId}/messages`, { content: 'hello <@' + w.owner.id + '>' }),
  X_MESSAGE_RECEIPT: async (w) => {
    // The other side online (kept so until the comparison): delivered on arrival, then read.
    const theirs = await GatewayTester.identify(server.gatewayUrl, w.other.token);
    w.extra.push(theirs);
    const dm = await w.owner.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.other.id });
    const m = await w.owner.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'did you get it?' });
    await w.live.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'delivered' && f.d.message_id === m.id);
    await w.other.api.ok.post(`/channels/${dm.id}/messages/${m.id}/ack`, {});
    await w.live.next((f) => f.t === 'X_MESSAGE_RECEIPT' && f.d.status === 'read');
  },
  MESSAGE_ACK: (w) => w.owner.api.ok.post(`/channels/${w.guild.generalId}/messages/${w.message.id}/ack`, { token: null }),
  RELATIONSHIP_ADD: async (w) => {
    // A request by name, then accepted: incoming, then friends.
    await w.other.api.ok.post('/users/@me/relationships', { username: w.owner.username });
    await w.owner.api.ok.put(`/users/@me/relationships/${w.other.id}`, {});
  },
  RELATIONSHIP_REMOVE: async (w) => {
    await w.other.api.ok.put(`/users/@me/relationships/${w.owner.id}`, {});
    await w.owner.api.ok.put(`/users/@me/relationships/${w.other.id}`, {});
    // Blocked by the other side: the owner's friendship goes.
    await w.other.api.ok.put(`/users/@me/relationships/${w.owner.id}`, { type: 2 });
  },
  MESSAGE_UPDATE: (w) => w.other.api.ok.patch(`/channels/${w.guild.generalId}/messages/${w.message.id}`, { content: 'edited' }),
  MESSAGE_DELETE: (w) => w.other.api.ok.delete(`/channels/${w.guild.generalId}/messages/${w.message.id}`),
  MESSAGE_DELETE_BULK: async (w) => {
    const second = await w.other.api.ok.post<Message>(`/channels/${w.guild.generalId}/messages`, { content: 'the second' });
    await w.owner.api.ok.post(`/channels/${w.guild.generalId}/messages/bulk-delete`, { messages: [w.message.id, second.id] });
  },
  MESSAGE_REACTION_ADD: async (w) => {
    await w.other.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${encodeURIComponent('👍')}/@me`);
    await w.owner.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${encodeURIComponent('👍')}/@me`);
  },
  MESSAGE_REACTION_REMOVE: async (w) => {
    const emoji = encodeURIComponent('🎉');
    await w.other.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${emoji}/@me`);
    await w.owner.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${emoji}/@me`);
    await w.owner.api.ok.delete(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${emoji}/@me`);
  },
  MESSAGE_REACTION_REMOVE_ALL: async (w) => {
    await w.other.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${encodeURIComponent('👍')}/@me`);
    await w.owner.api.ok.delete(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions`);
  },
  MESSAGE_REACTION_REMOVE_EMOJI: async (w) => {
    for (const e of ['👍', '🎉']) await w.other.api.ok.put(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${encodeURIComponent(e)}/@me`);
    await w.owner.api.ok.delete(`/channels/${w.guild.generalId}/messages/${w.message.id}/reactions/${encodeURIComponent('👍')}`);
  },
  TYPING_START: (w) => w.other.api.ok.post(`/channels/${w.guild.generalId}/typing`),
  WEBHOOKS_UPDATE: (w) => w.owner.api.ok.post(`/channels/${w.guild.generalId}/webhooks`, { name: 'hook' }),
  CHANNEL_PINS_UPDATE: async (w) => {
    // Pinned (the flag, the pin notice) and unpinned again (the flag), both seen by the live session.
    await w.owner.api.ok.put(`/channels/${w.guild.generalId}/pins/${w.message.id}`);
    await w.live.next((f) => f.t === 'CHANNEL_PINS_UPDATE');
    await w.owner.api.ok.delete(`/channels/${w.guild.generalId}/messages/pins/${w.message.id}`);
  },
  PRESENCE_UPDATE: async (w) => {
    // Stays online until the end, so the fresh snapshot sees the same status.
    w.extra.push(await GatewayTester.identify(server.gatewayUrl, w.other.token));
  },
  USER_UPDATE: (w) => w.owner.api.ok.patch('/users/@me', { global_name: 'Owner Renamed' }),
  INTERACTION_CREATE: (w) => interact(w, () => ({ type: 4, data: { content: 'answered' } })),
  INTERACTION_SUCCESS: (w) => interact(w, () => ({ type: 5 })),
  // Unanswered: the failure comes after the response window (3 s).
  INTERACTION_FAILURE: (w) => interact(w, undefined),
  INTERACTION_MODAL_CREATE: (w) =>
    interact(w, () => ({ type: 9, data: { custom_id: 'm', title: 'Modal', components: [{ type: 1, components: [{ type: 4, custom_id: 't', style: 1, label: 'T' }] }] } })),
  APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE: (w) => interact(w, () => ({ type: 8, data: { choices: [{ name: 'a', value: 'a' }] } }), 4),
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: async (w) => {
    const bot = await newBot(w.owner.api);
    await addBot(w.owner.api, w.guild.id, bot);
    const cmd = await bot.api.ok.post<{ id: string }>(`/applications/${bot.applicationId}/guilds/${w.guild.id}/commands`, { name: 'mod', description: 'moderates' });
    await w.owner.api.ok.put(`/applications/${bot.applicationId}/guilds/${w.guild.id}/commands/${cmd.id}/permissions`, {
      permissions: [{ id: w.other.id, type: 2, permission: false }],
    });
  },
  VOICE_STATE_UPDATE: async (w) => {
    // The other joins and mutes; their session stays until the end, so the fresh snapshot sees them in the channel.
    const other = await GatewayTester.identify(server.gatewayUrl, w.other.token);
    w.extra.push(other);
    other.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: w.guild.id, channel_id: w.guild.voiceId, self_mute: false, self_deaf: false } });
    await w.live.next((f) => f.t === 'VOICE_STATE_UPDATE' && f.d.user_id === w.other.id);
    other.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: w.guild.id, channel_id: w.guild.voiceId, self_mute: true, self_deaf: false } });
  },
  VOICE_SERVER_UPDATE: async (w) => w.live.send({ op: GatewayOpcodes.VoiceStateUpdate, d: { guild_id: w.guild.id, channel_id: w.guild.voiceId, self_mute: false, self_deaf: false } }),
};

/** The same check for events of private channels (DMs, group DMs), where the guild table above uses guild channels. */
const privateActions: [EventName, string, (w: World) => Promise<unknown>][] = [
  ['CHANNEL_CREATE', 'a DM opened by its owner', (w) => w.owner.api.ok.post('/users/@me/channels', { recipient_id: w.other.id })],
  [
    'CHANNEL_CREATE',
    'a DM opened by the other side reaches the owner with its first message',
    async (w) => {
      const dm = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.owner.id });
      await w.other.api.ok.post(`/channels/${dm.id}/messages`, { content: 'hi in private' });
    },
  ],
  [
    'CHANNEL_UPDATE',
    'a group DM renamed',
    async (w) => {
      const group = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipients: [w.owner.id, w.other.id], name: 'before' });
      await w.other.api.ok.patch(`/channels/${group.id}`, { name: 'after' });
    },
  ],
  [
    'CHANNEL_UPDATE',
    'a group DM owner leaves: ownership moves',
    async (w) => {
      const third = await newUser(server.base, 'third');
      await join(w.owner.api, third.api, w.guild.generalId);
      const group = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipients: [w.owner.id, third.id] });
      await w.other.api.ok.delete(`/channels/${group.id}`);
    },
  ],
  [
    'CHANNEL_DELETE',
    'a DM closed',
    async (w) => {
      const dm = await w.owner.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.other.id });
      await w.owner.api.ok.delete(`/channels/${dm.id}`);
    },
  ],
  [
    'CHANNEL_DELETE',
    'removed from a group DM',
    async (w) => {
      const group = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipients: [w.owner.id, w.other.id] });
      await w.other.api.ok.delete(`/channels/${group.id}/recipients/${w.owner.id}`);
    },
  ],
  [
    'MESSAGE_CREATE',
    'DM messages count as mentions until read',
    async (w) => {
      const dm = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.owner.id });
      for (const content of ['one', 'two']) await w.other.api.ok.post(`/channels/${dm.id}/messages`, { content });
    },
  ],
  [
    'MESSAGE_ACK',
    'a DM read halfway',
    async (w) => {
      const dm = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.owner.id });
      const sent: Message[] = [];
      for (const content of ['one', 'two', 'three']) sent.push(await w.other.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content }));
      await w.live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === sent[2]!.id);
      await w.owner.api.ok.post(`/channels/${dm.id}/messages/${sent[1]!.id}/ack`, {});
    },
  ],
  [
    'RELATIONSHIP_ADD',
    'a friend blocked',
    async (w) => {
      await w.owner.api.ok.put(`/users/@me/relationships/${w.other.id}`, {});
      await w.other.api.ok.put(`/users/@me/relationships/${w.owner.id}`, {});
      await w.owner.api.ok.put(`/users/@me/relationships/${w.other.id}`, { type: 2 });
    },
  ],
  [
    'RELATIONSHIP_REMOVE',
    'a request cancelled',
    async (w) => {
      await w.owner.api.ok.put(`/users/@me/relationships/${w.other.id}`, {});
      await w.owner.api.ok.delete(`/users/@me/relationships/${w.other.id}`);
    },
  ],
  [
    'MESSAGE_UPDATE',
    'a DM message edited',
    async (w) => {
      const dm = await w.other.api.ok.post<{ id: string }>('/users/@me/channels', { recipient_id: w.owner.id });
      const m = await w.other.api.ok.post<Message>(`/channels/${dm.id}/messages`, { content: 'first' });
      await w.other.api.ok.patch(`/channels/${dm.id}/messages/${m.id}`, { content: 'second' });
    },
  ],
];

describe('snapshot + each event = fresh snapshot', () => {
  const cases: [EventName, string, (w: World) => Promise<unknown>][] = [
    ...(Object.keys(actions) as EventName[]).map((t): [EventName, string, (w: World) => Promise<unknown>] => [t, t, actions[t]]),
    ...privateActions.map(([t, name, f]): [EventName, string, (w: World) => Promise<unknown>] => [t, `${t}: ${name}`, f]),
  ];
  for (const [t, name, action] of cases) {
    it(name, async () => {
      const owner = await newUser(server.base, 'owner');
      const other = await newUser(server.base, 'other');
      const guild = await newGuild(owner.api, 'Events');
      await join(owner.api, other.api, guild.generalId);
      const message = await other.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'the message' });
      const w: World = { owner, other, guild, message, live: await GatewayTester.identify(server.gatewayUrl, owner.token), extra: [] };
      const sessions = [w.live];
      try {
        // The live session's state: its READY and GUILD_CREATEs, then the open channel's history.
        const start = await withHistory(fold(w.live.frames), owner, guild.generalId);
        const seen = w.live.frames.length;
        const before = w.live;
        await action(w);
        if (w.live !== before) sessions.push(w.live);
        // The event arrives on the session's socket (a resume's is a new one); READY is the snapshot's own.
        const from = w.live !== before || t === 'READY' ? 0 : seen;
        await w.live.next((f) => f.t === t, { from, what: t });
        // Everything the action published has arrived once a message sent after it has.
        const marker = await owner.api.ok.post<Message>(`/channels/${guild.generalId}/messages`, { content: 'marker' });
        await w.live.next((f) => f.t === 'MESSAGE_CREATE' && f.d.id === marker.id);
        const live = fold([...before.frames.slice(seen), ...(w.live !== before ? w.live.frames : [])], start);

        const fresh = await GatewayTester.identify(server.gatewayUrl, owner.token);
        sessions.push(fresh);
        let snapshot = fold(fresh.frames);
        for (const channelId of Object.keys(live.messages)) snapshot = await withHistory(snapshot, owner, channelId);
        expect(comparable(live)).toEqual(comparable(snapshot));
      } finally {
        for (const s of [...sessions, ...w.extra]) s.terminate();
      }
    });
  }
});
