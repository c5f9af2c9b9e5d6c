import { LastSeenSettingsBody, ModifyMeBody } from '@concord/protocol';
import { errors, parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as users from './service.js';

export function userRoutes(r: Router, deps: Deps): void {
  r.get('/users/@me', (req) => users.getMe(deps, req.ctx));
  r.patch('/users/@me', (req) => users.modifyMe(deps, req.ctx, parse(ModifyMeBody, req.body)), { body: 'large' });
  r.get('/users/@me/guilds', (req) => users.listMyGuilds(deps, req.ctx));
  // Extension (an `x-` path cannot clash with Discord's): whether the caller shows their last seen.
  r.get('/users/@me/x-last-seen-settings', (req) => users.getLastSeenSettings(req.ctx));
  r.patch('/users/@me/x-last-seen-settings', (req) => {
    if (req.ctx.user.bot) throw errors.usersOnly();
    return users.setLastSeenSettings(deps, req.ctx, parse(LastSeenSettingsBody, req.body));
  });
  r.get('/users/:user_id', (req) => users.getUser(deps, req.ctx, req.params.user_id!));
}
