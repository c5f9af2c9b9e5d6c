/**
 * Application commands: global (`/applications/:id/commands`) and per guild
 * (`/applications/:id/guilds/:guild_id/commands`), managed by the application's bot (or its owner), with
 * Discord's rules and limits. A create with the name of an existing command of the same type replaces it.
 */
import {
  allChannelsId,
  ApplicationCommandTypes,
  CommandLimits,
  CommandPermissionTypes,
  commandProblems,
  hasPermission,
  isSnowflake,
  mayUseCommandIn,
  meetsDefaultPermissions,
  Permissions,
  type ApplicationCommand,
  type ApplicationCommandOption,
  type CommandOptionInput,
  type CreateCommandBody,
  type EditCommandBody,
  type EditCommandPermissionsBody,
  type GuildCommandPermissions,
} from '@concord/protocol';
import { ApiError, errors, problemsError } from '../../lib/errors.js';
import type { ChannelScope, Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import type { ApplicationRecord } from '../applications/store.js';
import type { CommandRecord } from './store.js';

export type CommandDeps = Needs<'interactions' | 'applications' | 'guilds', 'ids' | 'access'>;

export const commandErrors = {
  unknown: () => new ApiError(404, 10063, 'Unknown application command'),
  max: (n: number) => new ApiError(400, 30032, `Maximum number of application commands reached (${n})`),
  unknownPermissions: () => new ApiError(404, 10066, 'Unknown application command permissions'),
};

/** The application, if the caller is its bot or its owner. */
export async function managedApplication(deps: CommandDeps, ctx: Ctx, applicationId: string): Promise<ApplicationRecord> {
  const app = isSnowflake(applicationId) ? await deps.applications.get(applicationId) : undefined;
  if (!app) throw errors.unknown('application');
  if (app.bot_id !== ctx.user.id && app.owner_id !== ctx.user.id) throw errors.missingAccess();
  return app;
}

/** Guild commands need the application in the guild (its bot a member), as on Discord. */
async function checkGuild(deps: CommandDeps, app: ApplicationRecord, guildId: string | null): Promise<void> {
  if (guildId === null) return;
  if (!isSnowflake(guildId) || !(await deps.guilds.get(guildId))) throw errors.unknown('guild');
  if (!(await deps.guilds.getMember(guildId, app.bot_id))) throw errors.missingAccess();
}

function cleanOption(o: CommandOptionInput): ApplicationCommandOption {
  const out: ApplicationCommandOption = { type: o.type, name: o.name, description: o.description };
  if (o.name_localizations) out.name_localizations = o.name_localizations;
  if (o.description_localizations) out.description_localizations = o.description_localizations;
  if (o.required) out.required = true;
  if (o.choices?.length) out.choices = o.choices.map((c) => ({ name: c.name, ...(c.name_localizations ? { name_localizations: c.name_localizations } : {}), value: c.value }));
  if (o.options?.length) out.options = o.options.map(cleanOption);
  if (o.channel_types?.length) out.channel_types = o.channel_types;
  for (const k of ['min_value', 'max_value', 'min_length', 'max_length'] as const) if (o[k] != null) out[k] = o[k]!;
  if (o.autocomplete) out.autocomplete = true;
  return out;
}

/** The stored fields of a command from a create body (Discord's defaults filled in). */
function commandData(body: CreateCommandBody, guildId: string | null): Record<string, unknown> {
  const type = body.type ?? ApplicationCommandTypes.CHAT_INPUT;
  // dm_permission is the older form of contexts: false means guilds only.
  const contexts = body.contexts ?? (body.dm_permission === false ? [0] : null);
  return {
    description: type === ApplicationCommandTypes.CHAT_INPUT ? (body.description ?? '') : '',
    name_localizations: body.name_localizations ?? null,
    description_localizations: body.description_localizations ?? null,
    options: (body.options ?? []).map(cleanOption),
    default_member_permissions: body.default_member_permissions ?? (body.default_permission === false ? '0' : null),
    dm_permission: guildId === null ? body.dm_permission ?? (contexts ? contexts.includes(1) || contexts.includes(2) : true) : undefined,
    nsfw: body.nsfw ?? false,
    integration_types: body.integration_types ?? [0],
    contexts: guildId === null ? contexts : null,
  };
}

export function wireCommand(c: CommandRecord): ApplicationCommand {
  const d = c.data as Omit<ApplicationCommand, 'id' | 'type' | 'application_id' | 'name' | 'version'>;
  return {
    id: c.id,
    type: c.type,
    application_id: c.application_id,
    ...(c.guild_id ? { guild_id: c.guild_id } : {}),
    name: c.name,
    name_localizations: d.name_localizations ?? null,
    description: d.description,
    description_localizations: d.description_localizations ?? null,
    ...(d.options?.length ? { options: d.options } : {}),
    default_member_permissions: d.default_member_permissions ?? null,
    ...(c.guild_id ? {} : { dm_permission: d.dm_permission ?? true }),
    default_permission: true,
    nsfw: d.nsfw ?? false,
    integration_types: d.integration_types ?? [0],
    contexts: d.contexts ?? null,
    version: c.version,
  };
}

function validate(body: CreateCommandBody): void {
  const problems = commandProblems(body);
  if (problems.length > 0) throw problemsError(problems);
}

function limitFor(type: number): number {
  return type === ApplicationCommandTypes.CHAT_INPUT ? CommandLimits.GLOBAL_CHAT_INPUT : CommandLimits.CONTEXT_MENU;
}

export async function listCommands(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string | null): Promise<ApplicationCommand[]> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  return (await deps.interactions.listCommands(app.id, guildId)).map(wireCommand);
}

