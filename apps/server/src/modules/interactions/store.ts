import type { CommandPermission, GuildCommandPermissions, Message } from '@concord/protocol';
import type { Queryable, Row } from '../../store/db.js';

/** A command; `data` holds its wire fields besides the columns (description, options, permissions, ...). */
export interface CommandRecord {
  id: string;
  application_id: string;
  /** null: a global command. */
  guild_id: string | null;
  type: number;
  name: string;
  version: string;
  data: Record<string, unknown>;
}

export interface InteractionRecord {
  id: string;
  application_id: string;
  type: number;
  token_hash: string;
  user_id: string;
  guild_id: string | null;
  channel_id: string;
  /** A component's (or a modal's) message. */
  message_id: string | null;
  message_ephemeral: boolean;
  nonce: string | null;
  /** What an answer's `interaction_metadata` says: the command's name and type, the invoker. */
  meta: Record<string, unknown>;
  created_at: number;
  /** null until the interaction is acknowledged. */
  response_type: number | null;
  original_id: string | null;
  original_ephemeral: boolean;
  /** The modal the callback showed (for its submit). */
  modal: Record<string, unknown> | null;
}

export interface EphemeralRecord {
  id: string;
  channel_id: string;
  user_id: string;
  interaction_id: string;
  message: Message;
}

export interface EndpointRecord {
  application_id: string;
  url: string | null;
  public_key: string;
  private_key: string;
}

export interface InteractionStore {
  listCommands(applicationId: string, guildId: string | null): Promise<CommandRecord[]>;
  getCommand(id: string): Promise<CommandRecord | undefined>;
  findCommand(applicationId: string, guildId: string | null, type: number, name: string): Promise<CommandRecord | undefined>;
  countCommands(applicationId: string, guildId: string | null, type: number): Promise<number>;
  putCommand(c: CommandRecord): Promise<void>;
  updateCommand(c: CommandRecord): Promise<void>;
  deleteCommand(applicationId: string, id: string): Promise<boolean>;
  deleteCommandsExcept(applicationId: string, guildId: string | null, keep: readonly string[]): Promise<void>;
  /** Global commands of the applications whose bots are in the guild, and the guild's own commands. */
  commandsInGuild(guildId: string): Promise<CommandRecord[]>;
  /** Global commands of these applications. */
  globalCommands(applicationIds: readonly string[]): Promise<CommandRecord[]>;

  createInteraction(i: InteractionRecord): Promise<void>;
  getInteraction(id: string): Promise<InteractionRecord | undefined>;
  /** Marks it answered; false when it already was (the first answer wins). */
  acknowledge(id: string, responseType: number): Promise<boolean>;
  setOriginal(id: string, messageId: string | null, ephemeral: boolean, modal?: Record<string, unknown> | null): Promise<void>;
  deleteInteractionsBefore(createdAt: number): Promise<void>;

  putEphemeral(e: EphemeralRecord): Promise<void>;
  getEphemeral(id: string): Promise<EphemeralRecord | undefined>;
  updateEphemeral(id: string, message: Message): Promise<void>;
  deleteEphemeral(id: string): Promise<boolean>;
  deleteEphemeralByChannels(channelIds: readonly string[]): Promise<void>;
  deleteEphemeralBefore(id: string): Promise<void>;

  /** Every permissions entry of the guild (of all applications), or of one application there. */
  commandPermissions(guildId: string, applicationId?: string): Promise<GuildCommandPermissions[]>;
  /** Replaces the entry; an empty list removes it. */
  setCommandPermissions(p: GuildCommandPermissions): Promise<void>;

  getEndpoint(applicationId: string): Promise<EndpointRecord | undefined>;
  /** Keeps an existing key pair (two first uses at once agree on one). */
  putEndpointKeys(e: EndpointRecord): Promise<void>;
  setEndpointUrl(applicationId: string, url: string | null): Promise<void>;
}

const toCommand = (r: Row): CommandRecord => ({
  id: String(r.id),
  application_id: String(r.application_id),
  guild_id: String(r.guild_id) === '0' ? null : String(r.guild_id),
  type: Number(r.type),
  name: r.name,
  version: String(r.version),
  data: JSON.parse(r.data),
});

