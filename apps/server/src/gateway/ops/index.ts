/**
 * The client ops this gateway understands: one entry each, one handler file each. The connection checks the
 * state (`when`) and the payload (`schema`) before calling `handle`; ops below 100 that are not here are ignored
 * (Discord clients send some routinely), and unknown ops from 100 up close 4001.
 */
import { GatewayOpcodes as Op } from '@concord/protocol';
import type { OpTable } from '../connection.js';
import type { OpContext } from './context.js';
import { heartbeat } from './heartbeat.js';
import { identify } from './identify.js';
import { presenceUpdate } from './presence.js';
import { requestGuildMembers } from './request-guild-members.js';
import { resume } from './resume.js';
import { sendMessage } from './send-message.js';
import { voiceStateUpdate } from './voice-state.js';

export type { OpContext } from './context.js';

export const ops: OpTable<OpContext> = {
  [Op.Heartbeat]: heartbeat,
  [Op.Identify]: identify,
  [Op.PresenceUpdate]: presenceUpdate,
  [Op.VoiceStateUpdate]: voiceStateUpdate,
  [Op.Resume]: resume,
  [Op.RequestGuildMembers]: requestGuildMembers,
  [Op.XSendMessage]: sendMessage,
};
