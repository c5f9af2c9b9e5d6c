import { AuthorizeBody, CreateApplicationBody } from '@concord/protocol';
import { z } from 'zod';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as apps from './service.js';

const CreateBody = CreateApplicationBody.extend({ flags: z.number().int().nonnegative().optional() });

export function applicationRoutes(r: Router, deps: Deps): void {
  r.post('/applications', (req) => apps.createApplication(deps, req.ctx, parse(CreateBody, req.body)), { status: 201 });
  r.get('/applications', (req) => apps.listApplications(deps, req.ctx));
  r.get('/applications/@me', (req) => apps.currentApplication(deps, req.ctx));
  r.get('/oauth2/applications/@me', (req) => apps.currentApplication(deps, req.ctx));
  r.post('/oauth2/authorize', (req) => apps.authorizeBot(deps, req.ctx, req.query, parse(AuthorizeBody, req.body)));
}
