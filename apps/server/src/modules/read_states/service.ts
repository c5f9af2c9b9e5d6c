/**
 * Read states. An ack moves the reader's position in a channel; the position is written debounced (a burst of acks
 * is one write per channel per window, see AckBuffer) and announced at once as MESSAGE_ACK to every session of the
 * reader. Mention counts are never stored: they are counted from the messages after the position, when READY is
 * built and when an ack is taken, so edits, deletes and lost permissions are always reflected.
 */
import { log } from '../../lib/log.js';
import { ChannelTypes, compareSnowflakes, countsAsMention, snowflakeFromTimestamp, type AckBody, type ReadStateEntry } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import type { ChannelScope, Ctx } from '../access.js';
import type { Deps, Needs } from '../deps.js';
import type { ReadStateRecord } from './store.js';
import { readReceiptBuffer } from '../receipts/service.js';

type ReadStateDeps = Needs<'readStates' | 'messages' | 'receipts' | 'channels' | 'threads', 'access' | 'events' | 'db'>;
/** What the ack buffer writes with. */
type BufferDeps = Pick<Needs<'readStates', 'db'>, 'db' | 'tx'>;

/** How long acks gather before they are written: one write per (user, channel) per window. */
export const ACK_FLUSH_MS = 1_000;
/** Mentions are counted among this many of the newest unread messages (Discord shows "99+" beyond). */
export const MENTION_SCAN = 100;

/** Pending read positions of this process, written together when the window ends. */
export class AckBuffer {
  private pending = new Map<string, ReadStateRecord>();
  private timer: NodeJS.Timeout | undefined;
  /** Rows written, for tests and metrics. */
  writes = 0;

  constructor(private readonly deps: Pick<BufferDeps, 'tx'>) {}

  get(userId: string, channelId: string): ReadStateRecord | undefined {
    return this.pending.get(`${userId}:${channelId}`);
  }

  forUser(userId: string): ReadStateRecord[] {
    return [...this.pending.values()].filter((r) => r.user_id === userId);
  }

