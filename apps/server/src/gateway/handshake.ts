/** The two ways a connection gets a session: Identify (a new one, READY and its GUILD_CREATEs) and Resume. */
import {
  ALL_INTENTS,
  GatewayCloseCodes as Close,
  GatewayIntents,
  GatewayOpcodes as Op,
  PRIVILEGED_INTENTS,
  MessageFlags,
  type IdentifyData,
  type ResumeData,
} from '@concord/protocol';
import { gatewayUrl } from '../lib/urls.js';
import { grantedPrivilegedIntents, seesMessageContent } from '../modules/applications/service.js';
import { userForToken } from '../modules/auth/service.js';
import { hashToken } from '../modules/auth/tokens.js';
import type { Deps } from '../modules/deps.js';
import { parsePresence } from '../modules/presence/service.js';
import type { UserRecord } from '../modules/users/store.js';
import type { Connection } from './connection.js';
import { framePrefix } from './fanout.js';
import type { OpContext } from './ops/context.js';
import type { Session } from './session.js';
import { buildReady, loadPrivateChannels } from './snapshot.js';
import { loadReadState } from '../modules/read_states/service.js';
import { cursorsFor, deliveryBuffer } from '../modules/receipts/service.js';
import { listRelationships } from '../modules/relationships/service.js';

/** Where to resume: the public URL, else the host this client reached us by (as GET /gateway/bot answers). */
function resumeUrl(deps: Deps, conn: Connection): string {
  return gatewayUrl(deps.config.publicUrl ?? conn.baseUrl ?? `http://localhost:${deps.config.port}`);
}

/** Why an Identify is refused (the close code and reason), or the bot's application id when it is not. */
async function checkIdentify(deps: Deps, user: UserRecord, d: IdentifyData): Promise<{ refuse: [number, string] } | { applicationId?: string }> {
  // Bitwise operators see only the low 32 bits, so anything above every defined intent is refused first.
  if (d.intents > ALL_INTENTS || d.intents & ~ALL_INTENTS) return { refuse: [Close.InvalidIntents, 'Invalid intent(s).'] };
  const starts = await deps.limits.consume('gateway.identify', user.id);
  if (starts && !starts.allowed) return { refuse: [Close.RateLimited, 'Too many sessions started today.'] };
  let applicationId: string | undefined;
  if (user.bot) {
    const app = await deps.applications.getByBot(user.id);
    applicationId = app?.id;
    const granted = deps.config.privilegedIntents === 'all' ? PRIVILEGED_INTENTS : grantedPrivilegedIntents(app?.flags ?? 0);
    if (d.intents & PRIVILEGED_INTENTS & ~granted) return { refuse: [Close.DisallowedIntents, 'Disallowed intent(s).'] };
  }
  const shard = d.shard ?? [0, 1];
  if (shard[0] >= shard[1]) return { refuse: [Close.InvalidShard, 'Invalid shard.'] };
  return { applicationId };
}

export async function identify(ctx: OpContext, conn: Connection, d: IdentifyData): Promise<void> {
  const { deps, sessions } = ctx;
  const token = d.token.replace(/^Bot /, '');
  const user = await userForToken(deps, token);
  if (!user) return conn.close(Close.AuthenticationFailed, 'Authentication failed.');
  const checked = await checkIdentify(deps, user, d);
  if ('refuse' in checked) return conn.close(...checked.refuse);
  if (conn.closed) return;

  const session = sessions.open(conn, user, {
    intents: d.intents,
    shard: d.shard ?? [0, 1],
    largeThreshold: d.large_threshold ?? 50,
    seesContent: seesMessageContent(user, d.intents),
    tokenHash: hashToken(token),
  });
  await sessions.fanout.addUserSession(session);
  const privateChannels = await loadPrivateChannels(deps, user.id);
  // Read states are a user-account feature, as on Discord: bots get none.
  const readState = user.bot ? undefined : await loadReadState(deps, { user }, privateChannels.map((c) => c.id));
  const receipts = await cursorsFor(deps, user.id, privateChannels.map((c) => c.id));
  const relationships = user.bot ? [] : await listRelationships(deps, user.id);
  const creates = await addGuilds(ctx, session, conn);
  if (!creates || conn.closed) return;
  session.dispatchFirst(framePrefix('READY', buildReady(session, resumeUrl(deps, conn), checked.applicationId, privateChannels, readState, receipts, relationships)));
  if (session.intents & GatewayIntents.Guilds) for (const p of creates) session.dispatchFirst(p);
  session.flushPending();
  conn.state = 'ready';
  session.presence = parsePresence(d.presence);
  await sessions.present(session);
}

/** The user's guilds added to a new session, as their GUILD_CREATE prefixes; undefined if the socket dropped meanwhile. */
async function addGuilds({ deps, sessions }: OpContext, session: Session, conn: Connection): Promise<Buffer[] | undefined> {
  const creates: Buffer[] = [];
  for (const guildId of await deps.guilds.guildIdsForUser(session.user.id)) {
    // Dropped mid-identify: the session is already destroyed; adding guilds would pin them to it for good.
    if (conn.closed) return undefined;
    const prefix = await sessions.addGuild(session, guildId, false);
    if (prefix) creates.push(prefix);
  }
  return creates;
}

export async function resume({ deps, sessions }: OpContext, conn: Connection, d: ResumeData): Promise<void> {
  const token = d.token.replace(/^Bot /, '');
  const user = await userForToken(deps, token);
  if (!user) return conn.close(Close.AuthenticationFailed, 'Authentication failed.');
  // The socket dropped while the token was checked: leave the session detached (resumable, then expiring).
  if (conn.closed) return;
  const session = sessions.get(d.session_id);
  if (!session || session.user.id !== user.id) return invalidSession(conn);
  const seq = d.seq ?? 0;
  if (seq > session.seq) return conn.close(Close.InvalidSeq, 'Invalid seq.');
  const frames = session.replayAfter(seq);
  if (!frames) {
    sessions.destroy(session);
    return invalidSession(conn);
  }
  sessions.attach(session, conn, hashToken(token));
  for (const f of frames) conn.sendRaw(f);
  noteReplayedDeliveries(deps, user.id, frames);
  session.dispatch(framePrefix('RESUMED', {}));
  conn.state = 'ready';
  // Gone from presence while its socket was away: back with what it had set.
  if (!session.present) await sessions.present(session);
}

const CREATE = Buffer.from('"t":"MESSAGE_CREATE"');

/**
 * A resumed device now has the private-channel messages it missed while away: delivery receipts for them, as the
 * fan-out notes for a connected one. Only MESSAGE_CREATE frames are read back (the buffer holds encoded frames).
 */
function noteReplayedDeliveries(deps: Deps, userId: string, frames: Buffer[]): void {
  for (const f of frames) {
    if (!f.includes(CREATE)) continue;
    const { d } = JSON.parse(f.toString('utf8')) as { d: { id: string; channel_id: string; guild_id?: string; author: { id: string }; flags?: number } };
    if (d.guild_id || d.author.id === userId || (d.flags ?? 0) & MessageFlags.EPHEMERAL) continue;
    deliveryBuffer(deps).note({ userId, channelId: d.channel_id, messageId: d.id });
  }
}

/** Op 9 `d: false`: the connection may identify afresh. */
function invalidSession(conn: Connection): void {
  conn.state = 'new';
  conn.sendOp(Op.InvalidSession, false);
}
