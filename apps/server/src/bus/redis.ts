import { Redis } from 'ioredis';
import { TopicHandlers, type Bus, type BusMessage, type BusHandler } from './bus.js';

/**
 * Redis pub/sub between processes. One connection publishes (so one process's events stay in order),
 * one subscribes to exactly the topics this process's sessions and caches need.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly topics = new TopicHandlers();

  constructor(url: string, private readonly prefix = 'concord:') {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
    this.pub.on('error', (err) => console.error('redis publish connection:', err.message));
    this.sub.on('error', (err) => console.error('redis subscribe connection:', err.message));
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const topic = channel.toString().slice(this.prefix.length);
      this.topics.deliver(topic, JSON.parse(message.toString()) as BusMessage);
    });
  }

  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
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
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
