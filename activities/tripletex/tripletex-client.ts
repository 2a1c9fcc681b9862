/**
 * The Tripletex API v2 client: one request path (stripe-node style) where authentication,
 * pacing, timeouts, response validation and errors are handled once, for every operation.
 *
 * - Session: `PUT /token/session/:create` with the tokens as query parameters and no
 *   Authorization header, reused until its expiration date, re-created once on a 401 (brief §1).
 * - Auth: HTTP Basic `0:<sessionToken>`; user 0 = the employee token's own company (brief §1).
 * - No retries here (ky `retry: 0`): retries are Temporal's job, and Tripletex has no idempotency
 *   keys, so a blind retry of a POST could create a second invoice (DESIGN.md principle 1).
 * - Every response is parsed with zod; a mismatch is a TripletexResponseError, never a crash.
 * - Cancellation: every request (and every pacer or shared-session wait before it) stops at once
 *   when the `abortSignal` option's signal fires, with a TripletexCancelledError, so a cancelled
 *   activity or a shutting-down worker does not hang until the request timeout.
 */
import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import type { Logger } from '../../common/logger';
import { redactUrl } from '../../common/logger';
import { RateLimitPacer, readRateLimitHeaders, sharedRateLimitPacer } from './rate-limit-pacer';
import { addDays } from '../../domain/calendar';
import { SessionTokenCache, sessionKey, sharedSessionTokens, tripletexToday, type SessionToken } from './session-tokens';
import {
  TripletexAuthenticationError,
  TripletexError,
  TripletexNetworkError,
  TripletexRateLimitError,
  TripletexResponseError,
  TripletexValidationError,
  errorForStatus,
  type TripletexErrorContext,
} from './tripletex-errors';
import { apiErrorSchema, listEnvelope, sessionTokenSchema, valueEnvelope } from './tripletex-schemas';
import { createTripletexOperations, type TripletexOperations } from './tripletex-operations';
import {
  NOT_SENT_NETWORK_CODES, describeReason, formatIssuePath as formatPath, untilAborted, networkErrorCode as networkCode, throwError, toSearchParams,
  type Query,
} from '../http/http-helpers';

export type { Query, QueryValue } from '../http/http-helpers';

export interface TripletexClientOptions {
  /** API base URL ending in /v2, e.g. https://tripletex.no/v2 (config TRIPLETEX_BASE_URL). */
  baseUrl: string;
  /** The integration's consumer token (config TRIPLETEX_CONSUMER_TOKEN). */
  consumerToken: string;
  /** The shop's employee token. */
  employeeToken: string;
  /** Per-request timeout in ms (config TRIPLETEX_TIMEOUT_MS); default 30 000. */
  timeoutMs?: number;
  /** Days a new session token is valid for (config TRIPLETEX_SESSION_DAYS); default 1. */
  sessionDays?: number;
  logger: Logger;
  /** Clock for session expiry, epoch ms; default Date.now. */
  now?: () => number;
  /** Session store; default the process-wide one (clients for the same shop share a session). */
  sessionCache?: SessionTokenCache;
  /** Rate-limit pacer; default the process-wide one (clients for the same token share a quota). */
  pacer?: RateLimitPacer;
  /**
   * The signal that cancels a request, read anew for every request (a client may serve several
   * activity calls, so a signal fixed at creation would be wrong). In the worker:
   * `currentActivitySignal` from activities/activity-cancellation.ts. Default: never cancelled.
   */
  abortSignal?: () => AbortSignal | undefined;
}

/**
 * Thrown when the `abortSignal` fired (the activity was cancelled or the worker is shutting down)
 * before or while a request ran: the request was aborted at once, not timed out. `outcomeUnknown`
 * is true for a write that may already have reached Tripletex; false when nothing was sent yet.
 * `reason` is the signal's reason (for a Temporal activity, the SDK's CancelledFailure).
 */
export class TripletexCancelledError extends TripletexError {
  readonly reason: unknown;
  constructor(context: TripletexErrorContext, reason: unknown) {
    super(`Tripletex request stopped: the activity was cancelled (${describeReason(reason)})`, context);
    this.reason = reason;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Default page size: Tripletex's own default `count` on every list endpoint (brief §2). */
export const DEFAULT_PAGE_SIZE = 1000;

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** For a 429: how long the pacer says to wait (last known reset, else backoff). */
  readonly retryAfterMs?: number;
}

/** The request path shared by every operation. Exported for operation files and tests. */
export class TripletexTransport {
  private readonly http: KyInstance;
  private readonly baseUrl: string;
  private readonly consumerToken: string;
  private readonly employeeToken: string;
  private readonly timeoutMs: number;
  private readonly sessionDays: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sessions: SessionTokenCache;
  private readonly pacer: RateLimitPacer;
  private readonly abortSignal: () => AbortSignal | undefined;
  /** Hash of (baseUrl, consumer, employee): the session and rate-limit key (brief §3: limits are per employee per consumer). */
  readonly key: string;
  /** Every secret this client knows, masked out of any text that reaches an error or a log. */
  private readonly secrets = new Set<string>();

