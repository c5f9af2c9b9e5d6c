import { useEffect, useState } from 'react';
import { AuditLogEvents, type AuditLogEntry, type User } from '@concord/protocol';
import { useStore } from '../../state/store';
import { displayName } from '../../components/util';
import { Avatar } from '../../components/Avatar';
import { fetchAuditLog } from './actions';

/** What each action reads as, Discord's wording. */
const VERBS: Record<number, string> = {
  [AuditLogEvents.GUILD_UPDATE]: 'updated the server',
  [AuditLogEvents.CHANNEL_CREATE]: 'created a channel',
  [AuditLogEvents.CHANNEL_UPDATE]: 'updated a channel',
  [AuditLogEvents.CHANNEL_DELETE]: 'deleted a channel',
  [AuditLogEvents.CHANNEL_OVERWRITE_CREATE]: 'added channel permissions',
  [AuditLogEvents.CHANNEL_OVERWRITE_UPDATE]: 'changed channel permissions',
  [AuditLogEvents.CHANNEL_OVERWRITE_DELETE]: 'removed channel permissions',
  [AuditLogEvents.MEMBER_KICK]: 'kicked',
  [AuditLogEvents.MEMBER_BAN_ADD]: 'banned',
  [AuditLogEvents.MEMBER_BAN_REMOVE]: 'unbanned',
  [AuditLogEvents.MEMBER_UPDATE]: 'updated',
  [AuditLogEvents.MEMBER_ROLE_UPDATE]: 'changed the roles of',
  [AuditLogEvents.BOT_ADD]: 'added the bot',
  [AuditLogEvents.ROLE_CREATE]: 'created a role',
  [AuditLogEvents.ROLE_UPDATE]: 'updated a role',
  [AuditLogEvents.ROLE_DELETE]: 'deleted a role',
  [AuditLogEvents.INVITE_CREATE]: 'created an invite',
  [AuditLogEvents.INVITE_DELETE]: 'deleted an invite',
  [AuditLogEvents.WEBHOOK_CREATE]: 'created a webhook',
  [AuditLogEvents.WEBHOOK_UPDATE]: 'updated a webhook',
  [AuditLogEvents.WEBHOOK_DELETE]: 'deleted a webhook',
  [AuditLogEvents.MESSAGE_DELETE]: 'deleted a message by',
  [AuditLogEvents.MESSAGE_BULK_DELETE]: 'bulk-deleted messages',
  [AuditLogEvents.AUTO_MODERATION_RULE_CREATE]: 'created an AutoMod rule',
  [AuditLogEvents.AUTO_MODERATION_RULE_UPDATE]: 'updated an AutoMod rule',
  [AuditLogEvents.AUTO_MODERATION_RULE_DELETE]: 'deleted an AutoMod rule',
  [AuditLogEvents.AUTO_MODERATION_BLOCK_MESSAGE]: 'had a message blocked by AutoMod',
  [AuditLogEvents.AUTO_MODERATION_FLAG_TO_CHANNEL]: 'had a message flagged by AutoMod',
  [AuditLogEvents.AUTO_MODERATION_USER_COMMUNICATION_DISABLED]: 'was timed out by AutoMod',
};
/** Actions whose target is a person, named after the verb. */
const ON_MEMBER = new Set<number>([20, 22, 23, 24, 25, 28, 72]);

const show = (v: unknown) => (v === undefined || v === null || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** Server settings > Audit Log: who did what, newest first, filtered by person and by action. */
export function AuditLogTab({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const [userId, setUserId] = useState('');
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditLogEntry[] | null>(null);
  const [users, setUsers] = useState<Record<string, User>>({});
  useEffect(() => {
    let live = true;
    setEntries(null);
    void fetchAuditLog(guildId, { limit: 100, ...(userId ? { user_id: userId } : {}), ...(action ? { action_type: Number(action) } : {}) }).then((log) => {
      if (!live) return;
      setEntries(log?.audit_log_entries ?? []);
      setUsers((u) => ({ ...u, ...Object.fromEntries((log?.users ?? []).map((x) => [x.id, x])) }));
    });
    return () => {
      live = false;
    };
  }, [guildId, userId, action]);
  const nameOf = (id: string | null) => {
    if (!id) return 'Someone';
    const member = guild.members[id];
    const user = users[id] ?? member?.user;
    return user ? displayName(user, member) : 'Unknown user';
  };
  const people = Object.values(guild.members)
    .filter((m) => m.user)
    .sort((a, b) => displayName(a.user, a).localeCompare(displayName(b.user, b)));
  return (
    <section className="settings-section">
      <h1>Audit Log</h1>
      <div className="audit-filters">
        <label>
          Filter by user
          <select aria-label="Filter by user" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">All users</option>
            {people.map((m) => (
              <option key={m.user!.id} value={m.user!.id}>
                {displayName(m.user, m)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Filter by action
          <select aria-label="Filter by action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All actions</option>
            {Object.entries(VERBS).map(([type, verb]) => (
              <option key={type} value={type}>
                {verb.charAt(0).toUpperCase() + verb.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {entries === null ? (
        <p className="settings-empty">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="settings-empty">Nothing here yet.</p>
      ) : (
        <ul className="audit-entries" aria-label="Audit log entries">
          {entries.map((e) => (
            <li key={e.id} className="audit-entry">
              <Avatar id={e.user_id ?? '0'} name={nameOf(e.user_id)} size={32} />
              <details>
                <summary>
                  <span className="audit-line">
                    <strong>{nameOf(e.user_id)}</strong> {VERBS[e.action_type] ?? `did action ${e.action_type}`}
                    {ON_MEMBER.has(e.action_type) && e.target_id ? (
                      <>
                        {' '}
                        <strong>{nameOf(e.target_id)}</strong>
                      </>
                    ) : null}
                    {e.options?.auto_moderation_rule_name ? ` (rule “${e.options.auto_moderation_rule_name}”)` : ''}
                  </span>
                  <time className="audit-time" dateTime={new Date(Number(BigInt(e.id) >> 22n) + 1420070400000).toISOString()}>
                    {new Date(Number(BigInt(e.id) >> 22n) + 1420070400000).toLocaleString()}
                  </time>
                </summary>
                {e.reason && <p className="audit-reason">Reason: {e.reason}</p>}
                {e.changes && e.changes.length > 0 && (
                  <ul className="audit-changes">
                    {e.changes.map((c, i) => (
                      <li key={i}>
                        <code>{c.key}</code>: {show(c.old_value)} → {show(c.new_value)}
                      </li>
                    ))}
                  </ul>
                )}
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
