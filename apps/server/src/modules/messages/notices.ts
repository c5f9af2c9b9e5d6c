/** System notices other actions post as part of their own transaction (Discord's "joined the server" line). */
import { ChannelTypes, MessageTypes, SystemChannelFlags, type Member } from '@concord/protocol';
import type { Deps, Tx } from '../deps.js';
import type { UserRecord } from '../users/store.js';
import { wireMessage, withoutUser } from '../wire.js';
import type { MessageRecord } from './store.js';

/**
 * A USER_JOIN message (type 7, empty content, by the newcomer) in the guild's system channel, unless the guild
 * has none or suppresses join notices. Written in the join's transaction; MESSAGE_CREATE goes out after it commits.
 */
export async function postJoinNotice(deps: Pick<Deps, 'ids'>, tx: Tx<'guilds' | 'messages'>, guildId: string, user: UserRecord, member: Member): Promise<void> {
  const guild = await tx.guilds.get(guildId);
  const channelId = guild?.system_channel_id;
  if (!channelId || guild.system_channel_flags & SystemChannelFlags.SUPPRESS_JOIN_NOTIFICATIONS) return;
  const notice: MessageRecord = {
    id: deps.ids.next(),
    channel_id: channelId,
    guild_id: guildId,
    author_id: user.id,
    type: MessageTypes.USER_JOIN,
    content: '',
    nonce: null,
    dedupe: false,
    edited_at: null,
    tts: false,
    pinned: false,
    flags: 0,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    ref_message_id: null,
    ref_channel_id: null,
    embeds: [],
  };
  await tx.messages.create(notice);
  const wire = wireMessage(notice, { author: user, member, channelType: ChannelTypes.GUILD_TEXT, mentions: [] });
  tx.emit({ guild: guildId }, 'MESSAGE_CREATE', { ...wire, member: withoutUser(member) }, { channel_id: channelId });
}
