import { CreateWebhookBody, EditMessageBody, ExecuteWebhookBody, ModifyWebhookBody } from '@concord/protocol';
import { z } from 'zod';
import * as attachments from '../attachments/service.js';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as webhooks from './service.js';

const TokenModifyBody = ModifyWebhookBody.omit({ channel_id: true });
const ExecuteQuery = z.object({ wait: z.enum(['true', 'false', '1', '0']).optional(), thread_id: z.string().optional() });

export function webhookRoutes(r: Router, deps: Deps): void {
  r.post('/channels/:channel_id/webhooks', (req) => webhooks.createWebhook(deps, req.ctx, req.params.channel_id!, parse(CreateWebhookBody, req.body), req.baseUrl));
  r.get('/channels/:channel_id/webhooks', (req) => webhooks.listChannelWebhooks(deps, req.ctx, req.params.channel_id!));
  r.get('/guilds/:guild_id/webhooks', (req) => webhooks.listGuildWebhooks(deps, req.ctx, req.params.guild_id!));
  r.get('/webhooks/:webhook_id', (req) => webhooks.getWebhook(deps, req.ctx, req.params.webhook_id!));
  r.patch('/webhooks/:webhook_id', (req) => webhooks.modifyWebhook(deps, req.ctx, req.params.webhook_id!, parse(ModifyWebhookBody, req.body)));
  r.delete('/webhooks/:webhook_id', (req) => webhooks.deleteWebhook(deps, req.ctx, req.params.webhook_id!));

  // The token in the URL is the authentication.
  const open = { auth: false } as const;
  const id = (req: { params: Record<string, string> }) => [req.params.webhook_id!, req.params.webhook_token!] as const;
  r.get('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.getWebhookWithToken(deps, ...id(req)), open);
  r.patch('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.modifyWebhookWithToken(deps, ...id(req), parse(TokenModifyBody, req.body)), open);
  r.delete('/webhooks/:webhook_id/:webhook_token', (req) => webhooks.deleteWebhookWithToken(deps, ...id(req)), open);
  r.post(
    '/webhooks/:webhook_id/:webhook_token',
    async (req) => {
      const q = parse(ExecuteQuery, req.query);
      const wait = q.wait === 'true' || q.wait === '1';
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
    { ...open, bucket: 'webhooks.execute', multipart: true },
  );
  r.get('/webhooks/:webhook_id/:webhook_token/messages/:message_id', (req) => webhooks.getMessageWithToken(deps, ...id(req), req.params.message_id!), open);
  r.patch(
    '/webhooks/:webhook_id/:webhook_token/messages/:message_id',
    (req) => webhooks.editMessageWithToken(deps, ...id(req), req.params.message_id!, parse(EditMessageBody, req.body)),
    { ...open, bucket: 'webhooks.execute' },
  );
  r.delete('/webhooks/:webhook_id/:webhook_token/messages/:message_id', (req) => webhooks.deleteMessageWithToken(deps, ...id(req), req.params.message_id!), {
    ...open,
    bucket: 'webhooks.execute',
  });
}
