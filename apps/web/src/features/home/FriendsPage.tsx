import { useState, type FormEvent } from 'react';
import { RelationshipTypes, type ClientRelationship, type User } from '@concord/protocol';
import { useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { ConnectionBanner } from '../../components/ConnectionBanner';
import { displayName } from '../../components/util';
import { openDrawer } from '../layout/ui';
import { addFriend, befriend, block, openConversation, removeRelationship } from './actions';

type Tab = 'online' | 'all' | 'pending' | 'blocked' | 'add';

const T = RelationshipTypes;
const TABS: [Tab, string][] = [
  ['online', 'Online'],
  ['all', 'All'],
  ['pending', 'Pending'],
  ['blocked', 'Blocked'],
];

/** Discord's friends page: online, all, pending and blocked lists, and adding a friend by username. */
export function FriendsPage() {
  const [tab, setTab] = useState<Tab>('online');
  const relationships = useStore((s) => s.client.relationships);
  const users = useStore((s) => s.client.users);
  const presences = useStore((s) => s.client.presences);
  const pendingCount = Object.values(relationships).filter((r) => r.type === T.INCOMING_REQUEST).length;
  const me = useStore((s) => s.client.user);
  const guildCount = useStore((s) => Object.keys(s.client.guilds).length);
  const nobody = Object.keys(relationships).length === 0;

  const rows = Object.entries(relationships)
    .filter(([id, r]) => {
      if (tab === 'online') return r.type === T.FRIEND && (presences[id] ?? 'offline') !== 'offline';
      if (tab === 'all') return r.type === T.FRIEND;
      if (tab === 'pending') return r.type === T.INCOMING_REQUEST || r.type === T.OUTGOING_REQUEST;
      return tab === 'blocked' && r.type === T.BLOCKED;
    })
    .map(([id, r]) => ({ id, r, user: users[id] }))
    .filter((x): x is { id: string; r: ClientRelationship; user: User } => Boolean(x.user))
    .sort((a, b) => displayName(a.user).localeCompare(displayName(b.user)));

  const heading = { online: 'Online', all: 'All friends', pending: 'Pending', blocked: 'Blocked', add: '' }[tab];
  return (
    <main className="channel-view friends" aria-label="Friends">
      <header className="channel-header friends-header">
        <button type="button" className="icon-button drawer-toggle" aria-label="Open conversations" onClick={() => openDrawer('left')}>
          <Icon name="menu" size={22} />
        </button>
        <h1>
          <Icon name="members" size={22} /> Friends
        </h1>
        <nav className="tabs" aria-label="Friends lists">
          {TABS.map(([id, label]) => (
            <button key={id} type="button" className={`tab${tab === id ? ' active' : ''}`} aria-pressed={tab === id} onClick={() => setTab(id)}>
              {label}
              {id === 'pending' && pendingCount > 0 && <span className="mention-badge">{pendingCount}</span>}
            </button>
          ))}
          <button type="button" className={`tab add-friend${tab === 'add' ? ' active' : ''}`} aria-pressed={tab === 'add'} onClick={() => setTab('add')}>
            Add Friend
          </button>
        </nav>
      </header>
      <ConnectionBanner />
      <div className="friends-body">
        {tab === 'add' ? (
          <AddFriend />
        ) : (
          <>
            <h2 className="friends-count">
              {heading} — {rows.length}
            </h2>
            {nobody && tab !== 'blocked' ? (
              <div className="friends-welcome">
                <h2>Welcome, {me ? (me.global_name ?? me.username) : ''}</h2>
                <p className="muted">
                  {guildCount ? 'Pick a server on the left, ' : 'Create a server with the + button on the left, open an invite link, '}or add a friend by their username.
                </p>
                <button type="button" className="primary" onClick={() => setTab('add')}>
                  Add Friend
                </button>
              </div>
            ) : rows.length === 0 ? (
              <p className="muted friends-empty">
                {tab === 'online' ? 'No one is around to play with.' : tab === 'pending' ? 'There are no pending friend requests.' : tab === 'blocked' ? "You can't unblock the Wumpus." : 'No friends yet: add one by their username.'}
              </p>
            ) : (
              <ul className="friend-list">
                {rows.map(({ id, r, user }) => (
                  <FriendRow key={id} user={user} type={r.type} status={presences[id] ?? 'offline'} />
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </main>
  );
}

function FriendRow({ user, type, status }: { user: User; type: number; status: string }) {
  const name = displayName(user);
  const sub =
    type === T.INCOMING_REQUEST ? 'Incoming Friend Request' : type === T.OUTGOING_REQUEST ? 'Outgoing Friend Request' : type === T.BLOCKED ? 'Blocked' : status === 'dnd' ? 'Do Not Disturb' : status[0]!.toUpperCase() + status.slice(1);
  return (
    <li className="friend-row" data-testid="friend-row" data-user-id={user.id}>
      <span className="member-avatar">
        <Avatar id={user.id} name={name} size={32} />
        {type === T.FRIEND && <span className={`status-dot ${status}`} aria-hidden="true" />}
      </span>
      <span className="friend-text">
        <span className="friend-name">
          {name} {name !== user.username && <span className="muted small">{user.username}</span>}
        </span>
        <span className="muted small">{sub}</span>
      </span>
      <span className="friend-actions">
        {type === T.FRIEND && (
          <>
            <button type="button" className="round" title="Message" aria-label={`Message ${name}`} onClick={() => void openConversation([user.id])}>
              <Icon name="send" size={18} />
            </button>
            <button type="button" className="round" title="Remove Friend" aria-label={`Remove ${name}`} onClick={() => void removeRelationship(user.id)}>
              <Icon name="close" size={18} />
            </button>
            <button type="button" className="round" title="Block" aria-label={`Block ${name}`} onClick={() => void block(user.id)}>
              <Icon name="block" size={18} />
            </button>
          </>
        )}
        {type === T.INCOMING_REQUEST && (
          <>
            <button type="button" className="round accept" title="Accept" aria-label={`Accept ${name}`} onClick={() => void befriend(user.id)}>
              <Icon name="check" size={18} />
            </button>
            <button type="button" className="round" title="Ignore" aria-label={`Ignore ${name}`} onClick={() => void removeRelationship(user.id)}>
              <Icon name="close" size={18} />
            </button>
          </>
        )}
        {type === T.OUTGOING_REQUEST && (
          <button type="button" className="round" title="Cancel" aria-label={`Cancel request to ${name}`} onClick={() => void removeRelationship(user.id)}>
            <Icon name="close" size={18} />
          </button>
        )}
        {type === T.BLOCKED && (
          <button type="button" className="round" title="Unblock" aria-label={`Unblock ${name}`} onClick={() => void removeRelationship(user.id)}>
            <Icon name="close" size={18} />
          </button>
        )}
      </span>
    </li>
  );
}

function AddFriend() {
  const [name, setName] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const username = name.trim();
    if (!username) return;
    setBusy(true);
    const error = await addFriend(username);
    setBusy(false);
    setResult(error ? { ok: false, text: error.includes('DiscordTag') ? "Hm, didn't work. Double check that the username is correct." : error } : { ok: true, text: `Success! Your friend request to ${username} was sent.` });
    if (!error) setName('');
  }
  return (
    <section className="add-friend-panel" aria-label="Add Friend">
      <h2>Add Friend</h2>
      <p className="muted">You can add friends with their Concord username.</p>
      <form onSubmit={(e) => void submit(e)} className={`add-friend-form${result ? (result.ok ? ' ok' : ' bad') : ''}`}>
        <input aria-label="Username" placeholder="You can add friends with their username." value={name} maxLength={32} onChange={(e) => (setName(e.target.value), setResult(null))} />
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          Send Friend Request
        </button>
      </form>
      {result && (
        <p className={result.ok ? 'form-ok' : 'form-error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
