import { CreateAttachmentsBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as attachments from './service.js';

export function attachmentRoutes(r: Router, deps: Deps): void {
  r.post('/channels/:channel_id/attachments', (req) => attachments.createUploadSlots(deps, req.ctx, req.params.channel_id!, parse(CreateAttachmentsBody, req.body)), {
    bucket: 'attachments.slots',
  });
  r.delete('/attachments/:upload_filename', (req) => attachments.cancelUpload(deps, req.ctx, req.params.upload_filename!), { bucket: 'attachments.slots' });
}
