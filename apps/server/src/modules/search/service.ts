/**
 * Discord's message search, in a guild or one channel. The permission filter is applied here, at query time:
 * the search port only ever looks in channels (and threads) the caller may read now, whatever was true when a
 * message was indexed.
 */
import {
  ChannelTypes,
  ErrorCodes,
  Permissions,
  hasPermission,
  isForumType,
  isTextBasedType,
  type Channel,
  type Message,
  type SearchMessagesQuery,
} from '@concord/protocol';
import { ApiError, errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import type { GuildState } from '../guilds/cache.js';
import { contentVisibleTo, toWire, type MessageDeps } from '../messages/service.js';
import { redactFor } from '../messages/content.js';
import { visibleThreads } from '../threads/service.js';
import { wireChannel } from '../wire.js';
import { parseTerms } from '../../search/port.js';
import type { MessageRecord } from '../messages/store.js';

type SearchDeps = MessageDeps & Needs<'messages' | 'channels' | 'threads', 'search' | 'cache' | 'access'>;

const READ = Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY;

/** While messages from before search existed are still being indexed: 202, as Discord answers. */
export class IndexNotReady extends ApiError {
  constructor() {
    super(202, ErrorCodes.INDEX_NOT_YET_AVAILABLE, 'Index not yet available. Try again later');
  }
  override toBody() {
    return { ...super.toBody(), documents_indexed: 0, retry_after: 2 };
  }
}

export interface SearchAnswer {
  total_results: number;
  messages: Message[][];
  threads: Channel[];
  members: unknown[];
  doing_deep_historical_index: boolean;
}

/** The guild's channels and threads the user may read now, with their types. */
async function readableChannels(deps: SearchDeps, state: GuildState, userId: string, member: Parameters<typeof visibleThreads>[3]): Promise<Map<string, Channel>> {
  const out = new Map<string, Channel>();
  // Forums hold no messages of their own, but their posts (threads) are searched like any thread.
  const parents: string[] = [];
  for (const c of state.channels.values()) {
    if (!(isTextBasedType(c.type) || isForumType(c.type)) || !hasPermission(deps.cache.channelPermissions(state, c.id, userId, member), READ)) continue;
    if (isTextBasedType(c.type)) out.set(c.id, c);
    if (c.type !== ChannelTypes.GUILD_VOICE) parents.push(c.id);
  }
  const threads = await deps.threads.listByParents(parents);
  for (const t of await visibleThreads(deps, state, userId, member, threads)) out.set(t.id, wireChannel(t));
  return out;
}

async function run(deps: SearchDeps, ctx: Ctx, where: Map<string, Channel>, q: SearchMessagesQuery, showContent: boolean): Promise<SearchAnswer> {
  if (!(await deps.search.ready())) throw new IndexNotReady();
  const content = q.content?.trim() ?? '';
  // Content a bot may not read is not content it may search for.
  if (content && !showContent) throw errors.missingPermissions();
  const channelIds = q.channel_id ? q.channel_id.filter((id) => where.has(id)) : [...where.keys()];
  const empty = { total_results: 0, messages: [], threads: [], members: [], doing_deep_historical_index: false };
  if (channelIds.length === 0) return empty;
  const result = await deps.search.search({
    channelIds,
    terms: parseTerms(content),
    authorIds: q.author_id,
    mentions: q.mentions,
    has: q.has,
    authorTypes: q.author_type,
    minId: q.min_id,
    maxId: q.max_id,
    pinned: q.pinned,
    sortBy: q.sort_by ?? 'timestamp',
    sortOrder: q.sort_order ?? 'desc',
    offset: q.offset ?? 0,
    limit: q.limit ?? 25,
  });
  const messages: Message[][] = [];
  const threads = new Map<string, Channel>();
  for (const hit of result.hits) {
    const record: MessageRecord | undefined = await deps.messages.get(hit.channel_id, hit.id);
    const channel = where.get(hit.channel_id);
    if (!record || !channel) continue;
    const [m] = await toWire(deps, [record], channel.type, ctx.user.id);
    if (!m) continue;
    messages.push([showContent ? m : redactFor(ctx.user.id, m)]);
    if (channel.thread_metadata) threads.set(channel.id, channel);
  }
  return { total_results: result.total, messages, threads: [...threads.values()], members: [], doing_deep_historical_index: false };
}

/** `GET /guilds/:id/messages/search`. */
export async function searchGuild(deps: SearchDeps, ctx: Ctx, guildId: string, q: SearchMessagesQuery): Promise<SearchAnswer> {
  const { state, member } = await deps.access.guild(ctx, guildId);
  const where = await readableChannels(deps, state, ctx.user.id, member);
  const first = where.values().next().value;
  const scope = first ? await deps.access.channel(ctx, first.id) : undefined;
  return run(deps, ctx, where, q, scope ? await contentVisibleTo(deps, ctx, scope) : true);
}

/** `GET /channels/:id/messages/search`: one channel (a DM, a guild channel or a thread). */
export async function searchChannel(deps: SearchDeps, ctx: Ctx, channelId: string, q: SearchMessagesQuery): Promise<SearchAnswer> {
  const scope = await deps.access.channel(ctx, channelId, Permissions.READ_MESSAGE_HISTORY);
  return run(deps, ctx, new Map([[channelId, scope.channel]]), { ...q, channel_id: undefined }, await contentVisibleTo(deps, ctx, scope));
}
