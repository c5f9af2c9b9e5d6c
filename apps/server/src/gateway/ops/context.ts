/** What every op handler is given, and a helper that types a handler's payload by its schema. */
import type { Deps } from '../../modules/deps.js';
import type { OpHandler } from '../connection.js';
import type { Sessions } from '../sessions.js';

export interface OpContext {
  deps: Deps;
  sessions: Sessions;
}

export function defineOp<T = unknown>(handler: OpHandler<OpContext, T>): OpHandler<OpContext, T> {
  return handler;
}
