/** Extension op 100: send a message and answer op 101 with the nonce and the stored id, or the error. */
import { GatewayOpcodes as Op, XSendMessageData } from '@concord/protocol';
import { ApiError, RateLimitedError } from '../../lib/errors.js';
import { sendMessage as send } from '../../modules/messages/service.js';
import { AutoModBlocked } from '../../modules/automod/service.js';
import { defineOp } from './context.js';

export const sendMessage = defineOp({
  when: 'ready',
  schema: XSendMessageData,
  invalid: 'Invalid send payload.',
  async handle({ deps }, conn, d) {
    const session = conn.session!;
    const { channel_id, ...body } = d;
    try {
      // The same bucket and key as POST /channels/:id/messages, so the two paths share one allowance.
      const r = await deps.limits.consume('messages.create', `${channel_id}:u${session.user.id}`);
      if (r && !r.allowed) {
        const retryAfter = Number((r.resetAfterMs / 1000).toFixed(3));
        const error = { code: 0, message: 'You are being rate limited.', status: 429, retry_after: retryAfter };
        return conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, error });
      }
      const message = await send(deps, { user: session.user }, channel_id, { ...body, enforce_nonce: true });
      conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, id: message.id });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const retry = err instanceof RateLimitedError ? { retry_after: Number(err.retryAfter.toFixed(3)) } : {};
      const custom = err instanceof AutoModBlocked && err.customMessage ? { custom_message: err.customMessage } : {};
      conn.sendOp(Op.XMessageAck, { nonce: d.nonce, channel_id, error: { code: err.code, message: err.message, status: err.status, ...retry, ...custom } });
    }
  },
});
