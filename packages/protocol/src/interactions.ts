/**
 * Application commands, interactions and message components: Discord's enums, wire shapes and request bodies.
 * The structural rules zod cannot express (option order, nesting, limits across a list) are checked by
 * `commandProblems` and `componentProblems`, pure functions shared by the server and the web client.
 */
import { z } from 'zod';
import { bitfield, snowflake, type Message, type Member, type User, type Channel, type Role } from './schemas.js';

export const ApplicationCommandTypes = { CHAT_INPUT: 1, USER: 2, MESSAGE: 3, PRIMARY_ENTRY_POINT: 4 } as const;

export const OptionTypes = {
  SUB_COMMAND: 1,
  SUB_COMMAND_GROUP: 2,
  STRING: 3,
  INTEGER: 4,
  BOOLEAN: 5,
  USER: 6,
  CHANNEL: 7,
  ROLE: 8,
  MENTIONABLE: 9,
  NUMBER: 10,
  ATTACHMENT: 11,
} as const;

export const InteractionTypes = { PING: 1, APPLICATION_COMMAND: 2, MESSAGE_COMPONENT: 3, APPLICATION_COMMAND_AUTOCOMPLETE: 4, MODAL_SUBMIT: 5 } as const;

export const CallbackTypes = {
  PONG: 1,
  CHANNEL_MESSAGE_WITH_SOURCE: 4,
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: 5,
  DEFERRED_UPDATE_MESSAGE: 6,
  UPDATE_MESSAGE: 7,
  APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: 8,
  MODAL: 9,
} as const;

export const ComponentTypes = {
  ACTION_ROW: 1,
  BUTTON: 2,
  STRING_SELECT: 3,
  TEXT_INPUT: 4,
  USER_SELECT: 5,
  ROLE_SELECT: 6,
  MENTIONABLE_SELECT: 7,
  CHANNEL_SELECT: 8,
} as const;

export const ButtonStyles = { PRIMARY: 1, SECONDARY: 2, SUCCESS: 3, DANGER: 4, LINK: 5, PREMIUM: 6 } as const;

/** Interaction contexts: where a command can be used. */
export const InteractionContexts = { GUILD: 0, BOT_DM: 1, PRIVATE_CHANNEL: 2 } as const;

/** Discord's limits. */
export const CommandLimits = {
  GLOBAL_CHAT_INPUT: 100,
  /** Per type, for USER and MESSAGE (context menus). */
  CONTEXT_MENU: 15,
  OPTIONS: 25,
  CHOICES: 25,
  /** Every name, description and choice of one command together. */
  TOTAL_CHARACTERS: 8000,
} as const;

/** Discord's name rule for CHAT_INPUT commands and options (lowercase where a lowercase form exists). */
export const COMMAND_NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const localizations = z.record(z.string(), z.string().max(100)).nullish();

export const CommandOptionChoice = z.object({
  name: z.string().min(1).max(100),
  name_localizations: localizations,
  value: z.union([z.string().max(100), z.number()]),
});
export type CommandOptionChoice = z.infer<typeof CommandOptionChoice>;

export interface CommandOptionInput {
  type: number;
  name: string;
  name_localizations?: Record<string, string> | null;
  description: string;
  description_localizations?: Record<string, string> | null;
  required?: boolean | null;
  choices?: CommandOptionChoice[] | null;
  options?: CommandOptionInput[] | null;
  channel_types?: number[] | null;
  min_value?: number | null;
  max_value?: number | null;
  min_length?: number | null;
  max_length?: number | null;
  autocomplete?: boolean | null;
}

export const CommandOption: z.ZodType<CommandOptionInput> = z.lazy(() =>
  z.object({
    type: z.number().int().min(1).max(11),
    name: z.string().min(1).max(32),
    name_localizations: localizations,
    description: z.string().min(1).max(100),
    description_localizations: localizations,
    required: z.boolean().nullish(),
    choices: z.array(CommandOptionChoice).max(CommandLimits.CHOICES).nullish(),
    options: z.array(CommandOption).max(CommandLimits.OPTIONS).nullish(),
    channel_types: z.array(z.number().int()).nullish(),
    min_value: z.number().nullish(),
    max_value: z.number().nullish(),
    min_length: z.number().int().min(0).max(6000).nullish(),
    max_length: z.number().int().min(1).max(6000).nullish(),
    autocomplete: z.boolean().nullish(),
  }),
);

