import { useEffect, useMemo } from 'react';
import type { Member, PresenceStatus } from '@concord/protocol';
import { reportError, rest } from '../../state/api';
import { setState, useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { displayName } from '../../components/util';

/**
 * Members from GUILD_CREATE (small guilds come with all of them) kept current by GUILD_MEMBER_* events;
 * a large guild's list is fetched once over REST. Grouped as Discord does: online (any status but
 * offline) first, then offline, each by name; the dot shows the status.
 */
export function MemberList({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const presences = useStore((s) => s.client.presences);
  // Disconnected, nobody's status is known: no one is shown online (the banner says why).
  const connected = useStore((s) => s.connection.state === 'ready');
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
        .map((m) => ({ id: m.user!.id, name: displayName(m.user, m), bot: Boolean(m.user!.bot), status: connected ? (presences[m.user!.id] ?? 'offline') : ('offline' as const) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [guild, presences, connected],
  );
  if (!guild) return null;
  const online = members.filter((m) => m.status !== 'offline');
  const offline = members.filter((m) => m.status === 'offline');
  return (
    <aside className="members" aria-label="Members">
      <h3>Online — {online.length}</h3>
      <MemberItems members={online} ownerId={guild.owner_id} testId="member-list" />
      {offline.length > 0 && <h3>Offline — {offline.length}</h3>}
      <MemberItems members={offline} ownerId={guild.owner_id} testId="member-list-offline" />
    </aside>
  );
}

interface Row {
  id: string;
  name: string;
  bot: boolean;
  status: PresenceStatus;
}

const STATUS_LABEL: Record<PresenceStatus, string> = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', offline: 'Offline' };

function MemberItems({ members, ownerId, testId }: { members: Row[]; ownerId: string; testId: string }) {
  return (
    <ul data-testid={testId}>
      {members.map((m) => (
        <li key={m.id} className={`member status-${m.status}`} data-status={m.status}>
          <span className="member-avatar">
            <Avatar id={m.id} name={m.name} size={32} />
            <span className={`status-dot ${m.status}`} role="img" aria-label={STATUS_LABEL[m.status]} title={STATUS_LABEL[m.status]} />
          </span>
          <span className="member-name">{m.name}</span>
          {m.id === ownerId && (
            <span className="badge" title="Server owner">
              owner
            </span>
          )}
          {m.bot && <span className="badge">bot</span>}
        </li>
      ))}
    </ul>
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
