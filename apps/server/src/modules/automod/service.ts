/**
 * AutoMod: rule CRUD (MANAGE_GUILD; a timeout action also needs MODERATE_MEMBERS) and enforcement on every
 * guild message send and edit, before anything is stored. Rules live in the guild replica (loaded once, then
 * kept by their own events), compiled once per change, so a send costs no query. A triggered rule runs all its
 * actions: a block refuses the message with Discord's 200000, an alert posts an AUTO_MODERATION_ACTION message to
 * the alert channel, a timeout times the author out; each action writes its audit entry and is announced as
 * AUTO_MODERATION_ACTION_EXECUTION to the guild's managers.
 */
import {
  AuditLogEvents,
  AutoModActionTypes,
  AutoModEventTypes,
  AutoModLimits,
  AutoModTriggerTypes,
  ErrorCodes,
  GuildMemberFlags,
  MessageTypes,
  Permissions,
  hasPermission,
  isTextBasedType,
  type AutoModAction,
  type AutoModRule,
  type AutoModTriggerMetadata,
  type Member,
  type CreateAutoModRuleBody,
  type ModifyAutoModRuleBody,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import { log } from '../../lib/log.js';
import type { Ctx, GuildScope } from '../access.js';
import type { Needs, Tx } from '../deps.js';
import type { GuildState } from '../guilds/cache.js';
import { diffChanges, recordAudit } from '../audit/service.js';
import type { MessageRecord } from '../messages/store.js';
import type { UserRecord } from '../users/store.js';
import { wireMember, wireMessage } from '../wire.js';
import { leftGuild } from '../voice/service.js';
import { AutoModDefaultMentionLimit, CompiledRules, compileRegex, type Subject, type Trigger } from './engine.js';

type AutoModDeps = Needs<'automod' | 'audit' | 'members' | 'guilds' | 'messages' | 'users', 'access' | 'cache' | 'ids' | 'events' | 'recentSends'>;
/** What the member-profile check needs (it also disconnects a quarantined member from voice). */
export type ProfileDeps = Needs<'automod' | 'audit' | 'members' | 'guilds' | 'messages' | 'users', 'access' | 'cache' | 'ids' | 'events' | 'voiceStates'>;
type RulesDeps = Pick<AutoModDeps, 'automod'>;

const MANAGERS = { guild_permission: Permissions.MANAGE_GUILD.toString() };

// ---------- rules ----------

export async function listRules(deps: AutoModDeps, ctx: Ctx, guildId: string): Promise<AutoModRule[]> {
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  return deps.automod.list(guildId);
}

export async function getRule(deps: AutoModDeps, ctx: Ctx, guildId: string, ruleId: string): Promise<AutoModRule> {
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  const rule = /^\d{1,19}$/.test(ruleId) ? await deps.automod.get(guildId, ruleId) : undefined;
  if (!rule) throw unknownRule();
  return rule;
}

const unknownRule = () => new ApiError(404, 10066, 'Unknown auto moderation rule');

const AUDITED = ['name', 'event_type', 'trigger_type', 'trigger_metadata', 'actions', 'enabled', 'exempt_roles', 'exempt_channels'] as const;

export async function createRule(deps: AutoModDeps, ctx: Ctx, guildId: string, body: CreateAutoModRuleBody): Promise<AutoModRule> {
  const { state, perms } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  const rule = normalise(state, perms, {
    id: deps.ids.next(),
    guild_id: guildId,
    name: body.name,
    creator_id: ctx.user.id,
    event_type: body.event_type,
    trigger_type: body.trigger_type,
    trigger_metadata: body.trigger_metadata ?? {},
    actions: body.actions,
    enabled: body.enabled ?? false,
    exempt_roles: body.exempt_roles ?? [],
    exempt_channels: body.exempt_channels ?? [],
  });
  return deps.tx(async (tx) => {
    const existing = await tx.automod.list(guildId);
    const max = AutoModLimits.rulesPerType[rule.trigger_type] ?? 1;
    if (existing.filter((r) => r.trigger_type === rule.trigger_type).length >= max) {
      throw errors.invalidField(['trigger_type'], 'AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED', `Maximum number of rules of this type reached (${max}).`);
    }
    await tx.automod.create(rule);
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.AUTO_MODERATION_RULE_CREATE, target_id: rule.id, changes: diffChanges(undefined, rule, AUDITED) });
    tx.emit({ guild: guildId }, 'AUTO_MODERATION_RULE_CREATE', rule, MANAGERS);
    return rule;
  });
}

