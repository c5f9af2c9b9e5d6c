import { ArchivedThreadsQuery, StartThreadBody, StartThreadFromMessageBody, ThreadMembersQuery } from '@concord/protocol';
import { parse } from '../../lib/errors.js';
import type { Router } from '../../http/router.js';
import type { Deps } from '../deps.js';
import * as threads from './service.js';

/** Threads' own routes; PATCH and DELETE of a thread are `/channels/:id` (the channels routes hand them here). */
export function threadRoutes(r: Router, deps: Deps): void {
  r.post('/channels/:channel_id/messages/:message_id/threads', (req) =>
    threads.startThread(deps, req.ctx, req.params.channel_id!, parse(StartThreadFromMessageBody, req.body), req.params.message_id!), { status: 201, bucket: 'threads.create' });
  r.post('/channels/:channel_id/threads', (req) => threads.startThread(deps, req.ctx, req.params.channel_id!, parse(StartThreadBody, req.body)), {
    status: 201,
    bucket: 'threads.create',
  });
  r.put('/channels/:channel_id/thread-members/@me', (req) => threads.joinThread(deps, req.ctx, req.params.channel_id!));
  r.delete('/channels/:channel_id/thread-members/@me', (req) => threads.leaveThread(deps, req.ctx, req.params.channel_id!));
  r.put('/channels/:channel_id/thread-members/:user_id', (req) => threads.addThreadMember(deps, req.ctx, req.params.channel_id!, req.params.user_id!));
  r.delete('/channels/:channel_id/thread-members/:user_id', (req) => threads.removeThreadMember(deps, req.ctx, req.params.channel_id!, req.params.user_id!));
  r.get('/channels/:channel_id/thread-members/:user_id', (req) =>
    threads.getThreadMember(deps, req.ctx, req.params.channel_id!, req.params.user_id!, parse(ThreadMembersQuery, req.query).with_member));
  r.get('/channels/:channel_id/thread-members', (req) => threads.listThreadMembers(deps, req.ctx, req.params.channel_id!, parse(ThreadMembersQuery, req.query)));
  r.get('/guilds/:guild_id/threads/active', (req) => threads.activeThreads(deps, req.ctx, req.params.guild_id!));
  r.get('/channels/:channel_id/threads/archived/public', (req) =>
    threads.archivedThreads(deps, req.ctx, req.params.channel_id!, 'public', parse(ArchivedThreadsQuery, req.query)));
  r.get('/channels/:channel_id/threads/archived/private', (req) =>
    threads.archivedThreads(deps, req.ctx, req.params.channel_id!, 'private', parse(ArchivedThreadsQuery, req.query)));
  r.get('/channels/:channel_id/users/@me/threads/archived/private', (req) =>
    threads.joinedPrivateArchivedThreads(deps, req.ctx, req.params.channel_id!, parse(ArchivedThreadsQuery, req.query)));
}
