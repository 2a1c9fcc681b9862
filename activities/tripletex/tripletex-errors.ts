/**
 * The Tripletex error hierarchy, built from the API's error body (brief §2, [SPEC] ApiError:
 * `{status, code, message, developerMessage, validationMessages, requestId}`). Every error says
 * in plain words what went wrong, carries only non-secret data (the path is masked with
 * redactUrl) and tells the caller whether a write may have happened anyway (`outcomeUnknown`):
 * Tripletex has no idempotency keys, so after such an error a POST must first look for what it
 * may have created (DESIGN.md principle 1, brief §8).
 */

/** One entry of ApiError.validationMessages ([SPEC] ApiValidationMessage). */
export interface TripletexValidationMessage {
  readonly field?: string | undefined;
  readonly message?: string | undefined;
  readonly path?: string | undefined;
  readonly rootId?: number | undefined;
}

/** What every Tripletex error knows about the request it came from. */
export interface TripletexErrorContext {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path below the base URL with secrets masked, e.g. `/token/session/:create?consumerToken=[REDACTED]…`. */
  readonly path: string;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number | undefined;
  /** Tripletex's internal error code (e.g. 18000 validation, 8000 revision), when the body had one. */
  readonly code?: number | undefined;
  /** Tripletex's request id (body `requestId` or header `x-tlx-request-id`) for Tripletex support. */
  readonly requestId?: string | undefined;
  /** Tripletex's `message`, localised (often Norwegian), secrets masked. */
  readonly apiMessage?: string | undefined;
  /** Tripletex's `developerMessage`, secrets masked. */
  readonly developerMessage?: string | undefined;
  readonly validationMessages?: readonly TripletexValidationMessage[] | undefined;
  /** True when the request may have changed data in Tripletex although it failed. */
  readonly outcomeUnknown?: boolean | undefined;
  readonly cause?: unknown;
}

/** Base of every error the Tripletex client throws; never thrown itself. */
export abstract class TripletexError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly requestId: string | undefined;
  readonly apiMessage: string | undefined;
  readonly developerMessage: string | undefined;
  readonly validationMessages: readonly TripletexValidationMessage[];
  /**
   * True when the request may have taken effect in Tripletex although it failed (a write that
   * timed out, lost its connection after sending, or got a 5xx). Always false for reads.
   */
  readonly outcomeUnknown: boolean;

  protected constructor(summary: string, context: TripletexErrorContext) {
    super(describe(summary, context), context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.method = context.method;
    this.path = context.path;
    this.status = context.status;
    this.code = context.code;
    this.requestId = context.requestId;
    this.apiMessage = context.apiMessage;
    this.developerMessage = context.developerMessage;
    this.validationMessages = context.validationMessages ?? [];
    this.outcomeUnknown = context.outcomeUnknown ?? false;
  }
}

/** Thrown on 401, and on 422 at session create naming `arg:consumerToken`/`arg:employeeToken` (brief §1). */
export class TripletexAuthenticationError extends TripletexError {
  /** Which token Tripletex refused, when it said so. */
  readonly token: 'consumerToken' | 'employeeToken' | 'sessionToken' | undefined;
  constructor(context: TripletexErrorContext, token?: 'consumerToken' | 'employeeToken' | 'sessionToken') {
    super(authenticationSummary(token), context);
    this.token = token;
  }
}

/** Thrown on 403: the employee token lacks the entitlement or the company the module (brief §1, code 9000). */
export class TripletexPermissionError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex refused access: the employee token lacks the entitlement for this, or the company lacks the module', context);
  }
}

/** Thrown on 404: the object does not exist (or was referenced by something other than its id, brief §2). */
export class TripletexNotFoundError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex could not find the object', context);
  }
}

/** Thrown on 409: object exists (7000), revision changed (8000), locked (10000) or duplicate entry (14000). */
export class TripletexConflictError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex reported a conflict with the current state of the object', context);
  }
}

/** Thrown on 422: Tripletex validated the request and refused it; each field message says what to fix. */
export class TripletexValidationError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex refused the data', context);
  }
}

/** Thrown on 400 (bad request, illegal filter, invalid `fields`) and any other unexpected 4xx. */
export class TripletexBadRequestError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex did not understand the request', context);
  }
}