export async function modifyRule(deps: AutoModDeps, ctx: Ctx, guildId: string, ruleId: string, body: ModifyAutoModRuleBody): Promise<AutoModRule> {
  const { state, perms } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  const current = await getRule(deps, ctx, guildId, ruleId);
  const next = normalise(state, perms, {
    ...current,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.event_type !== undefined ? { event_type: body.event_type } : {}),
    ...(body.trigger_metadata !== undefined ? { trigger_metadata: body.trigger_metadata } : {}),
    ...(body.actions !== undefined ? { actions: body.actions } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    ...(body.exempt_roles !== undefined ? { exempt_roles: body.exempt_roles } : {}),
    ...(body.exempt_channels !== undefined ? { exempt_channels: body.exempt_channels } : {}),
  });
  const changes = diffChanges(current, next, AUDITED);
  if (changes.length === 0) return current;
  return deps.tx(async (tx) => {
    await tx.automod.update(next);
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.AUTO_MODERATION_RULE_UPDATE, target_id: ruleId, changes });
    tx.emit({ guild: guildId }, 'AUTO_MODERATION_RULE_UPDATE', next, MANAGERS);
    return next;
  });
}

export async function deleteRule(deps: AutoModDeps, ctx: Ctx, guildId: string, ruleId: string): Promise<void> {
  const current = await getRule(deps, ctx, guildId, ruleId);
  await deps.tx(async (tx) => {
    if (!(await tx.automod.delete(guildId, ruleId))) throw unknownRule();
    await recordAudit(deps, tx, ctx, guildId, { action_type: AuditLogEvents.AUTO_MODERATION_RULE_DELETE, target_id: ruleId, changes: diffChanges(undefined, current, ['name', 'trigger_type']).map(({ key, new_value }) => ({ key, old_value: new_value })) });
    tx.emit({ guild: guildId }, 'AUTO_MODERATION_RULE_DELETE', current, MANAGERS);
  });
}

const bad = (path: (string | number)[], code: string, message: string) => errors.invalidField(path.map(String), code, message);

