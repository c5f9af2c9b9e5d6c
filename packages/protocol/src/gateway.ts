/** Gateway v10 opcodes, close codes, intents and event names, plus Concord's clash-free extensions. */
export const GatewayOpcodes = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  /** Extension (client -> server): send a message over the gateway. */
  XSendMessage: 100,
  /** Extension (server -> client): the message was stored, or refused; carries the client's nonce. */
  XMessageAck: 101,
} as const;
export type GatewayOpcode = (typeof GatewayOpcodes)[keyof typeof GatewayOpcodes];

export const GatewayCloseCodes = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidAPIVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;
export type GatewayCloseCode = (typeof GatewayCloseCodes)[keyof typeof GatewayCloseCodes];

export type CloseAction = 'resume' | 'reidentify' | 'fatal';

export interface CloseCodeInfo {
  name: string;
  /** What a client does next: resume the session, identify afresh, or stop for good. */
  client: CloseAction;
  /** The server forgets the session at once (otherwise it stays resumable for the resume window). */
  endsSession: boolean;
}

/**
 * The one close-code table: server, client and docs/gateway.md all follow it (a test checks the docs).
 * 1000/1001 come from clients ending their session on purpose; 4009 keeps the session, so clients resume
 * (as discord.js does). 4006 is not listed: Discord retired it.
 */
export const CloseCodes: Record<1000 | 1001 | GatewayCloseCode, CloseCodeInfo> = {
  1000: { name: 'Normal', client: 'reidentify', endsSession: true },
  1001: { name: 'GoingAway', client: 'reidentify', endsSession: true },
  4000: { name: 'UnknownError', client: 'resume', endsSession: false },
  4001: { name: 'UnknownOpcode', client: 'resume', endsSession: false },
  4002: { name: 'DecodeError', client: 'resume', endsSession: false },
  4003: { name: 'NotAuthenticated', client: 'reidentify', endsSession: false },
  4004: { name: 'AuthenticationFailed', client: 'fatal', endsSession: true },
  4005: { name: 'AlreadyAuthenticated', client: 'reidentify', endsSession: false },
  4007: { name: 'InvalidSeq', client: 'reidentify', endsSession: false },
  4008: { name: 'RateLimited', client: 'resume', endsSession: false },
  4009: { name: 'SessionTimedOut', client: 'resume', endsSession: false },
  4010: { name: 'InvalidShard', client: 'fatal', endsSession: true },
  4011: { name: 'ShardingRequired', client: 'fatal', endsSession: true },
  4012: { name: 'InvalidAPIVersion', client: 'fatal', endsSession: true },
  4013: { name: 'InvalidIntents', client: 'fatal', endsSession: true },
  4014: { name: 'DisallowedIntents', client: 'fatal', endsSession: true },
};

/** The table's entry for a code, if it has one (1005, 1006 and the like do not). */
export function closeCodeInfo(code: number): CloseCodeInfo | undefined {
  return (CloseCodes as Record<number, CloseCodeInfo | undefined>)[code];
}

/** What a client should do after each close code, read from `CloseCodes`. */
export const CloseCodeActions: Record<number, CloseAction> = Object.fromEntries(
  Object.entries(CloseCodes).map(([code, info]) => [code, info.client]),
);

export const GatewayIntents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildModeration: 1 << 2,
  GuildExpressions: 1 << 3,
  GuildIntegrations: 1 << 4,
  GuildWebhooks: 1 << 5,
  GuildInvites: 1 << 6,
  GuildVoiceStates: 1 << 7,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
  AutoModerationConfiguration: 1 << 20,
  AutoModerationExecution: 1 << 21,
  GuildMessagePolls: 1 << 24,
  DirectMessagePolls: 1 << 25,
} as const;

export const ALL_INTENTS = Object.values(GatewayIntents).reduce((a, b) => a | b, 0);
export const PRIVILEGED_INTENTS =
  GatewayIntents.GuildMembers | GatewayIntents.GuildPresences | GatewayIntents.MessageContent;

export const DEFAULT_HEARTBEAT_INTERVAL = 41250;
/** Discord allows 120 client payloads per 60 s before closing with 4008. */
export const GATEWAY_SEND_LIMIT = { count: 120, windowMs: 60_000 } as const;
/** Discord's documented maximum client payload. */
export const GATEWAY_MAX_PAYLOAD_BYTES = 4096;
