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

/** What a client should do after each close code (Discord's documented table). */
export const CloseCodeActions: Record<number, 'resume' | 'reidentify' | 'fatal'> = {
  1000: 'reidentify',
  1001: 'reidentify',
  4000: 'resume',
  4001: 'resume',
  4002: 'resume',
  4003: 'reidentify',
  4004: 'fatal',
  4005: 'reidentify',
  4007: 'reidentify',
  4008: 'resume',
  4009: 'reidentify',
  4010: 'fatal',
  4011: 'fatal',
  4012: 'fatal',
  4013: 'fatal',
  4014: 'fatal',
};

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
