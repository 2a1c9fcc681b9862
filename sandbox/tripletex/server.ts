// The HTTP server: /v2 (the fake Tripletex API) and /_admin. Per /v2 request, in order:
// fault pick → body → route → auth → rate limit → entitlement → handler → request log → reply.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../shared/loopback-server';
import { createAdmin, type TripletexSandboxAdmin } from './admin';
import { handleAdmin } from './admin-http';
import { internalError, invalidJson, newRequestId, notFound, SandboxHttpError, tooManyRequests } from './api-error';
import { authenticate, requireAccess, type AuthContext } from './auth';
import { FaultInjector, type FaultConfig, type FaultKind } from '../shared/faults';
import { RateLimiter, type RateLimitConfig } from './rate-limit';
import { RequestLog } from '../shared/request-log';
import { preflightFields } from './route-context';
import { matchRoute } from './router';
import { SandboxStore } from './store';

export interface TripletexSandboxOptions {
  /** 0 = any free port (default). The host is always 127.0.0.1. */
  port?: number;
  /** Append one JSON line per /v2 request here. */
  requestLogPath?: string;
  /** Per (consumer token, employee token); default null = unlimited. */
  rateLimit?: { limit: number; windowSeconds: number } | null;
  faults?: FaultConfig;
  /** The sandbox's clock; session expiry and "today" use it. */
  now?: () => Date;
  /** Seed of the fault-injection PRNG. */
  seed?: number;
}

export interface TripletexSandbox {
  /** "http://127.0.0.1:PORT/v2" */
  baseUrl: string;
  admin: TripletexSandboxAdmin;
  /** Requests received under /v2. */
  requestCount(): number;
  close(): Promise<void>;
}

interface Reply { status: number; body: unknown; headers: Record<string, string> }

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
  // A repeated parameter is read as a comma list, Tripletex's "in" syntax (brief §2).
  for (const [k, v] of url.searchParams) q[k] = q[k] === undefined ? v : `${q[k]},${v}`;
  return q;
}

export async function startTripletexSandbox(options: TripletexSandboxOptions = {}): Promise<TripletexSandbox> {
  const now = options.now ?? (() => new Date());
  let store = new SandboxStore();
  const faults = new FaultInjector(options.faults ?? {}, options.seed ?? 1);
  const limiter = new RateLimiter(options.rateLimit ?? null);
  const log = new RequestLog(options.requestLogPath, {
    secretQueryKeys: ['consumerToken', 'employeeToken', 'token'],
    secretBodyKeys: ['token', 'encryptionKey', 'consumerToken', 'employeeToken', 'sessionToken'],
  });
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;
  let host = '127.0.0.1';

  const admin = createAdmin({
    store: () => store,
    resetState: () => {
      store = new SandboxStore();
      faults.setConfig(options.faults ?? {});
      faults.reset();
      limiter.setConfig(options.rateLimit ?? null);
    },
    setFaults: (f) => faults.setConfig(f),
    setRateLimit: (r: RateLimitConfig | null) => limiter.setConfig(r),
  });

  function send(res: ServerResponse, reply: Reply, requestId: string): void {
    if (res.destroyed) return;
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'x-tlx-request-id': requestId, ...reply.headers });
    res.end(text);
  }

  function dispatch(method: string, path: string, query: Record<string, string>, rawBody: string, authHeader: string | undefined, requestId: string): Reply {
    let rateHeaders: Record<string, string> = {};
    try {
      const match = matchRoute(method, path);
      if (!match) throw notFound(`${method} /v2${path} (no such endpoint, or not modelled by the sandbox)`);
      let body: unknown = null;
      if (rawBody.trim() !== '') {
        try { body = JSON.parse(rawBody); } catch (e) { throw invalidJson((e as Error).message); }
      }
      const at = now();
      let auth: AuthContext | null = null;
      let rateKey: string | null = null;
      if (match.route.access === 'public') {
        if (query.consumerToken && query.employeeToken) rateKey = `${query.consumerToken}\u0000${query.employeeToken}`;
      } else {
        auth = authenticate(store, authHeader, at);
        rateKey = `${auth.session.consumerToken}\u0000${auth.session.employeeToken}`;
      }
      if (rateKey !== null) {
        const decision = limiter.check(rateKey, at.getTime());
        if (decision) {
          rateHeaders = decision.headers;
          if (!decision.allowed) throw tooManyRequests(decision.headers);
        }
      }
      if (auth && match.route.access !== 'public') requireAccess(auth, match.route.access);
      preflightFields(match.route.model, query);
      const result = match.route.handler({ store, auth, host, req: { method, path, params: match.params, query, body, now: at } });
      return { status: result.status, body: result.body, headers: rateHeaders };
    } catch (e) {
      const err = e instanceof SandboxHttpError ? e : internalError();
      if (!(e instanceof SandboxHttpError)) console.error('tripletex sandbox: handler crashed', e);
      return { status: err.status, body: err.toBody(requestId), headers: { ...rateHeaders, ...err.headers } };
    }
  }

  async function handleV2(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    served += 1;
    const requestId = newRequestId(served);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.slice('/v2'.length).split('/').map((s) => { try { return decodeURIComponent(s); } catch { return s; } }).join('/');
    const query = parseQuery(url);
    const logLine = (status: number | null, requestBody: unknown, responseBody: unknown, fault: FaultKind | null) => log.write({
      time: now().toISOString(), method, path: `/v2${path}`, query, requestBody, status, responseBody, ...(fault ? { fault } : {}),
    });
    const fault = faults.pick(method, path);
    if (fault === 'resetBeforeWrite') {
      logLine(null, null, null, fault);
      req.socket.destroy();
      return;
    }
    const rawBody = await readBody(req);
    let requestBody: unknown = rawBody;
    try { requestBody = rawBody === '' ? null : JSON.parse(rawBody); } catch { /* logged as the raw text */ }
    if (fault === 'http500' || fault === 'http503' || fault === 'http429Burst') {
      // A burst of 429s looks like the rate limiter's own: no X-Rate-Limit-Reset ([ISSUE-103]).
      const err = fault === 'http429Burst' ? tooManyRequests({ 'X-Rate-Limit-Remaining': '0' }) : internalError(fault === 'http500' ? 500 : 503);
      const body = err.toBody(requestId);
      logLine(err.status, requestBody, body, fault);
      send(res, { status: err.status, body, headers: err.headers }, requestId);
      return;
    }
    const reply = dispatch(method, path, query, rawBody, req.headers.authorization, requestId);
    logLine(reply.status, requestBody, reply.body, fault);
    if (fault === 'commitThenDrop') {
      // The write is committed and logged; the client never sees the answer.
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') {
      const timer = setTimeout(() => { timers.delete(timer); send(res, reply, requestId); }, faults.slowDelayMs);
      timers.add(timer);
      return;
    }
    send(res, reply, requestId);
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
    const handler = url.pathname === '/v2' || url.pathname.startsWith('/v2/') ? handleV2
      : url.pathname.startsWith('/_admin/') ? handleAdminHttp : null;
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    handler(req, res, url).catch((e: unknown) => {
      console.error('tripletex sandbox: request failed', e);
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  const listening = await listenOnLoopback(server, options.port ?? 0);
  const { port } = listening;
  host = `127.0.0.1:${port}`;

  return {
    baseUrl: `http://127.0.0.1:${port}/v2`,
    admin,
    requestCount: () => served,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await listening.close();
      log.close();
    },
  };
}
