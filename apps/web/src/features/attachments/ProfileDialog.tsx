/** Changing one's avatar: pick an image, see it cropped to the circle it will be shown in, save. */
import { useEffect, useState } from 'react';
import { Modal } from '../../components/Modal';
import { reportError, rest } from '../../state/api';
import './attachments.css';

const SIZE = 256;

/** Centre-cropped to a square and scaled to 256 px in a canvas, so what is sent is small and what is seen is what is saved. */
export async function cropToSquare(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  canvas.getContext('2d')!.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIZE, SIZE);
  bitmap.close();
  return canvas.toDataURL('image/png');
}

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => setError(null), [preview]);

  async function save() {
    if (!preview) return;
    setSaving(true);
    try {
      // USER_UPDATE and GUILD_MEMBER_UPDATE bring the new hash to every view.
      await rest.request('PATCH', '/users/@me', { body: { avatar: preview } });
      onClose();
    } catch (err) {
      reportError(err);
      setSaving(false);
    }
  }

  return (
    <Modal title="Profile" onClose={onClose}>
      <div className="profile-dialog">
        <div className="avatar-preview" data-testid="avatar-preview">
          {preview ? <img src={preview} alt="New avatar" /> : <span className="muted">No image chosen</span>}
        </div>
        <label className="button-like">
          Choose an image…
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            hidden
            data-testid="avatar-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) cropToSquare(f).then(setPreview, () => setError('That file is not an image this browser can read.'));
            }}
          />
        </label>
        {error && <p className="form-error">{error}</p>}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!preview || saving} onClick={() => void save()}>
            Save avatar
          </button>
        </div>
      </div>
    </Modal>
  );
}