/** Validates a rule against its trigger type and the guild, and keeps only what the type uses (Discord's shape). */
function normalise(state: GuildState, perms: bigint, rule: AutoModRule): AutoModRule {
  const t = rule.trigger_type;
  const md = rule.trigger_metadata;
  const wantEvent = t === AutoModTriggerTypes.MEMBER_PROFILE ? AutoModEventTypes.MEMBER_UPDATE : AutoModEventTypes.MESSAGE_SEND;
  if (rule.event_type !== wantEvent) throw bad(['event_type'], 'AUTO_MODERATION_INVALID_EVENT_TYPE', 'This event type is not valid for this trigger type.');

  let trigger_metadata: AutoModTriggerMetadata;
  if (t === AutoModTriggerTypes.KEYWORD || t === AutoModTriggerTypes.MEMBER_PROFILE) {
    const allow = md.allow_list ?? [];
    if (allow.length > AutoModLimits.allowListKeyword) throw bad(['trigger_metadata', 'allow_list'], 'BASE_TYPE_MAX_LENGTH', `Must be ${AutoModLimits.allowListKeyword} or fewer in length.`);
    const patterns = md.regex_patterns ?? [];
    patterns.forEach((p, i) => {
      try {
        compileRegex(p);
      } catch (err) {
        throw bad(['trigger_metadata', 'regex_patterns', i], 'AUTO_MODERATION_INVALID_REGEX', `Invalid regex: ${(err as Error).message}`);
      }
    });
    trigger_metadata = { keyword_filter: md.keyword_filter ?? [], regex_patterns: patterns, allow_list: allow };
  } else if (t === AutoModTriggerTypes.KEYWORD_PRESET) {
    trigger_metadata = { presets: [...new Set(md.presets ?? [])], allow_list: md.allow_list ?? [] };
  } else if (t === AutoModTriggerTypes.MENTION_SPAM) {
    trigger_metadata = { mention_total_limit: md.mention_total_limit ?? AutoModDefaultMentionLimit, mention_raid_protection_enabled: md.mention_raid_protection_enabled ?? false };
  } else {
    trigger_metadata = {};
  }

  const actions = rule.actions.map((a, i): AutoModAction => {
    const path = ['actions', i];
    const allowed: Record<number, number[]> = {
      [AutoModTriggerTypes.KEYWORD]: [1, 2, 3],
      [AutoModTriggerTypes.SPAM]: [1, 2],
      [AutoModTriggerTypes.KEYWORD_PRESET]: [1, 2],
      [AutoModTriggerTypes.MENTION_SPAM]: [1, 2, 3],
      [AutoModTriggerTypes.MEMBER_PROFILE]: [2, 4],
    };
    if (!allowed[t]?.includes(a.type)) throw bad([...path, 'type'], 'AUTO_MODERATION_INVALID_ACTION_TYPE', 'This action type is not valid for this trigger type.');
    const m = a.metadata ?? {};
    switch (a.type) {
      case AutoModActionTypes.BLOCK_MESSAGE:
        return { type: a.type, metadata: m.custom_message ? { custom_message: m.custom_message } : {} };
      case AutoModActionTypes.SEND_ALERT_MESSAGE: {
        const channel = m.channel_id ? state.channels.get(m.channel_id) : undefined;
        if (!channel || !isTextBasedType(channel.type)) throw bad([...path, 'metadata', 'channel_id'], 'AUTO_MODERATION_INVALID_CHANNEL', 'Unknown or invalid alert channel.');
        return { type: a.type, metadata: { channel_id: channel.id } };
      }
      case AutoModActionTypes.TIMEOUT:
        if (!m.duration_seconds) throw bad([...path, 'metadata', 'duration_seconds'], 'BASE_TYPE_REQUIRED', 'This field is required');
        if (!hasPermission(perms, Permissions.MODERATE_MEMBERS)) throw errors.missingPermissions();
        return { type: a.type, metadata: { duration_seconds: m.duration_seconds } };
      default:
        return { type: a.type, metadata: {} };
    }
  });

  const exempt_roles = [...new Set(rule.exempt_roles)];
  exempt_roles.forEach((id, i) => {
    if (!state.roles.has(id)) throw bad(['exempt_roles', i], 'AUTO_MODERATION_INVALID_ROLE', 'Unknown role.');
  });
  const exempt_channels = [...new Set(rule.exempt_channels)];
  exempt_channels.forEach((id, i) => {
    if (!state.channels.has(id)) throw bad(['exempt_channels', i], 'AUTO_MODERATION_INVALID_CHANNEL', 'Unknown channel.');
  });
  return { ...rule, trigger_metadata, actions, exempt_roles, exempt_channels };
}

// ---------- enforcement ----------

const compiled = new WeakMap<GuildState, { version: number; rules: CompiledRules }>();

/** The guild's compiled rules: loaded into the replica on first use, recompiled only after a rule event. */
async function rulesOf(deps: RulesDeps, state: GuildState): Promise<CompiledRules> {
  if (!state.automod) {
    const version = state.automodVersion;
    const list = await deps.automod.list(state.guild.id);
    // A rule event that arrived meanwhile may be newer than what was read: keep nothing, use what was read.
    if (state.automodVersion === version && !state.automod) state.automod = new Map(list.map((r) => [r.id, r]));
    else if (!state.automod) return new CompiledRules(list);
  }
  const hit = compiled.get(state);
  if (hit && hit.version === state.automodVersion) return hit.rules;
  const rules = new CompiledRules(state.automod!.values());
  compiled.set(state, { version: state.automodVersion, rules });
  return rules;
}

/** Once the message is stored: its id for the actions that did not block it. */
export type AfterStore = (messageId: string) => Promise<void>;

