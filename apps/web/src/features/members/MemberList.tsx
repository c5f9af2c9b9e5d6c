import { useMemo } from 'react';
import { useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { displayName } from '../../components/util';

/**
 * Members from GUILD_CREATE (small guilds come with all of them) kept current by GUILD_MEMBER_* events.
 * Concord does not track presence yet, so nobody is shown as online or offline.
 */
export function MemberList({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const members = useMemo(
    () =>
      Object.values(guild?.members ?? {})
        .filter((m) => m.user)
        .map((m) => ({ id: m.user!.id, name: displayName(m.user, m), bot: Boolean(m.user!.bot) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [guild],
  );
  if (!guild) return null;
  return (
    <aside className="members" aria-label="Members">
      <h3>Members — {guild.member_count}</h3>
      <ul data-testid="member-list">
        {members.map((m) => (
          <li key={m.id} className="member">
            <Avatar id={m.id} name={m.name} size={32} />
            <span className="member-name">{m.name}</span>
            {m.id === guild.owner_id && (
              <span className="badge" title="Server owner">
                owner
              </span>
            )}
            {m.bot && <span className="badge">bot</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
