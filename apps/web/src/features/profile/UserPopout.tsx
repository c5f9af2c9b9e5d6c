/**
 * The user popout (click a name or avatar in a message, a mention, or a member): banner, avatar with status,
 * display name and username, custom status or activity, roles in this server, and "Message" for a DM.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { PresenceStatus } from '@concord/protocol';
import { Avatar } from '../../components/Avatar';
import { displayName, hueFor } from '../../components/util';
import { useStore } from '../../state/store';
import { openConversation } from '../home/actions';
import { activityLine } from '../members/MemberList';
import { rolesByRank } from '../settings/actions';
import { closePopout, usePopout } from './popout';
import { usePresenceLine } from '../presence/lastSeen';
import './profile.css';

const STATUS_LABEL: Record<PresenceStatus, string> = { online: 'Online', idle: 'Idle', dnd: 'Do Not Disturb', offline: 'Offline' };
const WIDTH = 300;

export function UserPopout() {
  const open = usePopout((s) => s.open);
  const path = useStore((s) => s.path);
  // Navigating anywhere closes it.
  useEffect(() => closePopout(), [path]);
  return open ? <Popout key={open.userId} {...open} /> : null;
}

function Popout({ userId, guildId, rect }: NonNullable<ReturnType<typeof usePopout.getState>['open']>) {
  const user = useStore((s) => s.client.users[userId] ?? (guildId ? s.client.guilds[guildId]?.members[userId]?.user : undefined));
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const member = guild?.members[userId];
  const me = useStore((s) => s.client.user?.id);
  const connected = useStore((s) => s.connection.state === 'ready');
  const status: PresenceStatus = useStore((s) => (connected ? (s.client.presences[userId] ?? 'offline') : 'offline'));
  const activity = useStore((s) => (connected ? activityLine(s.client.activities[userId]) : undefined));
  const line = usePresenceLine(userId === me ? undefined : userId);
  const lastSeen = status === 'offline' && line?.startsWith('Last seen') ? line : undefined;
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number }>({ left: -9999, top: 0 });

  // Beside what was clicked: to its right, or to its left when that is the right side of the window (the member
  // list); on a phone, across the width. Kept inside the window either way.
  useLayoutEffect(() => {
    const h = ref.current?.offsetHeight ?? 300;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const width = Math.min(WIDTH, vw - 16);
    let left = rect.right + 8;
    if (vw <= 760) left = (vw - width) / 2;
    else if (left + width > vw - 8 || rect.left > vw * 0.6) left = rect.left - width - 8;
    setPos({ left: Math.max(8, left), top: Math.max(8, Math.min(vw <= 760 ? rect.bottom + 8 : rect.top, vh - h - 8)) });
  }, [rect]);

  useEffect(() => {
    const away = (e: MouseEvent) => {
      const t = e.target as Element;
      // The click that opened another popout handles itself.
      if (!ref.current?.contains(t) && !t.closest?.('[data-popout-trigger]')) closePopout();
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && closePopout();
    window.addEventListener('mousedown', away);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('keydown', esc);
    };
  }, []);

  if (!user) return null;
  const name = displayName(user, member);
  const roles = guild && member ? rolesByRank(guild).filter((r) => r.id !== guild.id && member.roles.includes(r.id)) : [];
  const message = () => {
    closePopout();
    void openConversation([userId]);
  };
  return createPortal(
    <div className="user-popout" role="dialog" aria-label={name} ref={ref} style={{ ...pos, width: Math.min(WIDTH, window.innerWidth - 16) }} data-testid="user-popout">
      <div className="user-popout-banner" style={{ background: `hsl(${hueFor(userId)} 45% 40%)` }} />
      <div className="user-popout-avatar">
        <Avatar id={userId} name={name} size={80} />
        <span className={`status-dot ${status}`} role="img" aria-label={STATUS_LABEL[status]} title={STATUS_LABEL[status]} />
      </div>
      <div className="user-popout-body">
        <h2 className="user-popout-name">{name}</h2>
        <p className="user-popout-username">
          {user.username}
          {user.bot && <span className="badge">BOT</span>}
        </p>
        <p className="user-popout-status" data-testid="popout-status">
          {STATUS_LABEL[status]}
          {activity ? ` · ${activity}` : ''}
        </p>
        {lastSeen && (
          <p className="user-popout-last-seen" data-testid="popout-last-seen">
            {lastSeen}
          </p>
        )}
        {guild && (
          <section className="user-popout-section">
            <h3>{roles.length ? 'Roles' : 'No roles'}</h3>
            {roles.length > 0 && (
              <ul className="user-popout-roles" data-testid="popout-roles">
                {roles.map((r) => (
                  <li key={r.id} className="user-popout-role">
                    <span className="role-dot" style={{ background: r.color ? `#${r.color.toString(16).padStart(6, '0')}` : '#99aab5' }} aria-hidden="true" />
                    {r.name}
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
        {userId !== me && !user.bot && (
          <button type="button" className="user-popout-message" onClick={message}>
            Message @{user.username}
          </button>
        )}
      </div>
    </div>,
    document.body,
  );
}
