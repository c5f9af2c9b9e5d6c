import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as voice from './service.js';

export function voiceRoutes(r: Router, deps: Deps): void {
  r.get('/voice/regions', async () => voice.VOICE_REGIONS);
  r.get('/guilds/:guild_id/regions', async (req) => {
    await deps.access.guild(req.ctx, req.params.guild_id!);
    return voice.VOICE_REGIONS;
  });
  r.get('/guilds/:guild_id/voice-states/:user_id', (req) => voice.getVoiceState(deps, req.ctx, req.params.guild_id!, req.params.user_id!));
}
