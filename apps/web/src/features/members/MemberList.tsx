import { useEffect, useMemo, useState } from 'react';
import type { Activity, ClientGuild, Member, PresenceStatus, Role } from '@concord/protocol';
import { reportError, rest } from '../../state/api';
import { setState, useStore } from '../../state/store';
import { Avatar } from '../../components/Avatar';
import { displayName } from '../../components/util';
import { MemberMenu } from '../settings/MemberMenu';
import { memberColor } from '../settings/actions';
import { openPopout } from '../profile/popout';

/**
 * Members from GUILD_CREATE (small guilds come with all of them) kept current by GUILD_MEMBER_* events;
 * a large guild's list is fetched once over REST. Grouped as Discord does: online (any status but
 * offline) first, then offline, each by name; the dot shows the status.
 */
export function MemberList({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const presences = useStore((s) => s.client.presences);
  const activities = useStore((s) => s.client.activities);
  const [menu, setMenu] = useState<{ id: string; name: string; x: number; y: number } | null>(null);
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
        .map((m) => ({ id: m.user!.id, name: displayName(m.user, m), bot: Boolean(m.user!.bot), status: connected ? (presences[m.user!.id] ?? 'offline') : ('offline' as const), activity: connected ? activityLine(activities[m.user!.id]) : undefined, color: guild ? memberColor(guild, m.roles) : undefined, hoistedRole: guild ? hoistedRole(guild, m.roles) : undefined }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [guild, presences, activities, connected],
  );
  if (!guild) return null;
  // As on Discord: online members under their highest hoisted role (highest role first), the rest under Online.
  const hoisted = [...new Set(members.filter((m) => m.status !== 'offline' && m.hoistedRole).map((m) => m.hoistedRole!))]
    .map((id) => guild.roles[id]!)
    .sort((x, y) => y.position - x.position);
  const online = members.filter((m) => m.status !== 'offline' && !m.hoistedRole);
  const offline = members.filter((m) => m.status === 'offline');
  return (
    <aside className="members" aria-label="Members">
      {hoisted.map((r) => {
        const list = members.filter((m) => m.status !== 'offline' && m.hoistedRole === r.id);
        return (
          <div key={r.id} className="member-group">
            <h3>
              {r.name} — {list.length}
            </h3>
            <MemberItems members={list} guildId={guildId} ownerId={guild.owner_id} testId={`member-list-role-${r.id}`} onMenu={setMenu} />
          </div>
        );
      })}
      <h3>Online — {online.length}</h3>
      <MemberItems members={online} guildId={guildId} ownerId={guild.owner_id} testId="member-list" onMenu={setMenu} />
      {offline.length > 0 && <h3>Offline — {offline.length}</h3>}
      <MemberItems members={offline} guildId={guildId} ownerId={guild.owner_id} testId="member-list-offline" onMenu={setMenu} />
      {menu && <MemberMenu guildId={guildId} userId={menu.id} name={menu.name} x={menu.x} y={menu.y} onClose={() => setMenu(null)} />}
    </aside>
  );
}

export interface Row {
  id: string;
  name: string;
  bot: boolean;
  status: PresenceStatus;
  /** "Playing Chess", or a custom status, under the name as on Discord. */
  activity?: string;
  color?: string;
  /** The member's highest hoisted role, under whose name they are listed while online. */
  hoistedRole?: string;
}

function hoistedRole(guild: ClientGuild, roleIds: readonly string[]): string | undefined {
  let best: Role | undefined;
  for (const id of roleIds) {
    const r = guild.roles[id];
    if (r?.hoist && (!best || r.position > best.position)) best = r;
  }
  return best?.id;
}

const VERB: Record<number, string> = { 0: 'Playing', 1: 'Streaming', 2: 'Listening to', 3: 'Watching', 5: 'Competing in' };

/** The line Discord shows under a member's name: a custom status wins over a game. */
export function activityLine(list: Activity[] | undefined): string | undefined {
  if (!list || list.length === 0) return undefined;
  const custom = list.find((a) => a.type === 4);
  if (custom) return [custom.emoji?.name, custom.state].filter(Boolean).join(' ') || undefined;
  const a = list[0]!;
  return `${VERB[a.type] ?? 'Playing'} ${a.type === 1 && a.details ? a.details : a.name}`;
}

export type OpenMenu = (m: { id: string; name: string; x: number; y: number }) => void;

const STATUS_LABEL: Record<PresenceStatus, string> = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', offline: 'Offline' };

export function MemberItems({ members, guildId, ownerId, testId, onMenu }: { members: Row[]; guildId: string; ownerId: string; testId: string; onMenu: OpenMenu }) {
  return (
    <ul data-testid={testId}>
      {members.map((m) => (
        <li
          key={m.id}
          className={`member status-${m.status}`}
          data-status={m.status}
          role="button"
          tabIndex={0}
          data-popout-trigger=""
          onClick={(e) => openPopout(m.id, guildId, e.currentTarget)}
          onKeyDown={(e) => e.key === 'Enter' && openPopout(m.id, guildId, e.currentTarget)}
          onContextMenu={(e) => {
            e.preventDefault();
            onMenu({ id: m.id, name: m.name, x: e.clientX, y: e.clientY });
          }}
        >
          <span className="member-avatar">
            <Avatar id={m.id} name={m.name} size={32} />
            <span className={`status-dot ${m.status}`} role="img" aria-label={STATUS_LABEL[m.status]} title={STATUS_LABEL[m.status]} />
          </span>
          <span className="member-text">
            <span className="member-name" style={m.color ? { color: m.color } : undefined}>
              {m.name}
            </span>
            {m.activity && (
              <span className="member-activity" data-testid="member-activity" title={m.activity}>
                {m.activity}
              </span>
            )}
          </span>
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
