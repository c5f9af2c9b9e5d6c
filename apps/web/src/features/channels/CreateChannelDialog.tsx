import { useState, type FormEvent } from 'react';
import type { Channel } from '@concord/protocol';
import { FormFooter, Modal } from '../../components/Modal';
import { describeError, rest } from '../../state/api';
import { navigate } from '../../state/store';

interface Props {
  guildId: string;
  onClose: () => void;
  /** Create a category rather than a channel. */
  category?: boolean;
  parentId?: string | null;
  categories?: Channel[];
}

export function CreateChannelDialog({ guildId, onClose, category = false, parentId = null, categories = [] }: Props) {
  const [name, setName] = useState('');
  const [type, setType] = useState<0 | 2 | 15>(0);
  const [tags, setTags] = useState('');
  const [parent, setParent] = useState<string>(parentId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      // Discord's channel names are lowercase with dashes; categories keep what was typed.
      // Text channels are lowercased and dashed as on Discord; voice channels and categories keep their name.
      const clean = category || type === 2 ? name.trim() : name.trim().toLowerCase().replace(/\s+/g, '-');
      const channel = await rest.createChannel(guildId, {
        name: clean,
        type: category ? 4 : type,
        parent_id: category ? null : parent || null,
        // A forum's tags, comma-separated here (Discord's forum settings edit them one by one).
        ...(type === 15 ? { available_tags: [...new Set(tags.split(',').map((t) => t.trim()).filter(Boolean))].slice(0, 20).map((n) => ({ name: n.slice(0, 20) })) } : {}),
      });
      onClose();
      if (channel.type === 0 || channel.type === 15) navigate(`/channels/${guildId}/${channel.id}`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <Modal title={category ? 'Create category' : 'Create channel'} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {category ? 'Category name' : 'Channel name'}
          <input name="channel-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {!category && (
          <>
            <fieldset className="radio-row">
              <legend>Type</legend>
              <label>
                <input type="radio" name="type" checked={type === 0} onChange={() => setType(0)} /> Text
              </label>
              <label>
                <input type="radio" name="type" checked={type === 2} onChange={() => setType(2)} /> Voice
              </label>
              <label>
                <input type="radio" name="type" checked={type === 15} onChange={() => setType(15)} /> Forum
              </label>
            </fieldset>
            {type === 15 && (
              <label>
                Tags <span className="muted small">(comma-separated, optional)</span>
                <input name="forum-tags" maxLength={500} value={tags} onChange={(e) => setTags(e.target.value)} placeholder="question, bug, idea" />
              </label>
            )}
            <label>
              Category
              <select name="parent" value={parent} onChange={(e) => setParent(e.target.value)}>
                <option value="">No category</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel="Create" />
      </form>
    </Modal>
  );
}
