/**
 * Signed media URLs, as Discord's CDN signs them: `?ex=<expiry>&is=<issued>&hm=<hmac>` (hex seconds, hex
 * HMAC-SHA256 over the path and both times). The signature is the access check: only someone who could read the
 * message got the URL, and it stops working at `ex`. Issue times are rounded to the hour, so a file keeps one URL
 * (and one browser cache entry) for an hour rather than one per fetch.
 */
import crypto from 'node:crypto';

const HOUR = 3600;

export class MediaUrls {
  constructor(
    private readonly secret: string,
    /** The public base URL (PUBLIC_URL, or the address this process listens on). */
    private readonly base: () => string,
    private readonly ttlSeconds: number,
  ) {}

  private mac(path: string, ex: string, is: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${path}\n${ex}\n${is}`).digest('hex');
  }

  /** `path` is the canonical, unencoded path (`attachments/<channel>/<id>/<filename>`); the URL carries it encoded. */
  sign(path: string, now = Date.now()): string {
    const issued = Math.floor(now / 1000 / HOUR) * HOUR;
    const ex = (issued + this.ttlSeconds).toString(16);
    const is = issued.toString(16);
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.base()}/${encoded}?ex=${ex}&is=${is}&hm=${this.mac(path, ex, is)}&`;
  }

  /** True when the query signs this path and has not expired. */
  verify(path: string, query: Record<string, string | undefined>, now = Date.now()): boolean {
    const { ex, is, hm } = query;
    if (!ex || !is || !hm || !/^[0-9a-f]{1,12}$/.test(ex) || !/^[0-9a-f]{1,12}$/.test(is) || !/^[0-9a-f]{64}$/.test(hm)) return false;
    if (parseInt(ex, 16) * 1000 <= now) return false;
    const want = Buffer.from(this.mac(path, ex, is), 'hex');
    return crypto.timingSafeEqual(want, Buffer.from(hm, 'hex'));
  }

  /** Seconds until a verified URL expires (for presigned redirects that must not outlive it). */
  remaining(query: Record<string, string | undefined>, now = Date.now()): number {
    return Math.max(1, Math.floor(parseInt(query.ex ?? '0', 16) - now / 1000));
  }

  url(path: string): string {
    return `${this.base()}/${path}`;
  }
}
