import { LoginBody, RegisterBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as auth from './service.js';

export function authRoutes(r: Router, deps: Deps): void {
  r.post('/auth/register', (req) => auth.register(deps, parse(RegisterBody, req.body)), { auth: false, bucket: 'auth.register', status: 201 });
  r.post('/auth/login', (req) => auth.login(deps, parse(LoginBody, req.body)), { auth: false, bucket: 'auth.login' });
  r.post('/auth/logout', (req) => auth.logout(deps, req.ctx.user, req.token!));
}
