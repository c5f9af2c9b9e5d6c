import { AckBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as readStates from './service.js';

export function readStateRoutes(r: Router, deps: Deps): void {
  r.post(
    '/channels/:channel_id/messages/:message_id/ack',
    (req) => readStates.ack(deps, req.ctx, req.params.channel_id!, req.params.message_id!, parse(AckBody, req.body)),
    { bucket: 'ack' },
  );
}