/**
 * Judges a guild message (a send, or an edit's new content) before it is stored. When a rule blocks it, every
 * triggered rule's actions run and the call throws 200000; otherwise the returned function records the send
 * and runs the remaining actions (alerts, timeouts) once the message has its id.
 */
export async function screenMessage(deps: AutoModDeps, scope: GuildScope, user: UserRecord, content: string, opts: { edit?: boolean } = {}): Promise<AfterStore | undefined> {
  const { state, member } = scope;
  const rules = await rulesOf(deps, state);
  if (rules.empty) return undefined;
  // Managers and administrators are exempt, as on Discord.
  if (hasPermission(deps.cache.basePermissions(state, user.id, member), Permissions.MANAGE_GUILD)) return undefined;
  const channel = scope.channel;
  const parentIds: string[] = [];
  const parent = scope.kind === 'thread' ? scope.parent : channel;
  if (scope.kind === 'thread') parentIds.push(parent.id);
  if (parent.parent_id) parentIds.push(parent.parent_id);
  const subject: Subject = { content, channelId: channel.id, parentIds, roleIds: member.roles, authorId: user.id, now: Date.now() };
  // Recent sends come from the shared store (Redis in a cluster), so spam spread over processes is seen whole.
  const recent = rules.tracksHistory ? await deps.recentSends.recent(state.guild.id, user.id, subject.now) : [];
  const triggers = rules.evaluate(subject, recent);
  const blocking = triggers.filter((tr) => tr.rule.actions.some((a) => a.type === AutoModActionTypes.BLOCK_MESSAGE));
  if (blocking.length > 0) {
    await execute(deps, scope, user, content, triggers, undefined);
    const custom = blocking.flatMap((tr) => tr.rule.actions).find((a) => a.type === AutoModActionTypes.BLOCK_MESSAGE && a.metadata?.custom_message)?.metadata?.custom_message;
    throw new AutoModBlocked(custom);
  }
  return async (messageId) => {
    const sent = opts.edit ? undefined : rules.recordOf(subject);
    if (sent) await deps.recentSends.record(state.guild.id, user.id, sent);
    if (triggers.length > 0) await execute(deps, scope, user, content, triggers, messageId);
  };
}

/** Discord's answer to a blocked message; `custom_message` (the rule's own words for the author) is an extension. */
export class AutoModBlocked extends ApiError {
  constructor(readonly customMessage: string | undefined) {
    super(400, ErrorCodes.AUTOMOD_MESSAGE_BLOCKED, 'Message was blocked by automatic moderation');
  }
  override toBody() {
    return { ...super.toBody(), ...(this.customMessage ? { custom_message: this.customMessage } : {}) };
  }
}

const AUDIT_OF: Record<number, number> = {
  [AutoModActionTypes.BLOCK_MESSAGE]: AuditLogEvents.AUTO_MODERATION_BLOCK_MESSAGE,
  [AutoModActionTypes.SEND_ALERT_MESSAGE]: AuditLogEvents.AUTO_MODERATION_FLAG_TO_CHANNEL,
  [AutoModActionTypes.TIMEOUT]: AuditLogEvents.AUTO_MODERATION_USER_COMMUNICATION_DISABLED,
  [AutoModActionTypes.BLOCK_MEMBER_INTERACTION]: AuditLogEvents.AUTO_MODERATION_QUARANTINE_USER,
};

