import type { Db, Row } from '../../store/db.js';
import { insertUser, type UserRecord } from '../users/store.js';

export interface ApplicationRecord {
  id: string;
  name: string;
  description: string;
  owner_id: string;
  bot_id: string;
  flags: number;
  created_at: number;
}

export interface ApplicationStore {
  /** Creates the application, its bot user and the bot's first token in one transaction. */
  create(app: ApplicationRecord, bot: UserRecord, tokenHash: string): Promise<void>;
  get(id: string): Promise<ApplicationRecord | undefined>;
  getByBot(botId: string): Promise<ApplicationRecord | undefined>;
  listByOwner(ownerId: string): Promise<ApplicationRecord[]>;
}

const toApp = (r: Row): ApplicationRecord => ({
  id: String(r.id),
  name: r.name,
  description: r.description,
  owner_id: String(r.owner_id),
  bot_id: String(r.bot_id),
  flags: r.flags,
  created_at: r.created_at,
});

export class SqlApplicationStore implements ApplicationStore {
  constructor(private readonly db: Db) {}

  async create(app: ApplicationRecord, bot: UserRecord, tokenHash: string) {
    await this.db.tx(async (q) => {
      await insertUser(q, bot);
      await q.run(
        'INSERT INTO applications (id, name, description, owner_id, bot_id, flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [app.id, app.name, app.description, app.owner_id, app.bot_id, app.flags, app.created_at],
      );
      await q.run('INSERT INTO tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)', [tokenHash, bot.id, app.created_at]);
    });
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM applications WHERE id = ?', [id]);
    return r && toApp(r);
  }
  async getByBot(botId: string) {
    const r = await this.db.get('SELECT * FROM applications WHERE bot_id = ?', [botId]);
    return r && toApp(r);
  }
  async listByOwner(ownerId: string) {
    return (await this.db.all('SELECT * FROM applications WHERE owner_id = ? ORDER BY id', [ownerId])).map(toApp);
  }
}

