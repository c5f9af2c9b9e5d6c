/** Accounts and a channel for a fan-out run against Concord (one sender, a few receiver accounts shared by many sessions). */
import { Api, setupGuild } from './api.js';
import type { FanoutTarget } from './fanout-step.js';
import { runTag } from './cli.js';

export async function concordChannel(apiBase: string, o: { prefix?: string; password: string; receiverAccounts: number }) {
  const api = new Api(apiBase, 8);
  try {
    const prefix = o.prefix ?? `b${runTag()}u`;
    const { accounts, channelId, guildId } = await setupGuild(api, prefix, o.receiverAccounts + 1, o.password);
    return { senderToken: accounts[0]!.token, receiverTokens: accounts.slice(1).map((a) => a.token), channelId, guildId, api };
  } finally {
    api.close();
  }
}

export type ConcordChannel = Omit<Awaited<ReturnType<typeof concordChannel>>, 'api'>;

export function rawTarget(apiBase: string, gatewayUrl: string, pid: number | undefined, frameBytes: number): FanoutTarget {
  return { name: 'raw ws', apiBase, gatewayUrls: [gatewayUrl], pids: pid ? [pid] : [], senderToken: 'raw', receiverTokens: ['raw'], channelId: '1', frameBytes };
}