  constructor(options: TripletexClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.consumerToken = options.consumerToken;
    this.employeeToken = options.employeeToken;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sessionDays = options.sessionDays ?? 1;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.sessions = options.sessionCache ?? sharedSessionTokens;
    this.pacer = options.pacer ?? sharedRateLimitPacer;
    this.abortSignal = options.abortSignal ?? (() => undefined);
    this.key = sessionKey(this.baseUrl, this.consumerToken, this.employeeToken);
    this.addSecret(this.consumerToken);
    this.addSecret(this.employeeToken);
    this.http = ky.create({
      retry: 0,
      timeout: this.timeoutMs,
      throwHttpErrors: false,
      headers: { Accept: 'application/json' },
    });
  }

  /** GET a `{value}` envelope. */
  async getValue<T extends z.ZodType>(path: string, schema: T, query: Query = {}): Promise<z.output<T>> {
    const raw = await this.authorized('GET', path, { query });
    return (this.parse('GET', path, raw, valueEnvelope(schema)) as { value: z.output<T> }).value;
  }

  /** GET one page of a `{from, count, values}` envelope. */
  async getPage<T extends z.ZodType>(path: string, schema: T, query: Query = {}): Promise<z.output<T>[]> {
    const raw = await this.authorized('GET', path, { query });
    const page = this.parse('GET', path, raw, listEnvelope(schema)) as { from: number | undefined; values: z.output<T>[] };
    if (page.from !== undefined && query.from !== undefined && page.from !== Number(query.from)) {
      throw new TripletexResponseError(this.context('GET', path, raw), 'from', `asked for from=${String(query.from)}, got ${page.from}`);
    }
    return page.values;
  }

  /**
   * Every item of a list endpoint: pages of `pageSize` with `from += count` until a page comes
   * back shorter than asked. `fullResultSize` is deprecated and "not exact" (brief §2).
   */
  async listAll<T extends z.ZodType>(path: string, schema: T, query: Query = {}, pageSize = DEFAULT_PAGE_SIZE): Promise<z.output<T>[]> {
    const all: z.output<T>[] = [];
    for (let from = 0; ; ) {
      const values = await this.getPage(path, schema, { ...query, from, count: pageSize });
      all.push(...values);
      if (values.length < pageSize || values.length === 0) return all;
      from += values.length;
    }
  }

  /** POST/PUT/DELETE returning a `{value}` envelope. Action paths (`/:payment`) take query params and no body. */
  async send<T extends z.ZodType>(method: Exclude<Method, 'GET'>, path: string, schema: T, options: { query?: Query; json?: unknown } = {}): Promise<z.output<T>> {
    const raw = await this.authorized(method, path, options);
    return (this.parse(method, path, raw, valueEnvelope(schema)) as { value: z.output<T> }).value;
  }

  /** Today's date in Tripletex's time zone (for date-window filters). */
  today(): string {
    return tripletexToday(this.now());
  }

  /**
   * The current session token, created when there is none or it has expired. The `:create` is
   * shared with concurrent callers (other activities): waiting for it stops on this caller's own
   * cancellation, and when another caller's cancellation aborted the shared `:create`, this
   * caller (not cancelled) creates again instead of failing.
   */
  async session(): Promise<SessionToken> {
    const today = tripletexToday(this.now());
    for (let attempt = 1; ; attempt += 1) {
      const cancel = this.abortSignal();
      try {
        return await untilAborted(
          this.sessions.get(this.key, today, () => this.createSession(today)),
          cancel,
          () => this.cancelledError('PUT', SESSION_CREATE_PATH, cancel, false),
        );
      } catch (error) {
        if (error instanceof TripletexCancelledError && cancel?.aborted !== true && attempt < 3) continue;
        throw error;
      }
    }
  }

