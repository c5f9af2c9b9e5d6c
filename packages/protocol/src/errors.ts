/** Discord's JSON error codes and error body shape. */
export const ErrorCodes = {
  GENERAL: 0,
  UNKNOWN_ACCOUNT: 10001,
  UNKNOWN_APPLICATION: 10002,
  UNKNOWN_CHANNEL: 10003,
  UNKNOWN_GUILD: 10004,
  UNKNOWN_INVITE: 10006,
  UNKNOWN_MEMBER: 10007,
  UNKNOWN_MESSAGE: 10008,
  UNKNOWN_ROLE: 10011,
  UNKNOWN_USER: 10013,
  UNKNOWN_EMOJI: 10014,
  UNKNOWN_BAN: 10026,
  UNKNOWN_WEBHOOK: 10015,
  UNKNOWN_ROUTE: 10015 /* Concord: unknown route; Discord answers a bare 404 */,
  BOTS_CANNOT_USE_ENDPOINT: 20001,
  ONLY_BOTS_CAN_USE_ENDPOINT: 20002,
  SLOWMODE_RATE_LIMITED: 20016,
  MAX_GUILDS: 30001,
  MAX_ROLES: 30005,
  MAX_WEBHOOKS: 30007,
  MAX_RECIPIENTS: 30004,
  MAX_PINS: 30003,
  MAX_REACTIONS: 30010,
  MAX_CHANNELS: 30013,
  UNAUTHORIZED: 40001,
  REQUEST_TOO_LARGE: 40005,
  USER_BANNED: 40007,
  MISSING_ACCESS: 50001,
  INVALID_ACCOUNT_TYPE: 50002,
  CANNOT_EXECUTE_ON_DM: 50003,
  CANNOT_EDIT_OTHER_USERS_MESSAGE: 50005,
  CANNOT_SEND_MESSAGES_TO_USER: 50007,
  EMPTY_MESSAGE: 50006,
  CANNOT_SEND_IN_NON_TEXT_CHANNEL: 50008,
  VERIFICATION_LEVEL_TOO_HIGH: 50009,
  INVALID_OAUTH_STATE: 50012,
  MISSING_PERMISSIONS: 50013,
  CANNOT_EXECUTE_ON_CHANNEL_TYPE: 50024,
  INVALID_RECIPIENTS: 50033,
  INVALID_AUTH_TOKEN: 50014,
  BULK_DELETE_TOO_OLD: 50034,
  INVALID_WEBHOOK_TOKEN: 50027,
  INVALID_FORM_BODY: 50035,
  INVALID_ROLE: 50028,
  INVALID_GUILD: 50055,
  INVALID_API_VERSION: 50041,
  INVALID_JSON: 50109,
  INVALID_CHANNEL_TYPE: 50024,
  THREAD_ARCHIVED: 50083,
  THREAD_ALREADY_CREATED: 160004,
  THREAD_LOCKED: 160005,
  AUTOMOD_MESSAGE_BLOCKED: 200000,
  AUTOMOD_TITLE_BLOCKED: 200001,
  /** With status 202: the search index is still being built. */
  INDEX_NOT_YET_AVAILABLE: 110000,
  RATE_LIMITED: 0,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Field-level errors nest like the request body: `{content: {_errors: [{code, message}]}}`. */
export interface FieldErrors {
  _errors?: { code: string; message: string }[];
  [key: string]: FieldErrors | { code: string; message: string }[] | undefined;
}

export interface ApiErrorBody {
  code: number;
  message: string;
  errors?: FieldErrors;
}

export interface RateLimitBody {
  message: string;
  retry_after: number;
  global: boolean;
  code?: number;
}
