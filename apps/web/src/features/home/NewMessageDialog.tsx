import { useMemo, useState, type FormEvent } from 'react';
import { RelationshipTypes, type User } from '@concord/protocol';
import { useStore } from '../../state/store';
import { Modal } from '../../components/Modal';
import { Avatar } from '../../components/Avatar';
import { displayName } from '../../components/util';
import { addRecipients, openConversation } from './actions';

/** Discord's group DM limit, the caller included. */
const MAX_OTHERS = 9;

/** "Select friends": people one is friends with or shares a server with; one opens a DM, several a group DM. */
export function NewMessageDialog({ onClose, addTo }: { onClose: () => void; addTo?: { id: string; recipientIds: string[] } }) {
  const me = useStore((s) => s.client.user);
  const users = useStore((s) => s.client.users);
  const relationships = useStore((s) => s.client.relationships);
  const guilds = useStore((s) => s.client.guilds);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const candidates = useMemo(() => {
    const ids = new Set<string>();
    for (const [id, r] of Object.entries(relationships)) if (r.type === RelationshipTypes.FRIEND) ids.add(id);
    for (const g of Object.values(guilds)) for (const id of Object.keys(g.members)) ids.add(id);
    ids.delete(me?.id ?? '');
    for (const id of addTo?.recipientIds ?? []) ids.delete(id);
    for (const [id, r] of Object.entries(relationships)) if (r.type === RelationshipTypes.BLOCKED) ids.delete(id);
    const people = [...ids].flatMap((id) => {
      const u = users[id] ?? Object.values(guilds).find((g) => g.members[id])?.members[id]?.user;
      return u ? [u] : [];
    });
    const friend = (u: User) => (relationships[u.id]?.type === RelationshipTypes.FRIEND ? 0 : 1);
    return people.sort((a, b) => friend(a) - friend(b) || displayName(a).localeCompare(displayName(b)));
  }, [relationships, guilds, users, me, addTo]);
  const room = MAX_OTHERS - (addTo?.recipientIds.length ?? 0);

  const q = query.trim().toLowerCase();
  const shown = candidates.filter((u) => !q || u.username.toLowerCase().includes(q) || displayName(u).toLowerCase().includes(q)).slice(0, 50);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : p.length >= room ? p : [...p, id]));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!picked.length) return;
    setBusy(true);
    if (addTo) await addRecipients(addTo.id, picked);
    else await openConversation(picked);
    setBusy(false);
    onClose();
  }

  return (
    <Modal title={addTo ? 'Add to group' : 'Select Friends'} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="picker">
        <p className="muted small">
          {picked.length >= room ? 'This group has a 10 member limit.' : `You can add ${room - picked.length} more ${room - picked.length === 1 ? 'person' : 'people'}.`}
        </p>
        <input type="search" aria-label="Type the username of a friend" placeholder="Type the username of a friend" value={query} onChange={(e) => setQuery(e.target.value)} />
        <ul className="picker-list" role="listbox" aria-multiselectable="true" aria-label="People">
          {shown.map((u) => (
            <li key={u.id}>
              <label className="picker-row">
                <Avatar id={u.id} name={displayName(u)} size={32} />
                <span className="picker-name">
                  {displayName(u)} {displayName(u) !== u.username && <span className="muted small">{u.username}</span>}
                </span>
                <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} aria-label={displayName(u)} />
              </label>
            </li>
          ))}
          {shown.length === 0 && <li className="muted small">No friends or server members found.</li>}
        </ul>
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || picked.length === 0}>
            {addTo ? 'Add' : picked.length > 1 ? 'Create Group DM' : 'Create DM'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
