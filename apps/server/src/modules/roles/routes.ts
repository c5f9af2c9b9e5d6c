import { RoleBody, RolePositionsBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as roles from './service.js';

export function roleRoutes(r: Router, deps: Deps): void {
  r.post('/guilds/:guild_id/roles', (req) => roles.createRole(deps, req.ctx, req.params.guild_id!, parse(RoleBody, req.body)), { bucket: 'roles.modify' });
  r.patch('/guilds/:guild_id/roles', (req) => roles.reorderRoles(deps, req.ctx, req.params.guild_id!, parse(RolePositionsBody, req.body)), { bucket: 'roles.modify' });
  r.patch('/guilds/:guild_id/roles/:role_id', (req) => roles.modifyRole(deps, req.ctx, req.params.guild_id!, req.params.role_id!, parse(RoleBody, req.body)), { bucket: 'roles.modify' });
  r.delete('/guilds/:guild_id/roles/:role_id', (req) => roles.deleteRole(deps, req.ctx, req.params.guild_id!, req.params.role_id!), { bucket: 'roles.modify' });
}
