/**
 * A tiny HTTP server for unit tests of the API clients (127.0.0.1, port 0): it records every
 * request as it arrived on the wire and answers with whatever the test's handler says. Tests
 * talk real HTTP to it through the real client; ky is never mocked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../common/logger';

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

export interface TestServerOptions {
  /** Path prefix of `baseUrl` (e.g. '/v2'); default none. */
  basePath?: string;
  /** Headers added to every answer, given the 1-based request number. */
  defaultHeaders?: (requestNumber: number) => Record<string, string>;
}

export async function startHttpTestServer(initial: Handler, options: TestServerOptions = {}): Promise<TestServer> {
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
        const headers: Record<string, string> = { ...options.defaultHeaders?.(requests.length), ...reply.headers };
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
    baseUrl: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
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

