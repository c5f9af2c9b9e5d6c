import { useEffect, useRef, useState } from 'react';
import { Modal } from '../../components/Modal';
import { describeError, rest } from '../../state/api';

export function InviteDialog({ channelId, guildName, onClose }: { channelId: string; guildName: string; onClose: () => void }) {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    rest
      .createInvite(channelId, { max_age: 7 * 86400 })
      .then((inv) => live && setLink(`${location.origin}/invite/${inv.code}`))
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [channelId]);

  useEffect(() => {
    if (link) input.current?.select();
  }, [link]);

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // Clipboard access can be refused (no permission, no secure context): the link stays selected to copy by hand.
      input.current?.select();
    }
  }

  return (
    <Modal title={`Invite friends to ${guildName}`} onClose={onClose}>
      <p className="muted">Share this link. It expires in 7 days.</p>
      <div className="invite-row">
        <input ref={input} readOnly aria-label="Invite link" name="invite-link" value={link ?? 'Creating link…'} />
        <button type="button" className="primary" disabled={!link} onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
