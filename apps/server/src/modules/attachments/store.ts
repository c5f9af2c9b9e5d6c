import type { Queryable } from '../../store/db.js';

export interface AttachmentRecord {
  id: string;
  channel_id: string;
  /** Null while it is an upload no message took yet. */
  message_id: string | null;
  uploader_id: string;
  filename: string;
  description: string | null;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  /** An image's ThumbHash (base64), if one was made. */
  placeholder?: string | null;
  position: number;
  /** False for a two-step upload whose bytes have not arrived. */
  uploaded: boolean;
  created_at: number;
}

/** Each attachment's files (original, thumbnails) live under one key prefix. */
export const attachmentPrefix = (channelId: string, id: string) => `attachments/${channelId}/${id}/`;
export const channelPrefix = (channelId: string) => `attachments/${channelId}/`;

export interface AttachmentStore {
  insert(a: AttachmentRecord): Promise<void>;
  get(id: string): Promise<AttachmentRecord | undefined>;
  getMany(ids: readonly string[]): Promise<AttachmentRecord[]>;
  forMessages(channelId: string, messageIds: readonly string[]): Promise<AttachmentRecord[]>;
  /** Marks a two-step upload's bytes as arrived, with what they turned out to be. */
  completeUpload(id: string, patch: Pick<AttachmentRecord, 'size' | 'content_type' | 'width' | 'height' | 'placeholder'>): Promise<boolean>;
  /** Gives uploads to a message, in order, with the names and descriptions the message asked for. */
  link(messageId: string, items: readonly { id: string; filename: string; description: string | null; position: number }[]): Promise<void>;
  /** Removes rows and queues their files for deletion. */
  remove(rows: readonly Pick<AttachmentRecord, 'id' | 'channel_id'>[], now: number): Promise<void>;
  /** Purge: a message's attachments go, their files queued. */
  removeForMessages(channelId: string, messageIds: readonly string[], now: number): Promise<void>;
  /** Purge: every attachment of these channels goes, each channel's files queued as one prefix. */
  removeForChannels(channelIds: readonly string[], now: number): Promise<void>;
  expiredUploads(before: number, limit: number): Promise<AttachmentRecord[]>;
  /** Blob prefixes due for deletion. */
  dueDeletions(now: number, limit: number): Promise<{ prefix: string; attempts: number }[]>;
  queueDeletion(prefix: string, now: number): Promise<void>;
  deletionDone(prefix: string): Promise<void>;
  deletionFailed(prefix: string, nextAt: number): Promise<void>;
  pendingDeletions(): Promise<number>;
  /** The media key, made once by whichever process starts first. */
  mediaSecret(candidate: string): Promise<string>;
}

