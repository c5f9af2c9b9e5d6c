import type { AutoModRule } from '@concord/protocol';
import type { Queryable, Row } from '../../store/db.js';

export interface AutoModStore {
  list(guildId: string): Promise<AutoModRule[]>;
  get(guildId: string, ruleId: string): Promise<AutoModRule | undefined>;
  create(rule: AutoModRule): Promise<void>;
  update(rule: AutoModRule): Promise<void>;
  delete(guildId: string, ruleId: string): Promise<boolean>;
}

const toRule = (r: Row): AutoModRule => ({
  id: String(r.id),
  guild_id: String(r.guild_id),
  name: String(r.name),
  creator_id: String(r.creator_id),
  event_type: Number(r.event_type),
  trigger_type: Number(r.trigger_type),
  trigger_metadata: JSON.parse(String(r.trigger_metadata)),
  actions: JSON.parse(String(r.actions)),
  enabled: Boolean(Number(r.enabled)),
  exempt_roles: JSON.parse(String(r.exempt_roles)),
  exempt_channels: JSON.parse(String(r.exempt_channels)),
});

const columns = (r: AutoModRule) => [
  r.name,
  r.event_type,
  JSON.stringify(r.trigger_metadata),
  JSON.stringify(r.actions),
  r.enabled ? 1 : 0,
  JSON.stringify(r.exempt_roles),
  JSON.stringify(r.exempt_channels),
];

export class SqlAutoModStore implements AutoModStore {
  constructor(private readonly db: Queryable) {}

  async list(guildId: string) {
    return (await this.db.all('SELECT * FROM automod_rules WHERE guild_id = ? ORDER BY id', [guildId])).map(toRule);
  }
  async get(guildId: string, ruleId: string) {
    const r = await this.db.get('SELECT * FROM automod_rules WHERE guild_id = ? AND id = ?', [guildId, ruleId]);
    return r && toRule(r);
  }
  async create(r: AutoModRule) {
    await this.db.run(
      'INSERT INTO automod_rules (name, event_type, trigger_metadata, actions, enabled, exempt_roles, exempt_channels, id, guild_id, creator_id, trigger_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [...columns(r), r.id, r.guild_id, r.creator_id, r.trigger_type],
    );
  }
  async update(r: AutoModRule) {
    await this.db.run(
      'UPDATE automod_rules SET name = ?, event_type = ?, trigger_metadata = ?, actions = ?, enabled = ?, exempt_roles = ?, exempt_channels = ? WHERE id = ? AND guild_id = ?',
      [...columns(r), r.id, r.guild_id],
    );
  }
  async delete(guildId: string, ruleId: string) {
    return (await this.db.run('DELETE FROM automod_rules WHERE guild_id = ? AND id = ?', [guildId, ruleId])).changes > 0;
  }
}
