import { useEffect, useMemo } from 'react';
import type { Member } from '@concord/protocol';
import { reportError, rest } from '../../state/api';
import { setState, useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { displayName } from '../../components/util';

/**
 * Members from GUILD_CREATE (small guilds come with all of them) kept current by GUILD_MEMBER_* events;
 * a large guild's list is fetched once over REST. Concord does not track presence yet, so nobody is shown
 * as online or offline.
 */
export function MemberList({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const known = Object.keys(guild?.members ?? {}).length;
  const missing = guild ? guild.member_count > known : false;

  useEffect(() => {
    if (!missing) return;
    let live = true;
    rest.listMembers(guildId, { limit: 1000 }).then((list) => live && mergeMembers(guildId, list), reportError);
    return () => {
      live = false;
    };
  }, [guildId, missing]);
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

function mergeMembers(guildId: string, list: Member[]): void {
  setState((s) => {
    const g = s.client.guilds[guildId];
    if (!g) return {};
    const members = { ...g.members };
    // Events that arrived meanwhile are newer than the page: keep them.
    for (const m of list) if (m.user && !members[m.user.id]) members[m.user.id] = m;
    return { client: { ...s.client, guilds: { ...s.client.guilds, [guildId]: { ...g, members } } } };
  });
}
