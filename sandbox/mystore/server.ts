// The HTTP server: /shops/{shop}/… (the fake Mystore API v2) and /_admin. Per API request, in
// order: fault pick → body → route → auth → rate limit → scopes → handler → request log → reply.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../shared/loopback-server';
import { FaultInjector, type FaultConfig, type FaultKind } from '../shared/faults';
import { RequestLog } from '../shared/request-log';
import { createAdmin, type MystoreSandboxAdmin } from './admin';
import { handleAdmin } from './admin-http';
import { badRequest, MystoreHttpError, notFound, serverError, tooManyRequests } from './api-error';
import { authenticate, RateLimiter, requireScopes } from './auth';
import { matchRoute, scopesFor } from './routes';
import { MystoreStore } from './store';
import { WebhookDispatcher } from './webhooks';

export interface MystoreSandboxOptions {
  /** 0 = any free port (default). The host is always 127.0.0.1. */
  port?: number;
  /** Append one JSON line per API request here (tokens and webhook secrets masked). */
  requestLogPath?: string;
  /** Per token, fixed 60 s window; default 120; null = unlimited. */
  rateLimitPerMinute?: number | null;
  faults?: FaultConfig;
  /** The sandbox's clock (timestamps, token expiry, rate-limit windows). Webhook retries use real time. */
  now?: () => Date;
  /** Seeds the fault PRNG, the default order-generator seeds and the webhook secrets. */
  seed?: number;
  /** Redelivery delays after a failed webhook attempt; default [1000, 5000, 30000, 120000, 600000]. */
  webhookRetryDelaysMs?: number[];
  /** How long a receiver has to answer a webhook; default 10 000 ms. */
  webhookTimeoutMs?: number;
}

export interface MystoreSandbox {
  /** "http://127.0.0.1:PORT" (shops are under /shops/{shop}/). */
  baseUrl: string;
  admin: MystoreSandboxAdmin;
  /** Requests received under /shops. */
  requestCount(): number;
  /** Also stops pending webhook redeliveries. */
  close(): Promise<void>;
}

export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000, 120_000, 600_000];
export const FAULT_KINDS: readonly FaultKind[] = ['resetBeforeWrite', 'http500', 'http503', 'http504', 'slow', 'commitThenDrop'];

interface Reply { status: number; body: unknown; headers: Record<string, string>; contentType: string; raw?: string }

const JSONAPI = 'application/vnd.api+json';
const GATEWAY_TIMEOUT_HTML = '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseQuery(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) q[k] = q[k] === undefined ? v : `${q[k]},${v}`;
  return q;
}

const decode = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };

