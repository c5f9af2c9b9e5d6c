/**
 * Headers every answer carries. The web app gets a Content-Security-Policy that allows only its own scripts,
 * styles, API and gateway (so injected markup cannot load or send anything elsewhere); JSON answers get one that
 * allows nothing at all. No page may frame ours (clickjacking), types are never sniffed, and no Referer leaves
 * (channel and invite paths stay private). See docs/security.md.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function appPolicy(publicUrl: string | undefined): string {
  // 'self' covers ws(s) to the same origin in current browsers; a public URL on another host is named outright.
  const gateway = publicUrl ? ` ${new URL(publicUrl).origin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React sets style attributes, which count as inline styles.
    "style-src 'self' 'unsafe-inline'",
    // Avatars and icons are data URIs; embeds show images from anywhere over https.
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    `connect-src 'self'${gateway}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(publicUrl: string | undefined) {
  const policy = appPolicy(publicUrl);
  return async (_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('Content-Security-Policy', policy);
    else if (type.startsWith('application/json')) reply.header('Content-Security-Policy', API_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    return payload;
  };
}
