import type { Queryable, Row } from '../../store/db.js';

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
  create(app: ApplicationRecord): Promise<void>;
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
  constructor(private readonly db: Queryable) {}

  async create(app: ApplicationRecord) {
    await this.db.run('INSERT INTO applications (id, name, description, owner_id, bot_id, flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      app.id,
      app.name,
      app.description,
      app.owner_id,
      app.bot_id,
      app.flags,
      app.created_at,
    ]);
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

