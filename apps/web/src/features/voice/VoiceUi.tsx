import { useEffect, useRef } from 'react';
import type { VoiceState } from '@concord/protocol';
import { useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { displayName } from '../../components/util';
import { leaveVoice, toggleCamera, toggleDeaf, toggleMute, toggleScreen, useVoice } from './voice';

const EMPTY: VoiceState[] = [];

/** Who is in a voice channel, from the guild's voice states (the reducer keeps them). */
export function useVoiceMembers(guildId: string, channelId: string): VoiceState[] {
  const states = useStore((s) => s.client.guilds[guildId]?.voiceStates);
  if (!states) return EMPTY;
  return Object.values(states).filter((v) => v.channel_id === channelId);
}

function useName(guildId: string, userId: string): string {
  const user = useStore((s) => s.client.users[userId]);
  const member = useStore((s) => s.client.guilds[guildId]?.members[userId]);
  return displayName(user, member);
}

/** One person under a voice channel in the sidebar: avatar with a speaking ring, and their mute state. */
function VoiceMember({ guildId, state }: { guildId: string; state: VoiceState }) {
  const name = useName(guildId, state.user_id);
  const speaking = useVoice((s) => s.speaking[state.user_id] ?? false);
  const muted = state.mute || state.self_mute || state.suppress;
  const deaf = state.deaf || state.self_deaf;
  return (
    <li className={`voice-member${speaking ? ' speaking' : ''}`} data-user-id={state.user_id} aria-label={`${name}${speaking ? ', speaking' : ''}${muted ? ', muted' : ''}${deaf ? ', deafened' : ''}`}>
      <span className="voice-avatar">
        <Avatar id={state.user_id} name={name} size={24} />
      </span>
      <span className="voice-name">{name}</span>
      {state.self_stream && <span className="live-badge">LIVE</span>}
      {state.self_video && <Icon name="camera" size={14} />}
      {deaf ? <Icon name="deafened" size={14} /> : muted ? <Icon name="micOff" size={14} /> : null}
    </li>
  );
}

export function VoiceChannelMembers({ guildId, channelId }: { guildId: string; channelId: string }) {
  const members = useVoiceMembers(guildId, channelId);
  if (members.length === 0) return null;
  return (
    <ul className="voice-members" aria-label="In the voice channel">
      {members.map((v) => (
        <VoiceMember key={v.user_id} guildId={guildId} state={v} />
      ))}
    </ul>
  );
}

/** The panel above the user's name while connected: where, how well, and the controls. */
export function VoicePanel() {
  const v = useVoice();
  const channel = useStore((s) => (v.channelId ? s.client.channels[v.channelId] : undefined));
  const guildName = useStore((s) => (v.guildId ? s.client.guilds[v.guildId]?.name : undefined));
  if (!v.channelId) return null;
  const label = v.status === 'connected' ? 'Voice Connected' : v.status === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  return (
    <section className="voice-panel" aria-label="Voice">
      <div className="voice-status">
        <span className={`voice-status-label ${v.status}`}>{label}</span>
        <span className="voice-where">
          {channel?.name ?? 'Voice'}
          {guildName ? ` / ${guildName}` : ''}
          {v.ping !== null ? ` · ${v.ping} ms` : ''}
        </span>
      </div>
      <div className="voice-controls">
        <button type="button" className={`icon-button${v.selfMute ? ' on' : ''}`} aria-pressed={v.selfMute} aria-label={v.selfMute ? 'Unmute' : 'Mute'} title={v.selfMute ? 'Unmute' : 'Mute'} onClick={toggleMute}>
          <Icon name={v.selfMute ? 'micOff' : 'mic'} />
        </button>
        <button type="button" className={`icon-button${v.selfDeaf ? ' on' : ''}`} aria-pressed={v.selfDeaf} aria-label={v.selfDeaf ? 'Undeafen' : 'Deafen'} title={v.selfDeaf ? 'Undeafen' : 'Deafen'} onClick={toggleDeaf}>
          <Icon name={v.selfDeaf ? 'deafened' : 'headphones'} />
        </button>
        <button type="button" className={`icon-button${v.camera ? ' sharing' : ''}`} aria-pressed={Boolean(v.camera)} aria-label={v.camera ? 'Turn off camera' : 'Turn on camera'} title="Camera" onClick={() => void toggleCamera()}>
          <Icon name="camera" />
        </button>
        <button type="button" className={`icon-button${v.screen ? ' sharing' : ''}`} aria-pressed={Boolean(v.screen)} aria-label={v.screen ? 'Stop sharing' : 'Share your screen'} title="Screen" onClick={() => void toggleScreen()}>
          <Icon name="screen" />
        </button>
        <button type="button" className="icon-button danger" aria-label="Disconnect" title="Disconnect" onClick={leaveVoice}>
          <Icon name="hangup" />
        </button>
      </div>
    </section>
  );
}

function Video({ track, stream, label }: { track?: MediaStreamTrack; stream?: MediaStream | null; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    ref.current.srcObject = stream ?? (track ? new MediaStream([track]) : null);
  }, [track, stream]);
  return <video ref={ref} autoPlay playsInline muted aria-label={label} />;
}

function Tile({ guildId, state }: { guildId: string; state: VoiceState }) {
  const me = useStore((s) => s.client.user?.id);
  const name = useName(guildId, state.user_id);
  const speaking = useVoice((s) => s.speaking[state.user_id] ?? false);
  const remote = useVoice((s) => s.remote[state.user_id]);
  const local = useVoice((s) => (state.user_id === me ? s.camera : null));
  const screen = useVoice((s) => (state.user_id === me ? s.screen : null));
  const showVideo = state.user_id === me ? Boolean(local) : state.self_video && Boolean(remote?.video);
  return (
    <>
      <figure className={`voice-tile${speaking ? ' speaking' : ''}`} data-user-id={state.user_id}>
        {showVideo ? <Video track={remote?.video} stream={local} label={`${name}'s camera`} /> : <Avatar id={state.user_id} name={name} size={72} />}
        <figcaption>{name}</figcaption>
      </figure>
      {(screen || (state.self_stream && remote?.screen)) && (
        <figure className="voice-tile screen" data-user-id={state.user_id}>
          <Video track={remote?.screen} stream={screen} label={`${name}'s screen`} />
          <figcaption>{name}'s screen</figcaption>
        </figure>
      )}
    </>
  );
}

/** A voice channel opened: everyone in it, cameras and screens in a grid; a button to join when not in. */
export function VoiceView({ guildId, channelId, onJoin }: { guildId: string; channelId: string; onJoin(): void }) {
  const members = useVoiceMembers(guildId, channelId);
  const here = useVoice((s) => s.channelId === channelId);
  return (
    <div className="voice-view">
      {members.length > 0 ? (
        <div className="voice-grid" data-count={Math.min(members.length, 9)}>
          {members.map((v) => (
            <Tile key={v.user_id} guildId={guildId} state={v} />
          ))}
        </div>
      ) : (
        <p className="voice-empty">No one is here yet.</p>
      )}
      {!here && (
        <button type="button" className="primary voice-join" onClick={onJoin}>
          Join Voice
        </button>
      )}
    </div>
  );
}
