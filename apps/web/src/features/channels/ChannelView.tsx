import { useEffect, useState, type DragEvent } from 'react';
import { addFiles } from '../attachments/uploads';
import { useStore } from '../../state/store';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { MessageList } from '../messages/MessageList';
import { Composer } from '../messages/Composer';
import { TypingIndicator } from '../messages/TypingIndicator';
import { Icon } from '../../components/Icon';
import { PinsButton } from '../pins/PinsPopout';
import { openDrawer } from '../layout/ui';

export function ChannelView({ guildId, channelId }: { guildId: string; channelId: string }) {
  const channel = useStore((s) => s.client.channels[channelId]);
  const me = useStore((s) => s.client.user);
  // Bumped on every send so the list jumps to the bottom even when the reader had scrolled up.
  const [sent, setSent] = useState(0);
  const guildName = useStore((s) => s.client.guilds[guildId]?.name);
  useEffect(() => {
    document.title = channel?.name ? `#${channel.name} · ${guildName ?? ''} — Concord` : 'Concord';
  }, [channel?.name, guildName]);
  const [dragging, setDragging] = useState(0);
  if (!channel || !me) return <main className="channel-view empty">Channel not found.</main>;
  const name = channel.name ?? 'channel';
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  return (
    <main
      className="channel-view"
      aria-label={`#${name}`}
      // Counted, because entering a child fires dragenter on it before dragleave on the parent.
      onDragEnter={(e) => hasFiles(e) && setDragging((n) => n + 1)}
      onDragLeave={(e) => hasFiles(e) && setDragging((n) => Math.max(0, n - 1))}
      onDragOver={(e) => hasFiles(e) && e.preventDefault()}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(0);
        addFiles(channelId, e.dataTransfer.files);
      }}
    >
      {dragging > 0 && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Upload to #{name}
        </div>
      )}
      <header className="channel-header">
        <button type="button" className="icon-button drawer-toggle" aria-label="Open channels" onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        <h1>
          <span aria-hidden="true">#</span> {name}
        </h1>
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <PinsButton channelId={channelId} guildId={guildId} />
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
