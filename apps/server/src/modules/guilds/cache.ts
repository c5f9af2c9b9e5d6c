/**
 * A live, in-memory replica of each guild this process needs (roles, channels with overwrites, the
 * members it has looked at), kept current by applying the guild's own events from the bus. Permission
 * checks and gateway fan-out read it synchronously; permission results are memoised until the next
 * structural event in that guild. It owns the process's one subscription per guild topic and hands each
 * event on (to the gateway's fan-out) after applying it, so fan-out always reads an up-to-date replica.
 */
import { computeChannelPermissions, computeBasePermissions, GuildMemberFlags, type AutoModRule, type BusEventName, type Channel, type DispatchPayloads, type Member, type Role } from '@concord/protocol';
import type { Bus, BusMessage } from '../../bus/bus.js';
import { guildTopic } from '../../bus/topics.js';
import type { ChannelStore } from '../channels/store.js';
import type { GuildStore } from './store.js';
import type { UserStore } from '../users/store.js';
import type { EmojiStore } from '../emojis/store.js';
import { guildEmojis } from '../emojis/service.js';
import { wireChannel, wireGuild, wireMember, wireRole } from '../wire.js';

export type WireGuild = Omit<ReturnType<typeof wireGuild>, 'roles'>;

export interface GuildState {
  guild: WireGuild;
  roles: Map<string, Role>;
  channels: Map<string, Channel>;
  /** Only members someone asked about; `null` means "known not to be a member". */
  members: Map<string, Member | null>;
  /** Users with gateway sessions in this guild: their members are never evicted (fan-out reads them). */
  pinnedMembers: Map<string, number>;
  memberCount: number;
  /** channel id -> user id -> permissions. */
  perms: Map<string, Map<string, bigint>>;
  unsubscribe: () => void;
  pins: number;
  lastUsed: number;
  /** The guild's AutoMod rules once the automod module loaded them (undefined: not loaded); kept by their events. */
  automod: Map<string, AutoModRule> | undefined;
  /** Bumped by every rule event: a load that began before one is not kept, and compiled rules are rebuilt. */
  automodVersion: number;
}

const MAX_UNPINNED = 5000;
const MAX_TRACKED_MEMBERS = 50_000;

interface Deps {
  guilds: GuildStore;
  channels: ChannelStore;
  users: UserStore;
  emojis: EmojiStore;
  bus: Bus;
}

export class GuildCache {
  /** Called with each of a loaded guild's events once the replica has applied it (the gateway's fan-out). */
  onGuildEvent: ((guildId: string, message: BusMessage) => void) | undefined;
  private readonly states = new Map<string, GuildState>();
  private readonly loading = new Map<string, Promise<GuildState | undefined>>();
  private readonly channelGuild = new Map<string, string>();
  /** Bumped by invalidateAll(): a load begun before it may have read what the missed events changed. */
  private generation = 0;

  constructor(private readonly deps: Deps) {
    deps.bus.onGap(() => this.invalidateAll());
  }

  peek(guildId: string): GuildState | undefined {
    return this.states.get(guildId);
  }

  guildIdForChannel(channelId: string): string | undefined {
    return this.channelGuild.get(channelId);
  }

  async get(guildId: string): Promise<GuildState | undefined> {
    const s = this.states.get(guildId);
    if (s) {
      s.lastUsed = Date.now();
      return s;
    }
    let p = this.loading.get(guildId);
    if (!p) {
      p = this.load(guildId).finally(() => this.loading.delete(guildId));
      this.loading.set(guildId, p);
    }
    return p;
  }

