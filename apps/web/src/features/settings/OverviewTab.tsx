import { useState } from 'react';
import { initials } from '../../components/util';
import { reportError, rest } from '../../state/api';
import { useStore } from '../../state/store';
import { cropToSquare } from '../attachments/ProfileDialog';
import { guildIconUrl } from '../guilds/GuildRail';

/** Server settings > Overview: the server's icon, chosen with a preview of the circle it is shown in (MANAGE_GUILD). */
export function OverviewTab({ guildId }: { guildId: string }) {
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
    <section className="settings-section">
      <h1>Server Overview</h1>
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
    </section>
  );
}
