import { BulkCommandsBody, CreateCommandBody, EditCommandBody, EditCommandPermissionsBody, InteractionCallbackBody, InvokeInteractionBody } from '@concord/protocol';
import { z } from 'zod';
import { errors, parse } from '../../lib/errors.js';
import { Answer, type Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as commands from './commands.js';
import * as interactions from './service.js';
import * as attachments from '../attachments/service.js';
import { applicationKeys } from './keys.js';

const EndpointBody = z.object({ interactions_endpoint_url: z.url({ protocol: /^https?$/ }).max(2048).nullish(), description: z.string().max(400).nullish() });
const WithResponse = z.object({ with_response: z.enum(['true', 'false', '1', '0']).optional() });
const yes = (v: string | undefined) => v === 'true' || v === '1';

export function interactionRoutes(r: Router, deps: Deps): void {
  const large = { body: 'large' } as const;
  // Global commands (guild null) and a guild's, at their two paths.
  for (const [base, guildOf] of [
    ['/applications/:application_id/commands', () => null],
    ['/applications/:application_id/guilds/:guild_id/commands', (p: Record<string, string>) => p.guild_id!],
  ] as const) {
    const g = (req: { params: Record<string, string> }) => guildOf(req.params);
    r.get(base, (req) => commands.listCommands(deps, req.ctx, req.params.application_id!, g(req)));
    r.post(
      base,
      async (req) => {
        const { command, created } = await commands.createCommand(deps, req.ctx, req.params.application_id!, g(req), parse(CreateCommandBody, req.body));
        return new Answer(created ? 201 : 200, command);
      },
      large,
    );
    r.put(base, (req) => commands.bulkOverwrite(deps, req.ctx, req.params.application_id!, g(req), parse(BulkCommandsBody, req.body ?? [])), large);
    r.get(`${base}/:command_id`, (req) => commands.getCommand(deps, req.ctx, req.params.application_id!, g(req), req.params.command_id!));
    r.patch(`${base}/:command_id`, (req) => commands.editCommand(deps, req.ctx, req.params.application_id!, g(req), req.params.command_id!, parse(EditCommandBody, req.body)), large);
    r.delete(`${base}/:command_id`, (req) => commands.deleteCommand(deps, req.ctx, req.params.application_id!, g(req), req.params.command_id!));
  }

  // Per-guild permissions of a command (or, with the application's id for the command's, of all its commands).
  const perms = '/applications/:application_id/guilds/:guild_id/commands';
  r.get(`${perms}/permissions`, (req) => commands.listCommandPermissions(deps, req.ctx, req.params.application_id!, req.params.guild_id!));
  r.get(`${perms}/:command_id/permissions`, (req) =>
    commands.getCommandPermissions(deps, req.ctx, req.params.application_id!, req.params.guild_id!, req.params.command_id!),
  );
  r.put(`${perms}/:command_id/permissions`, (req) =>
    commands.editCommandPermissions(deps, req.ctx, req.params.application_id!, req.params.guild_id!, req.params.command_id!, parse(EditCommandPermissionsBody, req.body)),
  );

  r.post('/interactions', (req) => interactions.invoke(deps, req.ctx, parse(InvokeInteractionBody, req.body)), { bucket: 'interactions.invoke' });
  r.post(
    '/interactions/:interaction_id/:interaction_token/callback',
    async (req) => {
      const { interaction_id: id, interaction_token: token } = req.params as { interaction_id: string; interaction_token: string };
      const withResponse = yes(parse(WithResponse, req.query).with_response);
      if (!req.multipart) return interactions.callback(deps, id, token, parse(InteractionCallbackBody, req.body), withResponse);
      // Files (payload_json + files[n]), as discord.js sends a reply with attachments.
      const target = await interactions.uploadTarget(deps, token, { interactionId: id });
      const form = await attachments.receiveMultipart(deps, target.uploaderId, target.channelId, req.multipart, req.headers, async () => undefined);
      return attachments.withUploads(deps, form.uploads, () => interactions.callback(deps, id, token, parse(InteractionCallbackBody, form.payload), withResponse, form.uploads));
    },
    { auth: false, body: 'large', multipart: true },
  );
  r.get('/channels/:channel_id/application-command-index', (req) => interactions.commandIndex(deps, req.ctx, req.params.channel_id!));

  // The bot sets where its interactions go (Discord's developer portal, or PATCH /applications/@me).
  r.patch('/applications/@me', async (req) => {
    if (!req.ctx.user.bot) throw errors.botsOnly();
    const app = await deps.applications.getByBot(req.ctx.user.id);
    if (!app) throw errors.unknown('application');
    const body = parse(EndpointBody, req.body);
    if (body.interactions_endpoint_url !== undefined) await interactions.setEndpoint(deps, app, body.interactions_endpoint_url);
    const keys = await applicationKeys(deps.interactions, app.id);
    return { id: app.id, name: app.name, description: app.description, flags: app.flags, verify_key: keys.public_key, interactions_endpoint_url: keys.url };
  });
}