/** Runs every action of the triggered rules: alert messages first (their ids go into the events), then one transaction. */
async function execute(deps: AutoModDeps, scope: GuildScope, user: UserRecord, content: string, triggers: Trigger[], messageId: string | undefined): Promise<void> {
  const guildId = scope.state.guild.id;
  const alerts = new Map<Trigger, string>();
  for (const tr of triggers) {
    for (const a of tr.rule.actions) {
      if (a.type !== AutoModActionTypes.SEND_ALERT_MESSAGE || !a.metadata?.channel_id) continue;
      try {
        const id = await postAlert(deps, scope, user, content, tr, a.metadata.channel_id);
        if (id) alerts.set(tr, id);
      } catch (err) {
        log.error('automod alert failed', { err });
      }
    }
  }
  const ctx: Ctx = { user };
  await deps.tx(async (tx) => {
    let timedOut = false;
    for (const tr of triggers) {
      for (const action of tr.rule.actions) {
        const audit = AUDIT_OF[action.type];
        if (audit === undefined) continue;
        if (action.type === AutoModActionTypes.TIMEOUT) {
          const until = Date.now() + (action.metadata?.duration_seconds ?? 60) * 1000;
          if (!(await tx.members.update(guildId, user.id, { communication_disabled_until: until }))) continue;
          timedOut = true;
        }
        await recordAudit(deps, tx, ctx, guildId, {
          action_type: audit,
          target_id: user.id,
          options: { auto_moderation_rule_name: tr.rule.name, auto_moderation_rule_trigger_type: String(tr.rule.trigger_type), channel_id: scope.channel.id },
        });
        const alertId = action.type === AutoModActionTypes.SEND_ALERT_MESSAGE ? alerts.get(tr) : undefined;
        tx.emit(
          { guild: guildId },
          'AUTO_MODERATION_ACTION_EXECUTION',
          {
            guild_id: guildId,
            action,
            rule_id: tr.rule.id,
            rule_trigger_type: tr.rule.trigger_type,
            user_id: user.id,
            channel_id: scope.channel.id,
            ...(messageId ? { message_id: messageId } : {}),
            ...(alertId ? { alert_system_message_id: alertId } : {}),
            content,
            matched_keyword: tr.matched_keyword,
            matched_content: tr.matched_content,
          },
          MANAGERS,
        );
      }
    }
    if (timedOut) {
      const record = await tx.guilds.getMember(guildId, user.id);
      if (record) tx.emit({ guild: guildId }, 'GUILD_MEMBER_UPDATE', { ...wireMember(record, user), guild_id: guildId });
    }
  });
}

/** The alert: an AUTO_MODERATION_ACTION message by the author in the alert channel, with the rule in an embed. */
async function postAlert(deps: AutoModDeps, scope: GuildScope, user: UserRecord, content: string, tr: Trigger, channelId: string): Promise<string | undefined> {
  const channel = scope.state.channels.get(channelId);
  if (!channel) return undefined;
  const record = alertRecord(deps, scope.state.guild.id, channelId, user, content, tr, scope.channel.id);
  const { message } = await deps.messages.create(record);
  const wire = wireMessage(message, { author: user, member: scope.member, channelType: channel.type });
  await deps.events.dispatch({ guild: scope.state.guild.id }, 'MESSAGE_CREATE', wire, { channel_id: channelId });
  return message.id;
}

// ---------- member profiles ----------

const QUARANTINED = GuildMemberFlags.AUTOMOD_QUARANTINED_USERNAME;

/**
 * Judges a member's names (nickname, display name, username) against the guild's member-profile rules; called
 * once a join or a name change has committed. A rule with BLOCK_MEMBER_INTERACTION quarantines the member
 * (member flag AUTOMOD_QUARANTINED_USERNAME: they can read, but not send, react, speak or join voice) until a name
 * change clears every such rule; alerts go to the rule's channel. The flag, the audit entries, the alert
 * messages and the events are one transaction. Managers and administrators are exempt, as with messages.
 */
