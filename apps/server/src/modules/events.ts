/**
 * Publishing, the one way services reach the bus. A dispatch goes to the topics of its audience (a channel
 * scope or an explicit guild/user), typed by the protocol's contract. Publishing happens after the write
 * committed (from a transaction's after-commit hook, or after a store call that committed by itself). A failed
 * publish does not undo or fail the write: it is durable, clients resync from history; it is logged.
 */
import type { BusEventName, DispatchPayloads } from '@concord/protocol';
import type { Bus, BusMessage, Control, Route } from '../bus/bus.js';
import { topicsFor, userTopic, type Audience } from '../bus/topics.js';
import { audienceOf, routeOf, type ChannelScope } from './access.js';
import { log } from '../lib/log.js';

export type Target = ChannelScope | Audience;

export class Events {
  constructor(private readonly bus: Bus) {}

  /** To a channel scope, the route defaults to the scope's (who may view the channel). */
  async dispatch<K extends BusEventName>(to: Target, t: K, d: DispatchPayloads[K], route?: Route): Promise<void> {
    const scoped = 'kind' in to;
    const message = { kind: 'dispatch', t, d, route: route ?? (scoped ? routeOf(to) : {}) } as BusMessage;
    for (const topic of topicsFor(scoped ? audienceOf(to) : to)) await this.publish(topic, message, t);
  }

  async control(userId: string, control: Control): Promise<void> {
    await this.publish(userTopic(userId), { kind: 'control', control }, control.type);
  }

  private async publish(topic: string, message: BusMessage, what: string): Promise<void> {
    try {
      await this.bus.publish(topic, message);
    } catch (err) {
      log.error('publish failed', { what, topic, err });
    }
  }
}