  private async createSession(today: string): Promise<SessionToken> {
    const path = SESSION_CREATE_PATH;
    const expirationDate = addDays(today, this.sessionDays);
    const query = { consumerToken: this.consumerToken, employeeToken: this.employeeToken, expirationDate };
    let raw: RawResponse;
    try {
      raw = this.ok('PUT', path, await this.exchange('PUT', path, { query }, undefined));
    } catch (error) {
      // brief §1 / Tripletex issue #53: a wrong consumer or employee token is a 422 naming the argument.
      // A 401 here is about the consumer/employee token pair, not a session.
      if (error instanceof TripletexAuthenticationError) throw new TripletexAuthenticationError({ ...error, cause: error });
      if (error instanceof TripletexValidationError) {
        const fields = error.validationMessages.map((m) => m.field ?? '');
        const token = fields.includes('arg:employeeToken') ? 'employeeToken' : fields.includes('arg:consumerToken') ? 'consumerToken' : undefined;
        if (token) throw new TripletexAuthenticationError({ ...error, cause: error }, token);
      }
      throw error;
    }
    const session = this.parse('PUT', path, raw, valueEnvelope(sessionTokenSchema)).value;
    this.addSecret(session.token);
    const echoed = /^\d{4}-\d{2}-\d{2}/.exec(session.expirationDate ?? '')?.[0];
    this.logger.debug({ expirationDate: echoed ?? expirationDate }, 'created Tripletex session');
    return { token: session.token, expirationDate: echoed ?? expirationDate };
  }

  /** Sends with the session token; on a 401 re-creates the session once and sends again (brief §1). */
  private async authorized(method: Method, path: string, options: { query?: Query; json?: unknown }): Promise<RawResponse> {
    const first = await this.session();
    let raw = await this.exchange(method, path, options, first.token);
    if (raw.status === 401) {
      // A 401 means the request was not executed, so repeating even a POST is safe.
      this.logger.info({ method, path }, 'Tripletex answered 401; re-creating the session once');
      this.sessions.invalidate(this.key, first.token);
      const fresh = await this.session();
      raw = await this.exchange(method, path, options, fresh.token);
    }
    return this.ok(method, path, raw);
  }

