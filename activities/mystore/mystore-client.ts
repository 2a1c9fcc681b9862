/**
 * The Mystore API v2 client: one request path (stripe-node style) where the shop base path,
 * bearer auth, pacing, timeouts, JSON:API parsing and errors are handled once, for every
 * operation (docs/mystore-api-model.md is the reading of the API it follows).
 *
 * - `{baseUrl}/shops/{shop}/…`, `Authorization: Bearer <token>`, `Accept: application/vnd.api+json`.
 * - No retries here (ky `retry: 0`): retries are Temporal's job (DESIGN.md "three kinds of failure").
 * - Every response is parsed with zod; a mismatch is a MystoreResponseError naming the field
 *   path, never a crash.
 * - The token never reaches a log line or an error: it lives only in the Authorization header,
 *   and anything Mystore echoes back is masked.
 * - Cancellation: every request (and the pacer wait before it) stops at once when the
 *   `abortSignal` option's signal fires, with a MystoreCancelledError, so a cancelled activity or
 *   a shutting-down worker does not hang until the request timeout.
 */
import { createHash } from 'node:crypto';
import ky, { type KyInstance } from 'ky';
import type { z } from 'zod';
import type { Logger } from '../../common/logger';
import { NOT_SENT_NETWORK_CODES, describeReason, formatIssuePath, networkErrorCode, toSearchParams, untilAborted, type Query } from '../http/http-helpers';
import {
  MystoreError, MystoreNetworkError, MystoreRateLimitError, MystoreResponseError, errorForStatus, type MystoreErrorContext,
} from './mystore-errors';
import { errorDocumentSchema, listDocumentSchema, singleDocumentSchema, type ListDocument, type SingleDocument } from './mystore-jsonapi';
import { MystoreRateLimitPacer, parseRetryAfter, sharedMystorePacer } from './mystore-rate-limit-pacer';
import { createMystoreOperations, type MystoreOperations } from './mystore-operations';

export interface MystoreClientOptions {
  /** API origin (config MYSTORE_BASE_URL), e.g. https://api.mystore.no; shops live under /shops/{shop}/. */
  baseUrl: string;
  /** The shop's internal store name, e.g. `mystoretest`. */
  shop: string;
  /** The shop's personal access token (a JWT). */
  token: string;
  /** Per-request timeout in ms (config MYSTORE_TIMEOUT_MS); default 30 000. */
  timeoutMs?: number;
  logger: Logger;
  /** Pacer; default the process-wide one for `rateLimitPerMinute`, so clients for one token share a quota. */
  pacer?: MystoreRateLimitPacer;
  /** Calls a minute per token when no pacer is given (config MYSTORE_RATE_LIMIT_PER_MINUTE); default 120. */
  rateLimitPerMinute?: number;
  /** Clock, epoch ms (Retry-After dates); default Date.now. */
  now?: () => number;
  /** The shop's language for multilingual text (from getSettings().defaultLanguage); default the order's own, else 'no'. */
  language?: string;
  /**
   * The signal that cancels a request, read anew for every request (clients are cached per shop
   * and token and serve many activity calls, so a signal fixed at creation would be wrong). In
   * the worker: `currentActivitySignal` from activities/activity-cancellation.ts. Default: never cancelled.
   */
  abortSignal?: () => AbortSignal | undefined;
}

/**
 * Thrown when the `abortSignal` fired (the activity was cancelled or the worker is shutting down)
 * before or while a request ran: the request was aborted at once, not timed out. `outcomeUnknown`
 * is true for a write that may already have reached Mystore; false when nothing was sent yet.
 * `reason` is the signal's reason (for a Temporal activity, the SDK's CancelledFailure).
 */
