import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import { ChannelTypes } from '@concord/protocol';
import { addFiles } from '../attachments/uploads';
import { useStore } from '../../state/store';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { MessageList } from '../messages/MessageList';
import { Composer } from '../messages/Composer';
import { TypingIndicator } from '../messages/TypingIndicator';
import { Icon } from '../../components/Icon';
import { Modal, FormFooter } from '../../components/Modal';
import { PinsButton } from '../pins/PinsPopout';
import { openDrawer, toggleGroupMembers, useLayout } from '../layout/ui';
import { ThreadsButton } from '../threads/ThreadsButton';
import { ForumView } from '../threads/ForumView';
import { SearchBox } from '../search/SearchBox';
import { conversationName } from '../home/names';
import { closeConversation, renameGroup } from '../home/actions';
import { NewMessageDialog } from '../home/NewMessageDialog';
import { GROUP_LIMIT } from '../home/GroupMembers';
import { VoiceView } from '../voice/VoiceUi';
import { joinVoice } from '../voice/voice';
import { RestrictedNotice } from '../settings/RestrictedNotice';
import { usePresenceLine } from '../presence/lastSeen';

/** A guild text channel, or (without a guild) a DM or group DM. */
export function ChannelView({ guildId, channelId }: { guildId: string | null; channelId: string }) {
  const channel = useStore((s) => s.client.channels[channelId]);
  const me = useStore((s) => s.client.user);
  // Bumped on every send so the list jumps to the bottom even when the reader had scrolled up.
  const [sent, setSent] = useState(0);
  const [renaming, setRenaming] = useState(false);
  const [adding, setAdding] = useState(false);
  const guildName = useStore((s) => (guildId ? s.client.guilds[guildId]?.name : undefined));
  const privateName = useStore((s) => (channel && !guildId ? conversationName(s.client, channel) : undefined));
  const isPrivate = !guildId;
  const group = channel?.type === ChannelTypes.GROUP_DM;
  const membersHidden = useLayout((s) => s.groupMembersHidden);
  // A 1:1 DM's header says whether the other person is online, or when they were last seen.
  const peerLine = usePresenceLine(isPrivate && !group ? channel?.recipients?.[0]?.id : undefined);
  useEffect(() => {
    document.title = isPrivate ? `${group ? '' : '@'}${privateName ?? ''} — Concord` : channel?.name ? `#${channel.name} · ${guildName ?? ''} — Concord` : 'Concord';
  }, [channel?.name, guildName, privateName, isPrivate, group]);
  const [dragging, setDragging] = useState(0);
  if (!channel || !me) return <main className="channel-view empty">Channel not found.</main>;
  if (guildId && (channel.type === 15 || channel.type === 16)) return <ForumView guildId={guildId} channelId={channelId} />;
  const name = (isPrivate ? privateName : channel.name) ?? 'channel';
  const label = isPrivate ? (group ? name : `@${name}`) : `#${name}`;
  const title = (
    <h1>
      {isPrivate ? (
        <span aria-hidden="true" className="muted">
          {group ? <Icon name="members" size={20} /> : <Icon name="at" size={20} />}
        </span>
      ) : channel.type === ChannelTypes.GUILD_VOICE ? (
        <Icon name="speaker" size={18} />
      ) : (
        <span aria-hidden="true">#</span>
      )}{' '}
      {name}
    </h1>
  );
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  return (
    <main
      className="channel-view"
      aria-label={label}
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
          Upload to {label}
        </div>
      )}
      <header className="channel-header">
        <button type="button" className="icon-button drawer-toggle" aria-label={isPrivate ? 'Open conversations' : 'Open channels'} onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        {isPrivate && !group ? (
          // Name and presence line stack on a phone, as in WhatsApp's chat header.
          <div className="dm-title">
            {title}
            {peerLine && (
              <p className="dm-presence" data-testid="dm-presence">
                {peerLine}
              </p>
            )}
          </div>
        ) : (
          title
        )}
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <span className="header-tools">
          {!isPrivate && <ThreadsButton channelId={channelId} />}
          <PinsButton channelId={channelId} guildId={guildId} />
        </span>
        {guildId && <SearchBox guildId={guildId} />}
        {group && (
          <>
            <button
              type="button"
              className="icon-button"
              title={(channel.recipients?.length ?? 0) + 1 >= GROUP_LIMIT ? 'This group has a 10 member limit' : 'Add people'}
              aria-label="Add people"
              disabled={(channel.recipients?.length ?? 0) + 1 >= GROUP_LIMIT}
              onClick={() => setAdding(true)}
            >
              <Icon name="invite" size={20} />
            </button>
            <button type="button" className="icon-button" title="Rename group" aria-label="Rename group" onClick={() => setRenaming(true)}>
              <Icon name="edit" size={20} />
            </button>
            <button type="button" className="icon-button" title="Leave group" aria-label="Leave group" onClick={() => void closeConversation(channelId, true)}>
              <Icon name="logout" size={20} />
            </button>
            <button
              type="button"
              className={`icon-button group-members-toggle${membersHidden ? '' : ' on'}`}
              title={membersHidden ? 'Show Member List' : 'Hide Member List'}
              aria-label={membersHidden ? 'Show Member List' : 'Hide Member List'}
              aria-pressed={!membersHidden}
              onClick={toggleGroupMembers}
            >
              <Icon name="members" size={20} />
            </button>
          </>
        )}
        {(!isPrivate || group) && (
          <button type="button" className="icon-button drawer-toggle" aria-label="Show members" onClick={() => openDrawer('right')}>
            <Icon name="members" size={22} />
          </button>
        )}
      </header>
      <ConnectionBanner />
      {guildId && channel.type === ChannelTypes.GUILD_VOICE && <VoiceView guildId={guildId} channelId={channelId} onJoin={() => void joinVoice(guildId, channelId)} />}
      <MessageList key={channelId} channelId={channelId} channelName={label} me={me} stickSignal={sent} />
      {guildId && <RestrictedNotice guildId={guildId} />}
      <Composer key={`c${channelId}`} channelId={channelId} channelName={label} onSent={() => setSent((n) => n + 1)} />
      <TypingIndicator channelId={channelId} guildId={guildId} />
      {adding && <NewMessageDialog addTo={{ id: channelId, recipientIds: (channel.recipients ?? []).map((u) => u.id) }} onClose={() => setAdding(false)} />}
      {renaming && <RenameGroup channelId={channelId} current={channel.name ?? ''} onClose={() => setRenaming(false)} />}
    </main>
  );
}

function RenameGroup({ channelId, current, onClose }: { channelId: string; current: string; onClose: () => void }) {
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const ok = await renameGroup(channelId, name.trim() || null);
    setBusy(false);
    if (ok) onClose();
  }
  return (
    <Modal title="Rename group" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Group name
          <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="Leave empty to name it after its members" />
        </label>
        <FormFooter error={null} busy={busy} onCancel={onClose} submitLabel="Save" />
      </form>
    </Modal>
  );
}
