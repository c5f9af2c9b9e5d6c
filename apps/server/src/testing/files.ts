/** Files for upload tests: real PNGs of a given size, and multipart bodies that stream (no buffer of the whole). */
import http from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG of `width` x `height`, a horizontal gradient in `rgb` (every decoder opens it). */
export function testPng(width: number, height: number, rgb: [number, number, number] = [88, 101, 242]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.alloc(1 + width * 3);
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) {
    raw[y * row.length] = 0;
    for (let x = 0; x < width; x++) {
      const o = y * row.length + 1 + x * 3;
      const f = width > 1 ? x / (width - 1) : 1;
      raw[o] = Math.round(rgb[0] * f);
      raw[o + 1] = Math.round(rgb[1] * f);
      raw[o + 2] = Math.round(rgb[2] * f);
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export interface FilePart {
  /** Form field name (default `files[i]`). */
  field?: string;
  filename: string;
  /** The bytes, or a generator of them (for files too large to hold). */
  data: Buffer | (() => AsyncIterable<Buffer> | Iterable<Buffer>);
  contentType?: string;
}

/** A multipart/form-data body as Discord libraries send it: `payload_json` then `files[n]`. */
export function multipartBody(payload: unknown, files: FilePart[]): { contentType: string; body: Readable } {
  const boundary = `----concord${Math.random().toString(16).slice(2)}`;
  async function* parts() {
    if (payload !== undefined) {
      yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`);
    }
    for (const [i, f] of files.entries()) {
      const name = f.field ?? `files[${i}]`;
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${f.filename.replace(/"/g, '%22')}"\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      );
      if (Buffer.isBuffer(f.data)) yield f.data;
      else for await (const c of f.data()) yield c;
      yield Buffer.from('\r\n');
    }
    yield Buffer.from(`--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Readable.from(parts()) };
}

export interface StreamedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * Sends a streamed body with node:http (chunked) and answers the status and JSON body. A server that cuts the
 * upload off answers before the body is done; that answer is what resolves, not the broken pipe after it.
 */
export function sendStream(url: string, method: string, headers: Record<string, string>, body: Readable, timeoutMs = 60_000): Promise<StreamedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        body.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    // A write after the server answered and closed is expected when it refuses mid-body.
    req.on('error', (err) => setTimeout(() => reject(err), 200));
    body.on('error', () => req.destroy());
    body.pipe(req);
  });
}