export async function startMystoreSandbox(options: MystoreSandboxOptions = {}): Promise<MystoreSandbox> {
  const now = options.now ?? (() => new Date());
  const seed = options.seed ?? 1;
  let store = new MystoreStore();
  const faults = new FaultInjector(options.faults ?? {}, seed, { kinds: FAULT_KINDS, writeMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] });
  const initialRate = options.rateLimitPerMinute === undefined ? 120 : options.rateLimitPerMinute;
  const limiter = new RateLimiter(initialRate);
  const log = new RequestLog(options.requestLogPath, {
    secretQueryKeys: ['token', 'access_token'],
    secretBodyKeys: ['token', 'access_token', 'webhook_secret', 'secret'],
  });
  const webhooks = new WebhookDispatcher(options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS, options.webhookTimeoutMs ?? 10_000);
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;
  let origin = 'http://127.0.0.1';

  const admin = createAdmin({
    store: () => store,
    now,
    seed,
    webhooks,
    resetState: () => {
      store = new MystoreStore();
      webhooks.reset();
      faults.setConfig(options.faults ?? {});
      faults.reset();
      limiter.set(initialRate);
    },
    setFaults: (f) => faults.setConfig(f),
    setRateLimit: (r) => limiter.set(r),
  });

  function send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers });
    res.end(text);
  }

  function errorReply(e: unknown): Reply {
    const err = e instanceof MystoreHttpError ? e : serverError(500);
    if (!(e instanceof MystoreHttpError)) console.error('mystore sandbox: handler crashed', e);
    return { status: err.status, body: err.toBody(), headers: err.headers, contentType: JSONAPI };
  }

  function dispatch(method: string, shopName: string, path: string, query: Record<string, string>, rawBody: string, authorization: string | undefined): Reply {
    try {
      const match = matchRoute(method, path);
      if (!match) throw notFound(`${method} ${path} is not an endpoint (or not modelled by the sandbox)`);
      const at = now();
      const token = authenticate(store, authorization, shopName, at);
      limiter.check(token.token, at.getTime());
      requireScopes(token, scopesFor(match.route, query));
      let body: unknown = null;
      if (rawBody.trim() !== '') {
        try { body = JSON.parse(rawBody); } catch { throw badRequest('The request body is not valid JSON'); }
      }
      const shop = store.shops.get(shopName);
      if (!shop) throw notFound(`Shop ${shopName} not found`);
      const result = match.route.handler({ store, shop, seed }, {
        method, path, params: match.params, query, body, now: at, shopUrl: `${origin}/shops/${encodeURIComponent(shopName)}`,
      });
      return { status: result.status, body: result.body, headers: {}, contentType: result.plainJson ? 'application/json; charset=utf-8' : JSONAPI };
    } catch (e) {
      return errorReply(e);
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    served += 1;
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = url.pathname.split('/').map(decode); // ['', 'shops', shop, ...rest]
    const shopName = segments[2] ?? '';
    const path = `/${segments.slice(3).join('/')}`.replace(/\/+$/, '') || '/';
    const query = parseQuery(url);
    const logLine = (status: number | null, requestBody: unknown, responseBody: unknown, fault: FaultKind | null) => log.write({
      time: now().toISOString(), method, path: url.pathname, query, requestBody, status, responseBody, ...(fault ? { fault } : {}),
    });
    const fault = faults.pick(method, path);
    if (fault === 'resetBeforeWrite') {
      logLine(null, null, null, fault);
      req.socket.destroy();
      return;
    }
    const rawBody = await readBody(req);
    let requestBody: unknown = rawBody === '' ? null : rawBody;
    try { requestBody = rawBody === '' ? null : JSON.parse(rawBody); } catch { /* logged as the raw text */ }
    if (fault === 'http500' || fault === 'http503' || fault === 'http429Burst') {
      // A burst of 429s looks like the rate limiter's own: Retry-After is what is left of the burst.
      const reply = errorReply(fault === 'http429Burst' ? tooManyRequests(Math.max(1, Math.ceil(faults.burstLeftMs / 1000))) : serverError(fault === 'http500' ? 500 : 503));
      logLine(reply.status, requestBody, reply.body, fault);
      send(res, reply);
      return;
    }
    if (fault === 'http504') {
      // A gateway in front of the API timed out: HTML, not JSON:API, as from a real proxy.
      logLine(504, requestBody, GATEWAY_TIMEOUT_HTML, fault);
      send(res, { status: 504, body: undefined, raw: GATEWAY_TIMEOUT_HTML, headers: {}, contentType: 'text/html' });
      return;
    }
    const reply = dispatch(method, shopName, path, query, rawBody, req.headers.authorization);
    logLine(reply.status, requestBody, reply.body ?? null, fault);
    if (fault === 'commitThenDrop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') {
      const timer = setTimeout(() => { timers.delete(timer); send(res, reply); }, faults.slowDelayMs);
      timers.add(timer);
      return;
    }
    send(res, reply);
  }

  async function handleAdminHttp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = await readBody(req);
    let body: unknown = null;
    try { body = raw.trim() === '' ? null : JSON.parse(raw); } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid JSON' }));
      return;
    }
    const result = handleAdmin(admin, (req.method ?? 'GET').toUpperCase(), url.pathname, body, () => served);
    res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(result.body));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = url.pathname.startsWith('/shops/') ? handleApi : url.pathname.startsWith('/_admin/') ? handleAdminHttp : null;
    if (!handler) {
      res.writeHead(404, { 'content-type': JSONAPI }).end(JSON.stringify(notFound(`${url.pathname} is not under /shops/{shop}/`).toBody()));
      return;
    }
    handler(req, res, url).catch((e: unknown) => {
      console.error('mystore sandbox: request failed', e);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  const listening = await listenOnLoopback(server, options.port ?? 0);
  const { port } = listening;
  origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: origin,
    admin,
    requestCount: () => served,
    close: async () => {
      webhooks.stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await listening.close();
      log.close();
    },
  };
}
