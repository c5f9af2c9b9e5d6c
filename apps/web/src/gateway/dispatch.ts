/**
 * Owns the GatewayClient and applies what it says to the store: every dispatch goes through the protocol
 * reducer, typing gets its own expiring map, and acks and connection changes drive the outbox.
 */
import { GatewayClient, type GatewayDispatch, type WebSocketConstructor } from '@concord/client';
import { GatewayIntents, initialClientState, reduce, type ClientState, type GuildCreateData, type Message, type ReadyData, type TypingStartData } from '@concord/protocol';
import { onAck, reconcile, restoreOutbox, setTransport } from '../state/outbox';
import { invalidateHistory } from '../features/messages/actions';
import { getState, notify, saveToken, setState } from '../state/store';

export const TYPING_SHOWN_MS = 10_000;

const INTENTS =
  GatewayIntents.Guilds |
  GatewayIntents.GuildMembers |
  GatewayIntents.GuildPresences |
  GatewayIntents.GuildMessages |
  GatewayIntents.GuildMessageTyping |
  GatewayIntents.MessageContent;

let gateway: GatewayClient | null = null;

export function connectGateway(token: string): void {
  gateway?.disconnect();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/gateway`;
  const gw = new GatewayClient({
    url,
    token,
    intents: INTENTS,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    properties: { os: navigator.platform || 'web', browser: 'Concord Web', device: '' },
  });
  gateway = gw;
  gw.on('dispatch', onDispatch);
  gw.on('ack', onAck);
  gw.on('state', (state) => {
    setState((s) => ({ connection: { ...s.connection, state, retryAt: state === 'reconnecting' ? s.connection.retryAt : null } }));
    setTransport(state === 'ready' ? (channelId, nonce, content) => gw.sendMessage(channelId, nonce, content) : null);
  });
  gw.on('close', ({ code, reason, willReconnect, delayMs }) => {
    if (willReconnect) {
      setState((s) => ({ connection: { ...s.connection, retryAt: Date.now() + delayMs } }));
      return;
    }
    setState((s) => ({ connection: { ...s.connection, fatal: reason || `closed (${code})` } }));
    if (code === 4004) {
      notify('Your session has expired. Log in again.');
      saveToken(null);
      setState({ client: initialClientState, history: {}, outbox: {}, typing: {} });
    }
  });
  // A new session replaced the old one: the reducer started from the new READY, and history must be
  // fetched again (the open channel reloads itself when its history entry disappears).
  gw.on('resync', invalidateHistory);
  gw.connect();
}

export function disconnectGateway(): void {
  gateway?.disconnect();
  gateway = null;
  setTransport(null);
}

/**
 * A fresh READY resets the reducer's state. For a re-identify of the same user, guilds and channels it still
 * lists are kept until their GUILD_CREATE replaces them, so the open channel (and its composer draft) does not
 * vanish for a moment. Messages are not kept: the gap may hide edits, deletes or more than a page of messages,
 * so loaded history is fetched again (see `resync`).
 */
function carryOver(prev: ClientState, next: ClientState, ready: ReadyData): ClientState {
  if (prev.user?.id !== ready.user.id) return next;
  const listed = new Set(ready.guilds.map((g) => g.id));
  const guilds = Object.fromEntries(Object.entries(prev.guilds).filter(([id]) => listed.has(id)));
  const channels = Object.fromEntries(Object.entries(prev.channels).filter(([, c]) => c.guild_id && listed.has(c.guild_id)));
  return { ...next, guilds, channels, users: { ...prev.users, ...next.users } };
}

/** GUILD_CREATE adds channels; ones deleted while we were away must also go. */
function dropStaleChannels(state: ClientState, guild: GuildCreateData): ClientState {
  const current = new Set(guild.channels.map((c) => c.id));
  const stale = Object.values(state.channels).filter((c) => c.guild_id === guild.id && !current.has(c.id));
  if (!stale.length) return state;
  const channels = { ...state.channels };
  for (const c of stale) delete channels[c.id];
  return { ...state, channels };
}

function onDispatch(ev: GatewayDispatch): void {
  const wasUser = getState().client.user;
  setState((s) => {
    let client = reduce(s.client, ev);
    if (ev.t === 'READY') client = carryOver(s.client, client, ev.d as ReadyData);
    if (ev.t === 'GUILD_CREATE') client = dropStaleChannels(client, ev.d as GuildCreateData);
    return { client };
  });
  switch (ev.t) {
    case 'READY':
      if (!wasUser) void restoreOutbox(ev.d.user.id);
      return;
    case 'TYPING_START': {
      const d = ev.d as TypingStartData;
      if (d.user_id === getState().client.user?.id) return;
      setState((s) => ({ typing: { ...s.typing, [d.channel_id]: { ...s.typing[d.channel_id], [d.user_id]: Date.now() + TYPING_SHOWN_MS } } }));
      return;
    }
    case 'MESSAGE_CREATE': {
      const m = ev.d as Message;
      // Someone who sent a message has stopped typing.
      if (getState().typing[m.channel_id]?.[m.author.id]) {
        setState((s) => {
          const inChannel = { ...s.typing[m.channel_id] };
          delete inChannel[m.author.id];
          return { typing: { ...s.typing, [m.channel_id]: inChannel } };
        });
      }
      reconcile();
      return;
    }
    default:
      return;
  }
}
