/**
 * What a file is, from its first bytes (never from the client's word), and an image's size from its header.
 * Covers what chats share: images, video, audio, PDF and archives; anything else is text when it decodes as
 * UTF-8 without control characters, and application/octet-stream otherwise.
 */

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Buffer, at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;

export function sniffContentType(head: Buffer): string {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return 'audio/wav';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return 'video/x-msvideo';
  if (ascii(head, 4, 'ftyp')) {
    const brand = head.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'image/avif';
    if (brand.startsWith('hei') || brand === 'mif1') return 'image/heic';
    if (brand === 'qt  ') return 'video/quicktime';
    if (brand.startsWith('M4A')) return 'audio/mp4';
    return 'video/mp4';
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return head.includes('webm', 0, 'latin1') ? 'video/webm' : 'video/x-matroska';
  if (ascii(head, 0, 'OggS')) return 'audio/ogg';
  if (ascii(head, 0, 'fLaC')) return 'audio/flac';
  if (ascii(head, 0, 'ID3') || (head.length > 1 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (ascii(head, 0, '%PDF-')) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'application/zip';
  if (startsWith(head, [0x1f, 0x8b])) return 'application/gzip';
  if (ascii(head, 0, '7z\xbc\xaf\x27\x1c')) return 'application/x-7z-compressed';
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 26) return 'image/bmp';
  if (looksLikeText(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return true;
  // A multi-byte character cut at the end of the sample is not a reason to call it binary.
  let end = head.length;
  while (end > 0 && end > head.length - 4 && (head[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && head[end - 1]! >= 0xc0) end--;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, end));
  if (text.includes('\ufffd')) return false;
  return !/[\x00-\x08\x0e-\x1f\x7f]/.test(text);
}

/** SVG and HTML run script when opened from our origin: they are never served inline (see media serving). */
export const isInlineSafe = (contentType: string) => /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/|audio\/|text\/plain)/.test(contentType);

export interface Dimensions {
  width: number;
  height: number;
}

/** An image's pixel size from its header (PNG, JPEG, GIF, WebP, BMP); undefined when the header does not say. */
export function imageSize(head: Buffer, contentType: string): Dimensions | undefined {
  const ok = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  switch (contentType) {
    case 'image/png':
      return head.length >= 24 && ascii(head, 12, 'IHDR') ? ok(head.readUInt32BE(16), head.readUInt32BE(20)) : undefined;
    case 'image/gif':
      return head.length >= 10 ? ok(head.readUInt16LE(6), head.readUInt16LE(8)) : undefined;
    case 'image/bmp':
      return head.length >= 26 ? ok(head.readInt32LE(18), Math.abs(head.readInt32LE(22))) : undefined;
    case 'image/webp':
      return webpSize(head);
    case 'image/jpeg':
      return jpegSize(head);
    default:
      return undefined;
  }
}

function webpSize(b: Buffer): Dimensions | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

function jpegSize(b: Buffer): Dimensions | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = b[i + 1]!;
    // Standalone markers carry no length.
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const len = b.readUInt16BE(i + 2);
    // Start-of-frame markers (baseline, progressive, ...), not DHT (c4), JPG (c8) or DAC (cc).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = b.readUInt16BE(i + 5);
      const width = b.readUInt16BE(i + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    i += 2 + len;
  }
  return undefined;
}
