/**
 * The Mystore error hierarchy, built from the API's JSON:API error body
 * `{"errors":[{"title","status","detail"}]}` (docs/mystore-api-model.md "Errors"). Every error
 * says in plain words what went wrong, carries only non-secret data (never the token, which
 * Mystore never echoes anyway) and tells the caller whether a write may have happened anyway
 * (`outcomeUnknown`).
 */

/** One entry of a JSON:API `errors` array, as far as Mystore fills it. */
export interface MystoreApiError {
  readonly title?: string | undefined;
  readonly status?: string | undefined;
  readonly detail?: string | undefined;
}

/** What every Mystore error knows about the request it came from. */
export interface MystoreErrorContext {
  readonly method: string;
  /** Path below `/shops/{shop}` (query names only, no values that could carry personal data). */
  readonly path: string;
  /** HTTP status; absent when no response arrived. */
  readonly status?: number | undefined;
  /** The error objects of the body, secrets masked. */
  readonly errors?: readonly MystoreApiError[] | undefined;
  /** True when the request may have changed data in Mystore although it failed. */
  readonly outcomeUnknown?: boolean | undefined;
  readonly cause?: unknown;
}

/** Base of every error the Mystore client throws; never thrown itself. */
export abstract class MystoreError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly errors: readonly MystoreApiError[];
  /** True when a write may have taken effect although it failed (timeout after sending, 5xx). Always false for reads. */
  readonly outcomeUnknown: boolean;

  protected constructor(summary: string, context: MystoreErrorContext) {
    super(describe(summary, context), context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.method = context.method;
    this.path = context.path;
    this.status = context.status;
    this.errors = context.errors ?? [];
    this.outcomeUnknown = context.outcomeUnknown ?? false;
  }

  /** The first error's `detail` (or title), what Mystore said in its own words. */
  get apiDetail(): string | undefined {
    const first = this.errors[0];
    return first?.detail ?? first?.title;
  }
}

/** Thrown on 403 "Token has expired or is invalid" (and any 401): the token is wrong, expired, revoked or for another shop. */
export class MystoreAuthenticationError extends MystoreError {
  constructor(context: MystoreErrorContext) {
    super("Mystore refused the shop's access token: it is wrong, expired, revoked or for another shop; create a new personal access token", context);
  }
}

/** Thrown on 403 "Missing scope: <scope>": the token works but lacks a permission this call needs. */
export class MystoreMissingScopeError extends MystoreError {
  /** The scope Mystore named (e.g. `read:orders`), when it named one. */
  readonly scope: string | undefined;
  constructor(context: MystoreErrorContext, scope: string | undefined) {
    super(
      scope
        ? `The Mystore token lacks the scope ${scope}; create a token with it ticked`
        : 'The Mystore token lacks a permission this call needs; create a token with the required scopes',
      context,
    );
    this.scope = scope;
  }
}

/** Thrown on 404: no such order, webhook or other resource (a 404 past the last page of a list ends the list instead). */
export class MystoreNotFoundError extends MystoreError {
  constructor(context: MystoreErrorContext) {
    super('Mystore could not find the resource', context);
  }
}

/** Thrown on 400 (page size, unknown field, filter or include, a refused write) and any other unexpected 4xx. */
export class MystoreBadRequestError extends MystoreError {
  constructor(context: MystoreErrorContext) {
    super('Mystore did not accept the request', context);
  }
}

/** Thrown on 429, or before sending when the token's quota is spent for longer than the client may wait. */
export class MystoreRateLimitError extends MystoreError {
  /** How long to wait before the next try: Retry-After, else until the pacer's window frees a slot. */
  readonly retryAfterMs: number;
  constructor(context: MystoreErrorContext, retryAfterMs: number) {
    super(`Mystore rate limit reached for this token; retry in ${Math.ceil(retryAfterMs / 1000)} s`, context);
    this.retryAfterMs = retryAfterMs;
  }
}

/** Thrown on 5xx, including 504 from Mystore's gateway. A write may still have been saved (see outcomeUnknown). */
export class MystoreServerError extends MystoreError {
  constructor(context: MystoreErrorContext) {
    super('Mystore failed with a server error', context);
  }
}

/** Thrown when no usable response arrived: timeout, connection refused, reset or DNS failure. */
export class MystoreNetworkError extends MystoreError {
  readonly kind: 'timeout' | 'network';
  constructor(context: MystoreErrorContext, kind: 'timeout' | 'network', detail: string) {
    super(kind === 'timeout' ? `Mystore did not answer in time (${detail})` : `Could not reach Mystore (${detail})`, context);
    this.kind = kind;
  }
}

/** Thrown when a 2xx response (or the order in it) is not the shape docs/mystore-api-model.md describes; names the field path. */
export class MystoreResponseError extends MystoreError {
  /** Field path of the first mismatch, e.g. `included[3].attributes.value`; empty for a body that is not JSON. */
  readonly fieldPath: string;
  constructor(context: MystoreErrorContext, fieldPath: string, problem: string) {
    super(`Mystore answered with an unexpected response: ${fieldPath ? `${fieldPath}: ` : ''}${problem}`, context);
    this.fieldPath = fieldPath;
  }
}

/** "Missing scope: read:orders" → "read:orders" (assumed wording, see docs/mystore-api-model.md). */
const MISSING_SCOPE = /missing\s+scopes?\s*:?\s*([a-z-]+:[a-z0-9:_-]+)?/i;
/** Confirmed wording of the 403 for a bad token. */
const INVALID_TOKEN = /token has expired or is invalid/i;

/**
 * The error for a non-2xx status: the one place where statuses and error bodies become classes.
 * A 403 is a missing scope when the detail says so, else (the confirmed case) a token problem.
 */
export function errorForStatus(status: number, context: MystoreErrorContext, retryAfterMs = 0): MystoreError {
  const withStatus = { ...context, status };
  switch (status) {
    case 400: return new MystoreBadRequestError(withStatus);
    case 401: return new MystoreAuthenticationError(withStatus);
    case 403: {
      const texts = (context.errors ?? []).flatMap((e) => [e.detail, e.title]).filter((t): t is string => typeof t === 'string');
      if (!texts.some((t) => INVALID_TOKEN.test(t))) {
        for (const text of texts) {
          const match = MISSING_SCOPE.exec(text);
          if (match) return new MystoreMissingScopeError(withStatus, match[1]);
        }
      }
      return new MystoreAuthenticationError(withStatus);
    }
    case 404: return new MystoreNotFoundError(withStatus);
    case 429: return new MystoreRateLimitError(withStatus, retryAfterMs);
    default:
      if (status >= 400 && status < 500) return new MystoreBadRequestError(withStatus);
      return new MystoreServerError(withStatus);
  }
}

function describe(summary: string, context: MystoreErrorContext): string {
  const parts = [`${summary}.`];
  const said = (context.errors ?? [])
    .map((e) => [e.title, e.detail].filter(Boolean).join(': '))
    .filter(Boolean);
  if (said.length > 0) parts.push(`Mystore said: ${said.join('; ')}.`);
  const where = [`${context.method} ${context.path}`, context.status !== undefined ? `status ${context.status}` : undefined].filter(Boolean);
  parts.push(`(${where.join(', ')})`);
  return parts.join(' ');
}
