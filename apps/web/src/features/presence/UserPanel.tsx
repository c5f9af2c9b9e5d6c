/**
 * The panel at the bottom of the channel list: your avatar with its status dot, your name and custom status.
 * Clicking it opens the status menu (online, idle, do not disturb, invisible) and the custom status dialog.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Avatar } from '../../components/Avatar';
import { Icon } from '../../components/Icon';
import { ProfileDialog } from '../attachments/ProfileDialog';
import { FormFooter, Modal } from '../../components/Modal';
import { displayName } from '../../components/util';
import { useStore } from '../../state/store';
import { chooseStatus, setCustomStatus, usePresenceChoice, type ChosenStatus } from './status';
import './presence.css';

const CHOICES: { status: ChosenStatus; label: string; hint?: string }[] = [
  { status: 'online', label: 'Online' },
  { status: 'idle', label: 'Idle' },
  { status: 'dnd', label: 'Do Not Disturb', hint: 'You will not get desktop notifications' },
  { status: 'invisible', label: 'Invisible', hint: 'You will appear offline, but still have access to everything' },
];

/** The dot for a chosen status: invisible shows as offline, as others see it. */
const dotOf = (s: ChosenStatus, afk: boolean) => (s === 'invisible' ? 'offline' : afk && s === 'online' ? 'idle' : s);

const EXPIRIES = [
  { label: "Don't clear", ms: null },
  { label: '30 minutes', ms: 30 * 60_000 },
  { label: '1 hour', ms: 60 * 60_000 },
  { label: '4 hours', ms: 4 * 60 * 60_000 },
  { label: 'Today', ms: -1 },
] as const;

/** `children`: the view's own buttons, before the avatar's (home adds Privacy & Safety). */
export function UserPanel({ children }: { children?: ReactNode }) {
  const me = useStore((s) => s.client.user);
  const { status, custom, afk } = usePresenceChoice();
  const [menu, setMenu] = useState(false);
  const [editing, setEditing] = useState(false);
  const [profile, setProfile] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setMenu(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [menu]);
  if (!me) return null;
  const name = displayName(me);
  const dot = dotOf(status, afk);
  const label = CHOICES.find((c) => c.status === status)!.label;
  const line = custom ? [custom.emoji, custom.text].filter(Boolean).join(' ') : label;
  return (
    <footer className="me" ref={ref}>
      <button type="button" className="me-button" aria-haspopup="menu" aria-expanded={menu} aria-label={`Set status (now ${label})`} onClick={() => setMenu((m) => !m)}>
        <span className="member-avatar">
          <Avatar id={me.id} name={name} size={32} />
          <span className={`status-dot ${dot}`} data-testid="my-status" data-status={dot} />
        </span>
        <span className="me-text">
          <span className="me-name">{name}</span>
          <span className="me-status" data-testid="my-custom-status">
            {line}
          </span>
        </span>
      </button>
      {menu && (
        <div className="status-menu" role="menu" aria-label="Status">
          {CHOICES.map((c) => (
            <button
              key={c.status}
              type="button"
              role="menuitemradio"
              aria-checked={status === c.status}
              onClick={() => {
                chooseStatus(c.status);
                setMenu(false);
              }}
            >
              <span className={`status-dot inline ${dotOf(c.status, false)}`} aria-hidden="true" />
              <span>
                {c.label}
                {c.hint && <small>{c.hint}</small>}
              </span>
            </button>
          ))}
          <hr />
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setMenu(false);
              setEditing(true);
            }}
          >
            {custom ? 'Edit custom status' : 'Set a custom status'}
          </button>
          {custom && (
            <button type="button" role="menuitem" onClick={() => (setCustomStatus(null), setMenu(false))}>
              Clear custom status
            </button>
          )}
        </div>
      )}
      {children}
      <button type="button" className="icon-button me-avatar" aria-label="Change avatar" title="Change avatar" onClick={() => setProfile(true)}>
        <Icon name="edit" size={18} />
      </button>
      {editing && <CustomStatusDialog onClose={() => setEditing(false)} />}
      {profile && <ProfileDialog onClose={() => setProfile(false)} />}
    </footer>
  );
}

function CustomStatusDialog({ onClose }: { onClose: () => void }) {
  const current = usePresenceChoice((s) => s.custom);
  const [emoji, setEmoji] = useState(current?.emoji ?? '');
  const [text, setText] = useState(current?.text ?? '');
  const [expiry, setExpiry] = useState(0);
  return (
    <Modal title="Set a custom status" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const ms = EXPIRIES[expiry]!.ms;
          const endOfDay = new Date();
          endOfDay.setHours(24, 0, 0, 0);
          setCustomStatus({ text: text.trim(), ...(emoji.trim() ? { emoji: emoji.trim() } : {}), expiresAt: ms === null ? null : ms === -1 ? endOfDay.getTime() : Date.now() + ms });
          onClose();
        }}
      >
        <div className="custom-status-row">
          <label className="sr-only" htmlFor="custom-status-emoji">
            Emoji
          </label>
          <input id="custom-status-emoji" className="custom-status-emoji" value={emoji} maxLength={8} placeholder="🙂" onChange={(e) => setEmoji(e.target.value)} />
          <label className="sr-only" htmlFor="custom-status-text">
            What's happening?
          </label>
          <input id="custom-status-text" value={text} maxLength={128} placeholder="What's happening?" onChange={(e) => setText(e.target.value)} />
        </div>
        <label>
          Clear after
          <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRIES.map((x, i) => (
              <option key={x.label} value={i}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <FormFooter error={null} busy={false} onCancel={onClose} submitLabel="Save" />
      </form>
    </Modal>
  );
}
