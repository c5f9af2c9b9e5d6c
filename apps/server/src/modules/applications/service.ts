import { randomBytes } from 'node:crypto';
import { GatewayIntents, Permissions, hasPermission, isSnowflake, type Application } from '@concord/protocol';
import { errors } from '../../lib/errors.js';
import type { Ctx } from '../access.js';
import type { Needs } from '../deps.js';
import { UniqueViolation } from '../../store/db.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { addMember } from '../guilds/service.js';
import type { UserRecord } from '../users/store.js';
import { wireUser } from '../wire.js';
import type { ApplicationRecord } from './store.js';
import { applicationKeys } from '../interactions/keys.js';

/** What this domain's services use. */
type AppDeps = Needs<'applications' | 'users' | 'guilds' | 'channels' | 'moderation' | 'messages' | 'interactions' | 'audit' | 'automod' | 'members', 'access' | 'cache' | 'ids' | 'config' | 'presence' | 'events' | 'voiceStates'>;

/** Discord's application flags that grant privileged intents (the "limited" and full variants). */
export const AppFlags = {
  GATEWAY_PRESENCE: 1 << 12,
  GATEWAY_PRESENCE_LIMITED: 1 << 13,
  GATEWAY_GUILD_MEMBERS: 1 << 14,
  GATEWAY_GUILD_MEMBERS_LIMITED: 1 << 15,
  GATEWAY_MESSAGE_CONTENT: 1 << 18,
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
} as const;
const INTENT_FLAGS = Object.values(AppFlags).reduce((a, b) => a | b, 0);

/** Privileged intents an application's flags allow. */
export function grantedPrivilegedIntents(flags: number): number {
  let intents = 0;
  if (flags & (AppFlags.GATEWAY_PRESENCE | AppFlags.GATEWAY_PRESENCE_LIMITED)) intents |= GatewayIntents.GuildPresences;
  if (flags & (AppFlags.GATEWAY_GUILD_MEMBERS | AppFlags.GATEWAY_GUILD_MEMBERS_LIMITED)) intents |= GatewayIntents.GuildMembers;
  if (flags & (AppFlags.GATEWAY_MESSAGE_CONTENT | AppFlags.GATEWAY_MESSAGE_CONTENT_LIMITED)) intents |= GatewayIntents.MessageContent;
  return intents;
}

/**
 * Whether a user gets message content, given the intents it holds (a bot's granted ones over REST, the ones it
 * identified with on the gateway): people always; bots only with MESSAGE_CONTENT.
 */
export function seesMessageContent(user: { bot: boolean }, intents: number): boolean {
  return !user.bot || Boolean(intents & GatewayIntents.MessageContent);
}

function wireApplication(app: ApplicationRecord, owner: UserRecord | undefined, bot: UserRecord | undefined, token?: string, keys?: { public_key: string; url: string | null }): Application {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    icon: null,
    bot_public: true,
    bot_require_code_grant: false,
    flags: app.flags,
    ...(owner ? { owner: wireUser(owner) } : {}),
    ...(bot ? { bot: { ...wireUser(bot), ...(token ? { token } : {}) } } : {}),
    // The key interactions POSTed to the application's endpoint are signed with.
    verify_key: keys?.public_key ?? '0'.repeat(64),
    ...(keys ? { interactions_endpoint_url: keys.url } : {}),
  };
}

async function uniqueBotUsername(deps: AppDeps, name: string): Promise<string> {
  const base = name.toLowerCase().replace(/[^a-z0-9_.]+/g, '_').replace(/\.{2,}/g, '.').slice(0, 27) || 'bot';
  for (let i = 0; i < 20; i++) {
    const candidate = i === 0 && base.length >= 2 ? base : `${base}_${randomBytes(2).toString('hex')}`;
    if (!(await deps.users.getByUsername(candidate))) return candidate;
  }
  return `bot_${randomBytes(8).toString('hex')}`;
}

/** `POST /applications` (an extension): the application, its bot user and the bot's token, once. */
export async function createApplication(deps: AppDeps, ctx: Ctx, body: { name: string; description?: string; flags?: number }) {
  if (ctx.user.bot) throw errors.usersOnly();
  const now = Date.now();
  const bot: UserRecord = {
    id: deps.ids.next(),
    username: await uniqueBotUsername(deps, body.name),
    email: null,
    password_hash: null,
    global_name: body.name,
    avatar: null,
    bot: true,
    flags: 0,
    created_at: now,
  };
  const app: ApplicationRecord = {
    id: deps.ids.next(),
    name: body.name,
    description: body.description ?? '',
    owner_id: ctx.user.id,
    bot_id: bot.id,
    flags: (body.flags ?? 0) & INTENT_FLAGS,
    created_at: now,
  };
  const token = newToken(bot.id);
  // Two applications of one name created at once both find the same free username; the unique index picks
  // one, and the other takes a suffixed name instead of failing.
  for (let attempt = 0; ; attempt++) {
    try {
      // The application, its bot user and the bot's first token, or none of them.
      await deps.tx(async (tx) => {
        await tx.users.create(bot);
        await tx.applications.create(app);
        await tx.users.addToken(hashToken(token), bot.id, now);
      });
      break;
    } catch (err) {
      if (attempt >= 4 || !(err instanceof UniqueViolation)) throw err;
      bot.username = `${bot.username.slice(0, 27)}_${randomBytes(2).toString('hex')}`.slice(0, 32);
    }
  }
  return wireApplication(app, ctx.user, bot, token, await applicationKeys(deps.interactions, app.id));
}

export async function listApplications(deps: AppDeps, ctx: Ctx) {
  const apps = await deps.applications.listByOwner(ctx.user.id);
  const bots = await deps.users.getMany(apps.map((a) => a.bot_id));
  return apps.map((a) => wireApplication(a, ctx.user, bots.find((b) => b.id === a.bot_id)));
}

/** `GET /applications/@me` and `/oauth2/applications/@me`, for the bot's own application. */
export async function currentApplication(deps: AppDeps, ctx: Ctx) {
  if (!ctx.user.bot) throw errors.botsOnly();
  const app = await deps.applications.getByBot(ctx.user.id);
  if (!app) throw errors.unknown('application');
  return wireApplication(app, await deps.users.get(app.owner_id), ctx.user, undefined, await applicationKeys(deps.interactions, app.id));
}

/**
 * `POST /oauth2/authorize?client_id=&scope=bot`: a member with MANAGE_GUILD adds the bot, which joins with
 * a managed role carrying the requested permissions (as on Discord).
 */
export async function authorizeBot(
  deps: AppDeps,
  ctx: Ctx,
  query: { client_id?: string; scope?: string },
  body: { guild_id: string; permissions?: string | number },
) {
  if (ctx.user.bot) throw errors.usersOnly();
  if (!query.scope?.split(/[ +]/).includes('bot')) throw errors.invalidField(['scope'], 'BASE_TYPE_CHOICES', 'scope must include bot');
  const app = query.client_id && isSnowflake(query.client_id) ? await deps.applications.get(query.client_id) : undefined;
  if (!app) throw errors.unknown('application');
  const { perms } = await deps.access.guild(ctx, body.guild_id, Permissions.MANAGE_GUILD);
  const requested = BigInt(body.permissions ?? 0);
  // Nobody can hand a bot permissions they do not have themselves.
  if (!hasPermission(perms, requested)) throw errors.missingPermissions();
  const bot = await deps.users.get(app.bot_id);
  if (!bot) throw errors.unknown('user');
  await addMember(deps, body.guild_id, bot, { botRolePermissions: requested, botName: app.name, addedBy: ctx });
  return { location: '/oauth2/authorized' };
}
