/**
 * Receipt ticks on one's own messages in DMs and group DMs (the server's receipts extension): one tick when
 * stored, two when a device of every other recipient has it, two coloured when all of them read it. Clicking
 * shows who has it and since when (`GET /channels/:id/x-receipts`).
 */
import { useEffect, useRef, useState } from 'react';
import { rest } from '../../state/api';
import { atOrAfter, receiptState, tally, type Tally } from '../unread/derive';
import { useStore } from '../../state/store';
import { Icon } from '../../components/Icon';
import { displayName, formatTime } from '../../components/util';

function describe(t: Tally): string {
  if (t.of <= 1) return t.state === 'read' ? 'Read' : t.state === 'delivered' ? 'Delivered' : 'Sent';
  return `Delivered to ${t.delivered} of ${t.of} · Read by ${t.read} of ${t.of}`;
}

interface Detail {
  user_id: string;
  delivered_message_id: string;
  delivered_at: number | null;
  read_message_id: string | null;
  read_at: number | null;
}

export function ReceiptTicks({ channelId, messageId }: { channelId: string; messageId: string }) {
  const delivered = useStore((s) => tally(s.client, channelId, messageId).delivered);
  const read = useStore((s) => tally(s.client, channelId, messageId).read);
  const of = useStore((s) => s.client.channels[channelId]?.recipients?.length ?? 0);
  const t: Tally = { delivered, read, of, state: receiptState(delivered, read, of) };
  const [open, setOpen] = useState(false);
  const text = describe(t);
  return (
    <span className="receipt-wrap">
      <button
        type="button"
        className={`receipt ${t.state}`}
        data-testid="receipt"
        data-state={t.state}
        title={text}
        aria-label={`${text}. Show details`}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name={t.state === 'sent' ? 'check' : 'checks'} size={16} />
      </button>
      {open && <ReceiptDetails channelId={channelId} messageId={messageId} onClose={() => setOpen(false)} summary={text} />}
    </span>
  );
}

function ReceiptDetails({ channelId, messageId, summary, onClose }: { channelId: string; messageId: string; summary: string; onClose: () => void }) {
  const users = useStore((s) => s.client.users);
  const recipients = useStore((s) => s.client.channels[channelId]?.recipients) ?? [];
  // Refetched when a receipt for this channel arrives, so the times stay true while it is open.
  const cursors = useStore((s) => s.client.receipts[channelId]);
  const [rows, setRows] = useState<Detail[] | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    rest
      .request<Detail[]>('GET', `/channels/${channelId}/x-receipts`)
      .then((r) => live && setRows(r))
      .catch(() => live && setRows([]));
    return () => {
      live = false;
    };
  }, [channelId, cursors]);
  useEffect(() => {
    const onDown = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && onClose();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  const byUser = new Map((rows ?? []).map((r) => [r.user_id, r]));
  return (
    <div className="receipt-details" role="dialog" aria-label="Message info" ref={ref}>
      <p className="receipt-summary">{summary}</p>
      <ul>
        {recipients.map((u) => {
          const r = byUser.get(u.id);
          const isRead = r && atOrAfter(r.read_message_id, messageId);
          const isDelivered = r && atOrAfter(r.delivered_message_id, messageId);
          const status = isRead ? `Read${r.read_at ? ` ${formatTime(r.read_at)}` : ''}` : isDelivered ? `Delivered${r.delivered_at ? ` ${formatTime(r.delivered_at)}` : ''}` : rows ? 'Not delivered yet' : '…';
          return (
            <li key={u.id}>
              <span>{displayName(users[u.id] ?? u)}</span>
              <span className={`muted small${isRead ? ' read' : ''}`}>{status}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
