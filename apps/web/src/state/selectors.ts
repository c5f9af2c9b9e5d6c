import { ChannelTypes, computeBasePermissions, hasPermission, Permissions, type Channel, type ClientGuild } from '@concord/protocol';

export function canManageChannels(guild: ClientGuild | undefined, userId: string | undefined): boolean {
  if (!guild || !userId) return false;
  const member = guild.members[userId];
  const perms = computeBasePermissions({
    guildId: guild.id,
    ownerId: guild.owner_id,
    userId,
    memberRoleIds: member?.roles ?? [],
    roles: Object.values(guild.roles).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
  });
  return hasPermission(perms, Permissions.MANAGE_CHANNELS);
}

const byPosition = (a: Channel, b: Channel) => (a.position ?? 0) - (b.position ?? 0) || (a.id < b.id ? -1 : 1);

export interface ChannelGroup {
  category: Channel | null;
  channels: Channel[];
}

/** Channels without a category first, then each category with its channels, all by position. */
export function groupChannels(channels: Channel[]): ChannelGroup[] {
  const categories = channels.filter((c) => c.type === ChannelTypes.GUILD_CATEGORY).sort(byPosition);
  const others = channels.filter((c) => c.type !== ChannelTypes.GUILD_CATEGORY);
  const known = new Set(categories.map((c) => c.id));
  const groups: ChannelGroup[] = [{ category: null, channels: others.filter((c) => !c.parent_id || !known.has(c.parent_id)).sort(byPosition) }];
  for (const category of categories) groups.push({ category, channels: others.filter((c) => c.parent_id === category.id).sort(byPosition) });
  return groups;
}

export function firstTextChannel(channels: Channel[]): Channel | undefined {
  for (const g of groupChannels(channels)) {
    const c = g.channels.find((ch) => ch.type === ChannelTypes.GUILD_TEXT);
    if (c) return c;
  }
  return undefined;
}
