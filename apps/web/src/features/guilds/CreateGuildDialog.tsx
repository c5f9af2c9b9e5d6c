import { useState, type FormEvent } from 'react';
import { FormFooter, Modal } from '../../components/Modal';
import { describeError, rest } from '../../state/api';
import { navigate } from '../../state/store';

export function CreateGuildDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const guild = await rest.createGuild({ name: name.trim() });
      // GUILD_CREATE arrives over the gateway; the shell waits for it.
      onClose();
      navigate(`/channels/${guild.id}`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <Modal title="Create a server" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Server name
          <input name="guild-name" required minLength={2} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel="Create" />
      </form>
    </Modal>
  );
}
