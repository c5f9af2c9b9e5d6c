/** "Leave server" for members (the owner hands the server over or deletes it instead), with Discord's confirmation. */
import { useState } from 'react';
import { Modal } from '../../components/Modal';
import { leaveGuild } from './actions';

export function LeaveServerDialog({ guildId, name, onClose }: { guildId: string; name: string; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`Leave '${name}'`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          // The server leaves the client by GUILD_DELETE, which also closes this dialog's sidebar.
          void leaveGuild(guildId).then((ok) => (ok ? onClose() : setBusy(false)));
        }}
      >
        <p>Are you sure you want to leave {name}? You won&apos;t be able to rejoin this server unless you are re-invited.</p>
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger-solid" disabled={busy}>
            Leave Server
          </button>
        </div>
      </form>
    </Modal>
  );
}
