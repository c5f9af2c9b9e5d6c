import { ErrorCodes, type ApiErrorBody, type FieldErrors } from '@concord/protocol';
import type { z } from 'zod';

/** An error that reaches the client in Discord's shape: `{code, message, errors?}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: FieldErrors,
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

/** A 429: wait `retryAfter` seconds. Route buckets use code 0; slowmode has Discord's own code. */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfter: number,
    readonly global: boolean,
    code = 0,
    message = 'You are being rate limited.',
  ) {
    super(429, code, message);
  }
}

const unknownMessages: Record<string, [number, string]> = {
  channel: [ErrorCodes.UNKNOWN_CHANNEL, 'Unknown Channel'],
  guild: [ErrorCodes.UNKNOWN_GUILD, 'Unknown Guild'],
  message: [ErrorCodes.UNKNOWN_MESSAGE, 'Unknown Message'],
  user: [ErrorCodes.UNKNOWN_USER, 'Unknown User'],
  member: [ErrorCodes.UNKNOWN_MEMBER, 'Unknown Member'],
  invite: [ErrorCodes.UNKNOWN_INVITE, 'Unknown Invite'],
  role: [ErrorCodes.UNKNOWN_ROLE, 'Unknown Role'],
  ban: [ErrorCodes.UNKNOWN_BAN, 'Unknown Ban'],
  application: [ErrorCodes.UNKNOWN_APPLICATION, 'Unknown Application'],
  webhook: [ErrorCodes.UNKNOWN_WEBHOOK, 'Unknown Webhook'],
  voiceState: [ErrorCodes.UNKNOWN_VOICE_STATE, 'Unknown Voice State'],
  emoji: [ErrorCodes.UNKNOWN_EMOJI, 'Unknown Emoji'],
};

export const errors = {
  unknown(kind: keyof typeof unknownMessages): ApiError {
    const [code, message] = unknownMessages[kind]!;
    return new ApiError(404, code, message);
  },
  missingAccess: () => new ApiError(403, ErrorCodes.MISSING_ACCESS, 'Missing Access'),
  missingPermissions: () => new ApiError(403, ErrorCodes.MISSING_PERMISSIONS, 'Missing Permissions'),
  unauthorized: () => new ApiError(401, ErrorCodes.UNAUTHORIZED, '401: Unauthorized'),
  notFound: () => new ApiError(404, 0, '404: Not Found'),
  invalidJson: () => new ApiError(400, ErrorCodes.INVALID_JSON, 'The request body contains invalid JSON.'),
  tooLarge: () => new ApiError(413, ErrorCodes.REQUEST_TOO_LARGE, 'Request entity too large'),
  /** A single field-level validation failure, in the same shape zod failures produce. */
  invalidField(path: string[], code: string, message: string): ApiError {
    const errors: FieldErrors = {};
    let node: FieldErrors = errors;
    for (const key of path) {
      const next: FieldErrors = {};
      node[key] = next;
      node = next;
    }
    node._errors = [{ code, message }];
    return new ApiError(400, ErrorCodes.INVALID_FORM_BODY, 'Invalid Form Body', errors);
  },
  cannotEditOthers: () => new ApiError(403, ErrorCodes.CANNOT_EDIT_OTHER_USERS_MESSAGE, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new ApiError(400, ErrorCodes.EMPTY_MESSAGE, 'Cannot send an empty message'),
  botsOnly: () => new ApiError(403, ErrorCodes.ONLY_BOTS_CAN_USE_ENDPOINT, 'Only bots can use this endpoint'),
  cannotExecuteOnDm: () => new ApiError(400, ErrorCodes.CANNOT_EXECUTE_ON_DM, 'Cannot execute action on a DM channel'),
  invalidWebhookToken: () => new ApiError(401, ErrorCodes.INVALID_WEBHOOK_TOKEN, 'Invalid Webhook Token'),
  usersOnly: () => new ApiError(403, ErrorCodes.BOTS_CANNOT_USE_ENDPOINT, 'Bots cannot use this endpoint'),
};

/** Structural problems (protocol's `commandProblems`, `componentProblems`) as one 50035, each under `prefix`. */
export function problemsError(problems: readonly { path: (string | number)[]; code: string; message: string }[], prefix: (string | number)[] = []): ApiError {
  const out: FieldErrors = {};
  for (const p of problems) {
    let node: FieldErrors = out;
    for (const key of [...prefix, ...p.path]) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as FieldErrors;
    }
    (node._errors ??= []).push({ code: p.code, message: p.message });
  }
  return new ApiError(400, ErrorCodes.INVALID_FORM_BODY, 'Invalid Form Body', out);
}

function zodCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 leaves `input` off issues unless asked; its message names what it received.
      return /received undefined/.test(issue.message) ? 'BASE_TYPE_REQUIRED' : 'BASE_TYPE_INVALID';
    case 'too_small':
      return 'BASE_TYPE_BAD_LENGTH';
    case 'too_big':
      return 'BASE_TYPE_BAD_LENGTH';
    case 'invalid_format':
      return issue.format === 'email' ? 'EMAIL_TYPE_INVALID_EMAIL' : 'BASE_TYPE_INVALID';
    case 'invalid_value':
    case 'invalid_union':
      return 'BASE_TYPE_CHOICES';
    case 'unrecognized_keys':
      return 'BASE_TYPE_INVALID';
    default:
      return 'BASE_TYPE_INVALID';
  }
}

/** zod failure -> Discord's 50035 Invalid Form Body with nested `_errors`. */
export function formError(error: z.ZodError): ApiError {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    let node: FieldErrors = out;
    for (const key of issue.path) {
      const k = String(key);
      node[k] ??= {};
      node = node[k] as FieldErrors;
    }
    (node._errors ??= []).push({ code: zodCode(issue), message: issue.message });
  }
  return new ApiError(400, ErrorCodes.INVALID_FORM_BODY, 'Invalid Form Body', out);
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw formError(result.error);
  return result.data;
}
