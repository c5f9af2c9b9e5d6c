/**
 * Application commands: global (`/applications/:id/commands`) and per guild
 * (`/applications/:id/guilds/:guild_id/commands`), managed by the application's bot (or its owner), with
 * Discord's rules and limits. A create with the name of an existing command of the same type replaces it.
 */
import {
  ApplicationCommandTypes,
  CommandLimits,
  commandProblems,
  hasPermission,
  isSnowflake,
  Permissions,
  type ApplicationCommand,
  type ApplicationCommandOption,
  type CommandOptionInput,
  type CreateCommandBody,
  type EditCommandBody,
} from '@concord/protocol';
import { ApiError, errors, problemsError } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import type { ApplicationRecord } from '../applications/store.js';
import type { CommandRecord } from './store.js';

export type CommandDeps = Needs<'interactions' | 'applications' | 'guilds', 'ids' | 'access'>;

export const commandErrors = {
  unknown: () => new ApiError(404, 10063, 'Unknown application command'),
  max: (n: number) => new ApiError(400, 30032, `Maximum number of application commands reached (${n})`),
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

/** Whether a member with these channel permissions may see and use the command (default_member_permissions). */
export function mayUseCommand(c: ApplicationCommand, perms: bigint): boolean {
  if (!hasPermission(perms, Permissions.USE_APPLICATION_COMMANDS)) return false;
  if (c.default_member_permissions == null) return true;
  if (hasPermission(perms, Permissions.ADMINISTRATOR)) return true;
  const need = BigInt(c.default_member_permissions);
  // "0": only administrators (and the owner, who holds every permission).
  return need === 0n ? false : hasPermission(perms, need);
}