export async function screenMember(deps: ProfileDeps, guildId: string, userId: string): Promise<void> {
  const state = await deps.cache.get(guildId);
  if (!state) return;
  // Read from the store, not the replica: right after a join the replica may not have the member yet.
  const [record, user] = await Promise.all([deps.guilds.getMember(guildId, userId), deps.users.get(userId)]);
  if (!record || !user) return;
  const member = wireMember(record, user);
  const rules = await rulesOf(deps, state);
  const wasQuarantined = (member.flags & QUARANTINED) !== 0;
  if (rules.profileEmpty && !wasQuarantined) return;
  const exempt = hasPermission(deps.cache.basePermissions(state, userId, member), Permissions.MANAGE_GUILD);
  const triggers = exempt ? [] : rules.evaluateProfile([member.nick, user.global_name, user.username], member.roles);
  const quarantine = triggers.some((tr) => tr.rule.actions.some((a) => a.type === AutoModActionTypes.BLOCK_MEMBER_INTERACTION));
  if (triggers.length === 0 && quarantine === wasQuarantined) return;
  const ctx: Ctx = { user };
  await deps.tx(async (tx) => {
    if (quarantine !== wasQuarantined) {
      const flags = quarantine ? member.flags | QUARANTINED : member.flags & ~QUARANTINED;
      if (!(await tx.members.update(guildId, userId, { flags }))) return;
    }
    for (const tr of triggers) {
      for (const action of tr.rule.actions) {
        // An already quarantined member who picks another blocked name is not quarantined (or logged) twice.
        if (action.type === AutoModActionTypes.BLOCK_MEMBER_INTERACTION && wasQuarantined) continue;
        const audit = AUDIT_OF[action.type];
        if (audit === undefined) continue;
        const alertId = action.type === AutoModActionTypes.SEND_ALERT_MESSAGE && action.metadata?.channel_id ? await postProfileAlert(deps, tx, state, user, member, tr, action.metadata.channel_id) : undefined;
        await recordAudit(deps, tx, ctx, guildId, {
          action_type: audit,
          target_id: userId,
          options: { auto_moderation_rule_name: tr.rule.name, auto_moderation_rule_trigger_type: String(tr.rule.trigger_type) },
        });
        tx.emit(
          { guild: guildId },
          'AUTO_MODERATION_ACTION_EXECUTION',
          {
            guild_id: guildId,
            action,
            rule_id: tr.rule.id,
            rule_trigger_type: tr.rule.trigger_type,
            user_id: userId,
            ...(alertId ? { alert_system_message_id: alertId } : {}),
            content: tr.name,
            matched_keyword: tr.matched_keyword,
            matched_content: tr.matched_content,
          },
          MANAGERS,
        );
      }
    }
    if (quarantine !== wasQuarantined) {
      const record = await tx.guilds.getMember(guildId, userId);
      if (record) tx.emit({ guild: guildId }, 'GUILD_MEMBER_UPDATE', { ...wireMember(record, user), guild_id: guildId });
    }
  });
  // Quarantined members cannot speak: out of voice, as a timeout does.
  if (quarantine && !wasQuarantined) await leftGuild(deps, userId, guildId);
}

/** The alert for a blocked name: an AUTO_MODERATION_ACTION message in the alert channel, written in `tx`. */
async function postProfileAlert(deps: Pick<ProfileDeps, 'ids'>, tx: Tx<'messages'>, state: GuildState, user: UserRecord, member: Member, tr: Trigger & { name: string }, channelId: string): Promise<string | undefined> {
  const channel = state.channels.get(channelId);
  if (!channel) return undefined;
  const record = alertRecord(deps, state.guild.id, channelId, user, tr.name, tr, undefined);
  const { message } = await tx.messages.create(record);
  tx.emit({ guild: state.guild.id }, 'MESSAGE_CREATE', wireMessage(message, { author: user, member, channelType: channel.type }), { channel_id: channelId });
  return message.id;
}

/** An AUTO_MODERATION_ACTION message by the author, with the rule in an embed (Discord's alert). */
function alertRecord(deps: Pick<AutoModDeps, 'ids'>, guildId: string, channelId: string, user: UserRecord, content: string, tr: Trigger, sourceChannelId: string | undefined): MessageRecord {
  const field = (name: string, value: string | null | undefined) => (value ? [{ name, value, inline: false }] : []);
  return {
    id: deps.ids.next(),
    channel_id: channelId,
    guild_id: guildId,
    author_id: user.id,
    type: MessageTypes.AUTO_MODERATION_ACTION,
    content,
    nonce: null,
    dedupe: false,
    edited_at: null,
    tts: false,
    pinned: false,
    flags: 0,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    ref_message_id: null,
    ref_channel_id: null,
    embeds: [
      {
        type: 'auto_moderation_message',
        description: content,
        fields: [
          ...field('rule_name', tr.rule.name),
          ...field('channel_id', sourceChannelId),
          ...field('decision_id', deps.ids.next()),
          ...field('keyword', tr.matched_keyword),
          ...field('keyword_matched_content', tr.matched_content),
        ],
      },
    ],
  };
}