/** Thrown on 429, or before sending when the pacer knows the token's quota is spent for longer than it may wait. */
export class TripletexRateLimitError extends TripletexError {
  /** How long to wait before the next try: from the last known X-Rate-Limit-Reset, else exponential backoff. */
  readonly retryAfterMs: number;
  constructor(context: TripletexErrorContext, retryAfterMs: number) {
    super(`Tripletex rate limit reached for this employee token; retry in ${Math.ceil(retryAfterMs / 1000)} s`, context);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Thrown on 5xx: a failure inside Tripletex. A write may still have been saved (see outcomeUnknown). */
export class TripletexServerError extends TripletexError {
  constructor(context: TripletexErrorContext) {
    super('Tripletex failed with a server error', context);
  }
}

/** Thrown when no usable response arrived: timeout, connection refused, reset or DNS failure. */
export class TripletexNetworkError extends TripletexError {
  readonly kind: 'timeout' | 'network';
  constructor(context: TripletexErrorContext, kind: 'timeout' | 'network', detail: string) {
    super(kind === 'timeout' ? `Tripletex did not answer in time (${detail})` : `Could not reach Tripletex (${detail})`, context);
    this.kind = kind;
  }
}

/** Thrown when a 2xx response is not the JSON shape the spec promises; names the field path that differs. */
export class TripletexResponseError extends TripletexError {
  /** Field path of the first mismatch, e.g. `value.invoiceNumber` or `values[3].id`; empty for non-JSON. */
  readonly fieldPath: string;
  constructor(context: TripletexErrorContext, fieldPath: string, problem: string) {
    super(`Tripletex answered with an unexpected response: ${fieldPath ? `${fieldPath}: ` : ''}${problem}`, context);
    this.fieldPath = fieldPath;
  }
}

function authenticationSummary(token: 'consumerToken' | 'employeeToken' | 'sessionToken' | undefined): string {
  switch (token) {
    case 'consumerToken':
      return "Tripletex refused the integration's consumer token (wrong environment, or not issued for this app)";
    case 'employeeToken':
      return "Tripletex refused the shop's employee token: it is wrong, deleted or expired; create a new one under API access";
    default:
      return 'Tripletex refused the credentials (session could not be authenticated)';
  }
}

function describe(summary: string, context: TripletexErrorContext): string {
  const parts = [`${summary}.`];
  const fieldMessages = (context.validationMessages ?? [])
    .map((m) => [m.field, m.message].filter(Boolean).join(': '))
    .filter(Boolean);
  if (fieldMessages.length > 0) parts.push(`Fields: ${fieldMessages.join('; ')}.`);
  else if (context.apiMessage) parts.push(`Tripletex said: ${context.apiMessage}.`);
  const where = [
    `${context.method} ${context.path}`,
    context.status !== undefined ? `status ${context.status}` : undefined,
    context.code !== undefined ? `code ${context.code}` : undefined,
    context.requestId ? `requestId ${context.requestId}` : undefined,
  ].filter(Boolean);
  parts.push(`(${where.join(', ')})`);
  return parts.join(' ');
}

/**
 * Codes of 409s that a later attempt can get past: revision changed (8000), object locked
 * (10000); brief §2. UNCONFIRMED: which 409 codes are transient is our reading of the code
 * names; 7000 "Object Exists" and 14000 "Duplicate entry" are treated as final.
 */
const RETRYABLE_CONFLICT_CODES: ReadonlySet<number> = new Set([8000, 10000]);

/** True for a 409 whose code says "try again" rather than "it already exists" (7000, 14000). */
export function isRetryableConflict(error: TripletexConflictError): boolean {
  return error.code !== undefined && RETRYABLE_CONFLICT_CODES.has(error.code);
}

/**
 * The error for a non-2xx status. The one place where statuses become classes (stripe-node's
 * "error hierarchy from the API's error body"). Statuses the brief does not list map to the
 * nearest kind: other 4xx → bad request, anything else unexpected → server error.
 */
export function errorForStatus(status: number, context: TripletexErrorContext, retryAfterMs = 0): TripletexError {
  const withStatus = { ...context, status };
  switch (status) {
    case 400: return new TripletexBadRequestError(withStatus);
    case 401: return new TripletexAuthenticationError(withStatus, 'sessionToken');
    case 403: return new TripletexPermissionError(withStatus);
    case 404: return new TripletexNotFoundError(withStatus);
    case 409: return new TripletexConflictError(withStatus);
    case 422: return new TripletexValidationError(withStatus);
    case 429: return new TripletexRateLimitError(withStatus, retryAfterMs);
    default:
      if (status >= 400 && status < 500) return new TripletexBadRequestError(withStatus);
      return new TripletexServerError(withStatus);
  }
}

/**
 * Thrown before sending when a call would be misread by Tripletex, e.g. a customer search
 * without any filter (unknown or missing filters silently return everything, brief §2) or
 * prices that contradict `isPrioritizeAmountsIncludingVat` ([FAQ], brief §6.1). A caller bug.
 */
export class TripletexUsageError extends TripletexError {
  constructor(context: TripletexErrorContext, problem: string) {
    super(`Invalid Tripletex call: ${problem}`, context);
  }
}
