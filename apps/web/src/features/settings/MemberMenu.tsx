import { useEffect, useRef, useState } from 'react';
import { Permissions, isCommunicationDisabled } from '@concord/protocol';
import { useStore } from '../../state/store';
import { ban, kick, powers, rolesByRank, setMemberRole, timeout } from './actions';
import './settings.css';

/** Kick, ban and timeout buttons for one member, shown only to those who may (permission and hierarchy). */
export function MemberActions({ guildId, userId, name, onDone }: { guildId: string; userId: string; name: string; onDone?: () => void }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  if (!guild || !me) return null;
  const p = powers(guild, me.id);
  if (!p.canActOn(userId)) return null;
  const member = guild.members[userId];
  const timedOut = member ? isCommunicationDisabled(member) : false;
  const done = () => onDone?.();
  return (
    <div className="member-actions">
      {p.has(Permissions.MODERATE_MEMBERS) && (
        <button type="button" onClick={() => void timeout(guildId, userId, timedOut ? null : 60).then(done)}>
          {timedOut ? `Remove timeout` : `Timeout ${name}`}
        </button>
      )}
      {p.has(Permissions.KICK_MEMBERS) && (
        <button type="button" className="danger" onClick={() => window.confirm(`Kick ${name}? They can rejoin with an invite.`) && void kick(guildId, userId).then(done)}>
          Kick {name}
        </button>
      )}
      {p.has(Permissions.BAN_MEMBERS) && (
        <button type="button" className="danger" onClick={() => window.confirm(`Ban ${name}? Their messages of the last hour are deleted.`) && void ban(guildId, userId, 3600).then(done)}>
          Ban {name}
        </button>
      )}
    </div>
  );
}

/** The member context menu (right-click in the member list): roles to toggle and the moderation actions. */
export function MemberMenu({ guildId, userId, name, x, y, onClose }: { guildId: string; userId: string; name: string; x: number; y: number; onClose: () => void }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  const ref = useRef<HTMLDivElement>(null);
  const [pos] = useState(() => ({ left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - 320) }));
  useEffect(() => {
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
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
      {roles.length === 0 && !p.canActOn(userId) && <div className="menu-empty">Nothing you can do here.</div>}
    </div>
  );
}