async function ownCommand(deps: CommandDeps, app: ApplicationRecord, guildId: string | null, commandId: string): Promise<CommandRecord> {
  const c = isSnowflake(commandId) ? await deps.interactions.getCommand(commandId) : undefined;
  if (!c || c.application_id !== app.id || c.guild_id !== guildId) throw commandErrors.unknown();
  return c;
}

export async function getCommand(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string | null, commandId: string): Promise<ApplicationCommand> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  return wireCommand(await ownCommand(deps, app, guildId, commandId));
}

/** Create, or replace the command of that name and type: `created` tells which (201 or 200). */
export async function createCommand(
  deps: CommandDeps,
  ctx: Ctx,
  applicationId: string,
  guildId: string | null,
  body: CreateCommandBody,
): Promise<{ command: ApplicationCommand; created: boolean }> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  validate(body);
  const type = body.type ?? ApplicationCommandTypes.CHAT_INPUT;
  return deps.tx(async (tx) => {
    const existing = await tx.interactions.findCommand(app.id, guildId, type, body.name);
    const record: CommandRecord = { id: existing?.id ?? deps.ids.next(), application_id: app.id, guild_id: guildId, type, name: body.name, version: deps.ids.next(), data: commandData(body, guildId) };
    if (existing) {
      await tx.interactions.updateCommand(record);
      return { command: wireCommand(record), created: false };
    }
    const limit = limitFor(type);
    if ((await tx.interactions.countCommands(app.id, guildId, type)) >= limit) throw commandErrors.max(limit);
    await tx.interactions.putCommand(record);
    return { command: wireCommand(record), created: true };
  });
}

export async function editCommand(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string | null, commandId: string, body: EditCommandBody): Promise<ApplicationCommand> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  const existing = await ownCommand(deps, app, guildId, commandId);
  const now = wireCommand(existing);
  // The edit is the command as it would be after it: the same rules apply to the whole.
  const merged: CreateCommandBody = {
    name: body.name ?? now.name,
    name_localizations: body.name_localizations === undefined ? now.name_localizations : body.name_localizations,
    description: body.description ?? now.description,
    description_localizations: body.description_localizations === undefined ? now.description_localizations : body.description_localizations,
    options: body.options === undefined ? (now.options as CommandOptionInput[] | undefined) : body.options,
    default_member_permissions: body.default_member_permissions === undefined ? now.default_member_permissions : body.default_member_permissions,
    dm_permission: body.dm_permission ?? now.dm_permission,
    nsfw: body.nsfw ?? now.nsfw,
    integration_types: body.integration_types ?? now.integration_types,
    contexts: body.contexts === undefined ? now.contexts : body.contexts,
    type: existing.type,
  };
  validate(merged);
  return deps.tx(async (tx) => {
    const clash = await tx.interactions.findCommand(app.id, guildId, existing.type, merged.name);
    if (clash && clash.id !== existing.id) throw problemsError([{ path: ['name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' }]);
    const record: CommandRecord = { ...existing, name: merged.name, version: deps.ids.next(), data: commandData(merged, guildId) };
    await tx.interactions.updateCommand(record);
    return wireCommand(record);
  });
}