  private async load(guildId: string): Promise<GuildState | undefined> {
    // Subscribe before reading so no event between the read and the subscription is missed; events that
    // arrive while loading are applied after, and applying one twice is harmless (they carry whole objects).
    const generation = this.generation;
    const early: BusMessage[] = [];
    let state: GuildState | undefined;
    // Early events are already in what GUILD_CREATE is built from, and no session follows the guild yet: not handed on.
    const unsubscribe = await this.deps.bus.subscribe(guildTopic(guildId), (ev) => (state ? this.deliver(state, ev) : early.push(ev)));
    try {
      const guild = await this.deps.guilds.get(guildId);
      if (!guild) {
        unsubscribe();
        return undefined;
      }
      const [roles, channels, memberCount, emojis] = await Promise.all([
        this.deps.guilds.roles(guildId),
        this.deps.channels.listByGuild(guildId),
        this.deps.guilds.countMembers(guildId),
        guildEmojis(this.deps.emojis, guildId),
      ]);
      if (generation !== this.generation) {
        unsubscribe();
        return this.load(guildId);
      }
      const { roles: _r, ...g } = wireGuild(guild, [], emojis);
      state = {
        guild: g,
        roles: new Map(roles.map((r) => [r.id, wireRole(r)])),
        channels: new Map(channels.map((c) => [c.id, wireChannel(c)])),
        members: new Map(),
        pinnedMembers: new Map(),
        memberCount,
        perms: new Map(),
        unsubscribe,
        pins: 0,
        lastUsed: Date.now(),
        automod: undefined,
        automodVersion: 0,
      };
      this.states.set(guildId, state);
      for (const c of channels) this.channelGuild.set(c.id, guildId);
      for (const ev of early) this.apply(state, ev);
      this.evict();
      return this.states.get(guildId);
    } catch (err) {
      unsubscribe();
      throw err;
    }
  }

  /** Keeps a guild, and the session user's member, resident while a gateway session needs them. */
  pin(state: GuildState, userId: string): void {
    state.pins++;
    state.pinnedMembers.set(userId, (state.pinnedMembers.get(userId) ?? 0) + 1);
  }
  unpin(guildId: string, userId: string): void {
    const s = this.states.get(guildId);
    if (!s) return;
    s.pins = Math.max(0, s.pins - 1);
    const n = (s.pinnedMembers.get(userId) ?? 0) - 1;
    if (n > 0) s.pinnedMembers.set(userId, n);
    else s.pinnedMembers.delete(userId);
  }

