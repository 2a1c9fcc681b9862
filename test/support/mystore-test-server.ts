/**
 * What Mystore unit tests share: the generic local HTTP server (http-test-server.ts) answering
 * like docs/mystore-api-model.md, a JWT-shaped token whose signature part is easy to look for
 * in logs and errors, and a client on a fresh pacer with a fake clock.
 */
import { createMystoreClient, type MystoreClient, type MystoreClientOptions } from '../../activities/mystore/mystore-client';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { captureLogger, fakeClock, startHttpTestServer, type Handler, type RecordedRequest, type Reply, type TestServer } from './http-test-server';

export { captureLogger, fakeClock };
export type { Handler, RecordedRequest, Reply, TestServer };

export const SHOP = 'testbutikk';
export const SHOP_PATH = `/shops/${SHOP}`;

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT as Mystore issues them (claims confirmed in the brief), unsigned for tests. */
export function makeToken(payload: Record<string, unknown>, signature = 'c2lnbmF0dXJl-SECRET-t0k3n'): string {
  return `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(payload)}.${signature}`;
}

export const TOKEN_SCOPES = [
  'read:orders', 'read:order-products', 'read:order-product-attributes', 'read:order-totals', 'read:order-status',
  'read:customers', 'read:settings', 'read:webhooks', 'write:webhooks', 'write:orders',
];
export const MYSTORE_TOKEN = makeToken({ sub: '17', no_mystore_hosts: [SHOP], scopes: TOKEN_SCOPES, iat: 1_764_000_000, exp: 2_079_000_000 });
/** The part of the token that identifies it; must never show up in a log or an error. */
export const TOKEN_SIGNATURE = 'c2lnbmF0dXJl-SECRET-t0k3n';

export function startMystoreTestServer(handler: Handler = () => notFound()): Promise<TestServer> {
  return startHttpTestServer(handler);
}

/** The request's path below /shops/{shop}, or null when it is not for the test shop. */
export function shopPath(request: RecordedRequest): string | null {
  return request.rawPath.startsWith(`${SHOP_PATH}/`) ? request.rawPath.slice(SHOP_PATH.length) : null;
}

export const jsonApi = (body: unknown, status = 200): Reply => ({ status, body, headers: { 'content-type': 'application/vnd.api+json' } });
export const apiError = (status: number, title: string, detail?: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/vnd.api+json', ...headers },
  body: { errors: [{ title, status: String(status), ...(detail === undefined ? {} : { detail }) }] },
});
export const notFound = (detail = 'Resource not found'): Reply => apiError(404, 'Not Found', detail);

/** A client on its own pacer (fake clock, fake sleep) unless overridden. */
export function testMystoreClient(server: TestServer, overrides: Partial<MystoreClientOptions> = {}): MystoreClient & { clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock('2026-12-04T10:00:00Z');
  const client = createMystoreClient({
    baseUrl: server.baseUrl,
    shop: SHOP,
    token: MYSTORE_TOKEN,
    timeoutMs: 2_000,
    logger: captureLogger().logger,
    now: clock.now,
    pacer: new MystoreRateLimitPacer({ now: clock.now, sleep: async (ms) => clock.advance(ms) }),
    ...overrides,
  });
  return Object.assign(client, { clock });
}