export const CreateCommandBody = z.object({
  name: z.string().min(1).max(32),
  name_localizations: localizations,
  description: z.string().max(100).nullish(),
  description_localizations: localizations,
  options: z.array(CommandOption).max(CommandLimits.OPTIONS).nullish(),
  default_member_permissions: bitfield.nullish(),
  dm_permission: z.boolean().nullish(),
  default_permission: z.boolean().nullish(),
  integration_types: z.array(z.number().int().min(0).max(1)).nullish(),
  contexts: z.array(z.number().int().min(0).max(2)).nullish(),
  type: z.number().int().min(1).max(3).nullish(),
  nsfw: z.boolean().nullish(),
  // Bulk overwrite may name the command it replaces.
  id: snowflake.nullish(),
});
export type CreateCommandBody = z.infer<typeof CreateCommandBody>;
export const EditCommandBody = CreateCommandBody.omit({ type: true, id: true }).partial();
export type EditCommandBody = z.infer<typeof EditCommandBody>;
export const BulkCommandsBody = z.array(CreateCommandBody).max(200);

export interface ApplicationCommandOption {
  type: number;
  name: string;
  name_localizations?: Record<string, string> | null;
  description: string;
  description_localizations?: Record<string, string> | null;
  required?: boolean;
  choices?: CommandOptionChoice[];
  options?: ApplicationCommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  autocomplete?: boolean;
}

export interface ApplicationCommand {
  id: string;
  type: number;
  application_id: string;
  guild_id?: string;
  name: string;
  name_localizations: Record<string, string> | null;
  description: string;
  description_localizations: Record<string, string> | null;
  options?: ApplicationCommandOption[];
  default_member_permissions: string | null;
  dm_permission?: boolean;
  default_permission: boolean;
  nsfw: boolean;
  integration_types: number[];
  contexts: number[] | null;
  version: string;
}

/** A structural problem of a command: the path of the field and Discord's error code and message. */
export interface Problem {
  path: (string | number)[];
  code: string;
  message: string;
}

const VALUE_TYPES = new Set<number>([OptionTypes.STRING, OptionTypes.INTEGER, OptionTypes.NUMBER]);

function nameProblems(name: string, path: (string | number)[], lowercase: boolean): Problem[] {
  if (!COMMAND_NAME_RE.test(name)) return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }];
  if (lowercase && name !== name.toLowerCase()) return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }];
  return [];
}

