/** Server settings > Bans and > Invites, laid out as Discord's: a searchable ban list with revoke, and the active invite links. */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Invite } from '@concord/protocol';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { listBans, listInvites, revokeBan, revokeInvite, type Ban } from './actions';

export function BansTab({ guildId }: { guildId: string }) {
  const [bans, setBans] = useState<Ban[] | null>(null);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Ban | null>(null);
  useEffect(() => {
    let live = true;
    void listBans(guildId).then((list) => live && setBans(list ?? []));
    return () => {
      live = false;
    };
  }, [guildId]);
  const q = query.trim().toLowerCase();
  const shown = (bans ?? []).filter((b) => !q || b.user.id === q || b.user.username.toLowerCase().includes(q) || (b.user.global_name ?? '').toLowerCase().includes(q));
  const revoke = async (userId: string) => {
    if (!(await revokeBan(guildId, userId))) return;
    setBans((list) => list?.filter((b) => b.user.id !== userId) ?? null);
    setOpen(null);
  };
  return (
    <section className="settings-section">
      <h1>Bans</h1>
      <p className="settings-hint">Bans are by account. Banned people cannot rejoin through any invite until their ban is revoked.</p>
      <div className="list-toolbar">
        <span className="list-count">{bans === null ? 'Loading…' : `${bans.length} ${bans.length === 1 ? 'Ban' : 'Bans'}`}</span>
        <input className="settings-search" type="search" placeholder="Search Bans by User Id or Username" aria-label="Search bans" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {bans !== null && shown.length === 0 && <p className="settings-empty list-empty">{bans.length === 0 ? 'No bans. Nobody has been banned from this server.' : 'No bans match that search.'}</p>}
      <ul className="ban-list" aria-label="Banned users">
        {shown.map((b) => (
          <li key={b.user.id}>
            <button type="button" className="ban-row" aria-label={`Ban of ${b.user.username}`} onClick={() => setOpen(b)}>
              <Avatar id={b.user.id} name={b.user.global_name ?? b.user.username} size={32} />
              <span className="ban-name">{b.user.global_name ?? b.user.username}</span>
              {b.user.global_name && b.user.global_name !== b.user.username && <span className="ban-username">{b.user.username}</span>}
            </button>
          </li>
        ))}
      </ul>
      {open && <BanDialog ban={open} onClose={() => setOpen(null)} onRevoke={() => void revoke(open.user.id)} />}
    </section>
  );
}

/** Discord's ban card: who, why, and "Revoke Ban". */
function BanDialog({ ban, onClose, onRevoke }: { ban: Ban; onClose: () => void; onRevoke: () => void }) {
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), onClose());
    window.addEventListener('keydown', esc, true);
    return () => window.removeEventListener('keydown', esc, true);
  }, [onClose]);
  return createPortal(
    <div className="mod-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="mod-dialog" role="dialog" aria-modal="true" aria-label={`Ban of ${ban.user.username}`}>
        <h3>@{ban.user.username}</h3>
        <div className="ban-reason-label">Ban reason</div>
        <p className="ban-reason">{ban.reason ?? 'No reason given.'}</p>
        <div className="mod-dialog-buttons">
          <button type="button" className="link-danger" onClick={onRevoke}>
            Revoke Ban
          </button>
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}

/** Time left as Discord's invites list shows it: d:hh:mm (or hh:mm:ss under a day); "∞" when it never expires. */
export function timeLeft(expiresAt: string | null, now: number): string {
  if (!expiresAt) return '∞';
  const s = Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}:${pad(h)}:${pad(m)}` : `${pad(h)}:${pad(m)}:${pad(s % 60)}`;
}

export function InvitesTab({ guildId }: { guildId: string }) {
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let live = true;
    void listInvites(guildId).then((list) => live && setInvites(list ?? []));
    // The expiry column counts down, as on Discord.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      live = false;
      clearInterval(tick);
    };
  }, [guildId]);
  const revoke = async (code: string) => {
    if (await revokeInvite(code)) setInvites((list) => list?.filter((i) => i.code !== code) ?? null);
  };
  const list = (invites ?? []).filter((i) => !i.expires_at || Date.parse(i.expires_at) > now);
  return (
    <section className="settings-section">
      <h1>Invites</h1>
      <p className="settings-hint">Here is a list of all active invite links. You can revoke any one.</p>
      {invites !== null && list.length === 0 && <p className="settings-empty list-empty">No invites yet. Invite people from the channel list to make one.</p>}
      {list.length > 0 && (
        <table className="invite-table" aria-label="Active invites">
          <thead>
            <tr>
              <th>Inviter</th>
              <th>Invite code</th>
              <th>Uses</th>
              <th>Expires</th>
              <th>
                <span className="sr-only">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => {
              const who = i.inviter ? (i.inviter.global_name ?? i.inviter.username) : 'Unknown';
              return (
                <tr key={i.code} data-code={i.code}>
                  <td>
                    <div className="invite-inviter">
                      {i.inviter && <Avatar id={i.inviter.id} name={who} size={24} />}
                      <span>{who}</span>
                    </div>
                  </td>
                  <td className="invite-code">
                    <code>{i.code}</code>
                    {i.channel?.name && <span className="invite-channel">#{i.channel.name}</span>}
                  </td>
                  <td className="invite-uses">{i.max_uses ? `${i.uses ?? 0}/${i.max_uses}` : (i.uses ?? 0)}</td>
                  <td className="invite-expires">{timeLeft(i.expires_at, now)}</td>
                  <td className="invite-revoke">
                    <button type="button" aria-label={`Revoke invite ${i.code}`} title="Revoke invite" onClick={() => void revoke(i.code)}>
                      <Icon name="close" size={16} />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