const toRecord = (r: Record<string, unknown>): AttachmentRecord => ({
  id: String(r.id),
  channel_id: String(r.channel_id),
  message_id: r.message_id == null ? null : String(r.message_id),
  uploader_id: String(r.uploader_id),
  filename: String(r.filename),
  description: r.description == null ? null : String(r.description),
  content_type: String(r.content_type),
  size: Number(r.size),
  width: r.width == null ? null : Number(r.width),
  height: r.height == null ? null : Number(r.height),
  placeholder: r.placeholder == null ? null : String(r.placeholder),
  position: Number(r.position),
  uploaded: Number(r.uploaded) === 1,
  created_at: Number(r.created_at),
});

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqlAttachmentStore implements AttachmentStore {
  constructor(private readonly db: Queryable) {}

  async insert(a: AttachmentRecord) {
    await this.db.run(
      `INSERT INTO attachments (id, channel_id, message_id, uploader_id, filename, description, content_type, size, width, height, position, uploaded, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [a.id, a.channel_id, a.message_id, a.uploader_id, a.filename, a.description, a.content_type, a.size, a.width, a.height, a.position, a.uploaded ? 1 : 0, a.created_at],
    );
  }
  async get(id: string) {
    const r = await this.db.get('SELECT * FROM attachments WHERE id = ?', [id]);
    return r ? toRecord(r) : undefined;
  }
  async getMany(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return (await this.db.all(`SELECT * FROM attachments WHERE id IN (${marks(ids.length)})`, [...ids])).map(toRecord);
  }
  async forMessages(channelId: string, messageIds: readonly string[]) {
    if (messageIds.length === 0) return [];
    const rows = await this.db.all(`SELECT * FROM attachments WHERE channel_id = ? AND message_id IN (${marks(messageIds.length)}) ORDER BY message_id, position`, [
      channelId,
      ...messageIds,
    ]);
    return rows.map(toRecord);
  }
  async completeUpload(id: string, p: Pick<AttachmentRecord, 'size' | 'content_type' | 'width' | 'height' | 'placeholder'>) {
    const { changes } = await this.db.run('UPDATE attachments SET uploaded = 1, size = ?, content_type = ?, width = ?, height = ?, placeholder = ? WHERE id = ? AND message_id IS NULL', [
      p.size,
      p.content_type,
      p.width,
      p.height,
      p.placeholder ?? null,
      id,
    ]);
    return changes > 0;
  }
  async link(messageId: string, items: readonly { id: string; filename: string; description: string | null; position: number }[]) {
    for (const it of items) {
      await this.db.run('UPDATE attachments SET message_id = ?, filename = ?, description = ?, position = ? WHERE id = ?', [messageId, it.filename, it.description, it.position, it.id]);
    }
  }
  async remove(rows: readonly Pick<AttachmentRecord, 'id' | 'channel_id'>[], now: number) {
    for (const r of rows) {
      await this.queueDeletion(attachmentPrefix(r.channel_id, r.id), now);
      await this.db.run('DELETE FROM attachments WHERE id = ?', [r.id]);
    }
  }
  async removeForMessages(channelId: string, messageIds: readonly string[], now: number) {
    const rows = await this.forMessages(channelId, messageIds);
    await this.remove(rows, now);
  }
  async removeForChannels(channelIds: readonly string[], now: number) {
    for (const id of channelIds) {
      // One prefix for the channel's every file, uploads included; the rows go in one statement.
      await this.queueDeletion(channelPrefix(id), now);
      await this.db.run('DELETE FROM attachments WHERE channel_id = ?', [id]);
    }
  }
  async expiredUploads(before: number, limit: number) {
    return (await this.db.all('SELECT * FROM attachments WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?', [before, limit])).map(toRecord);
  }
  async dueDeletions(now: number, limit: number) {
    const rows = await this.db.all('SELECT prefix, attempts FROM blob_deletions WHERE next_at <= ? ORDER BY next_at LIMIT ?', [now, limit]);
    return rows.map((r) => ({ prefix: String(r.prefix), attempts: Number(r.attempts) }));
  }
  async queueDeletion(prefix: string, now: number) {
    await this.db.run('INSERT INTO blob_deletions (prefix, attempts, next_at) VALUES (?, 0, ?) ON CONFLICT (prefix) DO UPDATE SET next_at = excluded.next_at', [prefix, now]);
  }
  async deletionDone(prefix: string) {
    await this.db.run('DELETE FROM blob_deletions WHERE prefix = ?', [prefix]);
  }
  async deletionFailed(prefix: string, nextAt: number) {
    await this.db.run('UPDATE blob_deletions SET attempts = attempts + 1, next_at = ? WHERE prefix = ?', [nextAt, prefix]);
  }
  async pendingDeletions() {
    const r = await this.db.get('SELECT COUNT(*) AS n FROM blob_deletions');
    return Number(r?.n ?? 0);
  }
  async mediaSecret(candidate: string) {
    await this.db.run('INSERT INTO media_keys (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [candidate]);
    const r = await this.db.get('SELECT secret FROM media_keys WHERE id = 1');
    return String(r!.secret);
  }
}
