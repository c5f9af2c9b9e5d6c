import { Redis } from 'ioredis';
import { TopicHandlers, type Bus, type BusMessage, type BusHandler } from './bus.js';
import { log } from '../lib/log.js';

/**
 * Redis pub/sub between processes. One connection publishes (so one process's events stay in order),
 * one subscribes to exactly the topics this process's sessions and caches need.
 *
 * When a link drops, ioredis reconnects by itself. Publishing loses nothing: with the offline queue on and
 * no retry limit, a publish made while the link is down waits and is sent after the reconnect (one written
 * just before the drop is sent again, so delivery is at least once), and never fails the caller. Subscribing
 * does lose: ioredis subscribes again, but what was published in between never reaches this process, so
 * the restored link is reported to `onGap` listeners.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly topics = new TopicHandlers();
  private readonly gapListeners = new Set<() => void>();
  /** The subscriber connection has been ready since it last closed. */
  private subReady = false;
  /** Counts subscriber links lost; a restore is reported only if no newer loss happened meanwhile. */
  private losses = 0;
  private reported = 0;

  constructor(url: string, private readonly prefix = 'concord:') {
    this.pub = new Redis(url, { lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.sub = new Redis(url, { lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.pub.on('error', (err) => log.warn('redis publish connection', { err: err.message }));
    this.sub.on('error', (err) => log.warn('redis subscribe connection', { err: err.message }));
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const topic = channel.toString().slice(this.prefix.length);
      this.topics.deliver(topic, JSON.parse(message.toString()) as BusMessage);
    });
    this.sub.on('close', () => this.onSubClosed());
    this.sub.on('ready', () => this.onSubReady());
  }

  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
  }

  /** Both links are up (for /ready): events published now reach this process, and its own leave. */
  get connected(): boolean {
    return this.subReady && this.pub.status === 'ready';
  }

  private onSubClosed(): void {
    if (this.subReady) this.losses++;
    this.subReady = false;
  }

  /**
   * ioredis has already queued its SUBSCRIBE commands when 'ready' is emitted, so the answer to a PING sent
   * now means they are in force: from here on nothing more is missed, and the gap can be reported.
   */
  private onSubReady(): void {
    this.subReady = true;
    const loss = this.losses;
    if (loss === this.reported) return;
    this.sub.ping().then(
      () => {
        if (loss !== this.losses || loss === this.reported) return;
        this.reported = loss;
        for (const listener of [...this.gapListeners]) this.notify(listener);
      },
      () => undefined,
    );
  }

  private notify(listener: () => void): void {
    try {
      listener();
    } catch (err) {
      log.error('bus gap listener failed', { err });
    }
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => void this.gapListeners.delete(listener);
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    await this.pub.publish(this.prefix + topic, JSON.stringify(message));
  }

  private readonly pending = new Map<string, Promise<unknown>>();

  async subscribe(topic: string, handler: BusHandler): Promise<() => void> {
    if (this.topics.add(topic, handler)) {
      const p = this.sub.subscribe(this.prefix + topic);
      this.pending.set(topic, p);
      void p.finally(() => this.pending.get(topic) === p && this.pending.delete(topic)).catch(() => undefined);
    }
    await this.pending.get(topic);
    return () => {
      if (this.topics.remove(topic, handler)) void this.sub.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.gapListeners.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
