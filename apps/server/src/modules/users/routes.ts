import { ModifyMeBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as users from './service.js';

export function userRoutes(r: Router, deps: Deps): void {
  r.get('/users/@me', (req) => users.getMe(deps, req.ctx));
  r.patch('/users/@me', (req) => users.modifyMe(deps, req.ctx, parse(ModifyMeBody, req.body)), { body: 'large' });
  r.get('/users/@me/guilds', (req) => users.listMyGuilds(deps, req.ctx));
  r.get('/users/:user_id', (req) => users.getUser(deps, req.ctx, req.params.user_id!));
}
