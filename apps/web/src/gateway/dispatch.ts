/**
 * Owns the GatewayClient and applies what it says to the store: every dispatch goes through the protocol
 * reducer, typing gets its own expiring map, and acks and connection changes drive the outbox.
 */
import { GatewayClient, type GatewayDispatch, type WebSocketConstructor } from '@concord/client';
import { GatewayIntents, initialClientState, reduce } from '@concord/protocol';
import { onAck, reconcile, restoreOutbox, setTransport } from '../state/outbox';
import { invalidateHistory } from '../features/messages/actions';
import { expectGuilds, pinsChanged } from '../features/layout/ui';
import { presencePayload, usePresenceChoice, watchIdle } from '../features/presence/status';
import { getState, navigate, notify, saveToken, setState } from '../state/store';
import { onAutocomplete, onInteractionCreate, onInteractionFailure, onInteractionSuccess, onModal } from '../features/commands/state';
import { onVoiceDispatch, rejoinVoice, setVoiceTransport } from '../features/voice/voice';
import { onThreadMembersUpdate } from '../features/threads/members';
import { onPresenceLastSeen } from '../features/presence/lastSeen';

export const TYPING_SHOWN_MS = 10_000;

const INTENTS =
  GatewayIntents.Guilds |
  GatewayIntents.GuildMembers |
  GatewayIntents.GuildExpressions |
  GatewayIntents.GuildPresences |
  GatewayIntents.GuildMessages |
  GatewayIntents.GuildMessageTyping |
  GatewayIntents.GuildMessageReactions |
  GatewayIntents.DirectMessages |
  GatewayIntents.DirectMessageTyping |
  GatewayIntents.DirectMessageReactions |
  GatewayIntents.GuildVoiceStates |
  GatewayIntents.MessageContent;

let gateway: GatewayClient | null = null;
let stopPresence: (() => void) | null = null;

export function connectGateway(token: string): void {
  gateway?.disconnect();
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/gateway`;
  const gw = new GatewayClient({
    url,
    token,
    intents: INTENTS,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    properties: { os: navigator.platform || 'web', browser: 'Concord Web', device: '' },
    presence: presencePayload(),
  });
  gateway = gw;
  // A new status, custom status or idle change goes out at once (and with every later Identify).
  stopPresence?.();
  const unsubscribe = usePresenceChoice.subscribe((next, prev) => {
    if (next.status !== prev.status || next.custom !== prev.custom || next.afk !== prev.afk) gw.updatePresence(presencePayload(next));
  });
  const unwatch = watchIdle();
  stopPresence = () => {
    unsubscribe();
    unwatch();
  };
  gw.on('dispatch', onDispatch);
  gw.on('ack', onAck);
  gw.on('state', (state) => {
    setState((s) => ({ connection: { ...s.connection, state, retryAt: state === 'reconnecting' ? s.connection.retryAt : null } }));
    setVoiceTransport(state === 'ready' ? (op, d) => gw.send(op, d) : null);
    setTransport(
      state === 'ready'
        ? (e) =>
            gw.sendMessage(
              e.channelId,
              e.nonce,
              e.content,
              e.replyTo
                ? {
                    // A reply to a message deleted meanwhile still goes out, as a plain message.
                    message_reference: { message_id: e.replyTo.messageId, fail_if_not_exists: false },
                    ...(e.replyTo.mention ? {} : { allowed_mentions: { parse: ['users', 'roles', 'everyone'], replied_user: false } }),
                  }
                : {},
            )
        : null,
    );
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
  stopPresence?.();
  stopPresence = null;
  gateway?.disconnect();
  gateway = null;
  setTransport(null);
  setVoiceTransport(null);
}

function onDispatch(ev: GatewayDispatch): void {
  const wasUser = getState().client.user;
  // A re-identify keeps the guilds READY still lists until their GUILD_CREATE replaces them (see ReduceOptions).
  setState((s) => ({ client: reduce(s.client, ev, { carryOver: true }) }));
  switch (ev.t) {
    case 'READY':
      expectGuilds(ev.d.guilds.map((g) => g.id));
      if (!wasUser) void restoreOutbox(ev.d.user.id);
      rejoinVoice();
      return;
    case 'VOICE_STATE_UPDATE':
    case 'VOICE_SERVER_UPDATE':
      onVoiceDispatch(ev);
      return;
    case 'CHANNEL_CREATE':
    case 'CHANNEL_DELETE': {
      // A conversation left (or closed) and joined again: its history is fetched afresh, not taken for complete.
      const id = ev.d.id;
      if (!ev.d.guild_id && getState().history[id]) {
        setState((s) => {
          const history = { ...s.history };
          delete history[id];
          return { history };
        });
      }
      // Removed from the group (or it was closed elsewhere) while looking at it: back home, as on Discord.
      if (ev.t === 'CHANNEL_DELETE' && !ev.d.guild_id && getState().path === `/channels/@me/${id}`) navigate('/channels/@me', true);
      return;
    }
    case 'CHANNEL_PINS_UPDATE':
      pinsChanged(ev.d.channel_id);
      return;
    case 'THREAD_MEMBERS_UPDATE':
      onThreadMembersUpdate(ev.d);
      return;
    case 'PRESENCE_UPDATE':
      onPresenceLastSeen(ev.d);
      return;
    case 'INTERACTION_CREATE':
      onInteractionCreate(ev.d as Parameters<typeof onInteractionCreate>[0]);
      return;
    case 'INTERACTION_SUCCESS':
      onInteractionSuccess(ev.d);
      return;
    case 'INTERACTION_FAILURE':
      onInteractionFailure(ev.d);
      return;
    case 'INTERACTION_MODAL_CREATE':
      onModal(ev.d);
      return;
    case 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE':
      onAutocomplete(ev.d);
      return;
    case 'TYPING_START': {
      const d = ev.d;
      if (d.user_id === getState().client.user?.id) return;
      setState((s) => ({ typing: { ...s.typing, [d.channel_id]: { ...s.typing[d.channel_id], [d.user_id]: Date.now() + TYPING_SHOWN_MS } } }));
      return;
    }
    case 'MESSAGE_CREATE': {
      const m = ev.d;
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
