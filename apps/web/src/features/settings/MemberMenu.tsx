import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Permissions, isCommunicationDisabled } from '@concord/protocol';
import { useStore } from '../../state/store';
import { Icon } from '../../components/Icon';
import { ban, kick, powers, rolesByRank, setMemberRole, timeout } from './actions';
import { openPopoutAt } from '../profile/popout';
import { openConversation } from '../home/actions';
import { copyText } from '../../components/Menu';
import './settings.css';

type ModAction = 'timeout' | 'kick' | 'ban';

const TIMEOUTS: [number, string][] = [
  [1, '60 seconds'],
  [5, '5 minutes'],
  [10, '10 minutes'],
  [60, '1 hour'],
  [1440, '1 day'],
  [10080, '1 week'],
];
const BAN_PURGE: [number, string][] = [
  [0, "Don't delete any"],
  [3600, 'Previous hour'],
  [86400, 'Previous 24 hours'],
  [604800, 'Previous 7 days'],
];

/**
 * Kick, ban and timeout for one member, shown only to those who may (permission and hierarchy). Each opens a
 * confirmation with a reason, which the audit log records.
 */
export function MemberActions({ guildId, userId, name, onDone }: { guildId: string; userId: string; name: string; onDone?: () => void }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  const [open, setOpen] = useState<ModAction | null>(null);
  if (!guild || !me) return null;
  const p = powers(guild, me.id);
  if (!p.canActOn(userId)) return null;
  const member = guild.members[userId];
  const timedOut = member ? isCommunicationDisabled(member) : false;
  const done = () => {
    setOpen(null);
    onDone?.();
  };
  return (
    <div className="member-actions">
      {p.has(Permissions.MODERATE_MEMBERS) &&
        (timedOut ? (
          <button type="button" aria-label={`Remove timeout from ${name}`} onClick={() => void timeout(guildId, userId, null).then(done)}>
            Remove timeout
          </button>
        ) : (
          <button type="button" aria-label={`Timeout ${name}`} onClick={() => setOpen('timeout')}>
            Timeout
          </button>
        ))}
      {p.has(Permissions.KICK_MEMBERS) && (
        <button type="button" className="danger" aria-label={`Kick ${name}`} onClick={() => setOpen('kick')}>
          Kick
        </button>
      )}
      {p.has(Permissions.BAN_MEMBERS) && (
        <button type="button" className="danger" aria-label={`Ban ${name}`} onClick={() => setOpen('ban')}>
          Ban
        </button>
      )}
      {open && <ModerationDialog action={open} guildId={guildId} userId={userId} name={name} onCancel={() => setOpen(null)} onDone={done} />}
    </div>
  );
}

