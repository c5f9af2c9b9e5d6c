import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { Permissions, type PermissionName, type Role } from '@concord/protocol';
import { useStore } from '../../state/store';
import { displayName } from '../../components/util';
import { Avatar } from '../../components/Avatar';
import { createRole, deleteRole, hex, modifyRole, powers, rolesByRank, setMemberRole } from './actions';
import { MemberRowMenu } from './MemberMenu';
import { BansTab, InvitesTab } from './BansInvitesTabs';
import { OverviewTab } from './OverviewTab';
import { AutoModTab } from './AutoModTab';
import { AuditLogTab } from './AuditLogTab';
import { IntegrationsTab } from './IntegrationsTab';
import { EmojiTab } from './EmojiTab';
import './settings.css';

/** Discord's permission groups, with what each toggle means. */
const GROUPS: { title: string; items: [PermissionName, string, string][] }[] = [
  {
    title: 'General server permissions',
    items: [
      ['VIEW_CHANNEL', 'View Channels', 'Members can see channels by default.'],
      ['MANAGE_CHANNELS', 'Manage Channels', 'Create, edit and delete channels.'],
      ['MANAGE_ROLES', 'Manage Roles', 'Create roles and edit or give roles lower than their highest role.'],
      ['VIEW_AUDIT_LOG', 'View Audit Log', 'Read the record of who changed what in this server.'],
      ['MANAGE_GUILD', 'Manage Server', 'Change the server name and settings, and add bots.'],
    ],
  },
  {
    title: 'Membership permissions',
    items: [
      ['CREATE_INSTANT_INVITE', 'Create Invite', 'Invite new people to this server.'],
      ['CHANGE_NICKNAME', 'Change Nickname', 'Change their own nickname.'],
      ['MANAGE_NICKNAMES', 'Manage Nicknames', 'Change the nicknames of members below them.'],
      ['KICK_MEMBERS', 'Kick Members', 'Remove members below them; they can rejoin with an invite.'],
      ['BAN_MEMBERS', 'Ban Members', 'Ban members below them for good, optionally deleting their recent messages.'],
      ['MODERATE_MEMBERS', 'Timeout Members', 'Stop members below them from chatting or reacting for a while.'],
    ],
  },
  {
    title: 'Text channel permissions',
    items: [
      ['SEND_MESSAGES', 'Send Messages', 'Send messages in text channels.'],
      ['ADD_REACTIONS', 'Add Reactions', 'Add new reactions to messages.'],
      ['MENTION_EVERYONE', 'Mention @everyone', 'Notify everyone in the channel.'],
      ['MANAGE_MESSAGES', 'Manage Messages', "Delete others' messages and bulk-delete."],
      ['READ_MESSAGE_HISTORY', 'Read Message History', 'Read messages sent before they arrived.'],
    ],
  },
  { title: 'Advanced', items: [['ADMINISTRATOR', 'Administrator', 'Every permission, and every channel. Give it with care.']] },
];

type Tab = 'overview' | 'roles' | 'emoji' | 'members' | 'invites' | 'bans' | 'integrations' | 'automod' | 'audit';

