import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MystoreFailureType } from '../../common/failure-types';
import {
  MystoreAuthenticationError, MystoreBadRequestError, MystoreMissingScopeError, MystoreNetworkError, MystoreNotFoundError,
  MystoreRateLimitError, MystoreResponseError, MystoreServerError, errorForStatus,
} from '../../activities/mystore/mystore-errors';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { toMystoreApplicationFailure, withMystoreFailures } from '../../activities/mystore/to-application-failure';
import { MoneyConversionError } from '../../activities/money/exact-decimal';
import {
  MYSTORE_TOKEN, TOKEN_SIGNATURE, apiError, captureLogger, fakeClock, jsonApi, notFound, startMystoreTestServer, testMystoreClient,
  type TestServer,
} from '../support/mystore-test-server';

function failureOf(error: unknown): ApplicationFailure {
  const failure = toMystoreApplicationFailure(error);
  assert.ok(failure instanceof ApplicationFailure);
  return failure;
}

describe('Mystore errors: status → class → ApplicationFailure', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  const cases: {
    name: string; reply: ReturnType<typeof apiError>; cls: new (...args: never[]) => Error; type: string; nonRetryable: boolean;
  }[] = [
    { name: '403 invalid/expired token', reply: apiError(403, 'Forbidden', 'Token has expired or is invalid'), cls: MystoreAuthenticationError, type: 'MystoreAuthentication', nonRetryable: true },
    { name: '401 (not Mystore\'s way, same meaning)', reply: apiError(401, 'Unauthorized'), cls: MystoreAuthenticationError, type: 'MystoreAuthentication', nonRetryable: true },
    { name: '403 missing scope', reply: apiError(403, 'Forbidden', 'Missing scope: read:orders'), cls: MystoreMissingScopeError, type: 'MystoreMissingScope', nonRetryable: true },
    { name: '404', reply: notFound('Order 42 not found'), cls: MystoreNotFoundError, type: 'MystoreNotFound', nonRetryable: true },
    { name: '400', reply: apiError(400, 'Bad Request', 'Invalid field: products_name'), cls: MystoreBadRequestError, type: 'MystoreBadRequest', nonRetryable: true },
    { name: '422 (other 4xx)', reply: apiError(422, 'Unprocessable Entity'), cls: MystoreBadRequestError, type: 'MystoreBadRequest', nonRetryable: true },
    { name: '500', reply: apiError(500, 'Internal Server Error'), cls: MystoreServerError, type: 'MystoreServer', nonRetryable: false },
    { name: '504 from the gateway (HTML body)', reply: { status: 504, body: '<html>Gateway Timeout</html>' } as ReturnType<typeof apiError>, cls: MystoreServerError, type: 'MystoreServer', nonRetryable: false },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      server.handle(() => c.reply);
      const client = testMystoreClient(server);
      const error = await client.getOrderAggregate('42').catch((e: unknown) => e);
      assert.ok(error instanceof c.cls, `got ${String(error)}`);
      const failure = failureOf(error);
      assert.equal(failure.type, c.type);
      assert.equal(failure.nonRetryable, c.nonRetryable);
      assert.equal(failure.nextRetryDelay, undefined);
      assert.equal(failure.cause, undefined);
    });
  }

  test('missing scope names the scope in the error, the message and the failure details', async () => {
    server.handle(() => apiError(403, 'Forbidden', 'Missing scope: read:order-totals'));
    const error = await testMystoreClient(server).getOrderAggregate('42').catch((e: unknown) => e);
    assert.ok(error instanceof MystoreMissingScopeError);
    assert.equal(error.scope, 'read:order-totals');
    assert.match(error.message, /lacks the scope read:order-totals/);
    const failure = failureOf(error);
    assert.equal((failure.details?.[0] as { scope?: string }).scope, 'read:order-totals');
  });

  test('the confirmed invalid-token wording wins over a scope-like title', () => {
    const error = errorForStatus(403, { method: 'GET', path: '/orders', errors: [{ title: 'Missing scope', detail: 'Token has expired or is invalid' }] });
    assert.ok(error instanceof MystoreAuthenticationError);
  });

  test('429 with Retry-After: retryable, nextRetryDelay from the header, and the token is paused', async () => {
    server.requests.length = 0;
    server.handle(() => apiError(429, 'Too Many Requests', undefined, { 'retry-after': '17' }));
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const slept: number[] = [];
    const pacer = new MystoreRateLimitPacer({ now: clock.now, sleep: async (ms) => { slept.push(ms); clock.advance(ms); } });
    const client = testMystoreClient(server, { pacer, now: clock.now });
    const error = await client.getSettings().catch((e: unknown) => e);
    assert.ok(error instanceof MystoreRateLimitError);
    assert.equal(error.retryAfterMs, 17_000);
    const failure = failureOf(error);
    assert.equal(failure.type, MystoreFailureType.RateLimited);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 17_000);
    // The next call for this token waits out the pause before it is sent.
    server.handle(() => ({ body: { default_language: 'no' } }));
    await client.getSettings();
    assert.deepEqual(slept, [17_000]);
  });

  test('429 without Retry-After waits a whole window', async () => {
    server.handle(() => apiError(429, 'Too Many Requests'));
    const error = await testMystoreClient(server).getSettings().catch((e: unknown) => e);
    assert.ok(error instanceof MystoreRateLimitError);
    assert.equal(error.retryAfterMs, 60_000);
  });

  test('timeout: network failure, retryable; outcome unknown for a write, not for a read', async () => {
    server.handle(() => ({ hang: true }));
    const client = testMystoreClient(server, { timeoutMs: 150 });
    const read = await client.getSettings().catch((e: unknown) => e);
    assert.ok(read instanceof MystoreNetworkError);
    assert.equal(read.kind, 'timeout');
    assert.equal(read.outcomeUnknown, false);
    const write = await client.writeBackInvoice('42', { invoiceNumber: '50001', invoiceDate: '2026-12-04' }).catch((e: unknown) => e);
    assert.ok(write instanceof MystoreNetworkError);
    assert.equal(write.outcomeUnknown, true);
    const failure = failureOf(write);
    assert.equal(failure.type, MystoreFailureType.Network);
    assert.equal(failure.nonRetryable, false);
    assert.equal((failure.details?.[0] as { outcomeUnknown: boolean }).outcomeUnknown, true);
  });

  test('a dropped connection is a network error; a 5xx on a write leaves the outcome unknown', async () => {
    server.handle(() => ({ destroy: true }));
    const client = testMystoreClient(server);
    const dropped = await client.getSettings().catch((e: unknown) => e);
    assert.ok(dropped instanceof MystoreNetworkError);
    assert.equal(dropped.kind, 'network');
    server.handle(() => apiError(502, 'Bad Gateway'));
    const write = await client.writeBackInvoice('42', { invoiceNumber: '50001', invoiceDate: '2026-12-04' }).catch((e: unknown) => e);
    assert.ok(write instanceof MystoreServerError);
    assert.equal(write.outcomeUnknown, true);
  });

  test('a connection refused is a network error whose write certainly did not happen', async () => {
    const closed = await startMystoreTestServer();
    await closed.close();
    const client = testMystoreClient(closed);
    const error = await client.writeBackInvoice('42', { invoiceNumber: '50001', invoiceDate: '2026-12-04' }).catch((e: unknown) => e);
    assert.ok(error instanceof MystoreNetworkError);
    assert.equal(error.outcomeUnknown, false);
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('a malformed document is a non-retryable invalid response naming the field; a non-JSON body too', async () => {
    server.handle(() => jsonApi({ data: [{ type: 'order-status', id: '1', attributes: { name: { no: 'Ny' } } }, { type: 'order-status', attributes: {} }] }));
    const error = await testMystoreClient(server).listOrderStatuses().catch((e: unknown) => e);
    assert.ok(error instanceof MystoreResponseError);
    assert.equal(error.fieldPath, 'data[1].id');
    const failure = failureOf(error);
    assert.equal(failure.type, MystoreFailureType.ResponseInvalid);
    assert.equal(failure.nonRetryable, true);
    assert.equal((failure.details?.[0] as { fieldPath: string }).fieldPath, 'data[1].id');

    server.handle(() => ({ body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } }));
    const html = await testMystoreClient(server).getSettings().catch((e: unknown) => e);
    assert.ok(html instanceof MystoreResponseError);
    assert.match(html.message, /not JSON \(text\/html\)/);
  });

  test('quota spent for longer than maxWaitMs: a rate-limit error before sending, so Temporal waits', async () => {
    server.requests.length = 0;
    server.handle(() => ({ body: { default_language: 'no' } }));
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const pacer = new MystoreRateLimitPacer({ limit: 2, minSpacingMs: 0, now: clock.now, sleep: async (ms) => clock.advance(ms) });
    const client = testMystoreClient(server, { pacer });
    await client.getSettings();
    await client.getSettings();
    const error = await client.getSettings().catch((e: unknown) => e);
    assert.ok(error instanceof MystoreRateLimitError);
    assert.equal(error.retryAfterMs, 61_000);
    assert.equal(server.requests.length, 2);
    assert.equal(failureOf(error).nextRetryDelay, 61_000);
  });

  test('other errors: money → invalid response; unknown → retryable of its own name; ApplicationFailure passes through', async () => {
    assert.equal(failureOf(new MoneyConversionError('x')).type, MystoreFailureType.ResponseInvalid);
    assert.equal(failureOf(new TypeError('boom')).type, 'TypeError');
    const original = ApplicationFailure.create({ type: 'X', message: 'y' });
    assert.equal(toMystoreApplicationFailure(original), original);
    await assert.rejects(withMystoreFailures(() => Promise.reject(new MystoreNotFoundError({ method: 'GET', path: '/orders/1' }))), (e: unknown) => e instanceof ApplicationFailure && e.type === 'MystoreNotFound');
  });
});

