import { useEffect, useState } from 'react';
import type { DmPolicy } from '@concord/protocol';
import { reportError, rest } from '../../state/api';
import { Modal } from '../../components/Modal';
import { forgetLastSeen } from '../presence/lastSeen';

const CHOICES: [DmPolicy, string, string][] = [
  ['everyone', 'Everyone', 'Anyone may start a conversation with you.'],
  ['guild_members', 'Friends and server members', 'Friends, and people you share a server with (the default).'],
  ['friends', 'Friends only', 'Only your friends may start a conversation with you.'],
];

/**
 * Privacy: who may DM the user (`x-dm-settings`), whether they send and see read receipts (`x-receipt-settings`) and
 * whether they show their last seen (`x-last-seen-settings`; who hides theirs sees no one's).
 */
export function PrivacySettings({ onClose }: { onClose: () => void }) {
  const [policy, setPolicy] = useState<DmPolicy | null>(null);
  const [receipts, setReceipts] = useState<boolean | null>(null);
  const [lastSeen, setLastSeen] = useState<boolean | null>(null);
  useEffect(() => {
    rest.request<{ allow_dms_from: DmPolicy }>('GET', '/users/@me/x-dm-settings').then((r) => setPolicy(r.allow_dms_from), reportError);
    rest.request<{ read_receipts: boolean }>('GET', '/users/@me/x-receipt-settings').then((r) => setReceipts(r.read_receipts), reportError);
    rest.request<{ show_last_seen: boolean }>('GET', '/users/@me/x-last-seen-settings').then((r) => setLastSeen(r.show_last_seen), reportError);
  }, []);
  const savePolicy = (p: DmPolicy) => {
    setPolicy(p);
    rest.request('PATCH', '/users/@me/x-dm-settings', { body: { allow_dms_from: p } }).catch(reportError);
  };
  const saveReceipts = (on: boolean) => {
    setReceipts(on);
    rest.request('PATCH', '/users/@me/x-receipt-settings', { body: { read_receipts: on } }).catch(reportError);
  };
  const saveLastSeen = (on: boolean) => {
    setLastSeen(on);
    rest
      .request('PATCH', '/users/@me/x-last-seen-settings', { body: { show_last_seen: on } })
      // What this person may see of others changed with it.
      .then(forgetLastSeen, reportError);
  };
  return (
    <Modal title="Privacy & Safety" onClose={onClose}>
      <fieldset className="privacy-group" disabled={policy === null}>
        <legend>Who can send you direct messages</legend>
        {CHOICES.map(([value, label, hint]) => (
          <label key={value} className="privacy-choice">
            <input type="radio" name="allow_dms_from" value={value} checked={policy === value} onChange={() => savePolicy(value)} />
            <span>
              {label}
              <span className="muted small">{hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="privacy-choice">
        <input type="checkbox" checked={receipts ?? true} disabled={receipts === null} onChange={(e) => saveReceipts(e.target.checked)} />
        <span>
          Read receipts
          <span className="muted small">If turned off, you won&apos;t send or receive read receipts. Delivery ticks always show.</span>
        </span>
      </label>
      <label className="privacy-choice">
        <input type="checkbox" checked={lastSeen ?? true} disabled={lastSeen === null} onChange={(e) => saveLastSeen(e.target.checked)} />
        <span>
          Show my last seen
          <span className="muted small">People you share a server or a conversation with see when you were last online. If turned off, you won&apos;t see theirs either.</span>
        </span>
      </label>
      <div className="modal-actions">
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}