  private evict(): void {
    if (this.states.size <= MAX_UNPINNED) return;
    const unpinned = [...this.states.entries()].filter(([, s]) => s.pins === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id] of unpinned.slice(0, this.states.size - MAX_UNPINNED)) this.drop(id);
  }

  private drop(guildId: string): void {
    const s = this.states.get(guildId);
    if (!s) return;
    s.unsubscribe();
    this.states.delete(guildId);
    for (const id of s.channels.keys()) this.channelGuild.delete(id);
  }

  /**
   * Forgets every replica: the bus lost events (see Bus.onGap), so none can be trusted. The next get()
   * loads afresh, and loads under way start over. Fan-out reads replicas too: the gateway ends its sessions
   * on the same gap (gateway/resync.ts), and their new ones load the guilds again.
   */
  invalidateAll(): void {
    this.generation++;
    for (const id of [...this.states.keys()]) this.drop(id);
  }

  /** The member, loading it on first use; undefined when the user is not a member. */
  async member(state: GuildState, userId: string): Promise<Member | undefined> {
    const known = state.members.get(userId);
    if (known !== undefined) return known ?? undefined;
    const [m, user] = await Promise.all([this.deps.guilds.getMember(state.guild.id, userId), this.deps.users.get(userId)]);
    // An event may have filled it in while we waited; the event is newer.
    const now = state.members.get(userId);
    if (now !== undefined) return now ?? undefined;
    const wire = m && user ? wireMember(m, user) : null;
    if (state.members.size >= MAX_TRACKED_MEMBERS) {
      for (const id of state.members.keys()) if (!state.pinnedMembers.has(id)) state.members.delete(id);
    }
    state.members.set(userId, wire);
    return wire ?? undefined;
  }

  basePermissions(state: GuildState, userId: string, member: Member): bigint {
    return computeBasePermissions(this.permInput(state, userId, member));
  }

  /** Memoised per (channel, user) until the guild's roles, channels or that member change. */
  channelPermissions(state: GuildState, channelId: string, userId: string, member: Member): bigint {
    let byUser = state.perms.get(channelId);
    let p = byUser?.get(userId);
    if (p !== undefined) return p;
    const channel = state.channels.get(channelId);
    if (!channel) return 0n;
    const overwrites = (channel.permission_overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
    p = computeChannelPermissions(this.permInput(state, userId, member), overwrites);
    // A timeout ends by itself, so those results are not kept.
    if (member.communication_disabled_until === null) {
      if (!byUser) state.perms.set(channelId, (byUser = new Map()));
      if (byUser.size >= MAX_TRACKED_MEMBERS) byUser.clear();
      byUser.set(userId, p);
    }
    return p;
  }

  /** Permissions in a channel as if it had these overwrites (not memoised): what a session could see before a change. */
  permissionsWith(state: GuildState, overwrites: NonNullable<Channel['permission_overwrites']>, userId: string, member: Member): bigint {
    const list = overwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
    return computeChannelPermissions(this.permInput(state, userId, member), list);
  }

  private permInput(state: GuildState, userId: string, member: Member) {
    const roles = new Map<string, { id: string; permissions: bigint }>();
    for (const r of state.roles.values()) roles.set(r.id, { id: r.id, permissions: BigInt(r.permissions) });
    return {
      guildId: state.guild.id,
      ownerId: state.guild.owner_id,
      userId,
      memberRoleIds: member.roles,
      roles,
      communicationDisabledUntil: member.communication_disabled_until ? Date.parse(member.communication_disabled_until) : null,
      quarantined: (member.flags & GuildMemberFlags.AUTOMOD_QUARANTINED_USERNAME) !== 0,
    };
  }

  /** Applies the event, then hands it on; GUILD_DELETE is handed on first, while the guild is still here. */
  private deliver(state: GuildState, message: BusMessage): void {
    const deleted = message.kind === 'dispatch' && message.t === 'GUILD_DELETE';
    if (deleted) this.onGuildEvent?.(state.guild.id, message);
    this.apply(state, message);
    if (!deleted) this.onGuildEvent?.(state.guild.id, message);
  }

  /** Applies one of the guild's bus messages to its replica. */
  apply(state: GuildState, message: BusMessage): void {
    if (message.kind !== 'dispatch') return;
    const handler = this.handlers[message.t] as ReplicaHandler<BusEventName> | null;
    handler?.(state, message.d);
  }

  /**
   * One entry per event the bus carries: what it changes in a replica, or null for none. A new event in the
   * contract must be added here (the compiler insists), so the replica never silently misses a change.
   */
  private readonly handlers: { [K in BusEventName]: ReplicaHandler<K> | null } = {
    GUILD_UPDATE: (state, d) => {
      const { roles: _r, ...g } = d as DispatchPayloads['GUILD_UPDATE'] & { roles?: unknown };
      state.guild = { ...state.guild, ...g };
      state.perms.clear();
    },
    GUILD_DELETE: (state) => this.drop(state.guild.id),
    GUILD_EMOJIS_UPDATE: (state, d) => {
      state.guild = { ...state.guild, emojis: d.emojis };
    },
    GUILD_ROLE_CREATE: (state, d) => {
      state.roles.set(d.role.id, d.role);
      state.perms.clear();
    },
    GUILD_ROLE_UPDATE: (state, d) => {
      state.roles.set(d.role.id, d.role);
      state.perms.clear();
    },
    GUILD_ROLE_DELETE: (state, d) => {
      state.roles.delete(d.role_id);
      for (const [id, m] of state.members) if (m?.roles.includes(d.role_id)) state.members.set(id, { ...m, roles: m.roles.filter((r) => r !== d.role_id) });
      state.perms.clear();
    },
    CHANNEL_CREATE: (state, d) => this.putChannel(state, d),
    CHANNEL_UPDATE: (state, d) => {
      // An update published after the channel's delete (the two raced; the update committed first) must not
      // bring it back: every live channel is known here, from the load or its CHANNEL_CREATE.
      if (state.channels.has(d.id)) this.putChannel(state, d);
    },
    CHANNEL_DELETE: (state, d) => {
      state.channels.delete(d.id);
      this.channelGuild.delete(d.id);
      for (const [id, c] of state.channels) if (c.parent_id === d.id) state.channels.set(id, { ...c, parent_id: null });
      state.perms.clear();
    },
    GUILD_MEMBER_ADD: (state, d) => {
      state.memberCount++;
      if (state.members.has(d.user!.id)) state.members.set(d.user!.id, stripGuildId(d));
    },
    GUILD_MEMBER_UPDATE: (state, d) => {
      if (state.members.has(d.user!.id)) state.members.set(d.user!.id, stripGuildId(d));
      this.clearUserPerms(state, d.user!.id);
    },
    GUILD_MEMBER_REMOVE: (state, d) => {
      state.memberCount = Math.max(0, state.memberCount - 1);
      if (state.members.has(d.user.id)) state.members.set(d.user.id, null);
      this.clearUserPerms(state, d.user.id);
    },
    AUTO_MODERATION_RULE_CREATE: (state, d) => this.putRule(state, d),
    AUTO_MODERATION_RULE_UPDATE: (state, d) => this.putRule(state, d),
    AUTO_MODERATION_RULE_DELETE: (state, d) => {
      state.automod?.delete(d.id);
      state.automodVersion++;
    },
    // An execution changes no rule (a timeout it gives arrives as GUILD_MEMBER_UPDATE).
    AUTO_MODERATION_ACTION_EXECUTION: null,
    MESSAGE_CREATE: (state, d) => {
      const c = state.channels.get(d.channel_id);
      if (c) c.last_message_id = d.id;
    },
    // Threads are not part of the replica: they are read when touched (see Access), however many a guild has.
    THREAD_CREATE: null,
    THREAD_UPDATE: null,
    THREAD_DELETE: null,
    THREAD_LIST_SYNC: null,
    THREAD_MEMBER_UPDATE: null,
    THREAD_MEMBERS_UPDATE: null,
    // Nothing a replica holds: content, invites, reactions, typing and presence are not part of it.
    MESSAGE_UPDATE: null,
    MESSAGE_DELETE: null,
    MESSAGE_DELETE_BULK: null,
    // Bans are not kept (a banned user is no member; joins read the ban from the database); nor is the audit log.
    GUILD_BAN_ADD: null,
    GUILD_BAN_REMOVE: null,
    GUILD_AUDIT_LOG_ENTRY_CREATE: null,
    MESSAGE_REACTION_ADD: null,
    MESSAGE_REACTION_REMOVE: null,
    MESSAGE_REACTION_REMOVE_ALL: null,
    MESSAGE_REACTION_REMOVE_EMOJI: null,
    INVITE_CREATE: null,
    INVITE_DELETE: null,
    TYPING_START: null,
    WEBHOOKS_UPDATE: null,
    INTERACTION_CREATE: null,
    INTERACTION_SUCCESS: null,
    INTERACTION_FAILURE: null,
    INTERACTION_MODAL_CREATE: null,
    APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE: null,
    // Command permissions are read from the interactions store when a command is listed or run.
    APPLICATION_COMMAND_PERMISSIONS_UPDATE: null,
    CHANNEL_PINS_UPDATE: null,
    PRESENCE_UPDATE: null,
    // Voice states live in their own store (modules/voice), beside presence.
    VOICE_STATE_UPDATE: null,
    // Published on user topics, never on a guild's.
    USER_UPDATE: null,
    CHANNEL_RECIPIENT_ADD: null,
    CHANNEL_RECIPIENT_REMOVE: null,
    MESSAGE_ACK: null,
    X_MESSAGE_RECEIPT: null,
    RELATIONSHIP_ADD: null,
    RELATIONSHIP_REMOVE: null,
  };

  private putChannel(state: GuildState, channel: Channel): void {
    state.channels.set(channel.id, channel);
    this.channelGuild.set(channel.id, state.guild.id);
    state.perms.clear();
  }

  private putRule(state: GuildState, rule: AutoModRule): void {
    state.automod?.set(rule.id, rule);
    state.automodVersion++;
  }

  private clearUserPerms(state: GuildState, userId: string): void {
    for (const byUser of state.perms.values()) byUser.delete(userId);
  }

  close(): void {
    for (const id of [...this.states.keys()]) this.drop(id);
  }
}

type ReplicaHandler<K extends BusEventName> = (state: GuildState, d: DispatchPayloads[K]) => void;

function stripGuildId(d: Member & { guild_id?: string }): Member {
  const { guild_id: _g, ...m } = d;
  return m;
}