const toInteraction = (r: Row): InteractionRecord => ({
  id: String(r.id),
  application_id: String(r.application_id),
  type: Number(r.type),
  token_hash: r.token_hash,
  user_id: String(r.user_id),
  guild_id: r.guild_id == null ? null : String(r.guild_id),
  channel_id: String(r.channel_id),
  message_id: r.message_id == null ? null : String(r.message_id),
  message_ephemeral: Boolean(r.message_ephemeral),
  nonce: r.nonce ?? null,
  meta: r.meta ? JSON.parse(r.meta) : {},
  created_at: Number(r.created_at),
  response_type: r.response_type == null ? null : Number(r.response_type),
  original_id: r.original_id == null ? null : String(r.original_id),
  original_ephemeral: Boolean(r.original_ephemeral),
  modal: r.modal ? JSON.parse(r.modal) : null,
});

const gid = (guildId: string | null) => guildId ?? '0';

export class SqlInteractionStore implements InteractionStore {
  constructor(private readonly db: Queryable) {}

  async listCommands(applicationId: string, guildId: string | null) {
    return (await this.db.all('SELECT * FROM application_commands WHERE application_id = ? AND guild_id = ? ORDER BY id', [applicationId, gid(guildId)])).map(toCommand);
  }
  async getCommand(id: string) {
    const r = await this.db.get('SELECT * FROM application_commands WHERE id = ?', [id]);
    return r && toCommand(r);
  }
  async findCommand(applicationId: string, guildId: string | null, type: number, name: string) {
    const r = await this.db.get('SELECT * FROM application_commands WHERE application_id = ? AND guild_id = ? AND type = ? AND name = ?', [applicationId, gid(guildId), type, name]);
    return r && toCommand(r);
  }
  async countCommands(applicationId: string, guildId: string | null, type: number) {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM application_commands WHERE application_id = ? AND guild_id = ? AND type = ?', [applicationId, gid(guildId), type]);
    return Number(r?.n ?? 0);
  }
  async putCommand(c: CommandRecord) {
    await this.db.run('INSERT INTO application_commands (id, application_id, guild_id, type, name, data, version) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      c.id,
      c.application_id,
      gid(c.guild_id),
      c.type,
      c.name,
      JSON.stringify(c.data),
      c.version,
    ]);
  }
  async updateCommand(c: CommandRecord) {
    await this.db.run('UPDATE application_commands SET name = ?, data = ?, version = ? WHERE id = ?', [c.name, JSON.stringify(c.data), c.version, c.id]);
  }
  async deleteCommand(applicationId: string, id: string) {
    await this.db.run('DELETE FROM application_command_permissions WHERE application_id = ? AND command_id = ?', [applicationId, id]);
    return (await this.db.run('DELETE FROM application_commands WHERE application_id = ? AND id = ?', [applicationId, id])).changes > 0;
  }
  async deleteCommandsExcept(applicationId: string, guildId: string | null, keep: readonly string[]) {
    const marks = keep.map(() => '?').join(', ');
    await this.db.run(
      `DELETE FROM application_commands WHERE application_id = ? AND guild_id = ?${keep.length ? ` AND id NOT IN (${marks})` : ''}`,
      [applicationId, gid(guildId), ...keep],
    );
    // The permissions of commands gone go with them (the application's own entry stays).
    await this.db.run(
      `DELETE FROM application_command_permissions WHERE application_id = ? AND command_id <> application_id
         AND command_id NOT IN (SELECT id FROM application_commands WHERE application_id = ?)`,
      [applicationId, applicationId],
    );
  }
  async commandsInGuild(guildId: string) {
    const rows = await this.db.all(
      `SELECT c.* FROM application_commands c
         JOIN applications a ON a.id = c.application_id
         JOIN members m ON m.user_id = a.bot_id AND m.guild_id = ?
       WHERE c.guild_id = 0 OR c.guild_id = ?
       ORDER BY c.application_id, c.name`,
      [guildId, guildId],
    );
    return rows.map(toCommand);
  }
  async globalCommands(applicationIds: readonly string[]) {
    if (applicationIds.length === 0) return [];
    const marks = applicationIds.map(() => '?').join(', ');
    return (await this.db.all(`SELECT * FROM application_commands WHERE guild_id = 0 AND application_id IN (${marks}) ORDER BY application_id, name`, [...applicationIds])).map(toCommand);
  }

  async createInteraction(i: InteractionRecord) {
    await this.db.run(
      `INSERT INTO interactions (id, application_id, type, token_hash, user_id, guild_id, channel_id, message_id, message_ephemeral, nonce, meta, created_at,
         response_type, original_id, original_ephemeral, modal)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        i.id, i.application_id, i.type, i.token_hash, i.user_id, i.guild_id, i.channel_id, i.message_id, i.message_ephemeral ? 1 : 0, i.nonce,
        JSON.stringify(i.meta), i.created_at, i.response_type, i.original_id, i.original_ephemeral ? 1 : 0, i.modal ? JSON.stringify(i.modal) : null,
      ],
    );
  }
  async getInteraction(id: string) {
    const r = await this.db.get('SELECT * FROM interactions WHERE id = ?', [id]);
    return r && toInteraction(r);
  }
  async acknowledge(id: string, responseType: number) {
    return (await this.db.run('UPDATE interactions SET response_type = ? WHERE id = ? AND response_type IS NULL', [responseType, id])).changes > 0;
  }
  async setOriginal(id: string, messageId: string | null, ephemeral: boolean, modal?: Record<string, unknown> | null) {
    await this.db.run('UPDATE interactions SET original_id = ?, original_ephemeral = ?, modal = ? WHERE id = ?', [
      messageId,
      ephemeral ? 1 : 0,
      modal ? JSON.stringify(modal) : null,
      id,
    ]);
  }
  async deleteInteractionsBefore(createdAt: number) {
    await this.db.run('DELETE FROM interactions WHERE created_at < ?', [createdAt]);
  }

  async putEphemeral(e: EphemeralRecord) {
    await this.db.run('INSERT INTO ephemeral_messages (id, channel_id, user_id, interaction_id, data) VALUES (?, ?, ?, ?, ?)', [
      e.id,
      e.channel_id,
      e.user_id,
      e.interaction_id,
      JSON.stringify(e.message),
    ]);
  }
  async getEphemeral(id: string) {
    const r = await this.db.get('SELECT * FROM ephemeral_messages WHERE id = ?', [id]);
    return r && { id: String(r.id), channel_id: String(r.channel_id), user_id: String(r.user_id), interaction_id: String(r.interaction_id), message: JSON.parse(r.data) as Message };
  }
  async updateEphemeral(id: string, message: Message) {
    await this.db.run('UPDATE ephemeral_messages SET data = ? WHERE id = ?', [JSON.stringify(message), id]);
  }
  async deleteEphemeral(id: string) {
    return (await this.db.run('DELETE FROM ephemeral_messages WHERE id = ?', [id])).changes > 0;
  }
  async deleteEphemeralByChannels(channelIds: readonly string[]) {
    for (const id of channelIds) await this.db.run('DELETE FROM ephemeral_messages WHERE channel_id = ?', [id]);
  }
  async deleteEphemeralBefore(id: string) {
    await this.db.run('DELETE FROM ephemeral_messages WHERE id < ?', [id]);
  }

  async commandPermissions(guildId: string, applicationId?: string) {
    const rows = applicationId
      ? await this.db.all('SELECT * FROM application_command_permissions WHERE guild_id = ? AND application_id = ? ORDER BY command_id', [guildId, applicationId])
      : await this.db.all('SELECT * FROM application_command_permissions WHERE guild_id = ? ORDER BY command_id', [guildId]);
    return rows.map((r) => ({
      id: String(r.command_id),
      application_id: String(r.application_id),
      guild_id: String(r.guild_id),
      permissions: JSON.parse(r.permissions) as CommandPermission[],
    }));
  }
  async setCommandPermissions(p: GuildCommandPermissions) {
    await this.db.run('DELETE FROM application_command_permissions WHERE guild_id = ? AND command_id = ?', [p.guild_id, p.id]);
    if (p.permissions.length === 0) return;
    await this.db.run('INSERT INTO application_command_permissions (guild_id, command_id, application_id, permissions) VALUES (?, ?, ?, ?)', [
      p.guild_id,
      p.id,
      p.application_id,
      JSON.stringify(p.permissions),
    ]);
  }

  async getEndpoint(applicationId: string) {
    const r = await this.db.get('SELECT * FROM interaction_endpoints WHERE application_id = ?', [applicationId]);
    return r && { application_id: String(r.application_id), url: r.url ?? null, public_key: r.public_key, private_key: r.private_key };
  }
  async putEndpointKeys(e: EndpointRecord) {
    await this.db.run('INSERT INTO interaction_endpoints (application_id, url, public_key, private_key) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      e.application_id,
      e.url,
      e.public_key,
      e.private_key,
    ]);
  }
  async setEndpointUrl(applicationId: string, url: string | null) {
    await this.db.run('UPDATE interaction_endpoints SET url = ? WHERE application_id = ?', [url, applicationId]);
  }
}