export async function deleteCommand(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string | null, commandId: string): Promise<void> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  const existing = await ownCommand(deps, app, guildId, commandId);
  await deps.interactions.deleteCommand(app.id, existing.id);
}

/**
 * `PUT .../commands`: the list becomes the application's commands there. Commands keep their ids when a
 * command of the same name and type (or the id given) is in the list; the others are deleted.
 */
export async function bulkOverwrite(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string | null, bodies: CreateCommandBody[]): Promise<ApplicationCommand[]> {
  const app = await managedApplication(deps, ctx, applicationId);
  await checkGuild(deps, app, guildId);
  const problems = bodies.flatMap((b, i) => commandProblems(b).map((p) => ({ ...p, path: [i, ...p.path] })));
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  bodies.forEach((b, i) => {
    const type = b.type ?? ApplicationCommandTypes.CHAT_INPUT;
    const key = `${type}:${b.name}`;
    if (seen.has(key)) problems.push({ path: [i, 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    seen.add(key);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  });
  if (problems.length > 0) throw problemsError(problems);
  for (const [type, n] of counts) if (n > limitFor(type)) throw commandErrors.max(limitFor(type));
  return deps.tx(async (tx) => {
    const before = await tx.interactions.listCommands(app.id, guildId);
    const out: CommandRecord[] = [];
    const kept: string[] = [];
    const used = new Set<string>();
    const plans = bodies.map((b) => {
      const type = b.type ?? ApplicationCommandTypes.CHAT_INPUT;
      const free = before.filter((c) => !used.has(c.id));
      const existing = free.find((c) => (b.id ? c.id === b.id : false)) ?? free.find((c) => c.type === type && c.name === b.name);
      if (existing) used.add(existing.id);
      return { b, type, existing };
    });
    for (const { existing } of plans) if (existing) kept.push(existing.id);
    // Dropped and renamed-away commands go first, so a name moving between commands never clashes.
    await tx.interactions.deleteCommandsExcept(app.id, guildId, kept);
    for (const { b, type, existing } of plans) {
      const record: CommandRecord = { id: existing?.id ?? deps.ids.next(), application_id: app.id, guild_id: guildId, type, name: b.name, version: deps.ids.next(), data: commandData(b, guildId) };
      if (existing) await tx.interactions.updateCommand(record);
      else await tx.interactions.putCommand(record);
      out.push(record);
    }
    return out.map(wireCommand);
  });
}

/** Whether the command is offered in this kind of place at all (its contexts; dm_permission outside guilds). */
export function offeredIn(c: ApplicationCommand, scope: ChannelScope): boolean {
  if (scope.kind !== 'private') return !c.contexts || c.contexts.includes(0);
  return c.dm_permission !== false && (!c.contexts || c.contexts.includes(1));
}

/**
 * Whether the user may see and use the command where the scope is. The command must be offered there (its
 * contexts, or dm_permission outside guilds); in a guild its per-guild permissions decide (the command's and
 * its application's, from `entries`) before default_member_permissions; elsewhere only the latter.
 */
export function mayUseCommand(c: ApplicationCommand, scope: ChannelScope, userId: string, entries: readonly GuildCommandPermissions[] = []): boolean {
  if (!offeredIn(c, scope)) return false;
  if (scope.kind === 'private') {
    return hasPermission(scope.perms, Permissions.USE_APPLICATION_COMMANDS) && meetsDefaultPermissions(c.default_member_permissions, scope.perms);
  }
  const of = (id: string) => entries.find((e) => e.application_id === c.application_id && e.id === id)?.permissions;
  return mayUseCommandIn({
    guildId: scope.state.guild.id,
    userId,
    roleIds: scope.member.roles,
    channelId: scope.kind === 'thread' ? scope.parent.id : scope.channel.id,
    channelPerms: scope.perms,
    defaultMemberPermissions: c.default_member_permissions,
    command: of(c.id),
    application: of(c.application_id),
  });
}

// ---------- per-guild command permissions ----------

/**
 * Who reads an application's command permissions in a guild: its bot or owner (with the bot in the guild),
 * or a member who manages the guild (Discord's client shows them in Server Settings -> Integrations).
 */
async function permissionsApplication(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string): Promise<ApplicationRecord> {
  const app = isSnowflake(applicationId) ? await deps.applications.get(applicationId) : undefined;
  if (!app) throw errors.unknown('application');
  if (app.bot_id === ctx.user.id || app.owner_id === ctx.user.id) {
    await checkGuild(deps, app, guildId);
    return app;
  }
  await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD);
  await checkGuild(deps, app, guildId);
  return app;
}

/**
 * The command named (the application's global one or this guild's), or the application itself (its defaults):
 * its id, or its bot's, which libraries send since on Discord they are one.
 */
async function permissionsTarget(deps: CommandDeps, app: ApplicationRecord, guildId: string, commandId: string): Promise<string> {
  if (commandId === app.id || commandId === app.bot_id) return app.id;
  const c = isSnowflake(commandId) ? await deps.interactions.getCommand(commandId) : undefined;
  if (!c || c.application_id !== app.id || (c.guild_id !== null && c.guild_id !== guildId)) throw commandErrors.unknown();
  return c.id;
}

/** `GET /applications/:id/guilds/:guild_id/commands/permissions`: every entry of the application there. */
export async function listCommandPermissions(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string): Promise<GuildCommandPermissions[]> {
  const app = await permissionsApplication(deps, ctx, applicationId, guildId);
  return deps.interactions.commandPermissions(guildId, app.id);
}

/** `GET .../commands/:command_id/permissions`: 404 (10066) when none were set, as on Discord. */
export async function getCommandPermissions(deps: CommandDeps, ctx: Ctx, applicationId: string, guildId: string, commandId: string): Promise<GuildCommandPermissions> {
  const app = await permissionsApplication(deps, ctx, applicationId, guildId);
  const id = await permissionsTarget(deps, app, guildId, commandId);
  const found = (await deps.interactions.commandPermissions(guildId, app.id)).find((e) => e.id === id);
  if (!found) throw commandErrors.unknownPermissions();
  return found;
}

/**
 * `PUT .../commands/:command_id/permissions`: the list replaces the command's (or, with the application's id,
 * the application's) permissions in the guild. On Discord only a person's OAuth2 token may: a member who
 * manages the guild and its roles. Bots are refused. Every id must name a role, user or channel there.
 */
export async function editCommandPermissions(
  deps: CommandDeps,
  ctx: Ctx,
  applicationId: string,
  guildId: string,
  commandId: string,
  body: EditCommandPermissionsBody,
): Promise<GuildCommandPermissions> {
  if (ctx.user.bot) throw errors.usersOnly();
  const { state } = await deps.access.guild(ctx, guildId, Permissions.MANAGE_GUILD | Permissions.MANAGE_ROLES);
  const app = isSnowflake(applicationId) ? await deps.applications.get(applicationId) : undefined;
  if (!app) throw errors.unknown('application');
  await checkGuild(deps, app, guildId);
  const id = await permissionsTarget(deps, app, guildId, commandId);
  const seen = new Set<string>();
  for (const [i, p] of body.permissions.entries()) {
    const bad = (message: string) => errors.invalidField(['permissions', String(i), 'id'], 'APPLICATION_COMMAND_PERMISSIONS_INVALID', message);
    if (seen.has(`${p.type}:${p.id}`)) throw bad('Duplicate permission');
    seen.add(`${p.type}:${p.id}`);
    if (p.type === CommandPermissionTypes.ROLE && !state.roles.has(p.id)) throw bad('Unknown role');
    if (p.type === CommandPermissionTypes.CHANNEL && p.id !== allChannelsId(guildId) && !state.channels.has(p.id)) throw bad('Unknown channel');
    if (p.type === CommandPermissionTypes.USER && !(await deps.guilds.getMember(guildId, p.id))) throw bad('Unknown user');
  }
  const entry: GuildCommandPermissions = { id, application_id: app.id, guild_id: guildId, permissions: body.permissions.map((p) => ({ id: p.id, type: p.type, permission: p.permission })) };
  await deps.tx(async (tx) => {
    await tx.interactions.setCommandPermissions(entry);
    // The bot learns of it as on Discord; the member who changed it, on their other sessions (settings views).
    tx.emit({ users: [app.bot_id, ctx.user.id] }, 'APPLICATION_COMMAND_PERMISSIONS_UPDATE', entry);
  });
  return entry;
}
