import { defineModule } from '../module.js';
import { voiceRoutes } from './routes.js';

/**
 * Voice channels: who is in them (VOICE_STATE_UPDATE). Its state store (memory or Redis) is infrastructure,
 * chosen in app.ts; the voice gateway and the media server live in src/voice/.
 */
export const voiceModule = defineModule({
  name: 'voice',
  routes: voiceRoutes,
  events: ['VOICE_STATE_UPDATE'],
});
