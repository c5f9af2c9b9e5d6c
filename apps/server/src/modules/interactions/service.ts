/**
 * Interactions: a person invokes a command or uses a component (`POST /interactions`, as Discord's client
 * does); the application's bot gets INTERACTION_CREATE on its gateway sessions, or a signed HTTP POST when it
 * set an interactions endpoint URL. It answers once, within the response window (3 s), through
 * `POST /interactions/:id/:token/callback`, then edits and follows up for the token's 15 minutes through
 * `/webhooks/:application_id/:token`. The token authenticates only its own interaction's messages.
 * Ephemeral answers are kept apart from the channel's history and delivered to the invoker's sessions alone.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ApplicationCommandTypes,
  CallbackTypes,
  ComponentInvocationData,
  ComponentTypes,
  CommandInvocationData,
  CreateMessageBody,
  InteractionCallbackBody,
  InteractionTypes,
  MessageComponents,
  MessageFlags,
  MessageTypes,
  ModalSubmitData,
  OptionTypes,
  Permissions,
  cleanComponents,
  componentProblems,
  isSnowflake,
  snowflakeFromTimestamp,
  snowflakeTimestamp,
  type ActionRow,
  type ApplicationCommandOption,
  type Channel,
  type Interaction,
  type InteractionDataOption,
  type InvokeInteractionBody,
  type Message,
  type ResolvedData,
} from '@concord/protocol';
import { z } from 'zod';
import { ApiError, errors, formError, parse, problemsError } from '../../lib/errors.js';
import { log } from '../../lib/log.js';
import { guildIdOf, type ChannelScope, type Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import {
  applicationMessage,
  checkComponents,
  deleteApplicationMessage,
  editApplicationMessage,
  sendInteractionMessage,
  toWire,
  type MessageInfra,
  type MessageStores,
} from '../messages/service.js';
import type { ApplicationRecord } from '../applications/store.js';
import type { Upload } from '../attachments/service.js';
import type { UserRecord } from '../users/store.js';
import { wireUser } from '../wire.js';
import { wireCommand, mayUseCommand, offeredIn, commandErrors } from './commands.js';
import { applicationKeys } from './keys.js';
import { signBody } from './signing.js';
import type { InteractionRecord } from './store.js';

export type InteractionDeps = Needs<'interactions' | 'guilds' | MessageStores, MessageInfra>;

export const interactionErrors = {
  unknown: () => new ApiError(404, 10062, 'Unknown interaction'),
  acknowledged: () => new ApiError(400, 40060, 'Interaction has already been acknowledged.'),
  callbackType: () => errors.invalidField(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'Interaction response type is not valid for this interaction'),
  unknownWebhook: () => errors.unknown('webhook'),
};

/** What Discord's tokens start with ("interaction:" in base64), so they are told apart from webhook tokens. */
const TOKEN_PREFIX = Buffer.from('interaction:').toString('base64url');

export const isInteractionToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX);

function newToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

function idOfToken(token: string): string | undefined {
  const m = /^interaction:(\d{1,20}):/.exec(Buffer.from(token, 'base64url').toString('latin1'));
  return m?.[1];
}

