import { CreateAutoModRuleBody, ModifyAutoModRuleBody } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as automod from './service.js';

export function automodRoutes(r: Router, deps: Deps): void {
  const base = '/guilds/:guild_id/auto-moderation/rules';
  const bucket = { bucket: 'automod' };
  r.get(base, (req) => automod.listRules(deps, req.ctx, req.params.guild_id!));
  r.get(`${base}/:rule_id`, (req) => automod.getRule(deps, req.ctx, req.params.guild_id!, req.params.rule_id!));
  r.post(base, (req) => automod.createRule(deps, req.ctx, req.params.guild_id!, parse(CreateAutoModRuleBody, req.body)), { ...bucket, body: 'large' });
  r.patch(`${base}/:rule_id`, (req) => automod.modifyRule(deps, req.ctx, req.params.guild_id!, req.params.rule_id!, parse(ModifyAutoModRuleBody, req.body)), { ...bucket, body: 'large' });
  r.delete(`${base}/:rule_id`, (req) => automod.deleteRule(deps, req.ctx, req.params.guild_id!, req.params.rule_id!), bucket);
}