function optionListProblems(options: readonly CommandOptionInput[], path: (string | number)[], depth: number): Problem[] {
  const out: Problem[] = [];
  const names = new Set<string>();
  const subs = options.filter((o) => o.type === OptionTypes.SUB_COMMAND || o.type === OptionTypes.SUB_COMMAND_GROUP).length;
  if (subs > 0 && subs < options.length) {
    out.push({ path, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-command and sub-command group option types are mutually exclusive to all other types' });
  }
  let sawOptional = false;
  options.forEach((o, i) => {
    const at = [...path, i];
    out.push(...nameProblems(o.name, [...at, 'name'], true));
    if (names.has(o.name)) out.push({ path: [...at, 'name'], code: 'APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME', message: 'Option names must be unique' });
    names.add(o.name);
    const isSub = o.type === OptionTypes.SUB_COMMAND || o.type === OptionTypes.SUB_COMMAND_GROUP;
    // Groups hold subcommands; subcommands hold plain options; nothing nests deeper.
    if (isSub && (depth >= 2 || (depth === 1 && o.type === OptionTypes.SUB_COMMAND_GROUP))) {
      out.push({ path: [...at, 'type'], code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-command groups and sub-commands cannot be nested this deep' });
    }
    if (o.type === OptionTypes.SUB_COMMAND_GROUP && (o.options ?? []).some((s) => s.type !== OptionTypes.SUB_COMMAND)) {
      out.push({ path: [...at, 'options'], code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-command groups may contain only sub-commands' });
    }
    if (!isSub && o.options?.length) out.push({ path: [...at, 'options'], code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Only sub-commands and groups have options' });
    if (!isSub) {
      if (o.required) {
        if (sawOptional) out.push({ path: [...at, 'required'], code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
      } else sawOptional = true;
    }
    if (o.choices?.length && !VALUE_TYPES.has(o.type)) out.push({ path: [...at, 'choices'], code: 'APPLICATION_COMMAND_OPTIONS_CHOICES_INVALID', message: 'Only string, integer and number options have choices' });
    if (o.autocomplete && o.choices?.length) out.push({ path: [...at, 'autocomplete'], code: 'APPLICATION_COMMAND_OPTIONS_AUTOCOMPLETE_CHOICES', message: 'Autocomplete cannot be set with choices' });
    if (o.autocomplete && !VALUE_TYPES.has(o.type)) out.push({ path: [...at, 'autocomplete'], code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Only string, integer and number options autocomplete' });
    for (const [ci, c] of (o.choices ?? []).entries()) {
      const ok = o.type === OptionTypes.STRING ? typeof c.value === 'string' : typeof c.value === 'number' && (o.type !== OptionTypes.INTEGER || Number.isInteger(c.value));
      if (!ok) out.push({ path: [...at, 'choices', ci, 'value'], code: 'BASE_TYPE_INVALID', message: 'Choice value does not match the option type' });
    }
    if (isSub) out.push(...optionListProblems(o.options ?? [], [...at, 'options'], depth + 1));
  });
  return out;
}

/** Discord's rules on a command as a whole. */
export function commandProblems(body: CreateCommandBody): Problem[] {
  const type = body.type ?? ApplicationCommandTypes.CHAT_INPUT;
  const out: Problem[] = [];
  if (type === ApplicationCommandTypes.CHAT_INPUT) {
    out.push(...nameProblems(body.name, ['name'], true));
    if (!body.description) out.push({ path: ['description'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    out.push(...optionListProblems(body.options ?? [], ['options'], 0));
  } else {
    if (body.description) out.push({ path: ['description'], code: 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', message: 'Context menu commands cannot have description' });
    if (body.options?.length) out.push({ path: ['options'], code: 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS', message: 'Context menu commands cannot have options' });
  }
  const chars = (o: CommandOptionInput): number =>
    o.name.length + o.description.length + (o.choices ?? []).reduce((n, c) => n + c.name.length + String(c.value).length, 0) + (o.options ?? []).reduce((n, s) => n + chars(s), 0);
  const total = body.name.length + (body.description ?? '').length + (body.options ?? []).reduce((n, o) => n + chars(o), 0);
  if (total > CommandLimits.TOTAL_CHARACTERS) out.push({ path: [], code: 'APPLICATION_COMMAND_TOO_LARGE', message: 'Command exceeds maximum size (8000)' });
  return out;
}

// ---------- message components ----------

const emoji = z.object({ id: snowflake.nullish(), name: z.string().max(100).nullish(), animated: z.boolean().nullish() });
const customId = z.string().min(1).max(100);

export const ButtonComponent = z.object({
  type: z.literal(ComponentTypes.BUTTON),
  style: z.number().int().min(1).max(6),
  label: z.string().max(80).nullish(),
  emoji: emoji.nullish(),
  custom_id: customId.nullish(),
  url: z.string().max(512).nullish(),
  sku_id: snowflake.nullish(),
  disabled: z.boolean().nullish(),
  id: z.number().int().nullish(),
});

const selectBase = {
  custom_id: customId,
  placeholder: z.string().max(150).nullish(),
  min_values: z.number().int().min(0).max(25).nullish(),
  max_values: z.number().int().min(1).max(25).nullish(),
  disabled: z.boolean().nullish(),
  id: z.number().int().nullish(),
};

export const StringSelectComponent = z.object({
  type: z.literal(ComponentTypes.STRING_SELECT),
  ...selectBase,
  options: z
    .array(
      z.object({
        label: z.string().min(1).max(100),
        value: z.string().min(1).max(100),
        description: z.string().max(100).nullish(),
        emoji: emoji.nullish(),
        default: z.boolean().nullish(),
      }),
    )
    .min(1)
    .max(25),
});

const defaultValue = z.object({ id: snowflake, type: z.enum(['user', 'role', 'channel']) });
export const EntitySelectComponent = z.object({
  type: z.union([z.literal(ComponentTypes.USER_SELECT), z.literal(ComponentTypes.ROLE_SELECT), z.literal(ComponentTypes.MENTIONABLE_SELECT), z.literal(ComponentTypes.CHANNEL_SELECT)]),
  ...selectBase,
  channel_types: z.array(z.number().int()).nullish(),
  default_values: z.array(defaultValue).max(25).nullish(),
});

export const TextInputComponent = z.object({
  type: z.literal(ComponentTypes.TEXT_INPUT),
  custom_id: customId,
  style: z.number().int().min(1).max(2),
  label: z.string().min(1).max(45),
  min_length: z.number().int().min(0).max(4000).nullish(),
  max_length: z.number().int().min(1).max(4000).nullish(),
  required: z.boolean().nullish(),
  value: z.string().max(4000).nullish(),
  placeholder: z.string().max(100).nullish(),
  id: z.number().int().nullish(),
});

const childComponent = z.union([ButtonComponent, StringSelectComponent, EntitySelectComponent, TextInputComponent]);
export const ActionRowComponent = z.object({
  type: z.literal(ComponentTypes.ACTION_ROW),
  components: z.array(childComponent).min(1).max(5),
  id: z.number().int().nullish(),
});
export type ActionRow = z.infer<typeof ActionRowComponent>;
export type ChildComponent = z.infer<typeof childComponent>;
export const MessageComponents = z.array(ActionRowComponent).max(5);

const isSelect = (t: number) => t === ComponentTypes.STRING_SELECT || (t >= ComponentTypes.USER_SELECT && t <= ComponentTypes.CHANNEL_SELECT);

/** Discord's rules across a message's (or a modal's) components. */
export function componentProblems(rows: readonly ActionRow[], where: 'message' | 'modal'): Problem[] {
  const out: Problem[] = [];
  const ids = new Set<string>();
  rows.forEach((row, ri) => {
    const kinds = row.components.map((c) => c.type);
    if (where === 'modal') {
      if (row.components.length !== 1 || kinds[0] !== ComponentTypes.TEXT_INPUT) {
        out.push({ path: [ri, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'A modal row holds one text input' });
      }
    } else if (kinds.includes(ComponentTypes.TEXT_INPUT)) {
      out.push({ path: [ri, 'components'], code: 'COMPONENT_TYPE_INVALID', message: 'Text inputs are only valid in modals' });
    } else if (kinds.some(isSelect) && row.components.length > 1) {
      out.push({ path: [ri, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
    }
    row.components.forEach((c, ci) => {
      const at = [ri, 'components', ci];
      if (c.type === ComponentTypes.BUTTON) {
        if (c.style === ButtonStyles.LINK) {
          if (!c.url) out.push({ path: [...at, 'url'], code: 'BUTTON_COMPONENT_URL_REQUIRED', message: 'A link button needs a url' });
          if (c.custom_id) out.push({ path: [...at, 'custom_id'], code: 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', message: 'A link button cannot have a custom id' });
        } else if (c.style === ButtonStyles.PREMIUM) {
          if (!c.sku_id) out.push({ path: [...at, 'sku_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        } else {
          if (!c.custom_id) out.push({ path: [...at, 'custom_id'], code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', message: 'A custom id is required' });
          if (c.url) out.push({ path: [...at, 'url'], code: 'BUTTON_COMPONENT_URL_NOT_ALLOWED', message: 'Only link buttons have a url' });
        }
        if (!c.label && !c.emoji && c.style !== ButtonStyles.PREMIUM) out.push({ path: [...at, 'label'], code: 'BASE_TYPE_REQUIRED', message: 'A button needs a label or an emoji' });
      }
      if ('min_values' in c && c.min_values != null && c.max_values != null && c.min_values > c.max_values) {
        out.push({ path: [...at, 'min_values'], code: 'SELECT_COMPONENT_MIN_VALUES_EXCEEDED', message: 'min_values cannot exceed max_values' });
      }
      if (c.type === ComponentTypes.STRING_SELECT && (c.max_values ?? 1) > c.options.length) {
        out.push({ path: [...at, 'max_values'], code: 'BASE_TYPE_BAD_LENGTH', message: 'max_values cannot exceed the number of options' });
      }
      const id = 'custom_id' in c ? c.custom_id : undefined;
      if (id) {
        if (ids.has(id)) out.push({ path: [...at, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
        ids.add(id);
      }
    });
  });
  return out;
}

/** Drops the `null`s requests may carry, so stored components read back as Discord sends them. */
export function cleanComponents(rows: readonly ActionRow[]): ActionRow[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x != null).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip(rows) as ActionRow[];
}

// ---------- interactions ----------

/** A person's invocation (`POST /interactions`, what Discord's own client sends). */
export const InvokeInteractionBody = z.object({
  type: z.number().int().min(2).max(5),
  application_id: snowflake,
  channel_id: snowflake,
  guild_id: snowflake.nullish(),
  session_id: z.string().max(128).nullish(),
  nonce: z.string().max(64).nullish(),
  message_id: snowflake.nullish(),
  message_flags: z.number().int().nullish(),
  data: z.record(z.string(), z.unknown()),
});
export type InvokeInteractionBody = z.infer<typeof InvokeInteractionBody>;

/** A chat-input option as the invoker sends it (and the bot receives it). */
export interface InteractionDataOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: InteractionDataOption[];
  focused?: boolean;
}

export const InteractionDataOptionSchema: z.ZodType<InteractionDataOption> = z.lazy(() =>
  z.object({
    name: z.string().max(32),
    type: z.number().int().min(1).max(11),
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).optional(),
    options: z.array(InteractionDataOptionSchema).max(25).optional(),
    focused: z.boolean().optional(),
  }),
);

export const CommandInvocationData = z.object({
  id: snowflake,
  name: z.string().max(32).optional(),
  type: z.number().int().min(1).max(3).optional(),
  version: z.string().optional(),
  options: z.array(InteractionDataOptionSchema).max(25).optional(),
  target_id: snowflake.optional(),
});

export const ComponentInvocationData = z.object({
  custom_id: customId,
  component_type: z.number().int().min(2).max(8),
  values: z.array(z.string().max(100)).max(25).optional(),
});

export const ModalSubmitData = z.object({
  // The interaction whose callback opened the modal.
  id: snowflake,
  custom_id: customId,
  components: z
    .array(z.object({ type: z.literal(1), components: z.array(z.object({ type: z.literal(4), custom_id: customId, value: z.string().max(4000) })).length(1) }))
    .max(5),
});

const callbackMessage = z.object({
  content: z.string().max(2000).nullish(),
  tts: z.boolean().nullish(),
  embeds: z.array(z.unknown()).max(10).nullish(),
  allowed_mentions: z.unknown().nullish(),
  flags: z.number().int().nullish(),
  components: z.array(z.unknown()).max(5).nullish(),
  attachments: z.array(z.unknown()).max(10).nullish(),
  // Autocomplete results.
  choices: z.array(CommandOptionChoice).max(25).nullish(),
  // Modals.
  custom_id: customId.nullish(),
  title: z.string().max(45).nullish(),
});

export const InteractionCallbackBody = z.object({ type: z.number().int(), data: callbackMessage.nullish() });
export type InteractionCallbackBody = z.infer<typeof InteractionCallbackBody>;

export interface ResolvedData {
  users?: Record<string, User>;
  members?: Record<string, Omit<Member, 'user'> & { permissions: string }>;
  roles?: Record<string, Role>;
  channels?: Record<string, Partial<Channel> & { id: string; type: number; permissions: string }>;
  messages?: Record<string, Message>;
}

/** The interaction object a bot receives (INTERACTION_CREATE, or the body of the HTTP POST). */
export interface Interaction {
  id: string;
  application_id: string;
  type: number;
  data?: Record<string, unknown>;
  guild_id?: string;
  guild?: { id: string; locale: string; features: string[] };
  channel?: Partial<Channel> & { id: string; type: number };
  channel_id?: string;
  member?: Member & { permissions: string };
  user?: User;
  token: string;
  version: 1;
  message?: Message;
  app_permissions: string;
  locale?: string;
  guild_locale?: string;
  entitlements: unknown[];
  authorizing_integration_owners: Record<string, string>;
  context?: number;
  attachment_size_limit: number;
}

/** To the invoker's sessions: the bot's autocomplete choices. */
export interface AutocompleteResponseData {
  interaction_id: string;
  nonce?: string;
  choices: CommandOptionChoice[];
}

/** To the invoker's sessions: the bot asks for a modal. */
export interface InteractionModalCreateData {
  id: string;
  nonce?: string;
  channel_id: string;
  application: { id: string; name: string };
  custom_id: string;
  title: string;
  components: ActionRow[];
}

/** To the invoker's sessions: the bot answered (or, on `INTERACTION_FAILURE`, did not answer in time). */
export interface InteractionResultData {
  id: string;
  nonce?: string;
}

// ---------- per-guild command permissions ----------

/** What an application command permission names: a role (the guild's id: @everyone), a user, or a channel. */
export const CommandPermissionTypes = { ROLE: 1, USER: 2, CHANNEL: 3 } as const;
/** Discord's limit of permissions per command per guild. */
export const MAX_COMMAND_PERMISSIONS = 100;

export const CommandPermission = z.object({
  id: snowflake,
  type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  permission: z.boolean(),
});
export type CommandPermission = z.infer<typeof CommandPermission>;

/** `PUT .../commands/:command_id/permissions`: the whole list, replacing what was set. */
export const EditCommandPermissionsBody = z.object({ permissions: z.array(CommandPermission).max(MAX_COMMAND_PERMISSIONS) });
export type EditCommandPermissionsBody = z.infer<typeof EditCommandPermissionsBody>;

/**
 * A command's permissions in a guild (also the APPLICATION_COMMAND_PERMISSIONS_UPDATE payload). `id` is the
 * command's, or the application's for the defaults of all its commands there.
 */
export interface GuildCommandPermissions {
  id: string;
  application_id: string;
  guild_id: string;
  permissions: CommandPermission[];
}
