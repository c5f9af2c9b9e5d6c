import { useEffect, useState } from 'react';
import { useStore } from '../state/store';

/** Shown while the gateway is not ready; counts down to the next reconnect attempt. */
export function ConnectionBanner() {
  const connection = useStore((s) => s.connection);
  const hasUser = useStore((s) => s.client.user !== null);
  const [, tick] = useState(0);
  useEffect(() => {
    if (connection.state !== 'reconnecting') return;
    const t = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(t);
  }, [connection.state]);

  if (connection.state === 'ready' || connection.state === 'idle') return null;
  let text: string;
  if (connection.state === 'closed') text = `Disconnected${connection.fatal ? `: ${connection.fatal}` : ''}.`;
  else if (connection.state === 'reconnecting' && connection.retryAt) {
    const s = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
    text = s > 0 ? `Connection lost. Reconnecting in ${s} s…` : 'Connection lost. Reconnecting…';
  } else text = hasUser ? 'Reconnecting…' : 'Connecting…';
  return (
    <div className="banner" role="status" data-testid="connection-banner">
      {text} Messages you send will be delivered once the connection is back.
    </div>
  );
}
