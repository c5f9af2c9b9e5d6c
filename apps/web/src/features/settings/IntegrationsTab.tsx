import { useEffect, useState } from 'react';
import { Permissions, type Webhook } from '@concord/protocol';
import { useStore } from '../../state/store';
import { hueFor, initials } from '../../components/util';
import { createWebhook, deleteWebhook, listWebhooks, modifyWebhook, powers } from './actions';

/** Discord's default name for a new webhook. */
const NEW_NAME = 'Captain Hook';

function readImage(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function HookAvatar({ hook, size = 40 }: { hook: Webhook; size?: number }) {
  if (hook.avatar && /^(a_)?[0-9a-f]{32}$/.test(hook.avatar)) {
    return <img className="avatar" alt="" aria-hidden="true" src={`/avatars/${hook.id}/${hook.avatar}.webp?size=${size * 2 > 64 ? 128 : 64}`} width={size} height={size} />;
  }
  return (
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hueFor(hook.id)} 55% 45%)` }}>
      {initials(hook.name)}
    </span>
  );
}

/**
 * Server settings > Integrations: the server's webhooks, as on Discord. A new one gets its URL once (Concord keeps
 * only the token's hash), so "Copy Webhook URL" is offered for the webhooks made in this visit.
 */
export function IntegrationsTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const channels = useStore((s) => s.client.channels);
  const textChannels = guild.channelIds.map((id) => channels[id]).filter((c) => c && (c.type === 0 || c.type === 5));
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [urls, setUrls] = useState<Record<string, string>>({});
  const mayManage = powers(guild, userId).has(Permissions.MANAGE_WEBHOOKS);
  useEffect(() => {
    let live = true;
    void listWebhooks(guildId).then((list) => live && setHooks(list ?? []));
    return () => {
      live = false;
    };
  }, [guildId]);
  const create = async () => {
    const channel = textChannels[0];
    if (!channel) return;
    const hook = await createWebhook(channel.id, NEW_NAME);
    if (!hook) return;
    const { token: _t, url, ...shown } = hook;
    if (url) setUrls((u) => ({ ...u, [hook.id]: new URL(url, location.origin).href }));
    setHooks((list) => [...(list ?? []), shown]);
    setOpen(hook.id);
  };
  return (
    <section className="settings-section">
      <h1>Integrations</h1>
      <h2 className="settings-subtitle">Webhooks</h2>
      <p className="settings-hint">Webhooks post messages from other services into a channel. Anyone with a webhook&apos;s URL can post with it: keep it secret.</p>
      {mayManage && (
        <button type="button" className="primary" onClick={() => void create()} disabled={textChannels.length === 0}>
          New Webhook
        </button>
      )}
      {hooks === null ? (
        <p className="settings-empty">Loading webhooks…</p>
      ) : hooks.length === 0 ? (
        <p className="settings-empty">No webhooks yet.</p>
      ) : (
        <ul className="webhooks" aria-label="Webhooks">
          {hooks.map((h) => (
            <li key={h.id} className="webhook">
              <button type="button" className="webhook-head" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>
                <HookAvatar hook={h} />
                <span className="webhook-main">
                  <span className="webhook-name">{h.name}</span>
                  <span className="webhook-meta">
                    #{channels[h.channel_id]?.name ?? 'deleted-channel'}
                    {h.user ? ` · created by ${h.user.global_name ?? h.user.username}` : ''}
                  </span>
                </span>
                <span className="webhook-chevron" aria-hidden="true">
                  {open === h.id ? '▾' : '▸'}
                </span>
              </button>
              {open === h.id && (
                <WebhookEditor
                  key={h.id}
                  hook={h}
                  url={urls[h.id]}
                  channels={textChannels.map((c) => ({ id: c!.id, name: c!.name ?? '' }))}
                  editable={mayManage}
                  onChange={(next) => setHooks((list) => (list ?? []).map((x) => (x.id === next.id ? next : x)))}
                  onDeleted={() => setHooks((list) => (list ?? []).filter((x) => x.id !== h.id))}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function WebhookEditor({
  hook,
  url,
  channels,
  editable,
  onChange,
  onDeleted,
}: {
  hook: Webhook;
  url: string | undefined;
  channels: { id: string; name: string }[];
  editable: boolean;
  onChange: (h: Webhook) => void;
  onDeleted: () => void;
}) {
  const [name, setName] = useState(hook.name);
  const [channelId, setChannelId] = useState(hook.channel_id);
  const [avatar, setAvatar] = useState<string | null | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const dirty = name.trim() !== hook.name || channelId !== hook.channel_id || avatar !== undefined;
  const save = async () => {
    const next = await modifyWebhook(hook.id, { ...(name.trim() !== hook.name ? { name: name.trim() } : {}), ...(channelId !== hook.channel_id ? { channel_id: channelId } : {}), ...(avatar !== undefined ? { avatar } : {}) });
    if (next) {
      setAvatar(undefined);
      onChange(next);
    }
  };
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard here (an insecure origin): the URL stays selectable in its field.
    }
  };
  return (
    <form
      className="settings-form webhook-editor"
      aria-label={`Edit ${hook.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="webhook-avatar-field">
        <HookAvatar hook={avatar === null ? { ...hook, avatar: null } : hook} size={64} />
        <label className="webhook-upload">
          {avatar ? 'Image chosen' : 'Upload Image'}
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            disabled={!editable}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void readImage(f).then(setAvatar);
            }}
          />
        </label>
        {hook.avatar && (
          <button type="button" className="plain" disabled={!editable} onClick={() => setAvatar(null)}>
            Remove
          </button>
        )}
      </div>
      <label>
        Name
        <input name="webhook-name" value={name} maxLength={80} disabled={!editable} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Channel
        <select name="webhook-channel" value={channelId} disabled={!editable} onChange={(e) => setChannelId(e.target.value)}>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              #{c.name}
            </option>
          ))}
        </select>
      </label>
      {url ? (
        <label>
          Webhook URL
          <input name="webhook-url" readOnly value={url} onFocus={(e) => e.target.select()} />
        </label>
      ) : (
        <p className="settings-hint">The URL was shown when the webhook was made; make a new webhook for a new URL.</p>
      )}
      <div className="webhook-buttons">
        {url && (
          <button type="button" className="secondary" onClick={() => void copy()}>
            {copied ? 'Copied!' : 'Copy Webhook URL'}
          </button>
        )}
        <button type="submit" className="primary" disabled={!editable || !dirty || name.trim() === ''}>
          Save Changes
        </button>
        <button type="button" className="danger" disabled={!editable} onClick={() => void deleteWebhook(hook.id).then((ok) => ok && onDeleted())}>
          Delete Webhook
        </button>
      </div>
    </form>
  );
}
