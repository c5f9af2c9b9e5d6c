import { TopicHandlers, type Bus, type BusMessage, type BusHandler } from './bus.js';

/** One process: delivery is synchronous and in publish order. */
export class MemoryBus implements Bus {
  private readonly topics = new TopicHandlers();

  async publish(topic: string, message: BusMessage): Promise<void> {
    this.topics.deliver(topic, message);
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => void> {
    this.topics.add(topic, handler);
    return () => void this.topics.remove(topic, handler);
  }

  /** In one process nothing can be lost in transit: there is never a gap. */
  onGap(_listener: () => void): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
