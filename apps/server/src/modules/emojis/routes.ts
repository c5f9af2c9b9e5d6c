import { CreateGuildEmojiBody, ModifyGuildEmojiBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as emojis from './service.js';

export function emojiRoutes(r: Router, deps: Deps): void {
  const base = '/guilds/:guild_id/emojis';
  const bucket = { bucket: 'emojis' };
  r.get(base, (req) => emojis.listEmojis(deps, req.ctx, req.params.guild_id!));
  r.get(`${base}/:emoji_id`, (req) => emojis.getEmoji(deps, req.ctx, req.params.guild_id!, req.params.emoji_id!));
  r.post(base, (req) => emojis.createEmoji(deps, req.ctx, req.params.guild_id!, parse(CreateGuildEmojiBody, req.body)), { ...bucket, status: 201, body: 'large' });
  r.patch(`${base}/:emoji_id`, (req) => emojis.modifyEmoji(deps, req.ctx, req.params.guild_id!, req.params.emoji_id!, parse(ModifyGuildEmojiBody, req.body)), bucket);
  r.delete(`${base}/:emoji_id`, (req) => emojis.deleteEmoji(deps, req.ctx, req.params.guild_id!, req.params.emoji_id!), bucket);
}
