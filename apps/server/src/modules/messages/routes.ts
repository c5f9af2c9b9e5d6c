import { CreateMessageBody, EditMessageBody, MessageListQuery, PinListQuery } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as messages from './service.js';
import * as pins from './pins.js';
import * as attachments from '../attachments/service.js';

export function messageRoutes(r: Router, deps: Deps): void {
  r.get('/channels/:channel_id/messages', (req) => messages.listMessages(deps, req.ctx, req.params.channel_id!, parse(MessageListQuery, req.query)));
  r.post(
    '/channels/:channel_id/messages',
    async (req) => {
      const channelId = req.params.channel_id!;
      if (!req.multipart) return messages.sendMessage(deps, req.ctx, channelId, parse(CreateMessageBody, req.body));
      const form = await attachments.receiveMultipart(deps, req.ctx.user.id, channelId, req.multipart, req.headers, () => messages.checkSend(deps, req.ctx, channelId, true));
      return attachments.withUploads(deps, form.uploads, () => messages.sendMessage(deps, req.ctx, channelId, parse(CreateMessageBody, form.payload), form.uploads));
    },
    { bucket: 'messages.create', body: 'large', multipart: true },
  );
  r.get('/channels/:channel_id/messages/:message_id', (req) => messages.getMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!));
  r.patch(
    '/channels/:channel_id/messages/:message_id',
    async (req) => {
      const [channelId, messageId] = [req.params.channel_id!, req.params.message_id!];
      if (!req.multipart) return messages.editMessage(deps, req.ctx, channelId, messageId, parse(EditMessageBody, req.body));
      const form = await attachments.receiveMultipart(deps, req.ctx.user.id, channelId, req.multipart, req.headers, () => messages.checkEdit(deps, req.ctx, channelId, messageId, true));
      return attachments.withUploads(deps, form.uploads, () => messages.editMessage(deps, req.ctx, channelId, messageId, parse(EditMessageBody, form.payload), form.uploads));
    },
    { bucket: 'messages.modify', body: 'large', multipart: true },
  );
  r.delete('/channels/:channel_id/messages/:message_id', (req) => messages.deleteMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!), {
    bucket: 'messages.modify',
  });
  // Pins, at Discord's older and newer paths.
  const pinOpts = { bucket: 'pins' };
  for (const base of ['/channels/:channel_id/pins', '/channels/:channel_id/messages/pins']) {
    r.put(`${base}/:message_id`, (req) => pins.pinMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!), pinOpts);
    r.delete(`${base}/:message_id`, (req) => pins.unpinMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!), pinOpts);
  }
  r.get('/channels/:channel_id/pins', (req) => pins.listPins(deps, req.ctx, req.params.channel_id!));
  r.get('/channels/:channel_id/messages/pins', (req) => pins.listPinsPaged(deps, req.ctx, req.params.channel_id!, parse(PinListQuery, req.query)));
  r.post('/channels/:channel_id/typing', (req) => messages.triggerTyping(deps, req.ctx, req.params.channel_id!), { bucket: 'typing' });
}
