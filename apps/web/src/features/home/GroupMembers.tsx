import { useMemo, useState } from 'react';
import type { PresenceStatus, User } from '@concord/protocol';
import { useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { displayName } from '../../components/util';
import { activityLine } from '../members/MemberList';
import { NewMessageDialog } from './NewMessageDialog';
import { removeRecipient } from './actions';

/** Discord's group DM limit, the owner included. */
export const GROUP_LIMIT = 10;

const STATUS_LABEL: Record<PresenceStatus, string> = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', offline: 'Offline' };

/**
 * A group DM's member list, as Discord shows it on the right: everyone in it (oneself included) by name, the owner
 * with a crown. The owner may remove anyone; everyone may add people up to the limit (leaving is in the header). What changes comes
 * back as CHANNEL_RECIPIENT_ADD / _REMOVE and CHANNEL_UPDATE.
 */
export function GroupMembers({ channelId }: { channelId: string }) {
  const channel = useStore((s) => s.client.channels[channelId]);
  const me = useStore((s) => s.client.user);
  const users = useStore((s) => s.client.users);
  const presences = useStore((s) => s.client.presences);
  const activities = useStore((s) => s.client.activities);
  const connected = useStore((s) => s.connection.state === 'ready');
  const [adding, setAdding] = useState(false);
  const rows = useMemo(() => {
    const people: User[] = [...(me ? [me] : []), ...(channel?.recipients ?? []).map((u) => users[u.id] ?? u)];
    return people
      .map((u) => ({
        id: u.id,
        name: displayName(u),
        bot: Boolean(u.bot),
        // Oneself is online while connected, whatever the presence map says.
        status: connected ? (u.id === me?.id ? (presences[u.id] ?? 'online') : (presences[u.id] ?? 'offline')) : ('offline' as const),
        activity: connected ? activityLine(activities[u.id]) : undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [channel, me, users, presences, activities, connected]);
  if (!channel || !me) return null;
  const owner = channel.owner_id === me.id;
  const full = rows.length >= GROUP_LIMIT;
  return (
    <aside className="members group-members" aria-label="Members">
      <div className="group-members-head">
        <h3>Members — {rows.length}</h3>
        <button
          type="button"
          className="icon-button"
          title={full ? 'This group has a 10 member limit' : 'Add people'}
          aria-label="Add members"
          disabled={full}
          onClick={() => setAdding(true)}
        >
          <Icon name="invite" size={18} />
        </button>
      </div>
      <ul data-testid="group-members">
        {rows.map((m) => (
          <li key={m.id} className={`member status-${m.status}`} data-status={m.status} data-testid="group-member" data-user-id={m.id}>
            <span className="member-avatar">
              <Avatar id={m.id} name={m.name} size={32} />
              <span className={`status-dot ${m.status}`} role="img" aria-label={STATUS_LABEL[m.status]} title={STATUS_LABEL[m.status]} />
            </span>
            <span className="member-text">
              <span className="member-name">
                {m.name}
                {m.id === channel.owner_id && (
                  <span className="owner-crown" role="img" aria-label="Group owner" title="Group Owner">
                    <Icon name="crown" size={14} />
                  </span>
                )}
              </span>
              {m.activity && <span className="member-activity">{m.activity}</span>}
            </span>
            {m.bot && <span className="badge">bot</span>}
            {owner && m.id !== me.id && (
              <button type="button" className="icon-button member-action danger" title="Remove from group" aria-label={`Remove ${m.name} from group`} onClick={() => void removeRecipient(channelId, m.id)}>
                <Icon name="close" size={16} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {adding && <NewMessageDialog addTo={{ id: channelId, recipientIds: (channel.recipients ?? []).map((u) => u.id) }} onClose={() => setAdding(false)} />}
    </aside>
  );
}
