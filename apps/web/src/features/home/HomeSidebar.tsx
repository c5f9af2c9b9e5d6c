import { useMemo, useState } from 'react';
import { ChannelTypes, RelationshipTypes, type Channel } from '@concord/protocol';
import { navigate, useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { closeDrawer } from '../layout/ui';
import { badgeText, channelUnread } from '../unread/unread';
import { NewMessageDialog } from './NewMessageDialog';
import { PrivacySettings } from './PrivacySettings';
import { closeConversation } from './actions';
import { UserPanel } from '../presence/UserPanel';
import { byActivity, conversationName } from './names';

/** Home's sidebar, as on Discord: Friends, then the DMs and group DMs by last activity, with unread badges. */
export function HomeSidebar({ channelId }: { channelId: string | null }) {
  const channels = useStore((s) => s.client.channels);
  const me = useStore((s) => s.client.user);
  const pendingIn = useStore((s) => Object.values(s.client.relationships).filter((r) => r.type === RelationshipTypes.INCOMING_REQUEST).length);
  const [picking, setPicking] = useState(false);
  const [privacy, setPrivacy] = useState(false);
  const list = useMemo(() => Object.values(channels).filter((c) => !c.guild_id && (c.type === ChannelTypes.DM || c.type === ChannelTypes.GROUP_DM)).sort(byActivity), [channels]);
  const go = (path: string) => {
    navigate(path);
    closeDrawer();
  };
  return (
    <aside className="sidebar home-sidebar" aria-label="Direct messages">
      <header className="sidebar-header">
        <button type="button" className="search-button" onClick={() => setPicking(true)}>
          Find or start a conversation
        </button>
      </header>
      <div className="channel-groups">
        <a
          href="/channels/@me"
          className={`channel home-link${channelId ? '' : ' active'}`}
          aria-current={channelId ? undefined : 'page'}
          onClick={(e) => (e.preventDefault(), go('/channels/@me'))}
        >
          <Icon name="members" size={20} /> Friends
          {pendingIn > 0 && (
            <span className="mention-badge" aria-label={`${pendingIn} pending requests`}>
              {badgeText(pendingIn)}
            </span>
          )}
        </a>
        <div className="category">
          <span>Direct Messages</span>
          <button type="button" className="icon-button" title="Create DM" aria-label="Create DM" onClick={() => setPicking(true)}>
            <Icon name="plus" size={16} />
          </button>
        </div>
        <ul className="dm-list">
          {list.map((c) => (
            <DmItem key={c.id} channel={c} active={c.id === channelId} onOpen={() => go(`/channels/@me/${c.id}`)} />
          ))}
          {list.length === 0 && <li className="muted small dm-empty">No conversations yet.</li>}
        </ul>
      </div>
      {me && (
        <UserPanel>
          <button type="button" className="icon-button me-settings" title="Privacy & Safety" aria-label="Privacy & Safety" onClick={() => setPrivacy(true)}>
            <Icon name="shield" size={18} />
          </button>
        </UserPanel>
      )}
      {picking && <NewMessageDialog onClose={() => setPicking(false)} />}
      {privacy && <PrivacySettings onClose={() => setPrivacy(false)} />}
    </aside>
  );
}

function DmItem({ channel: c, active, onOpen }: { channel: Channel; active: boolean; onOpen: () => void }) {
  const name = useStore((s) => conversationName(s.client, c));
  const isUnread = useStore((s) => channelUnread(s.client, c.id).unread);
  const mentions = useStore((s) => channelUnread(s.client, c.id).mentions);
  const unread = { unread: isUnread, mentions };
  const other = c.type === ChannelTypes.DM ? c.recipients?.[0] : undefined;
  const status = useStore((s) => (other ? (s.client.presences[other.id] ?? 'offline') : undefined));
  const group = c.type === ChannelTypes.GROUP_DM;
  return (
    <li className={`dm-item${active ? ' active' : ''}${unread.unread && !active ? ' unread' : ''}`} data-testid="dm-item" data-channel-id={c.id}>
      <a href={`/channels/@me/${c.id}`} aria-current={active ? 'page' : undefined} onClick={(e) => (e.preventDefault(), onOpen())}>
        <span className="member-avatar">
          <Avatar id={other?.id ?? c.id} name={name} size={32} />
          {status && <span className={`status-dot ${status}`} aria-hidden="true" />}
        </span>
        <span className="dm-text">
          <span className="dm-name">{name}</span>
          {group && <span className="dm-sub">{(c.recipients?.length ?? 0) + 1} Members</span>}
        </span>
        {unread.mentions > 0 && !active && (
          <span className="mention-badge" data-testid="dm-badge" aria-label={`${unread.mentions} unread`}>
            {badgeText(unread.mentions)}
          </span>
        )}
      </a>
      <button
        type="button"
        className="icon-button dm-close"
        title={group ? 'Leave group' : 'Close DM'}
        aria-label={group ? `Leave ${name}` : `Close DM with ${name}`}
        onClick={() => void closeConversation(c.id, active)}
      >
        <Icon name="close" size={16} />
      </button>
    </li>
  );
}