function tokenMatches(i: InteractionRecord, token: string): boolean {
  const a = Buffer.from(hashOf(token), 'hex');
  const b = Buffer.from(i.token_hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Discord's upload limit, which libraries read off every interaction. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

// ---------- invoking ----------

interface Place {
  scope: ChannelScope;
  guildId: string | null;
  context: number;
}

async function placeOf(deps: InteractionDeps, ctx: Ctx, channelId: string, app: ApplicationRecord): Promise<Place> {
  const scope = await deps.access.channel(ctx, channelId, Permissions.VIEW_CHANNEL);
  const guildId = guildIdOf(scope) ?? null;
  if (guildId) {
    // An application is used where its bot was added.
    if (!(await deps.guilds.getMember(guildId, app.bot_id))) throw errors.unknown('application');
    return { scope, guildId, context: 0 };
  }
  if (scope.kind === 'private' && !scope.recipients.includes(app.bot_id)) throw errors.unknown('application');
  return { scope, guildId: null, context: 1 };
}

function optionError(path: (string | number)[], message: string): ApiError {
  return problemsError([{ path, code: 'APPLICATION_COMMAND_OPTION_INVALID', message }], ['data', 'options']);
}

/** The invoker's options, checked against the command's definitions; entities named go into `resolved`. */
async function checkOptions(
  deps: InteractionDeps,
  place: Place,
  given: InteractionDataOption[],
  defs: ApplicationCommandOption[],
  resolved: ResolvedData,
  path: (string | number)[],
  autocomplete: boolean,
): Promise<InteractionDataOption[]> {
  const out: InteractionDataOption[] = [];
  const names = new Set<string>();
  for (const [i, o] of given.entries()) {
    const def = defs.find((d) => d.name === o.name);
    if (!def || names.has(o.name)) throw optionError([...path, i, 'name'], 'Unknown option');
    names.add(o.name);
    if (def.type !== o.type) throw optionError([...path, i, 'type'], 'Option type does not match the command');
    if (def.type === OptionTypes.SUB_COMMAND || def.type === OptionTypes.SUB_COMMAND_GROUP) {
      if (given.length !== 1) throw optionError(path, 'One sub-command at a time');
      out.push({ name: o.name, type: o.type, options: await checkOptions(deps, place, o.options ?? [], def.options ?? [], resolved, [...path, i, 'options'], autocomplete) });
      continue;
    }
    const v = o.value;
    const at = [...path, i, 'value'];
    if (autocomplete && o.focused) {
      // The focused option is what the person is typing: any text so far.
      out.push({ name: o.name, type: o.type, value: typeof v === 'number' || typeof v === 'string' ? v : '', focused: true });
      continue;
    }
    switch (def.type) {
      case OptionTypes.STRING:
        if (typeof v !== 'string') throw optionError(at, 'Must be a string');
        if ((def.min_length != null && v.length < def.min_length) || (def.max_length != null && v.length > def.max_length) || v.length > 6000) {
          throw optionError(at, 'Length out of range');
        }
        break;
      case OptionTypes.INTEGER:
      case OptionTypes.NUMBER:
        if (typeof v !== 'number' || !Number.isFinite(v) || (def.type === OptionTypes.INTEGER && !Number.isSafeInteger(v))) throw optionError(at, 'Must be a number');
        if ((def.min_value != null && v < def.min_value) || (def.max_value != null && v > def.max_value)) throw optionError(at, 'Value out of range');
        break;
      case OptionTypes.BOOLEAN:
        if (typeof v !== 'boolean') throw optionError(at, 'Must be a boolean');
        break;
      case OptionTypes.ATTACHMENT:
        throw optionError(at, 'Attachments are not supported');
      default: {
        if (typeof v !== 'string' || !isSnowflake(v)) throw optionError(at, 'Must be an id');
        if (!(await resolveEntity(deps, place, def.type, v, resolved, def.channel_types))) throw optionError(at, 'Unknown entity');
      }
    }
    if (def.choices?.length && !def.choices.some((c) => c.value === v)) throw optionError(at, 'Not one of the choices');
    out.push({ name: o.name, type: o.type, value: v });
  }
  if (!autocomplete) {
    for (const d of defs) if (d.required && !names.has(d.name)) throw optionError(path, `Option "${d.name}" is required`);
  }
  return out;
}

/** Adds a user, member, role or channel named by an option or a select to `resolved`; false if there is none. */
async function resolveEntity(deps: InteractionDeps, place: Place, type: number, id: string, resolved: ResolvedData, channelTypes?: number[]): Promise<boolean> {
  const state = place.scope.kind === 'private' ? undefined : place.scope.state;
  const asUser = async () => {
    const user = await deps.users.get(id);
    if (!user) return false;
    (resolved.users ??= {})[id] = wireUser(user);
    if (state) {
      const member = await deps.cache.member(state, id);
      if (member) {
        const { user: _u, ...rest } = member;
        (resolved.members ??= {})[id] = { ...rest, permissions: deps.cache.channelPermissions(state, place.scope.channel.id, id, member).toString() };
      }
    }
    return true;
  };
  const asRole = () => {
    const role = state?.roles.get(id);
    if (!role) return false;
    (resolved.roles ??= {})[id] = role;
    return true;
  };
  if (type === OptionTypes.USER) return asUser();
  if (type === OptionTypes.ROLE) return asRole();
  if (type === OptionTypes.MENTIONABLE) return asRole() || (await asUser());
  if (type === OptionTypes.CHANNEL) {
    const channel: Channel | undefined = state?.channels.get(id) ?? (id === place.scope.channel.id ? place.scope.channel : undefined);
    if (!channel || (channelTypes?.length && !channelTypes.includes(channel.type))) return false;
    const perms = place.scope.kind === 'private' ? place.scope.perms : deps.cache.channelPermissions(state!, id, place.scope.member.user?.id ?? '', place.scope.member);
    if (!(perms & Permissions.VIEW_CHANNEL)) return false;
    (resolved.channels ??= {})[id] = { id, type: channel.type, name: channel.name, parent_id: channel.parent_id ?? null, permissions: perms.toString() };
    return true;
  }
  return false;
}

const nonEmpty = (r: ResolvedData) => (Object.keys(r).length > 0 ? { resolved: r } : {});

/** The message a component or a modal belongs to: a stored one of the application, or the invoker's ephemeral one. */
async function componentMessage(deps: InteractionDeps, ctx: Ctx, place: Place, app: ApplicationRecord, messageId: string): Promise<{ message: Message; ephemeral: boolean }> {
  const record = await applicationMessage(deps, place.scope.channel.id, messageId);
  if (record && (record.application_id === app.id || record.author_id === app.bot_id)) {
    return { message: (await toWire(deps, [record], place.scope.channel.type))[0]!, ephemeral: false };
  }
  const eph = await deps.interactions.getEphemeral(messageId);
  if (eph && eph.user_id === ctx.user.id && eph.channel_id === place.scope.channel.id && eph.message.application_id === app.id) return { message: eph.message, ephemeral: true };
  throw errors.unknown('message');
}

interface Built {
  type: number;
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  message?: { message: Message; ephemeral: boolean };
}

async function buildCommand(deps: InteractionDeps, ctx: Ctx, place: Place, app: ApplicationRecord, body: InvokeInteractionBody, autocomplete: boolean): Promise<Built> {
  const data = parse(z.object({ data: CommandInvocationData }), { data: body.data }).data;
  const record = await deps.interactions.getCommand(data.id);
  if (!record || record.application_id !== app.id || (record.guild_id && record.guild_id !== place.guildId)) throw commandErrors.unknown();
  const cmd = wireCommand(record);
  if (!offeredIn(cmd, place.scope)) throw errors.missingAccess();
  const entries = place.guildId ? await deps.interactions.commandPermissions(place.guildId, app.id) : [];
  if (!mayUseCommand(cmd, place.scope, ctx.user.id, entries)) throw errors.missingPermissions();
  const resolved: ResolvedData = {};
  const out: Record<string, unknown> = { id: cmd.id, name: cmd.name, type: cmd.type, ...(cmd.guild_id ? { guild_id: cmd.guild_id } : {}) };
  const meta: Record<string, unknown> = { name: cmd.name, command_type: cmd.type };
  if (cmd.type === ApplicationCommandTypes.CHAT_INPUT) {
    const options = await checkOptions(deps, place, data.options ?? [], cmd.options ?? [], resolved, [], autocomplete);
    if (options.length) out.options = options;
  } else {
    if (!data.target_id) throw errors.invalidField(['data', 'target_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    out.target_id = data.target_id;
    if (cmd.type === ApplicationCommandTypes.USER) {
      if (!(await resolveEntity(deps, place, OptionTypes.USER, data.target_id, resolved))) throw errors.unknown('user');
      meta.target_user = resolved.users![data.target_id];
    } else {
      const target = await applicationMessage(deps, place.scope.channel.id, data.target_id);
      if (!target) throw errors.unknown('message');
      resolved.messages = { [target.id]: (await toWire(deps, [target], place.scope.channel.type))[0]! };
      meta.target_message_id = target.id;
    }
  }
  return { type: autocomplete ? InteractionTypes.APPLICATION_COMMAND_AUTOCOMPLETE : InteractionTypes.APPLICATION_COMMAND, data: { ...out, ...nonEmpty(resolved) }, meta };
}

const SELECT_TYPES = new Set<number>([ComponentTypes.STRING_SELECT, ComponentTypes.USER_SELECT, ComponentTypes.ROLE_SELECT, ComponentTypes.MENTIONABLE_SELECT, ComponentTypes.CHANNEL_SELECT]);

async function buildComponent(deps: InteractionDeps, ctx: Ctx, place: Place, app: ApplicationRecord, body: InvokeInteractionBody): Promise<Built> {
  const data = parse(z.object({ data: ComponentInvocationData }), { data: body.data }).data;
  if (!body.message_id) throw errors.invalidField(['message_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
  const found = await componentMessage(deps, ctx, place, app, body.message_id);
  const component = (found.message.components as ActionRow[]).flatMap((r) => r.components).find((c) => 'custom_id' in c && c.custom_id === data.custom_id);
  if (!component || component.type !== data.component_type || component.type === ComponentTypes.TEXT_INPUT) {
    throw errors.invalidField(['data', 'custom_id'], 'COMPONENT_INVALID', 'Unknown component');
  }
  if ('disabled' in component && component.disabled) throw errors.invalidField(['data', 'custom_id'], 'COMPONENT_DISABLED', 'This component is disabled');
  if (component.type === ComponentTypes.BUTTON && component.style === 5) throw errors.invalidField(['data', 'custom_id'], 'COMPONENT_INVALID', 'Link buttons open their URL');
  const out: Record<string, unknown> = { custom_id: data.custom_id, component_type: data.component_type };
  if (SELECT_TYPES.has(component.type)) {
    const values = data.values ?? [];
    const limits = component as { min_values?: number | null; max_values?: number | null };
    const min = limits.min_values ?? 1;
    const max = limits.max_values ?? 1;
    if (values.length < min || values.length > max || new Set(values).size !== values.length) {
      throw errors.invalidField(['data', 'values'], 'BASE_TYPE_BAD_LENGTH', `Must select between ${min} and ${max} values`);
    }
    const resolved: ResolvedData = {};
    for (const [i, v] of values.entries()) {
      if (component.type === ComponentTypes.STRING_SELECT) {
        if (!('options' in component) || !component.options.some((o) => o.value === v)) throw errors.invalidField(['data', 'values', String(i)], 'BASE_TYPE_CHOICES', 'Not one of the options');
        continue;
      }
      const type = { 5: OptionTypes.USER, 6: OptionTypes.ROLE, 7: OptionTypes.MENTIONABLE, 8: OptionTypes.CHANNEL }[component.type as 5 | 6 | 7 | 8];
      const channelTypes = 'channel_types' in component ? (component.channel_types ?? undefined) : undefined;
      if (!isSnowflake(v) || !(await resolveEntity(deps, place, type, v, resolved, channelTypes))) throw errors.invalidField(['data', 'values', String(i)], 'BASE_TYPE_CHOICES', 'Unknown entity');
    }
    out.values = values;
    Object.assign(out, nonEmpty(resolved));
  }
  return { type: InteractionTypes.MESSAGE_COMPONENT, data: out, meta: { interacted_message_id: found.message.id }, message: found };
}

async function buildModalSubmit(deps: InteractionDeps, ctx: Ctx, place: Place, app: ApplicationRecord, body: InvokeInteractionBody): Promise<Built> {
  const data = parse(z.object({ data: ModalSubmitData }), { data: body.data }).data;
  const opener = await deps.interactions.getInteraction(data.id);
  const modal = opener?.modal as { custom_id: string; components: ActionRow[] } | null | undefined;
  if (!opener || !modal || opener.user_id !== ctx.user.id || opener.application_id !== app.id || modal.custom_id !== data.custom_id || Date.now() - opener.created_at > deps.config.interactionTokenTtlMs) {
    throw interactionErrors.unknown();
  }
  const inputs = modal.components.flatMap((r) => r.components).filter((c) => c.type === ComponentTypes.TEXT_INPUT);
  const given = new Map(data.components.map((r) => [r.components[0]!.custom_id, r.components[0]!.value]));
  for (const input of inputs) {
    if (input.type !== ComponentTypes.TEXT_INPUT) continue;
    const v = given.get(input.custom_id) ?? '';
    if ((input.required ?? true) && v === '') throw errors.invalidField(['data', 'components'], 'BASE_TYPE_REQUIRED', `${input.label} is required`);
    if (v !== '' && ((input.min_length != null && v.length < input.min_length) || (input.max_length != null && v.length > input.max_length))) {
      throw errors.invalidField(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', `${input.label} has the wrong length`);
    }
  }
  for (const id of given.keys()) if (!inputs.some((c) => 'custom_id' in c && c.custom_id === id)) throw errors.invalidField(['data', 'components'], 'COMPONENT_INVALID', 'Unknown text input');
  const components = inputs.map((c) => ({ type: 1, components: [{ type: 4, custom_id: (c as { custom_id: string }).custom_id, value: given.get((c as { custom_id: string }).custom_id) ?? '' }] }));
  let message: Built['message'];
  if (opener.message_id) message = await componentMessage(deps, ctx, place, app, opener.message_id).catch(() => undefined);
  return { type: InteractionTypes.MODAL_SUBMIT, data: { custom_id: data.custom_id, components }, meta: {}, message };
}

/** `POST /interactions`: a person runs a command, uses a component or submits a modal. Answered 204, as on Discord. */
export async function invoke(deps: InteractionDeps, ctx: Ctx, body: InvokeInteractionBody): Promise<void> {
  if (ctx.user.bot) throw errors.usersOnly();
  // Discord's bot users share their application's id; here they differ, so a bot's user id names it too.
  const app = (await deps.applications.get(body.application_id)) ?? (await deps.applications.getByBot(body.application_id));
  if (!app) throw errors.unknown('application');
  const place = await placeOf(deps, ctx, body.channel_id, app);
  let built: Built;
  if (body.type === InteractionTypes.APPLICATION_COMMAND) built = await buildCommand(deps, ctx, place, app, body, false);
  else if (body.type === InteractionTypes.APPLICATION_COMMAND_AUTOCOMPLETE) built = await buildCommand(deps, ctx, place, app, body, true);
  else if (body.type === InteractionTypes.MESSAGE_COMPONENT) built = await buildComponent(deps, ctx, place, app, body);
  else built = await buildModalSubmit(deps, ctx, place, app, body);

  const id = deps.ids.next();
  const token = newToken(id);
  const owners = { '0': place.guildId ?? '0' };
  const meta = { id, type: built.type, user: wireUser(ctx.user), authorizing_integration_owners: owners, ...built.meta };
  const record: InteractionRecord = {
    id,
    application_id: app.id,
    type: built.type,
    token_hash: hashOf(token),
    user_id: ctx.user.id,
    guild_id: place.guildId,
    channel_id: place.scope.channel.id,
    message_id: built.message?.message.id ?? null,
    message_ephemeral: built.message?.ephemeral ?? false,
    nonce: body.nonce ?? null,
    meta,
    created_at: Date.now(),
    response_type: null,
    original_id: null,
    original_ephemeral: false,
    modal: null,
  };
  const interaction = await interactionObject(deps, ctx, place, app, record, built, token);
  await deps.interactions.createInteraction(record);
  // Tokens live 15 minutes; older rows go as new ones come.
  await deps.interactions.deleteInteractionsBefore(Date.now() - 2 * deps.config.interactionTokenTtlMs);

  const endpoint = await deps.interactions.getEndpoint(app.id);
  const ack = { id, ...(record.nonce ? { nonce: record.nonce } : {}) };
  await deps.events.dispatch({ user: ctx.user.id }, 'INTERACTION_CREATE', ack);
  if (endpoint?.url) void deliverHttp(deps, endpoint.url, endpoint.private_key, interaction, record);
  else await deps.events.dispatch({ user: app.bot_id }, 'INTERACTION_CREATE', interaction);
  // No answer in time: the invoker's client shows that the application did not respond.
  setTimeout(() => {
    deps.interactions
      .getInteraction(id)
      .then((i) => (i && i.response_type === null ? deps.events.dispatch({ user: ctx.user.id }, 'INTERACTION_FAILURE', ack) : undefined))
      .catch((err) => log.error('interaction failure notice failed', { err }));
  }, deps.config.interactionResponseMs).unref();
}

async function interactionObject(deps: InteractionDeps, ctx: Ctx, place: Place, app: ApplicationRecord, i: InteractionRecord, built: Built, token: string): Promise<Interaction> {
  const channel = place.scope.channel;
  let appPermissions = 0n;
  if (place.scope.kind !== 'private') {
    const state = place.scope.state;
    const botMember = await deps.cache.member(state, app.bot_id);
    if (botMember) appPermissions = deps.cache.channelPermissions(state, channel.id, app.bot_id, botMember);
  } else appPermissions = place.scope.perms;
  const member = place.scope.kind === 'private' ? undefined : place.scope.member;
  return {
    id: i.id,
    application_id: app.id,
    type: i.type,
    data: built.data,
    ...(place.guildId ? { guild_id: place.guildId, guild: { id: place.guildId, locale: 'en-US', features: [] } } : {}),
    channel: { ...channel, permissions: place.scope.perms.toString() } as Interaction['channel'],
    channel_id: channel.id,
    ...(member ? { member: { ...member, user: wireUser(ctx.user), permissions: place.scope.perms.toString() } } : { user: wireUser(ctx.user) }),
    token,
    version: 1,
    ...(built.message ? { message: built.message.message } : {}),
    app_permissions: appPermissions.toString(),
    locale: 'en-US',
    ...(place.guildId ? { guild_locale: 'en-US' } : {}),
    entitlements: [],
    authorizing_integration_owners: { '0': place.guildId ?? '0' },
    context: place.context,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
}

/** The interaction, POSTed signed to the application's endpoint; its answer is the callback. */
async function deliverHttp(deps: InteractionDeps, url: string, privateKey: string, interaction: Interaction, i: InteractionRecord): Promise<void> {
  const body = JSON.stringify(interaction);
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signBody(privateKey, timestamp, body), 'x-signature-timestamp': timestamp },
      body,
      signal: AbortSignal.timeout(deps.config.interactionResponseMs),
    });
    if (!res.ok) return;
    const answer = InteractionCallbackBody.safeParse(await res.json());
    if (!answer.success) return;
    await respond(deps, (await deps.interactions.getInteraction(i.id)) ?? i, answer.data, false);
  } catch (err) {
    log.warn('interaction endpoint failed', { application_id: i.application_id, err: String(err) });
  }
}

// ---------- answering ----------

const AnswerMessage = CreateMessageBody.pick({ content: true, tts: true, embeds: true, allowed_mentions: true, components: true, flags: true, attachments: true });
type AnswerMessage = z.infer<typeof AnswerMessage>;

function answerBody(raw: unknown): AnswerMessage {
  const r = AnswerMessage.safeParse(raw ?? {});
  if (!r.success) {
    const err = formError(r.error);
    throw new ApiError(400, err.code, err.message, { data: err.errors });
  }
  return r.data;
}

const MODAL = z.object({ custom_id: z.string().min(1).max(100), title: z.string().min(1).max(45), components: MessageComponents.min(1) });

/** Who the bot answering is, and where. */
async function answerContext(deps: InteractionDeps, i: InteractionRecord) {
  const app = await deps.applications.get(i.application_id);
  const bot = app && (await deps.users.get(app.bot_id));
  const invoker = await deps.users.get(i.user_id);
  if (!app || !bot || !invoker) throw interactionErrors.unknown();
  // Answers go where the invoker is, to those who see the channel (the invoker's view of it).
  const scope = await deps.access.channel({ user: invoker }, i.channel_id);
  return { app, bot, scope };
}

function messageType(i: InteractionRecord): number {
  if (i.type !== InteractionTypes.APPLICATION_COMMAND) return MessageTypes.DEFAULT;
  return i.meta.command_type === ApplicationCommandTypes.CHAT_INPUT ? MessageTypes.CHAT_INPUT_COMMAND : MessageTypes.CONTEXT_MENU_COMMAND;
}

/** A new answer message (the response, or a follow-up): ephemeral ones to the invoker alone. */
async function postAnswer(deps: InteractionDeps, i: InteractionRecord, body: AnswerMessage, loading: boolean, uploads: readonly Upload[] = []): Promise<{ message: Message; ephemeral: boolean }> {
  const { app, bot, scope } = await answerContext(deps, i);
  const ephemeral = Boolean((body.flags ?? 0) & MessageFlags.EPHEMERAL);
  // Ephemeral answers live outside the channel's history, and so outside its attachments.
  if (ephemeral && (uploads.length > 0 || body.attachments?.length)) throw errors.invalidField(['attachments'], 'ATTACHMENT_EPHEMERAL', 'Ephemeral answers carry no files here');
  // Of the flags a sender sets, Discord keeps SUPPRESS_EMBEDS (4), EPHEMERAL and SUPPRESS_NOTIFICATIONS (4096).
  const flags = ((body.flags ?? 0) & (4 | MessageFlags.EPHEMERAL | 4096)) | (loading ? MessageFlags.LOADING : 0);
  const application = { id: app.id, type: messageType(i), flags, interaction: i.meta };
  if (!ephemeral) {
    const message = await sendInteractionMessage(deps, scope, bot, application, { ...body, flags: undefined }, uploads);
    return { message, ephemeral: false };
  }
  const components = checkComponents(body.components, bot);
  const content = body.content ?? '';
  if (!loading && content.trim() === '' && !body.embeds?.length && !components?.length) throw errors.emptyMessage();
  const id = deps.ids.next();
  const message: Message = {
    id,
    channel_id: i.channel_id,
    ...(i.guild_id ? { guild_id: i.guild_id } : {}),
    type: application.type,
    content,
    author: wireUser(bot),
    timestamp: new Date(snowflakeTimestamp(id)).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: [],
    embeds: (body.embeds as unknown[] | null | undefined) ?? [],
    components: components ?? [],
    pinned: false,
    flags,
    webhook_id: app.id,
    application_id: app.id,
    interaction_metadata: i.meta,
    interaction: { id: i.id, type: i.type, name: String(i.meta.name ?? ''), user: i.meta.user },
    channel_type: scope.channel.type,
  };
  await deps.interactions.putEphemeral({ id, channel_id: i.channel_id, user_id: i.user_id, interaction_id: i.id, message });
  // A day is more than any client shows one for.
  await deps.interactions.deleteEphemeralBefore(snowflakeFromTimestamp(Date.now() - 24 * 3600_000));
  await deps.events.dispatch({ user: i.user_id }, 'MESSAGE_CREATE', message);
  return { message, ephemeral: true };
}

type EditInput = { content?: string | null; embeds?: unknown[] | null; components?: unknown[] | null; allowed_mentions?: AnswerMessage['allowed_mentions'] };

/** Edits one of the interaction's messages (stored or ephemeral). */
async function editAnswer(deps: InteractionDeps, i: InteractionRecord, target: { id: string; ephemeral: boolean }, body: EditInput): Promise<Message> {
  const { scope } = await answerContext(deps, i);
  if (!target.ephemeral) {
    const record = await applicationMessage(deps, i.channel_id, target.id);
    if (!record) throw errors.unknown('message');
    return editApplicationMessage(deps, scope, record, body);
  }
  const eph = await deps.interactions.getEphemeral(target.id);
  if (!eph) throw errors.unknown('message');
  const components = body.components === undefined ? eph.message.components : (checkComponents(body.components ?? [], { bot: true }) ?? []);
  const next: Message = {
    ...eph.message,
    content: body.content === undefined ? eph.message.content : (body.content ?? ''),
    embeds: body.embeds === undefined ? eph.message.embeds : (body.embeds ?? []),
    components,
    flags: eph.message.flags & ~MessageFlags.LOADING,
    edited_timestamp: eph.message.flags & MessageFlags.LOADING ? null : new Date().toISOString(),
  };
  if (next.content.trim() === '' && next.embeds.length === 0 && next.components.length === 0) throw errors.emptyMessage();
  await deps.interactions.updateEphemeral(eph.id, next);
  await deps.events.dispatch({ user: eph.user_id }, 'MESSAGE_UPDATE', next);
  return next;
}

function allowedCallback(i: InteractionRecord, type: number): boolean {
  switch (type) {
    case CallbackTypes.CHANNEL_MESSAGE_WITH_SOURCE:
    case CallbackTypes.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
      return i.type !== InteractionTypes.APPLICATION_COMMAND_AUTOCOMPLETE;
    case CallbackTypes.DEFERRED_UPDATE_MESSAGE:
    case CallbackTypes.UPDATE_MESSAGE:
      return (i.type === InteractionTypes.MESSAGE_COMPONENT || i.type === InteractionTypes.MODAL_SUBMIT) && i.message_id !== null;
    case CallbackTypes.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
      return i.type === InteractionTypes.APPLICATION_COMMAND_AUTOCOMPLETE;
    case CallbackTypes.MODAL:
      return i.type === InteractionTypes.APPLICATION_COMMAND || i.type === InteractionTypes.MESSAGE_COMPONENT;
    default:
      return false;
  }
}

interface Responded {
  interaction: { id: string; type: number; activity_instance_id?: string; response_message_id?: string; response_message_loading?: boolean; response_message_ephemeral?: boolean };
  resource: { type: number; message?: Message };
}

/** The one answer: checked in full first (bad input changes nothing), then claimed, then carried out. */
async function respond(deps: InteractionDeps, i: InteractionRecord, body: InteractionCallbackBody, withResponse: boolean, uploads: readonly Upload[] = []): Promise<Responded | undefined> {
  if (uploads.length > 0 && body.type !== CallbackTypes.CHANNEL_MESSAGE_WITH_SOURCE) throw errors.invalidField(['attachments'], 'ATTACHMENT_INVALID', 'Only a message answer carries files');
  if (!allowedCallback(i, body.type)) throw interactionErrors.callbackType();
  const data = body.data ?? {};
  let message: AnswerMessage | undefined;
  let modal: z.infer<typeof MODAL> | undefined;
  if (body.type === CallbackTypes.CHANNEL_MESSAGE_WITH_SOURCE || body.type === CallbackTypes.UPDATE_MESSAGE) {
    message = answerBody(data);
    if (message.components) checkComponents(message.components, { bot: true });
  } else if (body.type === CallbackTypes.MODAL) {
    const r = MODAL.safeParse(data);
    if (!r.success) throw new ApiError(400, 50035, 'Invalid Form Body', { data: formError(r.error).errors });
    const problems = componentProblems(r.data.components, 'modal');
    if (problems.length) throw problemsError(problems, ['data', 'components']);
    modal = { ...r.data, components: cleanComponents(r.data.components) };
  } else if (body.type === CallbackTypes.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT) {
    if (!data.choices) throw errors.invalidField(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
  }
  if (message && body.type === CallbackTypes.CHANNEL_MESSAGE_WITH_SOURCE && (message.content ?? '').trim() === '' && !message.embeds?.length && !message.components?.length) {
    throw errors.emptyMessage();
  }
  if (!(await deps.interactions.acknowledge(i.id, body.type))) throw interactionErrors.acknowledged();

  let answer: { message: Message; ephemeral: boolean } | undefined;
  let loading = false;
  const invokerAck = { id: i.id, ...(i.nonce ? { nonce: i.nonce } : {}) };
  switch (body.type) {
    case CallbackTypes.CHANNEL_MESSAGE_WITH_SOURCE:
      answer = await postAnswer(deps, i, message!, false, uploads);
      await deps.interactions.setOriginal(i.id, answer.message.id, answer.ephemeral);
      break;
    case CallbackTypes.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
      answer = await postAnswer(deps, i, { flags: data.flags ?? 0 }, true);
      loading = true;
      await deps.interactions.setOriginal(i.id, answer.message.id, answer.ephemeral);
      break;
    case CallbackTypes.DEFERRED_UPDATE_MESSAGE:
      await deps.interactions.setOriginal(i.id, i.message_id, i.message_ephemeral);
      break;
    case CallbackTypes.UPDATE_MESSAGE: {
      const { flags: _f, ...edit } = message!;
      answer = { message: await editAnswer(deps, i, { id: i.message_id!, ephemeral: i.message_ephemeral }, edit), ephemeral: i.message_ephemeral };
      await deps.interactions.setOriginal(i.id, i.message_id, i.message_ephemeral);
      break;
    }
    case CallbackTypes.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
      await deps.events.dispatch({ user: i.user_id }, 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', { interaction_id: i.id, ...(i.nonce ? { nonce: i.nonce } : {}), choices: data.choices ?? [] });
      break;
    case CallbackTypes.MODAL: {
      await deps.interactions.setOriginal(i.id, null, false, modal);
      const app = await deps.applications.get(i.application_id);
      await deps.events.dispatch({ user: i.user_id }, 'INTERACTION_MODAL_CREATE', {
        id: i.id,
        ...(i.nonce ? { nonce: i.nonce } : {}),
        channel_id: i.channel_id,
        application: { id: i.application_id, name: app?.name ?? '' },
        custom_id: modal!.custom_id,
        title: modal!.title,
        components: modal!.components,
      });
      break;
    }
  }
  await deps.events.dispatch({ user: i.user_id }, 'INTERACTION_SUCCESS', invokerAck);
  if (!withResponse) return undefined;
  return {
    interaction: {
      id: i.id,
      type: i.type,
      ...(answer ? { response_message_id: answer.message.id, response_message_loading: loading, response_message_ephemeral: answer.ephemeral } : {}),
    },
    resource: { type: body.type, ...(answer ? { message: answer.message } : {}) },
  };
}

/** `POST /interactions/:id/:token/callback`: no Authorization, the token is the authority. */
/** The unanswered interaction a callback names, within its response window. */
async function callbackTarget(deps: InteractionDeps, interactionId: string, token: string): Promise<InteractionRecord> {
  const i = isSnowflake(interactionId) ? await deps.interactions.getInteraction(interactionId) : undefined;
  if (!i || !tokenMatches(i, token)) throw interactionErrors.unknown();
  if (i.response_type !== null) throw interactionErrors.acknowledged();
  // Past the response window the interaction is gone, as on Discord.
  if (Date.now() - i.created_at > deps.config.interactionResponseMs) throw interactionErrors.unknown();
  return i;
}

export async function callback(
  deps: InteractionDeps,
  interactionId: string,
  token: string,
  body: InteractionCallbackBody,
  withResponse: boolean,
  uploads: readonly Upload[] = [],
): Promise<Responded | undefined> {
  return respond(deps, await callbackTarget(deps, interactionId, token), body, withResponse, uploads);
}

/**
 * Where the files of a multipart callback or follow-up go, checked before any byte is stored: the application's
 * bot uploads them in the interaction's channel.
 */
export async function uploadTarget(deps: InteractionDeps, token: string, by: { interactionId: string } | { applicationId: string }): Promise<{ uploaderId: string; channelId: string }> {
  const i = 'interactionId' in by ? await callbackTarget(deps, by.interactionId, token) : await byToken(deps, by.applicationId, token);
  const app = await deps.applications.get(i.application_id);
  if (!app) throw interactionErrors.unknown();
  return { uploaderId: app.bot_id, channelId: i.channel_id };
}

// ---------- follow-ups: /webhooks/:application_id/:token ----------

/** The interaction a follow-up token names; a token past its 15 minutes is Discord's Invalid Webhook Token. */
async function byToken(deps: InteractionDeps, applicationId: string, token: string): Promise<InteractionRecord> {
  const id = idOfToken(token);
  const i = id ? await deps.interactions.getInteraction(id) : undefined;
  if (!i || i.application_id !== applicationId || !tokenMatches(i, token)) throw interactionErrors.unknownWebhook();
  if (Date.now() - i.created_at > deps.config.interactionTokenTtlMs) throw errors.invalidWebhookToken();
  if (i.response_type === null) throw interactionErrors.unknownWebhook();
  return i;
}

/** One of this interaction's messages: `@original`, a follow-up of it, or the message its component is on. */
async function target(deps: InteractionDeps, i: InteractionRecord, messageId: string): Promise<{ id: string; ephemeral: boolean }> {
  if (messageId === '@original') {
    if (!i.original_id) throw errors.unknown('message');
    return { id: i.original_id, ephemeral: i.original_ephemeral };
  }
  if (!isSnowflake(messageId)) throw errors.unknown('message');
  if (messageId === i.message_id) return { id: messageId, ephemeral: i.message_ephemeral };
  const record = await applicationMessage(deps, i.channel_id, messageId);
  if (record && (record.interaction as { id?: string } | null | undefined)?.id === i.id) return { id: messageId, ephemeral: false };
  const eph = await deps.interactions.getEphemeral(messageId);
  if (eph && eph.interaction_id === i.id) return { id: messageId, ephemeral: true };
  throw errors.unknown('message');
}

async function readTarget(deps: InteractionDeps, i: InteractionRecord, t: { id: string; ephemeral: boolean }): Promise<Message> {
  if (t.ephemeral) {
    const eph = await deps.interactions.getEphemeral(t.id);
    if (!eph) throw errors.unknown('message');
    return eph.message;
  }
  const record = await applicationMessage(deps, i.channel_id, t.id);
  if (!record) throw errors.unknown('message');
  const channel = await deps.channels.get(i.channel_id);
  return (await toWire(deps, [record], channel?.type ?? 0))[0]!;
}

async function isLoading(deps: InteractionDeps, i: InteractionRecord): Promise<boolean> {
  if (i.response_type !== CallbackTypes.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE || !i.original_id) return false;
  const m = await readTarget(deps, i, { id: i.original_id, ephemeral: i.original_ephemeral }).catch(() => undefined);
  return Boolean(m && m.flags & MessageFlags.LOADING);
}

export async function followUp(deps: InteractionDeps, applicationId: string, token: string, raw: unknown, wait: boolean, uploads: readonly Upload[] = []): Promise<Message | undefined> {
  const i = await byToken(deps, applicationId, token);
  const body = answerBody(raw);
  // The first follow-up of a deferred answer is that answer, as on Discord (an edit: files go in a new message).
  if (uploads.length === 0 && (await isLoading(deps, i))) {
    const message = await editAnswer(deps, i, { id: i.original_id!, ephemeral: i.original_ephemeral }, body);
    return wait ? message : undefined;
  }
  const { message } = await postAnswer(deps, i, body, false, uploads);
  return wait ? message : undefined;
}

export async function getFollowUp(deps: InteractionDeps, applicationId: string, token: string, messageId: string): Promise<Message> {
  const i = await byToken(deps, applicationId, token);
  return readTarget(deps, i, await target(deps, i, messageId));
}

export async function editFollowUp(deps: InteractionDeps, applicationId: string, token: string, messageId: string, raw: unknown): Promise<Message> {
  const i = await byToken(deps, applicationId, token);
  const t = await target(deps, i, messageId);
  const { flags: _f, ...body } = answerBody(raw);
  return editAnswer(deps, i, t, body);
}

export async function deleteFollowUp(deps: InteractionDeps, applicationId: string, token: string, messageId: string): Promise<void> {
  const i = await byToken(deps, applicationId, token);
  const t = await target(deps, i, messageId);
  if (!t.ephemeral) {
    const { scope } = await answerContext(deps, i);
    await deleteApplicationMessage(deps, scope, t.id);
    return;
  }
  const eph = await deps.interactions.getEphemeral(t.id);
  if (!eph || !(await deps.interactions.deleteEphemeral(t.id))) throw errors.unknown('message');
  await deps.events.dispatch({ user: eph.user_id }, 'MESSAGE_DELETE', { id: eph.id, channel_id: eph.channel_id, ...(eph.message.guild_id ? { guild_id: eph.message.guild_id } : {}) });
}

// ---------- what a member may run: the command picker ----------

/**
 * `GET /channels/:id/application-command-index`: the commands the caller may use in the channel, and their
 * applications (Discord's client reads the same per guild).
 */
export async function commandIndex(deps: InteractionDeps, ctx: Ctx, channelId: string) {
  const scope = await deps.access.channel(ctx, channelId);
  const guildId = guildIdOf(scope);
  let records;
  if (guildId) records = await deps.interactions.commandsInGuild(guildId);
  else {
    const recipients = scope.kind === 'private' ? scope.recipients : [];
    const apps = (await Promise.all(recipients.map((id) => deps.applications.getByBot(id)))).filter((a): a is ApplicationRecord => Boolean(a));
    records = await deps.interactions.globalCommands(apps.map((a) => a.id));
  }
  const entries = guildId ? await deps.interactions.commandPermissions(guildId) : [];
  const commands = records.map(wireCommand).filter((c) => mayUseCommand(c, scope, ctx.user.id, entries));
  const appIds = [...new Set(commands.map((c) => c.application_id))];
  const apps = (await Promise.all(appIds.map((id) => deps.applications.get(id)))).filter((a): a is ApplicationRecord => Boolean(a));
  const bots = new Map((await deps.users.getMany(apps.map((a) => a.bot_id))).map((u) => [u.id, u] as [string, UserRecord]));
  return {
    applications: apps.map((a) => ({ id: a.id, name: a.name, icon: null, description: a.description, bot_id: a.bot_id, bot: bots.get(a.bot_id) ? wireUser(bots.get(a.bot_id)!) : undefined })),
    application_commands: commands,
  };
}

// ---------- the interactions endpoint URL ----------

/**
 * Sets (or clears) where the application's interactions are POSTed. As Discord does, the URL must answer a
 * signed PING with a PONG and refuse a badly signed one with 401, or it is not taken.
 */
export async function setEndpoint(deps: InteractionDeps, app: ApplicationRecord, url: string | null): Promise<void> {
  const keys = await applicationKeys(deps.interactions, app.id);
  if (url) {
    const ping = JSON.stringify({ id: deps.ids.next(), application_id: app.id, type: InteractionTypes.PING, token: newToken('0'), version: 1, entitlements: [], authorizing_integration_owners: {}, attachment_size_limit: ATTACHMENT_SIZE_LIMIT, app_permissions: '0' });
    const post = async (signature: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature || signBody(keys.private_key, timestamp, ping), 'x-signature-timestamp': timestamp },
        body: ping,
        signal: AbortSignal.timeout(deps.config.interactionResponseMs),
      });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    };
    const invalid = () => errors.invalidField(['interactions_endpoint_url'], 'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID', 'The specified interactions endpoint url could not be verified.');
    try {
      const good = await post('');
      if (good.status !== 200 || (good.body as { type?: number } | undefined)?.type !== 1) throw invalid();
      const forged = await post('0'.repeat(128));
      if (forged.status !== 401) throw invalid();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw invalid();
    }
  }
  await deps.interactions.setEndpointUrl(app.id, url);
}