export function ServerSettings({ guildId, onClose }: { guildId: string; onClose: () => void }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const me = useStore((s) => s.client.user);
  const [tab, setTab] = useState<Tab | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  if (!guild) return null;
  const p = powers(guild, me?.id);
  const tabs: [Tab, string][] = [
    ...(p.has(Permissions.MANAGE_GUILD) ? ([['overview', 'Overview']] as [Tab, string][]) : []),
    ['roles', 'Roles'],
    // Everyone sees the server's emoji; uploading needs CREATE_GUILD_EXPRESSIONS (the tab says so).
    ['emoji', 'Emoji'],
    ['members', 'Members'],
    ...(p.has(Permissions.MANAGE_GUILD) ? ([['invites', 'Invites']] as [Tab, string][]) : []),
    ...(p.has(Permissions.BAN_MEMBERS) ? ([['bans', 'Bans']] as [Tab, string][]) : []),
    ...(p.has(Permissions.MANAGE_WEBHOOKS) ? ([['integrations', 'Integrations']] as [Tab, string][]) : []),
    ...(p.has(Permissions.MANAGE_GUILD) ? ([['automod', 'AutoMod']] as [Tab, string][]) : []),
    ...(p.has(Permissions.VIEW_AUDIT_LOG) ? ([['audit', 'Audit Log']] as [Tab, string][]) : []),
  ];
  // Overview first for those who manage the server, as on Discord; Roles for the rest.
  const current = tab ?? tabs[0]![0];
  // On body: the sidebar that opens it slides with a transform on phones, which would make it the layer's frame.
  return createPortal(
    <div className="settings-layer" role="dialog" aria-modal="true" aria-label="Server settings">
      <nav className="settings-nav" aria-label="Settings sections">
        <h2 title={guild.name}>{guild.name}</h2>
        {tabs.map(([id, label]) => (
          <button key={id} type="button" className={current === id ? 'active' : ''} aria-current={current === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </nav>
      <main className="settings-main">
        <button type="button" className="settings-close" aria-label="Close settings" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
        {current === 'overview' && <OverviewTab guildId={guildId} userId={me?.id} />}
        {current === 'roles' && <RolesTab guildId={guildId} userId={me?.id} />}
        {current === 'emoji' && <EmojiTab guildId={guildId} userId={me?.id} />}
        {current === 'members' && <MembersTab guildId={guildId} userId={me?.id} />}
        {current === 'invites' && <InvitesTab guildId={guildId} />}
        {current === 'bans' && <BansTab guildId={guildId} />}
        {current === 'integrations' && <IntegrationsTab guildId={guildId} userId={me?.id} />}
        {current === 'automod' && <AutoModTab guildId={guildId} userId={me?.id} />}
        {current === 'audit' && <AuditLogTab guildId={guildId} />}
      </main>
    </div>,
    document.body,
  );
}

function RolesTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const roles = rolesByRank(guild);
  const [selected, setSelected] = useState<string | null>(null);
  const role = selected ? guild.roles[selected] : undefined;
  const p = powers(guild, userId);
  const mayManage = p.has(Permissions.MANAGE_ROLES);
  return (
    <section className="settings-section">
      <h1>Roles</h1>
      <p className="settings-hint">Members use the colour of their highest role. Roles lower in the list cannot act on roles above them.</p>
      <div className="roles-layout">
        <div className="roles-list">
          {mayManage && (
            <button
              type="button"
              className="primary"
              onClick={() => void createRole(guildId, 'new role').then((r) => r && setSelected(r.id))}
            >
              Create Role
            </button>
          )}
          <ul aria-label="Roles">
            {roles.map((r) => (
              <li key={r.id}>
                <button type="button" className={`role-item${r.id === selected ? ' active' : ''}`} onClick={() => setSelected(r.id)}>
                  <span className="role-dot" style={{ background: r.color ? hex(r.color) : 'var(--settings-muted)' }} />
                  <span className="role-name">{r.name}</span>
                  <span className="role-count">{Object.values(guild.members).filter((m) => m.roles.includes(r.id)).length || ''}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        {role ? <RoleEditor key={role.id} guildId={guildId} role={role} editable={mayManage && p.canManageRole(role)} onDeleted={() => setSelected(null)} /> : <p className="settings-empty">Pick a role to edit it.</p>}
      </div>
    </section>
  );
}

function RoleEditor({ guildId, role, editable, onDeleted }: { guildId: string; role: Role; editable: boolean; onDeleted: () => void }) {
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState(hex(role.color));
  const perms = BigInt(role.permissions);
  const everyone = role.id === guildId;
  const toggle = (bit: bigint) => modifyRole(guildId, role.id, { permissions: String(perms & bit ? perms & ~bit : perms | bit) });
  return (
    <div className="role-editor" aria-label={`Edit role ${role.name}`}>
      <form
        className="role-display"
        onSubmit={(e) => {
          e.preventDefault();
          void modifyRole(guildId, role.id, { ...(everyone ? {} : { name: name.trim() }), color: parseInt(color.slice(1), 16) });
        }}
      >
        <label>
          Role name
          <input name="role-name" value={name} disabled={!editable || everyone} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role colour
          <input name="role-color" type="color" value={color} disabled={!editable} onChange={(e) => setColor(e.target.value)} />
        </label>
        <div className="role-buttons">
          <button type="submit" className="primary" disabled={!editable}>
            Save
          </button>
          {!everyone && !role.managed && (
            <button type="button" className="danger" disabled={!editable} onClick={() => void deleteRole(guildId, role.id).then((r) => r !== undefined && onDeleted())}>
              Delete role
            </button>
          )}
        </div>
        {role.managed && <p className="settings-hint">This role belongs to a bot: it goes when the bot is removed.</p>}
        {!editable && <p className="settings-hint">You can only edit roles below your highest role.</p>}
      </form>
      {!everyone && (
        <div className="perm-row role-hoist">
          <div>
            <div className="perm-label">Display role members separately from online members</div>
            <div className="perm-help">Members with this role are listed under its name in the member list.</div>
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={role.hoist}
            aria-label="Display role members separately"
            className={`switch${role.hoist ? ' on' : ''}`}
            disabled={!editable}
            onClick={() => void modifyRole(guildId, role.id, { hoist: !role.hoist })}
          >
            <span />
          </button>
        </div>
      )}
      {GROUPS.map((group) => (
        <fieldset key={group.title} className="perm-group">
          <legend>{group.title}</legend>
          {group.items.map(([key, label, help]) => {
            const bit = Permissions[key];
            const on = (perms & bit) !== 0n;
            return (
              <div key={key} className="perm-row">
                <div>
                  <div className="perm-label">{label}</div>
                  <div className="perm-help">{help}</div>
                </div>
                <button type="button" role="switch" aria-checked={on} aria-label={label} className={`switch${on ? ' on' : ''}`} disabled={!editable} onClick={() => void toggle(bit)}>
                  <span />
                </button>
              </div>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}

function MembersTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const [query, setQuery] = useState('');
  const p = powers(guild, userId);
  const roles = rolesByRank(guild).filter((r) => r.id !== guildId);
  const members = Object.values(guild.members)
    .filter((m) => m.user && displayName(m.user, m).toLowerCase().includes(query.toLowerCase()))
    .sort((a, b) => displayName(a.user, a).localeCompare(displayName(b.user, b)));
  return (
    <section className="settings-section">
      <h1>Members</h1>
      <input className="settings-search" type="search" placeholder="Search members" aria-label="Search members" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="settings-members" aria-label="Server members">
        {members.map((m) => {
          const id = m.user!.id;
          const name = displayName(m.user, m);
          return (
            <li key={id} className="settings-member" data-user-id={id}>
              <Avatar id={id} name={name} size={32} />
              <div className="settings-member-main">
                <span className="member-title">{name}</span>
                <div className="member-roles">
                  {m.roles.map((rid) => guild.roles[rid]).filter(Boolean).map((r) => (
                    <span key={r!.id} className="role-pill">
                      <span className="role-dot" style={{ background: r!.color ? hex(r!.color) : 'var(--settings-muted)' }} />
                      {r!.name}
                      {p.has(Permissions.MANAGE_ROLES) && p.canManageRole(r!) && !r!.managed && (
                        <button type="button" aria-label={`Remove ${r!.name} from ${name}`} onClick={() => void setMemberRole(guildId, id, r!.id, false)}>
                          ×
                        </button>
                      )}
                    </span>
                  ))}
                  {p.has(Permissions.MANAGE_ROLES) && (
                    <select
                      aria-label={`Add a role to ${name}`}
                      value=""
                      onChange={(e) => e.target.value && void setMemberRole(guildId, id, e.target.value, true)}
                    >
                      <option value="">+ Role</option>
                      {roles.filter((r) => !m.roles.includes(r.id) && !r.managed && p.canManageRole(r)).map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.name}
                        </option>
                      ))}
                    </select>
                  )}
                </div>
              </div>
              <MemberRowMenu guildId={guildId} userId={id} name={name} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
