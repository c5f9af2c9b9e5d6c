/**
 * A TCP proxy in front of a server, for simulating network trouble deterministically: `drop()` cuts every
 * open connection (no WebSocket close frame, as a real network failure), `hold()` makes new connections
 * wait (accepted, not forwarded) until `release()`, `down()` cuts every connection and closes new ones at
 * once until `up()` (a link that is gone for a while).
 */
import net from 'node:net';

export class TcpProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private held: net.Socket[] | null = null;
  private refusing = false;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = net.createServer((client) => {
      client.on('error', () => undefined);
      if (this.refusing) client.destroy();
      else if (this.held) this.held.push(client);
      else this.forward(client);
    });
  }

  /** A proxy on a free port of 127.0.0.1 forwarding to `target` (http://host:port). */
  static async start(target: string): Promise<TcpProxy> {
    const u = new URL(target);
    const proxy = new TcpProxy(u.hostname, Number(u.port));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const addr = proxy.server.address();
    proxy.port = typeof addr === 'object' && addr ? addr.port : 0;
    return proxy;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private forward(client: net.Socket): void {
    if (client.destroyed) return;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    upstream.on('error', () => client.destroy());
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Cuts every open connection at once. */
  drop(): void {
    for (const { client, upstream } of [...this.pairs]) {
      client.destroy();
      upstream.destroy();
    }
  }

  /** The link is gone: open connections are cut, new ones closed as soon as they are accepted. */
  down(): void {
    this.refusing = true;
    this.drop();
  }

  up(): void {
    this.refusing = false;
  }

  /** New connections are accepted but wait until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const c of waiting) this.forward(c);
  }

  /** How many connections are waiting in hold(). */
  get waiting(): number {
    return this.held?.filter((c) => !c.destroyed).length ?? 0;
  }

  async close(): Promise<void> {
    this.release();
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
