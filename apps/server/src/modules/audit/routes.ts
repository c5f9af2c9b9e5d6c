import { AuditLogQuery } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import { listAuditLog } from './service.js';

export function auditRoutes(r: Router, deps: Deps): void {
  r.get('/guilds/:guild_id/audit-logs', (req) => listAuditLog(deps, req.ctx, req.params.guild_id!, parse(AuditLogQuery, req.query)));
}
