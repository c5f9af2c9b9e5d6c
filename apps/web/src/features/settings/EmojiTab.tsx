import { useEffect, useState } from 'react';
import { MAX_IMAGE_DATA_URI, Permissions, type GuildEmoji, type User } from '@concord/protocol';
import { useStore } from '../../state/store';
import { displayName } from '../../components/util';
import { emojiUrl } from '../emoji/custom';
import { createEmoji, deleteEmoji, listEmojis, powers, renameEmoji } from './actions';

/** Discord's limits for a server without boosts. */
const SLOTS = 50;
const NAME = /^[A-Za-z0-9_]{2,32}$/;

/** A name Discord would take, from a file's name: letters, digits and underscores, at least two of them. */
export function emojiNameFrom(file: string): string {
  const base = file.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 32);
  return base.length >= 2 ? base : `emoji_${base}`.slice(0, 32);
}

const readAsDataUrl = (blob: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('unreadable'));
    r.readAsDataURL(blob);
  });

/** The image as a data URI the server takes: as it is when small enough, else a still image scaled to 128 px (animated GIFs cannot be). */
async function toDataUri(file: File): Promise<string> {
  const uri = await readAsDataUrl(file);
  if (uri.length <= MAX_IMAGE_DATA_URI) return uri;
  if (file.type === 'image/gif') throw new Error('Animated emoji must be at most 256 KB.');
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 128 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/png');
}

/** Server settings > Emoji: upload, rename and delete the server's custom emoji. The list itself comes from GUILD_EMOJIS_UPDATE. */
export function EmojiTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const p = powers(guild, userId);
  const mayManage = p.has(Permissions.MANAGE_GUILD_EXPRESSIONS);
  const mayCreate = mayManage || p.has(Permissions.CREATE_GUILD_EXPRESSIONS);
  // Who uploaded each one: only REST says (to those who may manage emoji).
  const [uploaders, setUploaders] = useState<Record<string, User>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void listEmojis(guildId).then((list) => live && list && setUploaders(Object.fromEntries(list.flatMap((e) => (e.user ? [[e.id, e.user]] : [])))));
    return () => {
      live = false;
    };
  }, [guildId]);

  const upload = async (files: FileList | null) => {
    setError(null);
    setBusy(true);
    try {
      for (const file of Array.from(files ?? [])) {
        const image = await toDataUri(file).catch((err: unknown) => {
          setError(err instanceof Error && err.message.includes('256') ? err.message : `${file.name} is not an image this browser can read.`);
          return undefined;
        });
        if (!image) continue;
        const e = await createEmoji(guildId, { name: emojiNameFrom(file.name), image });
        if (e?.user) setUploaders((u) => ({ ...u, [e.id]: e.user! }));
      }
    } finally {
      setBusy(false);
    }
  };

  const statics = guild.emojis.filter((e) => !e.animated);
  const animated = guild.emojis.filter((e) => e.animated);
  return (
    <section className="settings-section">
      <h1>Emoji</h1>
      <p className="settings-hint">Add up to {SLOTS} custom emoji that anyone can use in this server, and {SLOTS} animated ones. Type them as :name: or pick them from the emoji picker.</p>
      <ul className="settings-hint emoji-requirements">
        <li>File type: PNG, JPEG, GIF or WebP</li>
        <li>Size: at most 256 KB (still images are scaled down for you); 128 × 128 looks best</li>
        <li>Names: at least 2 characters, letters, numbers and underscores only</li>
      </ul>
      {mayCreate && (
        <label className={`emoji-upload-button${busy ? ' disabled' : ''}`}>
          {busy ? 'Uploading…' : 'Upload Emoji'}
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" multiple hidden disabled={busy} data-testid="emoji-upload" onChange={(e) => void upload(e.target.files).then(() => (e.target.value = ''))} />
        </label>
      )}
      {error && <p className="form-error">{error}</p>}
      <EmojiTable title={`Emoji — ${SLOTS - statics.length} slots available`} emojis={statics} guildId={guildId} uploaders={uploaders} mayChange={(e) => mayManage || (mayCreate && uploaders[e.id]?.id === userId)} />
      {animated.length > 0 && (
        <EmojiTable title={`Animated Emoji — ${SLOTS - animated.length} slots available`} emojis={animated} guildId={guildId} uploaders={uploaders} mayChange={(e) => mayManage || (mayCreate && uploaders[e.id]?.id === userId)} />
      )}
    </section>
  );
}

function EmojiTable({ title, emojis, guildId, uploaders, mayChange }: { title: string; emojis: GuildEmoji[]; guildId: string; uploaders: Record<string, User>; mayChange: (e: GuildEmoji) => boolean }) {
  return (
    <div className="emoji-table">
      <h2>{title}</h2>
      {emojis.length === 0 ? (
        <p className="settings-empty">No emoji yet.</p>
      ) : (
        <ul aria-label={title.split(' —')[0]}>
          {emojis.map((e) => (
            <EmojiRow key={e.id} emoji={e} guildId={guildId} uploader={uploaders[e.id]} editable={mayChange(e)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function EmojiRow({ emoji, guildId, uploader, editable }: { emoji: GuildEmoji; guildId: string; uploader: User | undefined; editable: boolean }) {
  const [name, setName] = useState(emoji.name);
  useEffect(() => setName(emoji.name), [emoji.name]);
  const valid = NAME.test(name);
  const save = () => {
    if (name === emoji.name) return;
    if (valid) void renameEmoji(guildId, emoji.id, name);
    else setName(emoji.name);
  };
  return (
    <li className="emoji-row" data-testid="emoji-row" data-name={emoji.name}>
      <img src={emojiUrl(emoji.id, emoji.animated, 64)} alt={`:${emoji.name}:`} width={32} height={32} />
      {editable ? (
        <input
          aria-label={`Name of :${emoji.name}:`}
          value={name}
          maxLength={32}
          aria-invalid={!valid}
          onChange={(e) => setName(e.target.value.replace(/[^A-Za-z0-9_]/g, '_'))}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') {
              e.stopPropagation();
              setName(emoji.name);
            }
          }}
        />
      ) : (
        <span className="emoji-row-name">:{emoji.name}:</span>
      )}
      <span className="emoji-row-user">{uploader ? displayName(uploader) : ''}</span>
      {editable && (
        <button type="button" className="danger" aria-label={`Delete :${emoji.name}:`} title="Delete" onClick={() => void deleteEmoji(guildId, emoji.id)}>
          ×
        </button>
      )}
    </li>
  );
}
