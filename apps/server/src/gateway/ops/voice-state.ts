/**
 * Op 4: join, move or leave a guild's voice channel, or change self mute / deafen / video. Refusals (no CONNECT,
 * a full channel, a timed-out member) change nothing and answer nothing, as on Discord; so do payloads this
 * server does not serve (guild_id null: calls in private channels), which Discord clients send routinely.
 */
import { VoiceStateUpdateBody } from '@concord/protocol';
import { ApiError } from '../../lib/errors.js';
import { updateVoiceState } from '../../modules/voice/service.js';
import { framePrefix } from '../fanout.js';
import type { Connection } from '../connection.js';
import type { OpContext } from './context.js';
import { defineOp } from './context.js';

/** Discord's endpoint form: host[:port][/path], no scheme (clients add wss://). */
export function voiceEndpoint(ctx: OpContext, conn: Connection): string {
  const base = ctx.deps.config.publicUrl ?? conn.baseUrl ?? `http://localhost:${ctx.deps.config.port}`;
  return `${base.replace(/^\w+:\/\//, '').replace(/\/$/, '')}/voice`;
}

export const voiceStateUpdate = defineOp({
  when: 'ready',
  async handle(ctx, conn, d) {
    const parsed = VoiceStateUpdateBody.safeParse(d);
    const session = conn.session!;
    if (!parsed.success || !session.guilds.has(parsed.data.guild_id)) return;
    try {
      const server = await updateVoiceState(ctx.deps, { user: session.user }, session.id, parsed.data, voiceEndpoint(ctx, conn));
      if (server) session.dispatch(framePrefix('VOICE_SERVER_UPDATE', server));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  },
});
