import { useEffect, useState } from 'react';
import { useStore } from '../../state/store';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { MessageList } from '../messages/MessageList';
import { Composer } from '../messages/Composer';
import { TypingIndicator } from '../messages/TypingIndicator';
import { Icon } from '../../components/Icon';
import { PinsButton } from '../pins/PinsPopout';
import { openDrawer } from '../layout/ui';
import { ThreadsButton } from '../threads/ThreadsButton';
import { ForumView } from '../threads/ForumView';
import { SearchBox } from '../search/SearchBox';

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
  if (channel.type === 15 || channel.type === 16) return <ForumView guildId={guildId} channelId={channelId} />;
  const name = channel.name ?? 'channel';
  return (
    <main className="channel-view" aria-label={`#${name}`}>
      <header className="channel-header">
        <button type="button" className="icon-button drawer-toggle" aria-label="Open channels" onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        <h1>
          <span aria-hidden="true">#</span> {name}
        </h1>
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <span className="header-tools">
          <ThreadsButton channelId={channelId} />
          <PinsButton channelId={channelId} guildId={guildId} />
        </span>
        <SearchBox guildId={guildId} />
        <button type="button" className="icon-button drawer-toggle" aria-label="Show members" onClick={() => openDrawer('right')}>
          <Icon name="members" size={22} />
        </button>
      </header>
      <ConnectionBanner />
      <MessageList key={channelId} channelId={channelId} channelName={name} me={me} stickSignal={sent} />
      <Composer key={`c${channelId}`} channelId={channelId} channelName={name} onSent={() => setSent((n) => n + 1)} />
      <TypingIndicator channelId={channelId} guildId={guildId} />
    </main>
  );
}
