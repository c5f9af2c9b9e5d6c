import { initialClientState } from '@concord/protocol';
import { disconnectGateway } from '../../gateway/dispatch';
import { rest } from '../../state/api';
import { clearOutbox } from '../../state/db';
import { clearPresenceChoice } from '../presence/status';
import { navigate, saveToken, setState } from '../../state/store';

export async function logout(): Promise<void> {
  await rest.logout().catch(() => undefined);
  disconnectGateway();
  await clearOutbox();
  clearPresenceChoice();
  rest.token = null;
  saveToken(null);
  setState({ client: initialClientState, history: {}, outbox: {}, typing: {}, connection: { state: 'idle', retryAt: null, fatal: null } });
  navigate('/login', true);
}
