/**
 * Server settings > Overview (MANAGE_GUILD): the icon, name, system messages and AFK channels, verification level, default
 * notifications and the explicit content filter, saved together as on Discord; the owner's "Delete Server", which
 * asks for the server's name first.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { ChannelTypes, type Guild } from '@concord/protocol';
import { initials } from '../../components/util';
import { reportError, rest } from '../../state/api';
import { useStore } from '../../state/store';
import { cropToSquare } from '../attachments/ProfileDialog';
import { guildIconUrl } from '../guilds/GuildRail';
import { deleteGuild, fetchGuild, modifyGuild, type GuildSettings } from './actions';

const VERIFICATION: [number, string, string][] = [
  [0, 'None', 'Unrestricted.'],
  [1, 'Low', 'Must have a verified email on their account.'],
  [2, 'Medium', 'Must also be registered for longer than 5 minutes.'],
  [3, 'High', 'Must also be a member of this server for longer than 10 minutes.'],
  [4, 'Highest', 'Must have a verified phone on their account.'],
];
const NOTIFICATIONS: [number, string][] = [
  [0, 'All Messages'],
  [1, 'Only @mentions'],
];
const CONTENT_FILTER: [number, string][] = [
  [0, "Don't scan any media content"],
  [1, 'Scan media content from members without a role'],
  [2, 'Scan media content from all members'],
];
const AFK_TIMEOUTS: [number, string][] = [
  [60, '1 minute'],
  [300, '5 minutes'],
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, '1 hour'],
];

const pick = (g: Guild & Partial<GuildSettings>): GuildSettings => ({
  name: g.name,
  system_channel_id: g.system_channel_id ?? null,
  afk_channel_id: g.afk_channel_id ?? null,
  afk_timeout: g.afk_timeout ?? 300,
  verification_level: g.verification_level ?? 0,
  default_message_notifications: g.default_message_notifications ?? 0,
  explicit_content_filter: g.explicit_content_filter ?? 0,
});

export function OverviewTab({ guildId, userId }: { guildId: string; userId: string | undefined }) {
  const guild = useStore((s) => s.client.guilds[guildId]);
  const channels = useStore((s) => s.client.channels);
  const [saved, setSaved] = useState<GuildSettings | null>(null);
  const [draft, setDraft] = useState<GuildSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    let live = true;
    void fetchGuild(guildId).then((g) => {
      if (!live || !g) return;
      setSaved(pick(g));
      setDraft(pick(g));
    });
    return () => {
      live = false;
    };
  }, [guildId]);
  if (!guild || !draft || !saved) return <section className="settings-section"><h1>Server Overview</h1></section>;
  const list = guild.channelIds.map((id) => channels[id]).filter((c) => c !== undefined);
  const text = list.filter((c) => c.type === ChannelTypes.GUILD_TEXT);
  const voice = list.filter((c) => c.type === ChannelTypes.GUILD_VOICE);
  const dirty = (Object.keys(draft) as (keyof GuildSettings)[]).some((k) => draft[k] !== saved[k]);
  const set = <K extends keyof GuildSettings>(k: K, v: GuildSettings[K]) => setDraft({ ...draft, [k]: v });
  const save = async () => {
    setBusy(true);
    const changed = Object.fromEntries((Object.keys(draft) as (keyof GuildSettings)[]).filter((k) => draft[k] !== saved[k]).map((k) => [k, draft[k]]));
    const g = await modifyGuild(guildId, changed);
    setBusy(false);
    if (g) {
      setSaved(pick(g));
      setDraft(pick(g));
    }
  };
  return (
    <section className="settings-section overview">
      <h1>Server Overview</h1>
      <ServerIcon guildId={guildId} />
      <label className="field">
        <span className="field-label">Server name</span>
        <input name="server-name" value={draft.name} maxLength={100} onChange={(e) => set('name', e.target.value)} />
      </label>
      <div className="field-row">
        <label className="field">
          <span className="field-label">System messages channel</span>
          <select name="system-channel" value={draft.system_channel_id ?? ''} onChange={(e) => set('system_channel_id', e.target.value || null)}>
            <option value="">No system messages</option>
            {text.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.name}
              </option>
            ))}
          </select>
          <span className="settings-hint">Where welcome messages for new members are sent.</span>
        </label>
        <label className="field">
          <span className="field-label">Inactive channel</span>
          <select name="afk-channel" value={draft.afk_channel_id ?? ''} onChange={(e) => set('afk_channel_id', e.target.value || null)}>
            <option value="">No inactive channel</option>
            {voice.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Inactive timeout</span>
          <select name="afk-timeout" value={draft.afk_timeout} onChange={(e) => set('afk_timeout', Number(e.target.value))}>
            {AFK_TIMEOUTS.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="field radio-list">
        <legend className="field-label">Verification level</legend>
        <span className="settings-hint">Members must meet these criteria before they can send messages. Members with a role are exempt.</span>
        {VERIFICATION.map(([v, label, help]) => (
          <label key={v} className={`radio${draft.verification_level === v ? ' on' : ''}`}>
            <input type="radio" name="verification-level" checked={draft.verification_level === v} onChange={() => set('verification_level', v)} />
            <span>
              <strong>{label}</strong>
              <span className="settings-hint">{help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="field radio-list">
        <legend className="field-label">Default notification settings</legend>
        {NOTIFICATIONS.map(([v, label]) => (
          <label key={v} className={`radio${draft.default_message_notifications === v ? ' on' : ''}`}>
            <input type="radio" name="default-notifications" checked={draft.default_message_notifications === v} onChange={() => set('default_message_notifications', v)} />
            <strong>{label}</strong>
          </label>
        ))}
      </fieldset>
      <fieldset className="field radio-list">
        <legend className="field-label">Explicit media content filter</legend>
        {CONTENT_FILTER.map(([v, label]) => (
          <label key={v} className={`radio${draft.explicit_content_filter === v ? ' on' : ''}`}>
            <input type="radio" name="content-filter" checked={draft.explicit_content_filter === v} onChange={() => set('explicit_content_filter', v)} />
            <strong>{label}</strong>
          </label>
        ))}
      </fieldset>
      {guild.owner_id === userId && (
        <div className="danger-zone">
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
            Delete Server
          </button>
        </div>
      )}
      {dirty && (
        <div className="save-bar" role="region" aria-label="Unsaved changes">
          <span>Careful — you have unsaved changes!</span>
          <button type="button" className="link-button" onClick={() => setDraft(saved)}>
            Reset
          </button>
          <button type="button" className="save" disabled={busy || draft.name.trim().length < 2} onClick={() => void save()}>
            Save Changes
          </button>
        </div>
      )}
      {confirmDelete && <DeleteServerDialog guildId={guildId} name={guild.name} onCancel={() => setConfirmDelete(false)} />}
    </section>
  );
}

/** Discord's confirmation: the action cannot be undone, so the server's name must be typed. */
function DeleteServerDialog({ guildId, name, onCancel }: { guildId: string; name: string; onCancel: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  return createPortal(
    <div className="mod-dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <form
        className="mod-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={`Delete '${name}'`}
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void deleteGuild(guildId).then(() => setBusy(false));
        }}
        onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}
      >
        <h3>Delete &apos;{name}&apos;</h3>
        <p className="mod-dialog-help warning">Are you sure you want to delete {name}? This action cannot be undone.</p>
        <label>
          Enter server name
          <input name="confirm-server-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
        </label>
        <div className="mod-dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="danger-solid" disabled={busy || typed !== name}>
            Delete Server
          </button>
        </div>
      </form>
    </div>,
    document.body,
  );
}

