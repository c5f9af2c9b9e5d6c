/** How mentions read where a message is shown: names from the guild (nicknames), roles and channels. */
import { useMemo } from 'react';
import { ChannelTypes, computeBasePermissions, hasPermission, Permissions, type User } from '@concord/protocol';
import { displayName } from '../../components/util';
import { getState, navigate, useStore } from '../../state/store';
import type { MarkdownContext } from '../markdown/render';
import { openPopout } from '../profile/popout';
import { messagePath } from './links';
import { openMessageLink } from './ui';

export function useMarkdownContext(guildId: string | null, mentions: readonly User[], mentionEveryone: boolean): MarkdownContext {
  const guild = useStore((s) => (guildId ? s.client.guilds[guildId] : undefined));
  const users = useStore((s) => s.client.users);
  const channels = useStore((s) => s.client.channels);
  const me = useStore((s) => s.client.user?.id);
  return useMemo(
    () => ({
      userName: (id) => {
        const user = users[id] ?? mentions.find((u) => u.id === id) ?? guild?.members[id]?.user;
        return user ? displayName(user, guild?.members[id]) : undefined;
      },
      role: (id) => {
        const r = guild?.roles[id];
        return r ? { name: r.name, color: r.color } : undefined;
      },
      channelName: (id) => {
        const c = channels[id];
        // Voice channels keep their case; a name shown after # is the channel's own.
        return c?.name ?? undefined;
      },
      mentionEveryone,
      me,
      onUserClick: (id, el) => openPopout(id, guildId, el),
      internalLink: (url) => messagePath(url)?.path ?? null,
      onInternalLink: openMessageLink,
      internalLabel: (url) => {
        const target = messagePath(url);
        const c = target ? channels[target.channelId] : undefined;
        return c ? `${c.name ? `#${c.name}` : 'Direct message'} › Message` : undefined;
      },
      onChannelClick: (id) => {
        const c = getState().client.channels[id];
        if (c?.guild_id && c.type !== ChannelTypes.GUILD_VOICE) navigate(`/channels/${c.guild_id}/${c.id}`);
      },
    }),
    [guild, guildId, users, channels, me, mentions, mentionEveryone],
  );
}

/** The reader's permissions in a guild (no overwrites: the server decides anyway, this only shows buttons). */
export function useGuildPermission(guildId: string | null, perm: bigint): boolean {
  return useStore((s) => {
    const guild = guildId ? s.client.guilds[guildId] : undefined;
    const userId = s.client.user?.id;
    if (!guild || !userId) return false;
    const perms = computeBasePermissions({
      guildId: guild.id,
      ownerId: guild.owner_id,
      userId,
      memberRoleIds: guild.members[userId]?.roles ?? [],
      roles: Object.values(guild.roles).map((r) => ({ id: r.id, permissions: BigInt(r.permissions) })),
    });
    return hasPermission(perms, perm);
  });
}

export const MANAGE_MESSAGES = Permissions.MANAGE_MESSAGES;

/** Whether a message pings the reader: by name, by one of their roles, or @everyone/@here. */
export function useMentionsMe(guildId: string | null, mentions: readonly User[], mentionRoles: readonly string[], everyone: boolean): boolean {
  return useStore((s) => {
    const me = s.client.user?.id;
    if (!me) return false;
    if (everyone || mentions.some((u) => u.id === me)) return true;
    if (!mentionRoles.length || !guildId) return false;
    const roles = s.client.guilds[guildId]?.members[me]?.roles ?? [];
    return mentionRoles.some((r) => roles.includes(r));
  });
}
