import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as reactions from './service.js';

export function reactionRoutes(r: Router, deps: Deps): void {
  const base = '/channels/:channel_id/messages/:message_id/reactions';
  const opts = { bucket: 'reactions' };
  r.put(`${base}/:emoji/@me`, (req) => reactions.addReaction(deps, req.ctx, req.params.channel_id!, req.params.message_id!, req.params.emoji!), opts);
  r.delete(`${base}/:emoji/:user_id`, (req) =>
    reactions.removeReaction(deps, req.ctx, req.params.channel_id!, req.params.message_id!, req.params.emoji!, req.params.user_id!), opts);
  r.get(`${base}/:emoji`, (req) => reactions.listReactionUsers(deps, req.ctx, req.params.channel_id!, req.params.message_id!, req.params.emoji!, req.query));
  r.delete(`${base}/:emoji`, (req) => reactions.removeAllReactions(deps, req.ctx, req.params.channel_id!, req.params.message_id!, req.params.emoji!), opts);
  r.delete(base, (req) => reactions.removeAllReactions(deps, req.ctx, req.params.channel_id!, req.params.message_id!), opts);
}
