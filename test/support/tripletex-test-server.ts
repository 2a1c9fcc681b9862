/**
 * A tiny HTTP server that answers like Tripletex for what a unit test needs (127.0.0.1, port 0).
 * Tests talk real HTTP to it through the real client; ky is never mocked. The server itself is
 * the generic one in http-test-server.ts.
 */
import { RateLimitPacer } from '../../activities/tripletex/rate-limit-pacer';
import { SessionTokenCache } from '../../activities/tripletex/session-tokens';
import { createTripletexClient, type TripletexClient, type TripletexClientOptions } from '../../activities/tripletex/tripletex-client';
import { captureLogger, fakeClock, startHttpTestServer, type Handler, type TestServer } from './http-test-server';

export { captureLogger, fakeClock } from './http-test-server';
export type { Handler, RecordedRequest, Reply, TestServer } from './http-test-server';

export const CONSUMER_TOKEN = 'test-consumer-SECRET-c0ns';
export const EMPLOYEE_TOKEN = 'test-employee-SECRET-3mpl';

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

export function startTestServer(initial: Handler = () => ({ status: 404, body: { status: 404 } })): Promise<TestServer> {
  return startHttpTestServer(initial, { basePath: '/v2', defaultHeaders: (n) => ({ 'x-tlx-request-id': `req-${n}` }) });
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
