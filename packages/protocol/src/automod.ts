/** AutoMod (Discord's auto moderation): rule objects, request bodies and the limits Discord documents. */
import { z } from 'zod';
import { snowflake } from './schemas.js';

export const AutoModTriggerTypes = { KEYWORD: 1, SPAM: 3, KEYWORD_PRESET: 4, MENTION_SPAM: 5, MEMBER_PROFILE: 6 } as const;
export const AutoModEventTypes = { MESSAGE_SEND: 1, MEMBER_UPDATE: 2 } as const;
export const AutoModActionTypes = { BLOCK_MESSAGE: 1, SEND_ALERT_MESSAGE: 2, TIMEOUT: 3, BLOCK_MEMBER_INTERACTION: 4 } as const;
/** Guild member flags AutoMod sets (Discord's bits). */
export const GuildMemberFlags = {
  /** A member-profile rule blocks the member's username, display name or nickname: they can read but not interact. */
  AUTOMOD_QUARANTINED_USERNAME: 1 << 7,
} as const;
export const AutoModKeywordPresets = { PROFANITY: 1, SEXUAL_CONTENT: 2, SLURS: 3 } as const;

/** Discord's limits per guild and per rule. */
export const AutoModLimits = {
  /** Rules of each trigger type a guild may have. */
  rulesPerType: { 1: 6, 3: 1, 4: 1, 5: 1, 6: 1 } as Record<number, number>,
  keywords: 1000,
  keywordLength: 60,
  regexPatterns: 10,
  regexLength: 260,
  allowListKeyword: 100,
  allowListPreset: 1000,
  mentionTotalLimit: 50,
  exemptRoles: 20,
  exemptChannels: 50,
  customMessage: 150,
  timeoutSeconds: 2_419_200,
} as const;

export interface AutoModTriggerMetadata {
  keyword_filter?: string[];
  regex_patterns?: string[];
  presets?: number[];
  allow_list?: string[];
  mention_total_limit?: number;
  mention_raid_protection_enabled?: boolean;
}

export interface AutoModAction {
  type: number;
  metadata?: { channel_id?: string; duration_seconds?: number; custom_message?: string };
}

export interface AutoModRule {
  id: string;
  guild_id: string;
  name: string;
  creator_id: string;
  event_type: number;
  trigger_type: number;
  trigger_metadata: AutoModTriggerMetadata;
  actions: AutoModAction[];
  enabled: boolean;
  exempt_roles: string[];
  exempt_channels: string[];
}

/** AUTO_MODERATION_ACTION_EXECUTION: one per action a rule took. */
export interface AutoModActionExecutionData {
  guild_id: string;
  action: AutoModAction;
  rule_id: string;
  rule_trigger_type: number;
  user_id: string;
  channel_id?: string;
  message_id?: string;
  alert_system_message_id?: string;
  content: string;
  matched_keyword: string | null;
  matched_content: string | null;
}

const keyword = (max: number) => z.string().min(1).max(max);

export const AutoModTriggerMetadataBody = z.object({
  keyword_filter: z.array(keyword(AutoModLimits.keywordLength)).max(AutoModLimits.keywords).optional(),
  regex_patterns: z.array(keyword(AutoModLimits.regexLength)).max(AutoModLimits.regexPatterns).optional(),
  presets: z.array(z.number().int().min(1).max(3)).max(3).optional(),
  allow_list: z.array(keyword(AutoModLimits.keywordLength)).max(AutoModLimits.allowListPreset).optional(),
  mention_total_limit: z.number().int().min(0).max(AutoModLimits.mentionTotalLimit).optional(),
  mention_raid_protection_enabled: z.boolean().optional(),
});

export const AutoModActionBody = z.object({
  type: z.number().int().min(1).max(4),
  metadata: z
    .object({
      channel_id: snowflake.optional(),
      duration_seconds: z.number().int().min(0).max(AutoModLimits.timeoutSeconds).optional(),
      custom_message: z.string().max(AutoModLimits.customMessage).optional(),
    })
    .optional(),
});

export const CreateAutoModRuleBody = z.object({
  name: z.string().min(1).max(100),
  event_type: z.number().int().min(1).max(2),
  trigger_type: z.number().int().refine((t) => Object.values(AutoModTriggerTypes).includes(t as 1), 'Value is not a valid trigger type.'),
  trigger_metadata: AutoModTriggerMetadataBody.optional(),
  actions: z.array(AutoModActionBody).min(1).max(5),
  enabled: z.boolean().optional(),
  exempt_roles: z.array(snowflake).max(AutoModLimits.exemptRoles).optional(),
  exempt_channels: z.array(snowflake).max(AutoModLimits.exemptChannels).optional(),
});
export type CreateAutoModRuleBody = z.infer<typeof CreateAutoModRuleBody>;

/** A rule's trigger type never changes. */
export const ModifyAutoModRuleBody = CreateAutoModRuleBody.omit({ trigger_type: true }).partial();
export type ModifyAutoModRuleBody = z.infer<typeof ModifyAutoModRuleBody>;
