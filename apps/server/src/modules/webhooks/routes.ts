import { CreateWebhookBody, EditMessageBody, ExecuteWebhookBody, GitHubPayload, ModifyWebhookBody, SlackWebhookBody } from '@concord/protocol';
import { z } from 'zod';
import * as attachments from '../attachments/service.js';
import { errors, parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as webhooks from './service.js';
import * as interactions from '../interactions/service.js';

const TokenModifyBody = ModifyWebhookBody.omit({ channel_id: true });
const ExecuteQuery = z.object({ wait: z.enum(['true', 'false', '1', '0']).optional(), thread_id: z.string().optional() });
const ThreadQuery = z.object({ thread_id: z.string().optional() });

export function webhookRoutes(r: Router, deps: Deps): void {
  const large = { body: 'large' } as const;
  r.post('/channels/:channel_id/webhooks', (req) => webhooks.createWebhook(deps, req.ctx, req.params.channel_id!, parse(CreateWebhookBody, req.body), req.baseUrl), large);
  r.get('/channels/:channel_id/webhooks', (req) => webhooks.listChannelWebhooks(deps, req.ctx, req.params.channel_id!));
  r.get('/guilds/:guild_id/webhooks', (req) => webhooks.listGuildWebhooks(deps, req.ctx, req.params.guild_id!));
  r.get('/webhooks/:webhook_id', (req) => webhooks.getWebhook(deps, req.ctx, req.params.webhook_id!));
  r.patch('/webhooks/:webhook_id', (req) => webhooks.modifyWebhook(deps, req.ctx, req.params.webhook_id!, parse(ModifyWebhookBody, req.body)), large);
  r.delete('/webhooks/:webhook_id', (req) => webhooks.deleteWebhook(deps, req.ctx, req.params.webhook_id!));

  // The token in the URL is the authentication.
  const open = { auth: false } as const;
  const id = (req: { params: Record<string, string> }) => [req.params.webhook_id!, req.params.webhook_token!] as const;
  r.get('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.getWebhookWithToken(deps, ...id(req)), open);
  r.patch('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.modifyWebhookWithToken(deps, ...id(req), parse(TokenModifyBody, req.body)), { ...open, ...large });
  r.delete('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.deleteWebhookWithToken(deps, ...id(req)), open);
  r.post(
    '/webhooks/:webhook_id/:webhook_token',
    async (req) => {
      const q = parse(ExecuteQuery, req.query);
      const wait = q.wait === 'true' || q.wait === '1';
      // An interaction's token: a follow-up by the application (the id in the path is the application's).
      if (interactions.isInteractionToken(req.params.webhook_token!)) {
        if (!req.multipart) return interactions.followUp(deps, ...id(req), req.body, wait);
        const target = await interactions.uploadTarget(deps, req.params.webhook_token!, { applicationId: req.params.webhook_id! });
        const form = await attachments.receiveMultipart(deps, target.uploaderId, target.channelId, req.multipart, req.headers, async () => undefined);
        return attachments.withUploads(deps, form.uploads, () => interactions.followUp(deps, ...id(req), form.payload, wait, form.uploads));
      }
      if (!req.multipart) {
        const body = parse(ExecuteWebhookBody, req.body);
        return webhooks.executeWebhook(deps, ...id(req), { ...body, thread_id: body.thread_id ?? q.thread_id }, wait);
      }
      const hook = await webhooks.webhookForUpload(deps, ...id(req));
      const form = await attachments.receiveMultipart(deps, hook.id, hook.channel_id, req.multipart, req.headers, async () => undefined);
      return attachments.withUploads(deps, form.uploads, () => {
        const body = parse(ExecuteWebhookBody, form.payload);
        return webhooks.executeWebhook(deps, ...id(req), { ...body, thread_id: body.thread_id ?? q.thread_id }, wait, form.uploads);
      });
    },
    { ...open, bucket: 'webhooks.execute', body: 'large', multipart: true },
  );
  // Slack- and GitHub-compatible payloads, as Discord takes them (same bucket as executes).
  r.post(
    '/webhooks/:webhook_id/:webhook_token/slack',
    (req) => {
      const q = parse(ExecuteQuery, req.query);
      return webhooks.executeSlack(deps, ...id(req), parse(SlackWebhookBody, req.body), q.wait === 'true' || q.wait === '1', q.thread_id);
    },
    { ...open, bucket: 'webhooks.execute', body: 'large' },
  );
  r.post(
    '/webhooks/:webhook_id/:webhook_token/github',
    (req) => {
      const q = parse(ExecuteQuery, req.query);
      const event = String(req.headers['x-github-event'] ?? '');
      return webhooks.executeGitHub(deps, ...id(req), event, parse(GitHubPayload, req.body), q.wait === 'true' || q.wait === '1', q.thread_id);
    },
    { ...open, bucket: 'webhooks.execute', body: 'large' },
  );
  // An interaction's token names the application's answers to it (`@original`: its first answer).
  const isInteraction = (req: { params: Record<string, string> }) => interactions.isInteractionToken(req.params.webhook_token!);
  // `@original` (also sent percent-encoded) is only an interaction's.
  const webhookMessage = (req: { params: Record<string, string> }) => {
    if (req.params.message_id === '@original') throw errors.unknown('message');
    return req.params.message_id!;
  };
  r.get(
    '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
    (req) =>
      isInteraction(req) ? interactions.getFollowUp(deps, ...id(req), req.params.message_id!) : webhooks.getMessageWithToken(deps, ...id(req), webhookMessage(req), parse(ThreadQuery, req.query).thread_id),
    open,
  );
  r.patch(
    '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
    (req) =>
      isInteraction(req)
        ? interactions.editFollowUp(deps, ...id(req), req.params.message_id!, req.body)
        : webhooks.editMessageWithToken(deps, ...id(req), webhookMessage(req), parse(EditMessageBody, req.body), parse(ThreadQuery, req.query).thread_id),
    { ...open, bucket: 'webhooks.execute', body: 'large' },
  );
  r.delete(
    '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
    (req) => (isInteraction(req) ? interactions.deleteFollowUp(deps, ...id(req), req.params.message_id!) : webhooks.deleteMessageWithToken(deps, ...id(req), webhookMessage(req), parse(ThreadQuery, req.query).thread_id)),
    { ...open, bucket: 'webhooks.execute' },
  );
}
