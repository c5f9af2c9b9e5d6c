import { CreateMessageBody, EditMessageBody, MessageListQuery } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as messages from './service.js';

export function messageRoutes(r: Router, deps: Deps): void {
  r.get('/channels/:channel_id/messages', (req) => messages.listMessages(deps, req.ctx, req.params.channel_id!, parse(MessageListQuery, req.query)));
  r.post('/channels/:channel_id/messages', (req) => messages.sendMessage(deps, req.ctx, req.params.channel_id!, parse(CreateMessageBody, req.body)), {
    bucket: 'messages.create',
    body: 'large',
  });
  r.get('/channels/:channel_id/messages/:message_id', (req) => messages.getMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!));
  r.patch('/channels/:channel_id/messages/:message_id', (req) =>
    messages.editMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!, parse(EditMessageBody, req.body)), { bucket: 'messages.modify', body: 'large' });
  r.delete('/channels/:channel_id/messages/:message_id', (req) => messages.deleteMessage(deps, req.ctx, req.params.channel_id!, req.params.message_id!), {
    bucket: 'messages.modify',
  });
  r.post('/channels/:channel_id/typing', (req) => messages.triggerTyping(deps, req.ctx, req.params.channel_id!), { bucket: 'typing' });
}
