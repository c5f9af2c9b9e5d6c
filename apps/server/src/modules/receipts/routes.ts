import { ReceiptSettingsBody } from '@concord/protocol';
import { errors, parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as receipts from './service.js';

/** Extension routes (`x-` paths cannot clash with Discord's). */
export function receiptRoutes(r: Router, deps: Deps): void {
  r.get('/channels/:channel_id/x-receipts', (req) => receipts.channelReceipts(deps, req.ctx, req.params.channel_id!));
  r.get('/users/@me/x-receipt-settings', (req) => receipts.getSettings(deps, req.ctx));
  r.patch('/users/@me/x-receipt-settings', (req) => {
    if (req.ctx.user.bot) throw errors.usersOnly();
    return receipts.setSettings(deps, req.ctx, parse(ReceiptSettingsBody, req.body));
  });
}
