/**
 * The audit log. Every moderation and settings action writes its entry with `recordAudit` inside its own
 * transaction, so the action and its entry commit (or roll back) together; the entry reaches the guild's
 * VIEW_AUDIT_LOG holders after the commit.
 */
import { Permissions, type AuditLogChange, type AuditLogEntry } from '@concord/protocol';
import type { Ctx } from '../access.js';
import type { Deps, Needs, Tx } from '../deps.js';
import { wireUser } from '../wire.js';
import type { AuditQuery, AuditRecord } from './store.js';

type AuditDeps = Needs<'audit' | 'users' | 'automod', 'access'>;

export interface AuditInput {
  action_type: number;
  target_id: string | null;
  changes?: AuditLogChange[];
  options?: Record<string, string>;
}

export function wireAuditEntry(e: AuditRecord): AuditLogEntry {
  return {
    id: e.id,
    target_id: e.target_id,
    ...(e.changes ? { changes: e.changes } : {}),
    user_id: e.user_id,
    action_type: e.action_type,
    ...(e.options ? { options: e.options } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

/** Writes one entry in `tx` (the action's own transaction) and announces it after the commit. */
export async function recordAudit(deps: Pick<Deps, 'ids'>, tx: Tx<'audit'>, ctx: Ctx, guildId: string, input: AuditInput): Promise<AuditRecord> {
  const entry: AuditRecord = {
    id: deps.ids.next(),
    guild_id: guildId,
    user_id: ctx.user.id,
    target_id: input.target_id,
    action_type: input.action_type,
    changes: input.changes && input.changes.length > 0 ? input.changes : null,
    options: input.options ?? null,
    reason: ctx.reason ?? null,
  };
  await tx.audit.add(entry);
  tx.emit({ guild: guildId }, 'GUILD_AUDIT_LOG_ENTRY_CREATE', { ...wireAuditEntry(entry), guild_id: guildId }, { guild_permission: Permissions.VIEW_AUDIT_LOG.toString() });
  return entry;
}

/** The `changes` of an update: each key whose value differs, with its old and new value. */
export function diffChanges<T extends object>(before: T | undefined, after: T, keys: readonly (keyof T & string)[]): AuditLogChange[] {
  const out: AuditLogChange[] = [];
  for (const key of keys) {
    const o = before?.[key];
    const n = after[key];
    if (JSON.stringify(o) === JSON.stringify(n)) continue;
    out.push({ key, ...(n !== undefined ? { new_value: n } : {}), ...(before && o !== undefined ? { old_value: o } : {}) });
  }
  return out;
}

/** `GET /guilds/:id/audit-logs`: Discord's envelope; the users who acted or were acted on are included. */
export async function listAuditLog(deps: AuditDeps, ctx: Ctx, guildId: string, q: Partial<AuditQuery>) {
  await deps.access.guild(ctx, guildId, Permissions.VIEW_AUDIT_LOG);
  const entries = await deps.audit.list(guildId, { ...q, limit: q.limit ?? 50 });
  const userIds = new Set<string>();
  for (const e of entries) {
    if (e.user_id) userIds.add(e.user_id);
    if (e.target_id) userIds.add(e.target_id);
  }
  const users = await deps.users.getMany([...userIds]);
  // The AutoMod rules the entries name, as Discord includes them (those deleted since are gone).
  const ruleIds = new Set(entries.filter((e) => e.action_type >= 140 && e.action_type <= 142 && e.target_id).map((e) => e.target_id!));
  const rules = ruleIds.size > 0 ? (await deps.automod.list(guildId)).filter((r) => ruleIds.has(r.id)) : [];
  return {
    audit_log_entries: entries.map(wireAuditEntry),
    users: users.map(wireUser),
    integrations: [],
    webhooks: [],
    guild_scheduled_events: [],
    threads: [],
    application_commands: [],
    auto_moderation_rules: rules,
  };
}
