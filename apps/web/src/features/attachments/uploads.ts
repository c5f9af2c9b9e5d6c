/**
 * Files waiting in a channel's composer. Each is uploaded on its own as soon as it is added, with Discord's
 * two-step flow (slot, then a PUT of the bytes), so each has its own progress bar and can be cancelled alone;
 * the message then goes through the outbox, naming the finished uploads and carrying the bytes of the others.
 */
import { create } from 'zustand';
import { reportError, rest } from '../../state/api';
import type { OutboxFile } from '../../state/store';

export interface PendingFile {
  key: string;
  file: File;
  name: string;
  size: number;
  /** 0..1 */
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  spoiler: boolean;
  /** Alt text: what the image shows, for people who cannot see it (the attachment's `description`). */
  description?: string;
  /** `<id>/<name>`, once the slot is given. */
  uploadFilename?: string;
  /** An object URL for image previews in the tray. */
  preview?: string;
  error?: string;
}

interface Uploads {
  byChannel: Record<string, PendingFile[]>;
}

export const useUploads = create<Uploads>(() => ({ byChannel: {} }));

const requests = new Map<string, XMLHttpRequest>();
let counter = 0;

function patch(channelId: string, key: string, p: Partial<PendingFile>): void {
  useUploads.setState((s) => ({ byChannel: { ...s.byChannel, [channelId]: (s.byChannel[channelId] ?? []).map((f) => (f.key === key ? { ...f, ...p } : f)) } }));
}

/** Same-origin path of a URL the server made absolute (it may name another host than the one the page uses). */
export const sameOrigin = (url: string) => {
  const u = new URL(url, location.href);
  return u.pathname + u.search;
};

export const MAX_FILES = 10;

export function addFiles(channelId: string, files: FileList | File[]): void {
  const list = [...files];
  const current = useUploads.getState().byChannel[channelId] ?? [];
  const room = MAX_FILES - current.length;
  if (room <= 0 || list.length === 0) return;
  const added: PendingFile[] = list.slice(0, room).map((file) => ({
    key: `u${++counter}`,
    file,
    // A pasted screenshot comes as "image.png"; keep the browser's name otherwise.
    name: file.name || 'file',
    size: file.size,
    progress: 0,
    status: 'uploading',
    spoiler: false,
    preview: file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined,
  }));
  useUploads.setState((s) => ({ byChannel: { ...s.byChannel, [channelId]: [...(s.byChannel[channelId] ?? []), ...added] } }));
  void uploadAll(channelId, added);
}

const inTray = (channelId: string, key: string) => (useUploads.getState().byChannel[channelId] ?? []).some((x) => x.key === key);

/** One request for the slots of everything added at once, then one PUT per file. */
async function uploadAll(channelId: string, files: PendingFile[]): Promise<void> {
  let slots: { id: string; upload_url: string; upload_filename: string }[];
  try {
    slots = (
      await rest.request<{ attachments: typeof slots }>('POST', `/channels/${channelId}/attachments`, {
        body: { files: files.map((f, i) => ({ id: String(i), filename: f.name, file_size: f.size })) },
      })
    ).attachments;
  } catch (err) {
    for (const f of files) patch(channelId, f.key, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
    reportError(err);
    return;
  }
  await Promise.all(files.map((f, i) => put(channelId, f, slots[i]!)));
}

async function put(channelId: string, f: PendingFile, slot: { upload_url: string; upload_filename: string }): Promise<void> {
  // Cancelled while the slot was being made: give it back.
  if (!inTray(channelId, f.key)) {
    void rest.request('DELETE', `/attachments/${encodeURIComponent(slot.upload_filename)}`).catch(() => undefined);
    return;
  }
  patch(channelId, f.key, { uploadFilename: slot.upload_filename });
  try {
    const outcome = await new Promise<'done' | 'aborted'>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      requests.set(f.key, xhr);
      xhr.open('PUT', sameOrigin(slot.upload_url));
      xhr.upload.onprogress = (e) => e.lengthComputable && patch(channelId, f.key, { progress: e.loaded / e.total });
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve('done') : reject(new Error(xhr.status === 413 ? 'File is too large' : `Upload failed (${xhr.status})`)));
      xhr.onerror = () => reject(new Error('Upload failed'));
      xhr.onabort = () => resolve('aborted');
      xhr.send(f.file);
    });
    if (outcome === 'done' && inTray(channelId, f.key)) patch(channelId, f.key, { status: 'done', progress: 1 });
  } catch (err) {
    patch(channelId, f.key, { status: 'failed', error: err instanceof Error ? err.message : String(err) });
  } finally {
    requests.delete(f.key);
  }
}

/** Removes a file from the tray; one still uploading is aborted, a finished upload is given back. */
export function cancelFile(channelId: string, key: string): void {
  const f = (useUploads.getState().byChannel[channelId] ?? []).find((x) => x.key === key);
  if (!f) return;
  requests.get(key)?.abort();
  if (f.uploadFilename) void rest.request('DELETE', `/attachments/${encodeURIComponent(f.uploadFilename)}`).catch(() => undefined);
  if (f.preview) URL.revokeObjectURL(f.preview);
  useUploads.setState((s) => ({ byChannel: { ...s.byChannel, [channelId]: (s.byChannel[channelId] ?? []).filter((x) => x.key !== key) } }));
}

export function describeFile(channelId: string, key: string, description: string): void {
  patch(channelId, key, { description });
}

export function toggleSpoiler(channelId: string, key: string): void {
  const f = (useUploads.getState().byChannel[channelId] ?? []).find((x) => x.key === key);
  if (f) patch(channelId, key, { spoiler: !f.spoiler });
}

/**
 * Hands the tray's files to the outbox with the message: finished uploads by their upload name, the others (failed,
 * e.g. offline) by their bytes, which the outbox uploads once it is online. The tray is emptied.
 */
export function takeFiles(channelId: string): OutboxFile[] {
  const files = useUploads.getState().byChannel[channelId] ?? [];
  for (const f of files) {
    requests.get(f.key)?.abort();
    if (f.preview) URL.revokeObjectURL(f.preview);
  }
  useUploads.setState((s) => ({ byChannel: { ...s.byChannel, [channelId]: [] } }));
  return files.map((f) => ({
    name: f.name,
    size: f.size,
    type: f.file.type,
    spoiler: f.spoiler,
    ...(f.description?.trim() ? { description: f.description.trim() } : {}),
    blob: f.file,
    ...(f.status === 'done' && f.uploadFilename ? { uploadFilename: f.uploadFilename } : {}),
  }));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

