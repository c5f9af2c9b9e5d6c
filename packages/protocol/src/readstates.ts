/**
 * What counts as a mention of a reader for unread badges, shared by the server (READY's counts, acks) and the
 * client reducer (live counts), so both count alike: in a DM or group DM every message of someone else; in a
 * guild channel a mention of the user, @everyone/@here, or one of the user's roles.
 */
export interface MentionFields {
  author: { id: string };
  mentions: readonly { id: string }[];
  mention_everyone: boolean;
  mention_roles: readonly string[];
}

export function countsAsMention(m: MentionFields, userId: string, roles: readonly string[], isPrivate: boolean): boolean {
  if (m.author.id === userId) return false;
  if (isPrivate) return true;
  return m.mention_everyone || m.mentions.some((u) => u.id === userId) || m.mention_roles.some((r) => roles.includes(r));
}