export class MystoreCancelledError extends MystoreError {
  readonly reason: unknown;
  constructor(context: MystoreErrorContext, reason: unknown) {
    super(`Mystore request stopped: the activity was cancelled (${describeReason(reason)})`, context);
    this.reason = reason;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Sent on every call: integrators all name themselves (brief §1.3). */
export const MYSTORE_USER_AGENT = 'mystore-tripletex/0.1 (Mystore to Tripletex invoicing integration)';

/** A 2xx answer, body still text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Where a request went, as errors and logs may say it: method and path below the shop, no query values. */
export interface RequestTarget {
  readonly method: Method;
  readonly path: string;
}

/** Hard stop for a list that keeps sending `links.next` (100 000 orders at page size 100 would be 1 000 pages). */
const MAX_PAGES = 10_000;

/** The request path shared by every operation. Exported for the operations and tests. */
export class MystoreTransport {
  readonly shop: string;
  /** Hash of (baseUrl, token): the pacing key. Never the token itself. */
  readonly key: string;
  readonly language: string | undefined;
  readonly logger: Logger;
  readonly now: () => number;
  private readonly http: KyInstance;
  private readonly origin: string;
  private readonly shopPath: string;
  private readonly timeoutMs: number;
  private readonly pacer: MystoreRateLimitPacer;
  private readonly abortSignal: () => AbortSignal | undefined;
  private readonly token: string;
  /** The token and any webhook secret seen, masked out of whatever text reaches an error or log. */
  private readonly secrets = new Set<string>();

  constructor(options: MystoreClientOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.shopPath = `${base.pathname.replace(/\/+$/, '')}/shops/${encodeURIComponent(options.shop)}`;
    this.shop = options.shop;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.language = options.language;
    this.pacer = options.pacer ?? sharedMystorePacer(options.rateLimitPerMinute);
    this.abortSignal = options.abortSignal ?? (() => undefined);
    this.key = createHash('sha256').update(`${this.origin}\0${options.token}`).digest('hex').slice(0, 32);
    this.addSecret(options.token);
    this.http = ky.create({
      retry: 0,
      timeout: this.timeoutMs,
      throwHttpErrors: false,
      headers: { Accept: 'application/vnd.api+json', 'User-Agent': MYSTORE_USER_AGENT },
    });
  }

  /** GET a JSON:API document whose data is one resource. */
  async getDocument(path: string, query: Query = {}): Promise<SingleDocument> {
    const raw = await this.request('GET', path, toSearchParams(query));
    return this.parse({ method: 'GET', path }, raw, singleDocumentSchema);
  }

  /** GET plain JSON (the /settings and /payment endpoints) against `schema`. */
  async getJson<T extends z.ZodType>(path: string, schema: T, query: Query = {}): Promise<z.output<T>> {
    const raw = await this.request('GET', path, toSearchParams(query));
    return this.parse({ method: 'GET', path }, raw, schema);
  }

  /** A write with a JSON:API body; returns the parsed document, or null for an empty answer (204). */
  async send(method: Exclude<Method, 'GET'>, path: string, body?: unknown): Promise<SingleDocument | null> {
    const raw = await this.request(method, path, '', body);
    if (raw.text.trim() === '') return null;
    return this.parse({ method, path }, raw, singleDocumentSchema, { outcomeUnknown: true });
  }

  /**
   * Every page of a list: `page[number]` from 1 and `page[size]`, then `links.next` while it is
   * there. A 404 on a page after the first is the end of the list (brief §1.4), as is an empty page.
   */
  async *pages(path: string, query: Query, pageSize: number): AsyncGenerator<{ document: ListDocument; target: RequestTarget }> {
    let target: RequestTarget = { method: 'GET', path };
    let search = toSearchParams({ ...query, 'page[number]': 1, 'page[size]': pageSize });
    for (let pageNumber = 1; ; pageNumber += 1) {
      let raw: RawResponse;
      try {
        raw = await this.request('GET', target.path, search);
      } catch (error) {
        if (pageNumber > 1 && error instanceof MystoreError && error.status === 404) return;
        throw error;
      }
      const document = this.parse(target, raw, listDocumentSchema);
      yield { document, target };
      const next = document.links?.next;
      if (!next || document.data.length === 0) return;
      if (pageNumber >= MAX_PAGES) {
        throw new MystoreResponseError(target, 'links.next', `still present after ${MAX_PAGES} pages`);
      }
      const followed = this.followLink(next);
      if (followed) {
        target = { method: 'GET', path: followed.path };
        search = followed.search;
      } else {
        // A next link we will not send the token to (other host) or cannot read: count pages ourselves.
        target = { method: 'GET', path };
        search = toSearchParams({ ...query, 'page[number]': pageNumber + 1, 'page[size]': pageSize });
      }
    }
  }

  /** Every resource of a list (all pages), each with its place for error messages. */
  async listAll(path: string, query: Query, pageSize: number): Promise<{ resource: ListDocument['data'][number]; target: RequestTarget; pointer: string }[]> {
    const all: { resource: ListDocument['data'][number]; target: RequestTarget; pointer: string }[] = [];
    for await (const { document, target } of this.pages(path, query, pageSize)) {
      document.data.forEach((resource, index) => all.push({ resource, target, pointer: `data[${index}]` }));
    }
    return all;
  }

  /** Masks this secret (a webhook secret just received) wherever text reaches an error or log. */
  addSecret(secret: string): void {
    if (!secret) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  /** The token, for reading its claims; never for logging. */
  tokenForClaims(): string {
    return this.token;
  }

  /** `links.next` → path below the shop and query, only when it points at this shop on this origin. */
  private followLink(link: string): { path: string; search: string } | null {
    let url: URL;
    try {
      url = new URL(link, `${this.origin}${this.shopPath}/`);
    } catch {
      return null;
    }
    if (url.origin !== this.origin || !url.pathname.startsWith(`${this.shopPath}/`)) return null;
    return { path: url.pathname.slice(this.shopPath.length), search: url.search.replace(/^\?/, '') };
  }

  /** One HTTP exchange: cancellation, pacing, ky, network errors, 429, logging; throws the typed error for a non-2xx. */
  private async request(method: Method, path: string, search: string, body?: unknown): Promise<RawResponse> {
    const target: RequestTarget = { method, path };
    // Read per request: the client is cached and shared by many activity calls.
    const cancel = this.abortSignal();
    // Nothing sent yet, so even a write certainly did not happen (outcomeUnknown false).
    if (cancel?.aborted) throw this.cancelledError(target, cancel, false);
    // The pacer's sleep itself keeps running (it cannot be told to stop), but this request no
    // longer waits for it; its reserved slot only makes later requests more careful.
    const paced = await untilAborted(this.pacer.acquire(this.key), cancel, () => this.cancelledError(target, cancel, false));
    if (paced.tooLongMs !== undefined) {
      // The quota is spent for longer than an activity should sleep: let Temporal wait durably.
      this.logger.warn({ method, path, retryAfterMs: paced.tooLongMs }, 'Mystore quota spent; not sending');
      throw new MystoreRateLimitError(target, paced.tooLongMs);
    }
    const started = Date.now();
    // ky's `timeout` covers the wait for headers (it rejects with ky's TimeoutError); this signal
    // also bounds reading the body. ky 1.14 joins the `signal` given here with its own timeout
    // controller (AbortSignal.any), so an abort of `cancel` makes fetch reject at once with the
    // signal's reason: told apart from a timeout below by `cancel.aborted`, never by the error.
    const timeoutSignal = AbortSignal.timeout(this.timeoutMs);
    const signal = cancel ? AbortSignal.any([timeoutSignal, cancel]) : timeoutSignal;
    // Paths come already encoded (the path builders encode ids; a followed link keeps its encoding).
    const url = `${this.origin}${this.shopPath}${path}${search ? `?${search}` : ''}`;
    let response: Response;
    let text: string;
    try {
      response = await this.http(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/vnd.api+json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      // The request may have reached Mystore: a write's outcome is unknown.
      if (cancel?.aborted) throw this.cancelledError(target, cancel, method !== 'GET');
      throw this.networkError(target, error, timeoutSignal.aborted);
    }
    const log = { method, path, query: queryNames(search), status: response.status, durationMs: Date.now() - started, pacedMs: paced.waitedMs };
    if (response.status >= 200 && response.status < 300) {
      this.logger.debug(log, 'Mystore response');
      return { status: response.status, headers: response.headers, text };
    }
    const errors = errorDocumentSchema.parse(safeJson(text)).errors.map((e) => ({
      title: this.scrub(e.title), status: e.status, detail: this.scrub(e.detail),
    }));
    const context = { ...target, errors, outcomeUnknown: response.status >= 500 && method !== 'GET' };
    if (response.status === 429) {
      const retryAfterMs = this.pacer.onRateLimited(this.key, parseRetryAfter(response.headers.get('retry-after'), this.now()));
      this.logger.warn({ ...log, retryAfterMs }, 'Mystore rate limit hit');
      throw errorForStatus(429, context, retryAfterMs);
    }
    const error = errorForStatus(response.status, context);
    if (response.status >= 500) this.logger.warn({ ...log, detail: error.apiDetail }, 'Mystore server error');
    else this.logger.debug({ ...log, detail: error.apiDetail }, 'Mystore refused the request');
    throw error;
  }

  /** Parses a 2xx body; a mismatch names the first differing field path. */
  private parse<T extends z.ZodType>(target: RequestTarget, raw: RawResponse, schema: T, options: { outcomeUnknown?: boolean } = {}): z.output<T> {
    // A write that answered 2xx did happen even if we cannot read what it made.
    const context = { ...target, status: raw.status, outcomeUnknown: options.outcomeUnknown ?? false };
    const body = safeJson(raw.text);
    if (body === undefined) {
      throw new MystoreResponseError(context, '', `body is not JSON (${raw.headers.get('content-type') ?? 'no content type'})`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MystoreResponseError(context, formatIssuePath(issue?.path ?? []), this.scrub(issue?.message) ?? 'does not match the schema');
    }
    return parsed.data;
  }

  private cancelledError(target: RequestTarget, signal: AbortSignal | undefined, mayHaveBeenSent: boolean): MystoreCancelledError {
    const reason: unknown = signal?.reason;
    this.logger.info({ ...target, reason: describeReason(reason), outcomeUnknown: mayHaveBeenSent }, 'Mystore request cancelled');
    // No `cause`: the fetch error holds the Request, and with it the Authorization header.
    return new MystoreCancelledError({ ...target, outcomeUnknown: mayHaveBeenSent }, reason);
  }

  private networkError(target: RequestTarget, error: unknown, aborted: boolean): MystoreError {
    const name = error instanceof Error ? error.name : '';
    const code = networkErrorCode(error);
    // No `cause`: ky's errors hold the Request, and with it the Authorization header.
    if (aborted || name === 'TimeoutError') {
      this.logger.warn({ ...target, timeoutMs: this.timeoutMs }, 'Mystore request timed out');
      return new MystoreNetworkError({ ...target, outcomeUnknown: target.method !== 'GET' }, 'timeout', `no response within ${this.timeoutMs} ms`);
    }
    const notSent = code !== undefined && NOT_SENT_NETWORK_CODES.has(code);
    this.logger.warn({ ...target, code }, 'Mystore request failed on the network');
    return new MystoreNetworkError({ ...target, outcomeUnknown: !notSent && target.method !== 'GET' }, 'network', code ?? (this.scrub(name) || 'connection failed'));
  }

  /** Masks every known secret in text Mystore sent back. */
  private scrub(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[REDACTED]');
    return out;
  }
}

/** The Mystore client: the request path plus every operation, for one shop's token. */
export type MystoreClient = MystoreOperations & { readonly transport: MystoreTransport; readonly shop: string };

/** Creates a client for one shop's token. Cheap; quotas are shared per token, caches are per client. */
export function createMystoreClient(options: MystoreClientOptions): MystoreClient {
  const transport = new MystoreTransport(options);
  return { transport, shop: transport.shop, ...createMystoreOperations(transport) };
}



function queryNames(search: string): string[] {
  return [...new URLSearchParams(search).keys()];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
