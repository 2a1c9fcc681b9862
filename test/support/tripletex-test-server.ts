/**
 * A tiny HTTP server that answers like Tripletex for what a unit test needs (127.0.0.1, port 0).
 * Tests talk real HTTP to it through the real client; ky is never mocked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../common/logger';
import { RateLimitPacer } from '../../activities/tripletex/rate-limit-pacer';
import { SessionTokenCache } from '../../activities/tripletex/session-tokens';
import { createTripletexClient, type TripletexClient, type TripletexClientOptions } from '../../activities/tripletex/tripletex-client';

export const CONSUMER_TOKEN = 'test-consumer-SECRET-c0ns';
export const EMPLOYEE_TOKEN = 'test-employee-SECRET-3mpl';

export interface RecordedRequest {
  method: string;
  /** Path as it arrived on the wire, before any decoding, without the query. */
  rawPath: string;
  query: URLSearchParams;
  /** The query string exactly as sent. */
  rawQuery: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is; undefined → no answer at all (for timeouts). */
  body?: unknown;
  /** Never answer (simulate a hung server). */
  hang?: boolean;
  /** Drop the connection after reading the request (simulate a reset). */
  destroy?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  baseUrl: string;
  requests: RecordedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Default session-create answer, numbering tokens so tests can tell sessions apart. */
export function sessionHandler(next: Handler): Handler {
  let created = 0;
  return (request) => {
    if (request.method === 'PUT' && request.rawPath === '/v2/token/session/:create') {
      created += 1;
      return { body: { value: { token: `session-SECRET-${created}`, expirationDate: request.query.get('expirationDate') } } };
    }
    return next(request);
  };
}

export function basicAuthOf(token: string): string {
  return `Basic ${Buffer.from(`0:${token}`).toString('base64')}`;
}

export async function startTestServer(initial: Handler = () => ({ status: 404, body: { status: 404 } })): Promise<TestServer> {
  let handler = initial;
  const requests: RecordedRequest[] = [];
  const hung = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const queryAt = rawUrl.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        rawPath: queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt),
        query: new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1)),
        rawQuery: queryAt === -1 ? '' : rawUrl.slice(queryAt + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((reply) => {
        if (reply.destroy) {
          res.socket?.destroy();
          return;
        }
        if (reply.hang) {
          hung.add(res);
          return;
        }
        const headers: Record<string, string> = { 'x-tlx-request-id': `req-${requests.length}`, ...reply.headers };
        let payload = '';
        if (typeof reply.body === 'string') payload = reply.body;
        else if (reply.body !== undefined) {
          payload = JSON.stringify(reply.body);
          headers['content-type'] ??= 'application/json';
        }
        res.writeHead(reply.status ?? 200, headers).end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v2`,
    requests,
    handle(next) {
      handler = next;
    },
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A clock tests move by hand. */
export function fakeClock(start: string | number) {
  let now = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(iso: string) {
      now = Date.parse(iso);
    },
  };
}

/** A pino logger writing into a string, to assert what was logged. */
export function captureLogger(): { logger: Logger; output: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return { logger: createLogger({ level: 'trace', name: 'test' }, sink), output: () => text };
}

/** A client on a fresh session cache and pacer (fake clock, fake sleep), unless overridden. */
export function testClient(server: TestServer, overrides: Partial<TripletexClientOptions> = {}): TripletexClient {
  const clock = fakeClock('2026-12-04T10:00:00Z');
  return createTripletexClient({
    baseUrl: server.baseUrl,
    consumerToken: CONSUMER_TOKEN,
    employeeToken: EMPLOYEE_TOKEN,
    timeoutMs: 2_000,
    sessionDays: 1,
    logger: captureLogger().logger,
    now: clock.now,
    sessionCache: new SessionTokenCache(),
    pacer: new RateLimitPacer({ now: clock.now, sleep: async (ms) => clock.advance(ms) }),
    ...overrides,
  });
}