describe('Mystore: the token never shows up in errors or logs', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  test('every failure kind, with an echoing server, at trace level', async () => {
    const capture = captureLogger();
    const client = testMystoreClient(server, { logger: capture.logger, timeoutMs: 150 });
    const replies = [
      apiError(403, 'Forbidden', `Token has expired or is invalid: ${MYSTORE_TOKEN}`),
      apiError(403, 'Forbidden', `Missing scope: read:orders for ${MYSTORE_TOKEN}`),
      apiError(400, `Bad token ${MYSTORE_TOKEN}`),
      apiError(500, 'Internal Server Error', `Authorization: Bearer ${MYSTORE_TOKEN}`),
      apiError(429, 'Too Many Requests', undefined, { 'retry-after': '1' }),
      jsonApi({ data: { id: MYSTORE_TOKEN } }),
      { hang: true },
      { destroy: true },
    ];
    const texts: string[] = [];
    for (const reply of replies) {
      server.handle(() => reply);
      const error = await client.getOrderAggregate('42').catch((e: unknown) => e);
      assert.ok(error instanceof Error);
      const failure = toMystoreApplicationFailure(error);
      texts.push(error.message, JSON.stringify(error), String(error.stack), failure.message, JSON.stringify(failure.details));
      client.clock.advance(2_000);
    }
    // A successful read too, logged at trace/debug.
    server.handle(() => ({ body: { default_language: 'no' } }));
    await client.getSettings();
    const everything = [...texts, capture.output()].join('\n');
    assert.ok(capture.output().length > 0);
    assert.ok(!everything.includes(MYSTORE_TOKEN), 'full token leaked');
    assert.ok(!everything.includes(TOKEN_SIGNATURE), 'token signature leaked');
    assert.match(everything, /\[REDACTED\]/);
  });
});