/** Discord's confirmation: what happens, the reason for the audit log, and the action's own choice. */
function ModerationDialog({ action, guildId, userId, name, onCancel, onDone }: { action: ModAction; guildId: string; userId: string; name: string; onCancel: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState(60);
  const [purge, setPurge] = useState(0);
  const [busy, setBusy] = useState(false);
  const title = action === 'timeout' ? `Timeout ${name}` : action === 'kick' ? `Kick ${name} from the server` : `Ban ${name}`;
  const help =
    action === 'timeout'
      ? 'They can read, but not send messages, react or join voice until the timeout ends.'
      : action === 'kick'
        ? 'They can rejoin with a new invite.'
        : 'They are removed and cannot rejoin until unbanned.';
  const submit = async () => {
    setBusy(true);
    const why = reason.trim() || undefined;
    const ok = action === 'timeout' ? await timeout(guildId, userId, minutes, why) : action === 'kick' ? await kick(guildId, userId, why) : await ban(guildId, userId, purge, why);
    setBusy(false);
    if (ok) onDone();
  };
  // On body, above any transformed drawer; the menu that opened it ignores clicks in it (see MemberMenu).
  return createPortal(
    <div className="mod-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <form
        className="mod-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}
      >
        <h3>{title}</h3>
        <p className="mod-dialog-help">{help}</p>
        {action === 'timeout' && (
          <label>
            Duration
            <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
              {TIMEOUTS.map(([m, label]) => (
                <option key={m} value={m}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
        {action === 'ban' && (
          <label>
            Delete message history
            <select value={purge} onChange={(e) => setPurge(Number(e.target.value))}>
              {BAN_PURGE.map(([s, label]) => (
                <option key={s} value={s}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Reason
          <textarea name="reason" maxLength={512} rows={3} placeholder="Shown in the audit log" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
        </label>
        <div className="mod-dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="danger-solid" disabled={busy}>
            {action === 'timeout' ? 'Timeout' : action === 'kick' ? 'Kick' : 'Ban'}
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}

/**
 * The member context menu (right-click in the member list or on an author in a message): the profile, a DM and the
 * id for everyone, then the roles to toggle and the moderation actions for those who may.
 */
export function MemberMenu({ guildId, userId, name, x, y, onClose }: { guildId: string; userId: string; name: string; x: number; y: number; onClose: () => void }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  const ref = useRef<HTMLDivElement>(null);
  const [pos] = useState(() => ({ left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - 320) }));
  useEffect(() => {
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && !(e.target as Element).closest?.('.mod-dialog-backdrop') && onClose();
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('mousedown', away);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('keydown', esc);
    };
  }, [onClose]);
  if (!guild || !me) return null;
  const p = powers(guild, me.id);
  const member = guild.members[userId];
  const roles = p.has(Permissions.MANAGE_ROLES) ? rolesByRank(guild).filter((r) => r.id !== guildId && !r.managed && p.canManageRole(r)) : [];
  return (
    <div className="member-menu" role="menu" aria-label={`Actions for ${name}`} ref={ref} style={pos}>
      <div className="member-actions">
        <button type="button" role="menuitem" onClick={() => (onClose(), openPopoutAt(userId, guildId, { left: x, right: x, top: y, bottom: y }))}>
          Profile
        </button>
        {userId !== me.id && !member?.user?.bot && (
          <button type="button" role="menuitem" onClick={() => (onClose(), void openConversation([userId]))}>
            Message
          </button>
        )}
        <button type="button" role="menuitem" onClick={() => (onClose(), void copyText(userId))}>
          Copy User ID
        </button>
      </div>
      {roles.length > 0 && <div className="menu-title">Roles</div>}
      {roles.map((r) => {
        const has = member?.roles.includes(r.id) ?? false;
        return (
          <label key={r.id} className="menu-check">
            <input type="checkbox" checked={has} onChange={() => void setMemberRole(guildId, userId, r.id, !has)} />
            {r.name}
          </label>
        );
      })}
      <MemberActions guildId={guildId} userId={userId} name={name} onDone={onClose} />
    </div>
  );
}

/** Under the button, right-aligned with it, kept on screen. */
function placeUnder(el: Element): { left: number; top: number } {
  const r = el.getBoundingClientRect();
  return { left: Math.max(8, Math.min(r.right - 188, window.innerWidth - 196)), top: Math.min(r.bottom + 4, window.innerHeight - 140) };
}

/**
 * The "..." button at the end of a member's row in Server settings > Members, as on Discord: one same-sized button
 * per row, opening a menu with the moderation actions this user may take on that member (none: no button).
 */
export function MemberRowMenu({ guildId, userId, name }: { guildId: string; userId: string; name: string }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  const close = () => setPos(null);
  useEffect(() => {
    if (!pos) return;
    const away = (e: MouseEvent) => {
      const t = e.target as Element;
      if (menu.current?.contains(t) || button.current?.contains(t) || t.closest?.('.mod-dialog-backdrop')) return;
      setPos(null);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setPos(null);
    // The menu stays under its button when the window changes size (a phone turned, a window resized).
    const follow = () => button.current && setPos(placeUnder(button.current));
    window.addEventListener('mousedown', away);
    window.addEventListener('keydown', esc);
    window.addEventListener('resize', follow);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('keydown', esc);
      window.removeEventListener('resize', follow);
    };
  }, [pos]);
  if (!guild || !me) return null;
  const p = powers(guild, me.id);
  const any = p.has(Permissions.MODERATE_MEMBERS) || p.has(Permissions.KICK_MEMBERS) || p.has(Permissions.BAN_MEMBERS);
  if (!any || !p.canActOn(userId)) return <span className="row-more-spacer" aria-hidden="true" />;
  const open = () => setPos(placeUnder(button.current!));
  return (
    <>
      <button ref={button} type="button" className="row-more" aria-label={`More actions for ${name}`} aria-haspopup="menu" aria-expanded={pos !== null} title="More" onClick={() => (pos ? close() : open())}>
        <Icon name="more" size={20} />
      </button>
      {pos &&
        createPortal(
          <div className="member-menu row-menu" role="menu" aria-label={`Actions for ${name}`} ref={menu} style={pos}>
            <MemberActions guildId={guildId} userId={userId} name={name} onDone={close} />
          </div>,
          document.body,
        )}
    </>
  );
}
