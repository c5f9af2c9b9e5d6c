import { useEffect, useState } from 'react';
import { useStore } from '../../state/store';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { MessageList } from '../messages/MessageList';
import { Composer } from '../messages/Composer';
import { TypingIndicator } from '../messages/TypingIndicator';
import { Icon } from '../../components/Icon';
import { PinsButton } from '../pins/PinsPopout';
import { openDrawer } from '../layout/ui';
import { ChannelTypes } from '@concord/protocol';
import { VoiceView } from '../voice/VoiceUi';
import { joinVoice } from '../voice/voice';

export function ChannelView({ guildId, channelId }: { guildId: string; channelId: string }) {
  const channel = useStore((s) => s.client.channels[channelId]);
  const me = useStore((s) => s.client.user);
  // Bumped on every send so the list jumps to the bottom even when the reader had scrolled up.
  const [sent, setSent] = useState(0);
  const guildName = useStore((s) => s.client.guilds[guildId]?.name);
  useEffect(() => {
    document.title = channel?.name ? `#${channel.name} · ${guildName ?? ''} — Concord` : 'Concord';
  }, [channel?.name, guildName]);
  if (!channel || !me) return <main className="channel-view empty">Channel not found.</main>;
  const name = channel.name ?? 'channel';
  return (
    <main className="channel-view" aria-label={`#${name}`}>
      <header className="channel-header">
        <button type="button" className="icon-button drawer-toggle" aria-label="Open channels" onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        <h1>
          {channel.type === ChannelTypes.GUILD_VOICE ? <Icon name="speaker" size={18} /> : <span aria-hidden="true">#</span>} {name}
        </h1>
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <PinsButton channelId={channelId} guildId={guildId} />
        <button type="button" className="icon-button drawer-toggle" aria-label="Show members" onClick={() => openDrawer('right')}>
          <Icon name="members" size={22} />
        </button>
      </header>
      <ConnectionBanner />
      {channel.type === ChannelTypes.GUILD_VOICE && <VoiceView guildId={guildId} channelId={channelId} onJoin={() => void joinVoice(guildId, channelId)} />}
      <MessageList key={channelId} channelId={channelId} channelName={name} me={me} stickSignal={sent} />
      <Composer key={`c${channelId}`} channelId={channelId} channelName={name} onSent={() => setSent((n) => n + 1)} />
      <TypingIndicator channelId={channelId} guildId={guildId} />
    </main>
  );
}
