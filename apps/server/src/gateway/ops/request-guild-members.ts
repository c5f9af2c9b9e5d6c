/** Op 8: members of the session's guilds as GUILD_MEMBERS_CHUNKs (one per page of 1000), echoing the nonce. */
import { RequestGuildMembersData } from '@concord/protocol';
import { searchMembers } from '../../modules/guilds/search.js';
import { framePrefix } from '../fanout.js';
import { defineOp } from './context.js';

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export const requestGuildMembers = defineOp({
  when: 'ready',
  schema: RequestGuildMembersData,
  invalid: 'Invalid request guild members payload.',
  async handle({ deps }, conn, d) {
    const session = conn.session!;
    const userIds = d.user_ids === undefined ? undefined : [...new Set(asList(d.user_ids))];
    for (const guildId of asList(d.guild_id)) {
      if (!session.guilds.has(guildId)) continue;
      for await (const page of searchMembers(deps, guildId, { query: d.query, userIds, limit: d.limit })) {
        session.dispatch(
          framePrefix('GUILD_MEMBERS_CHUNK', {
            guild_id: guildId,
            members: page.members,
            chunk_index: page.index,
            chunk_count: page.count,
            ...(page.notFound?.length ? { not_found: page.notFound } : {}),
            ...(d.nonce ? { nonce: d.nonce } : {}),
          }),
        );
      }
    }
  },
});