  /** One HTTP exchange: cancellation, pacing, ky, network errors, rate-limit headers, logging. */
  private async exchange(method: Method, path: string, options: { query?: Query; json?: unknown }, sessionToken: string | undefined): Promise<RawResponse> {
    const safePath = redactUrl(path);
    // Read per request: the client may be shared by several activity calls.
    const cancel = this.abortSignal();
    // Nothing sent yet, so even a write certainly did not happen (outcomeUnknown false).
    if (cancel?.aborted) throw this.cancelledError(method, safePath, cancel, false);
    // The pacer's sleep itself keeps running (it cannot be told to stop), but this request no
    // longer waits for it; its reserved slot only makes later requests more careful.
    const paced = await untilAborted(this.pacer.acquire(this.key), cancel, () => this.cancelledError(method, safePath, cancel, false));
    if (paced.tooLongMs !== undefined) {
      // The quota is spent for longer than an activity should sleep: let Temporal wait durably.
      throw new TripletexRateLimitError({ method, path: safePath }, paced.tooLongMs);
    }
    const started = Date.now();
    // ky's `timeout` covers the wait for headers (it rejects with ky's TimeoutError); this signal
    // also bounds reading the body. ky 1.14 joins the `signal` given here with its own timeout
    // controller (AbortSignal.any), so an abort of `cancel` makes fetch reject at once with the
    // signal's reason: told apart from a timeout below by `cancel.aborted`, never by the error.
    const timeoutSignal = AbortSignal.timeout(this.timeoutMs);
    const signal = cancel ? AbortSignal.any([timeoutSignal, cancel]) : timeoutSignal;
    let response: Response;
    let text: string;
    try {
      response = await this.http(`${this.baseUrl}${encodePath(path)}`, {
        method,
        searchParams: toSearchParams(options.query ?? {}),
        ...(options.json === undefined ? {} : { json: options.json }),
        ...(sessionToken === undefined ? {} : { headers: { Authorization: basicAuth(sessionToken) } }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      // The request may have reached Tripletex: a write's outcome is unknown.
      if (cancel?.aborted) throw this.cancelledError(method, safePath, cancel, method !== 'GET');
      throw this.networkError(method, safePath, error, timeoutSignal.aborted);
    }
    const durationMs = Date.now() - started;
    const requestId = response.headers.get('x-tlx-request-id') ?? undefined;
    const rate = readRateLimitHeaders(response.headers);
    const log = { method, path: safePath, query: Object.keys(options.query ?? {}), status: response.status, durationMs, requestId, pacedMs: paced.waitedMs };
    if (response.status === 429) {
      const retryAfterMs = this.pacer.onRateLimited(this.key, rate);
      this.logger.warn({ ...log, rateLimit: rate, retryAfterMs }, 'Tripletex rate limit hit');
      return { status: response.status, headers: response.headers, text, retryAfterMs };
    }
    this.pacer.observe(this.key, rate);
    this.logger.debug(log, 'Tripletex response');
    return { status: response.status, headers: response.headers, text };
  }

  /** Returns a 2xx response; throws the Tripletex error for any other status. */
  private ok(method: Method, path: string, raw: RawResponse): RawResponse {
    if (raw.status >= 200 && raw.status < 300) return raw;
    const context = this.context(method, path, raw);
    const error = errorForStatus(raw.status, {
      ...context,
      // A 5xx on a write may have saved it anyway (DESIGN.md principle 1).
      outcomeUnknown: raw.status >= 500 && method !== 'GET',
    }, raw.retryAfterMs ?? 0);
    if (raw.status >= 500) this.logger.warn({ method, path: context.path, status: raw.status, code: error.code, requestId: error.requestId }, 'Tripletex server error');
    return throwError(error);
  }

  /** Parses a 2xx body; a mismatch names the first differing field path. */
  private parse<T extends z.ZodType>(method: Method, path: string, raw: RawResponse, schema: T): z.output<T> {
    // A write that answered 2xx did happen even if we cannot read what it made.
    const context = { ...this.context(method, path, raw), outcomeUnknown: method !== 'GET' };
    let body: unknown;
    try {
      body = JSON.parse(raw.text);
    } catch {
      throw new TripletexResponseError(context, '', `body is not JSON (${raw.headers.get('content-type') ?? 'no content type'})`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TripletexResponseError(context, formatPath(issue?.path ?? []), issue?.message ?? 'does not match the schema');
    }
    return parsed.data;
  }

  /** What an error may say about a response: status, code, requestId, messages, secrets masked. */
  private context(method: Method, path: string, raw: RawResponse): TripletexErrorContext {
    let json: unknown;
    try {
      json = JSON.parse(raw.text);
    } catch {
      json = undefined;
    }
    const body = apiErrorSchema.parse(json ?? {});
    return {
      method,
      path: redactUrl(path),
      status: raw.status,
      code: body.code,
      requestId: body.requestId ?? raw.headers.get('x-tlx-request-id') ?? undefined,
      apiMessage: this.scrub(body.message),
      developerMessage: this.scrub(body.developerMessage),
      validationMessages: body.validationMessages?.map((m) => ({
        field: m.field,
        message: this.scrub(m.message),
        path: m.path,
        rootId: m.rootId,
      })),
    };
  }

  private cancelledError(method: Method, path: string, signal: AbortSignal | undefined, mayHaveBeenSent: boolean): TripletexCancelledError {
    const reason: unknown = signal?.reason;
    this.logger.info({ method, path, reason: describeReason(reason), outcomeUnknown: mayHaveBeenSent }, 'Tripletex request cancelled');
    // No `cause`: the fetch error holds the request; the reason is kept on `reason`.
    return new TripletexCancelledError({ method, path: redactUrl(path), outcomeUnknown: mayHaveBeenSent }, reason);
  }

  private networkError(method: Method, path: string, error: unknown, aborted: boolean): TripletexError {
    const name = error instanceof Error ? error.name : '';
    const code = networkCode(error);
    const context = { method, path, cause: error };
    if (aborted || name === 'TimeoutError') {
      this.logger.warn({ method, path, timeoutMs: this.timeoutMs }, 'Tripletex request timed out');
      return new TripletexNetworkError({ ...context, outcomeUnknown: method !== 'GET' }, 'timeout', `no response within ${this.timeoutMs} ms`);
    }
    const notSent = code !== undefined && NOT_SENT_NETWORK_CODES.has(code);
    this.logger.warn({ method, path, code }, 'Tripletex request failed on the network');
    return new TripletexNetworkError({ ...context, outcomeUnknown: !notSent && method !== 'GET' }, 'network', code ?? (this.scrub(name) || 'connection failed'));
  }

  private addSecret(secret: string): void {
    if (!secret) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(Buffer.from(`0:${secret}`).toString('base64'));
  }

  /** Masks every known token in text Tripletex sent back (its messages may echo what it got). */
  private scrub(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    let out = redactUrl(text);
    for (const secret of this.secrets) out = out.split(secret).join('[REDACTED]');
    return out;
  }
}

const SESSION_CREATE_PATH = '/token/session/:create';



/** The Tripletex client: the request path plus every operation, for one employee token. */
export type TripletexClient = TripletexOperations & { readonly transport: TripletexTransport };

/** Creates a client for one shop's employee token. Cheap: sessions and quotas are shared per token. */
export function createTripletexClient(options: TripletexClientOptions): TripletexClient {
  const transport = new TripletexTransport(options);
  return { transport, ...createTripletexOperations(transport) };
}

/** HTTP Basic with user 0 (the token's own company) and the session token as password (brief §1). */
function basicAuth(sessionToken: string): string {
  return `Basic ${Buffer.from(`0:${sessionToken}`).toString('base64')}`;
}

/**
 * '>' in aggregate paths (`/token/session/>whoAmI`) is sent as %3E, as Tripletex's own example
 * does (brief §1, [BASH-AUTH]); WHATWG URL parsing would encode it the same way. ':' in action
 * paths (`/:payment`) is a legal path character and is sent as is.
 */
function encodePath(path: string): string {
  return path.replace(/>/g, '%3E');
}
