import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelTypes } from '@concord/protocol';
import { RestClient, RestError, makeNonce } from '../src/index.js';
import { TEST_PASSWORD, newUser, startTestServer, uniq, type TestServer } from '@concord/server/testing';

/** A fresh user from the kit, with a RestClient holding their token. */
async function restUser(base: string, name?: string) {
  const user = await newUser(base, name);
  return { ...user, rest: new RestClient({ baseUrl: base, token: user.token }) };
}

describe('RestClient against a real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('registers, logs in and answers the current user', async () => {
    const rest = new RestClient({ baseUrl: server.base });
    const username = uniq('user');
    const { token, user_id: userId } = await rest.register({ email: `${username}@example.test`, username, password: TEST_PASSWORD });
    rest.token = token;
    expect((await rest.me()).id).toBe(userId);
    const again = await new RestClient({ baseUrl: server.base }).login({ login: `${username}@example.test`, password: TEST_PASSWORD });
    expect(again.user_id).toBe(userId);
  });

  it('creates a guild with channels and round-trips messages, deduplicating by nonce', async () => {
    const { rest } = await restUser(server.base);
    const guild = await rest.createGuild({ name: 'Test guild' });
    const channels = await rest.listChannels(guild.id);
    const general = channels.find((c) => c.type === ChannelTypes.GUILD_TEXT)!;
    expect(general).toBeDefined();
    expect((await rest.myGuilds()).map((g) => g.id)).toContain(guild.id);

    const nonce = makeNonce();
    expect(nonce.length).toBeLessThanOrEqual(25);
    const first = await rest.sendMessage(general.id, { content: 'hello', nonce });
    const retried = await rest.sendMessage(general.id, { content: 'hello', nonce });
    expect(retried.id).toBe(first.id);

    const edited = await rest.editMessage(general.id, first.id, { content: 'hello, edited' });
    expect(edited.edited_timestamp).not.toBeNull();
    const second = await rest.sendMessage(general.id, { content: 'second' });
    const page = await rest.listMessages(general.id, { limit: 10 });
    expect(page.map((m) => m.id)).toEqual([second.id, first.id]);
    expect(await rest.listMessages(general.id, { before: second.id })).toHaveLength(1);

    await rest.deleteMessage(general.id, first.id);
    expect((await rest.listMessages(general.id)).map((m) => m.id)).toEqual([second.id]);
    await rest.triggerTyping(general.id);
  });

  it('turns Discord error bodies into RestError with status and code', async () => {
    const { rest } = await restUser(server.base);
    const unknown = await rest.listMessages('1234567890123456').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(RestError);
    expect((unknown as RestError).status).toBe(404);
    expect((unknown as RestError).code).toBe(10003);

    const guild = await rest.createGuild({ name: 'Errors' });
    const general = (await rest.listChannels(guild.id)).find((c) => c.type === 0)!;
    const tooLong = await rest.sendMessage(general.id, { content: 'x'.repeat(2001) }).catch((e: unknown) => e);
    expect((tooLong as RestError).status).toBe(400);
    expect((tooLong as RestError).code).toBe(50035);
    expect((tooLong as RestError).detail).toMatch(/^content/);

    const anonymous = await new RestClient({ baseUrl: server.base, token: 'nope' }).me().catch((e: unknown) => e);
    expect((anonymous as RestError).status).toBe(401);
  });

  it('lets an outsider see an invite and join through it', async () => {
    const owner = await restUser(server.base, 'owner');
    const guest = await restUser(server.base, 'guest');
    const guild = await owner.rest.createGuild({ name: 'Invites' });
    const general = (await owner.rest.listChannels(guild.id)).find((c) => c.type === 0)!;
    const invite = await owner.rest.createInvite(general.id, { max_age: 0 });
    expect((await new RestClient({ baseUrl: server.base }).getInvite(invite.code)).guild?.id).toBe(guild.id);
    await guest.rest.acceptInvite(invite.code);
    expect((await guest.rest.myGuilds()).map((g) => g.id)).toContain(guild.id);
    const forbidden = await guest.rest.deleteChannel(general.id).catch((e: unknown) => e);
    expect((forbidden as RestError).status).toBe(403);
  });
});

describe('RestClient and rate limits', () => {
  let server: TestServer;
  // One request per second on the default bucket, so the second call in a row gets a 429.
  beforeAll(async () => {
    server = await startTestServer({ rateLimitScale: 0.05 });
  });
  afterAll(() => server?.close());

  it('throws 429 with retry_after when told not to wait, and waits it out otherwise', async () => {
    const { rest } = await restUser(server.base);
    await rest.me();
    const noRetry = new RestClient({ baseUrl: server.base, token: rest.token, maxRateLimitRetries: 0 });
    const err = await noRetry.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).isRateLimit).toBe(true);
    expect((err as RestError).retryAfterMs).toBeGreaterThan(0);

    const seen: boolean[] = [];
    const patient = new RestClient({ baseUrl: server.base, token: rest.token, onRateLimited: (i) => seen.push(i.willRetry) });
    // The bucket is still closed from the refused call: this one is refused too, waits and succeeds.
    expect((await patient.me()).id).toBeDefined();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((w) => w)).toBe(true);
  });
});