  put(r: ReadStateRecord): void {
    this.pending.set(`${r.user_id}:${r.channel_id}`, r);
    this.timer ??= setTimeout(() => void this.flush().catch((err: unknown) => log.error('read state flush failed', { err })), ACK_FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const now = Date.now();
    await this.deps.tx(async (tx) => {
      for (const r of batch) await tx.readStates.upsert(r, now);
    });
    this.writes += batch.length;
  }
}

const buffers = new WeakMap<object, AckBuffer>();

/** The process's ack buffer (one per database, so one per app). */
export function ackBuffer(deps: BufferDeps): AckBuffer {
  let b = buffers.get(deps.db);
  if (!b) buffers.set(deps.db, (b = new AckBuffer(deps)));
  return b;
}

/** Writes what is pending (graceful shutdown, tests). */
export async function flushAcks(deps: Pick<Deps, 'db'>): Promise<void> {
  await buffers.get(deps.db)?.flush();
}

async function position(deps: ReadStateDeps, userId: string, channelId: string): Promise<string | undefined> {
  return (ackBuffer(deps).get(userId, channelId) ?? (await deps.readStates.get(userId, channelId)))?.last_message_id;
}

/** Mentions of the user among the newest unread messages of the scope's channel, after `after`. */
export async function countMentions(deps: Pick<Deps, 'messages'>, scope: ChannelScope, userId: string, after: string): Promise<number> {
  const roles = scope.kind === 'private' ? [] : scope.member.roles;
  const newest = await deps.messages.list(scope.channel.id, { limit: MENTION_SCAN });
  return newest.filter(
    (m) =>
      compareSnowflakes(m.id, after) > 0 &&
      countsAsMention({ author: { id: m.author_id }, mentions: m.mentions.map((id) => ({ id })), mention_everyone: m.mention_everyone, mention_roles: m.mention_roles }, userId, roles, scope.kind === 'private'),
  ).length;
}

/** `POST /channels/:id/messages/:message_id/ack`: people only; forward only unless `manual` (mark as unread). */
export async function ack(deps: ReadStateDeps, ctx: Ctx, channelId: string, messageId: string, body: AckBody): Promise<{ token: null }> {
  if (ctx.user.bot) throw errors.usersOnly();
  const scope = await deps.access.channel(ctx, channelId);
  // Unknown here: a message of another channel, or one not sent yet.
  if (!(await deps.messages.get(channelId, messageId))) throw errors.unknown('message');
  const current = await position(deps, ctx.user.id, channelId);
  if (!body.manual && current !== undefined && compareSnowflakes(messageId, current) <= 0) return { token: null };
  ackBuffer(deps).put({ user_id: ctx.user.id, channel_id: channelId, last_message_id: messageId });
  const mention_count = await countMentions(deps, scope, ctx.user.id, messageId);
  await deps.events.dispatch({ user: ctx.user.id }, 'MESSAGE_ACK', { channel_id: channelId, message_id: messageId, mention_count, version: 1 });
  // A read receipt; marking as unread takes none back.
  if (scope.kind === 'private' && !body.manual) readReceiptBuffer(deps).note({ ctx, scope, userId: ctx.user.id, channelId: scope.channel.id, messageId });
  return { token: null };
}

/** Sending a message reads the channel up to it, as on Discord (no event: the sender's sessions get the message). */
export function readOwnMessage(deps: BufferDeps, ctx: Ctx, channelId: string, messageId: string): void {
  if (!ctx.user.bot) ackBuffer(deps).put({ user_id: ctx.user.id, channel_id: channelId, last_message_id: messageId });
}

/** Guild channels whose messages count toward unread and mentions (as the client's guild totals do). */
const COUNTED = new Set<number>([ChannelTypes.GUILD_TEXT, ChannelTypes.GUILD_ANNOUNCEMENT]);

/**
 * READY's read_state: every position the user has in a channel they still see, with its mention count; the
 * DMs and group DMs (of `privateChannelIds`) and active threads they follow, never read, that have something for
 * them; and the guild text channels never read with mentions of the user since they joined (a position of "0", as
 * the client reducer makes one on such a mention), so a mention in a channel never opened shows on the channel and
 * the guild icon.
 */
export async function loadReadState(deps: ReadStateDeps & Needs<'guilds', 'cache'>, ctx: Ctx, privateChannelIds: readonly string[]): Promise<ReadStateEntry[]> {
  const rows = new Map((await deps.readStates.forUser(ctx.user.id)).map((r) => [r.channel_id, r]));
  for (const r of ackBuffer(deps).forUser(ctx.user.id)) rows.set(r.channel_id, r);
  const listed = new Set(privateChannelIds);
  const entries: ReadStateEntry[] = [];
  const entry = async (channelId: string, last: string, always: boolean) => {
    let scope: ChannelScope;
    try {
      scope = await deps.access.channel(ctx, channelId);
    } catch {
      return;
    }
    if (scope.kind === 'private' && !listed.has(channelId)) return;
    const mention_count = await countMentions(deps, scope, ctx.user.id, last);
    if (always || mention_count > 0) entries.push({ id: channelId, last_message_id: last, mention_count });
  };
  for (const r of rows.values()) await entry(r.channel_id, r.last_message_id, true);
  for (const id of privateChannelIds) if (!rows.has(id)) await entry(id, '0', false);
  // Followed threads never read show their mentions too (being mentioned in a thread makes one follow it).
  for (const id of await deps.threads.followedActive(ctx.user.id)) if (!rows.has(id)) await entry(id, '0', false);
  for (const guildId of await deps.guilds.guildIdsForUser(ctx.user.id)) {
    const state = await deps.cache.get(guildId);
    for (const c of state?.channels.values() ?? []) {
      if (rows.has(c.id) || !COUNTED.has(c.type) || !c.last_message_id) continue;
      let scope: ChannelScope;
      try {
        scope = await deps.access.channel(ctx, c.id);
      } catch {
        continue;
      }
      if (scope.kind !== 'guild') continue;
      // Only what was sent after they joined: nobody was mentioned before they were there.
      const joined = snowflakeFromTimestamp(Date.parse(scope.member.joined_at));
      if (compareSnowflakes(c.last_message_id, joined) <= 0) continue;
      const mention_count = await countMentions(deps, scope, ctx.user.id, joined);
      if (mention_count > 0) entries.push({ id: c.id, last_message_id: '0', mention_count });
    }
  }
  return entries.sort((a, b) => compareSnowflakes(a.id, b.id));
}