/** The server's icon, chosen with a preview of the circle it is shown in. */
function ServerIcon({ guildId }: { guildId: string }) {
  const guild = useStore((s) => s.client.guilds[guildId])!;
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async (icon: string | null) => {
    setSaving(true);
    try {
      // GUILD_UPDATE brings the new hash to every view.
      await rest.request('PATCH', `/guilds/${guildId}`, { body: { icon } });
      setPreview(null);
    } catch (err) {
      reportError(err);
    } finally {
      setSaving(false);
    }
  };
  const shown = preview ?? (guild.icon ? guildIconUrl(guild.id, guild.icon, 256) : null);
  return (
    <div className="overview-icon">
      <div className="overview-icon-preview" data-testid="guild-icon-preview">
        {shown ? <img src={shown} alt={preview ? 'New server icon' : 'Server icon'} /> : <span>{initials(guild.name)}</span>}
      </div>
      <div className="overview-icon-actions">
        <p className="settings-hint">We recommend an image of at least 512 × 512. It is cropped to a square, centred.</p>
        <label className="emoji-upload-button">
          Upload Image
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            hidden
            data-testid="guild-icon-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              setError(null);
              if (f) cropToSquare(f).then(setPreview, () => setError('That file is not an image this browser can read.'));
              e.target.value = '';
            }}
          />
        </label>
        {preview && (
          <button type="button" className="primary" disabled={saving} onClick={() => void save(preview)}>
            Save icon
          </button>
        )}
        {!preview && guild.icon && (
          <button type="button" className="danger" disabled={saving} onClick={() => void save(null)}>
            Remove
          </button>
        )}
        {error && <p className="form-error">{error}</p>}
      </div>
    </div>
  );
}
