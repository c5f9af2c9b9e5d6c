/**
 * The CDN paths, outside /api as on Discord: attachments (signed URLs), the two-step upload's PUT target, and
 * (see users and guilds) avatars and icons, and custom emoji. Thin: each route parses and calls its service.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../modules/deps.js';
import { receiveUpload } from '../modules/attachments/service.js';
import { openAttachment, type MediaAnswer } from '../modules/attachments/serve.js';
import { openImage } from '../modules/attachments/images.js';
import { openEmoji } from '../modules/emojis/service.js';

export function sendMedia(reply: FastifyReply, answer: MediaAnswer) {
  switch (answer.kind) {
    case 'redirect':
      return reply.code(302).header('cache-control', 'no-store').redirect(answer.url);
    case 'notModified':
      return reply.code(304).headers(answer.headers).send();
    case 'unsatisfiable':
      return reply.code(416).header('content-range', `bytes */${answer.size}`).send();
    case 'body':
      return reply.code(answer.status).headers(answer.headers).send(answer.stream);
  }
}

export function registerMedia(app: FastifyInstance, deps: Deps): void {
  app.get('/attachments/:channel_id/:attachment_id/:filename', async (request, reply) => {
    const p = request.params as Record<string, string>;
    const answer = await openAttachment(deps, {
      channelId: p.channel_id!,
      attachmentId: p.attachment_id!,
      filename: p.filename!,
      query: request.query as Record<string, string | undefined>,
      range: request.headers.range,
      ifNoneMatch: request.headers['if-none-match'],
    });
    return sendMedia(reply, answer);
  });

  // Discord's CDN paths for avatars and icons: public, named by the content hash.
  app.get('/avatars/:user_id/:file', async (request, reply) => {
    const p = request.params as Record<string, string>;
    return sendMedia(reply, await openImage(deps, 'avatars', p.user_id!, p.file!, request.query as Record<string, string | undefined>));
  });
  app.get('/icons/:guild_id/:file', async (request, reply) => {
    const p = request.params as Record<string, string>;
    return sendMedia(reply, await openImage(deps, 'icons', p.guild_id!, p.file!, request.query as Record<string, string | undefined>));
  });

  app.get('/emojis/:file', async (request, reply) => {
    const p = request.params as Record<string, string>;
    return sendMedia(reply, await openEmoji(deps, p.file!, request.query as Record<string, string | undefined>));
  });

  // The upload target streams its body: in its own scope, no parser reads it.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.put('/upload/:attachment_id', { config: { bucket: 'attachments.upload' } }, async (request, reply) => {
      const p = request.params as Record<string, string>;
      await receiveUpload(deps, p.attachment_id!, request.query as Record<string, string | undefined>, request.raw).catch((err: unknown) => {
        if (!request.raw.readableEnded) void reply.header('connection', 'close');
        throw err;
      });
      return reply.code(200).send();
    });
  });
}
