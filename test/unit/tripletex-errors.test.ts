import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { RateLimitPacer } from '../../activities/tripletex/rate-limit-pacer';
import { TripletexFailureType, toApplicationFailure, withTripletexFailures } from '../../activities/tripletex/to-application-failure';
import {
  TripletexBadRequestError, TripletexConflictError, TripletexError, TripletexNetworkError, TripletexNotFoundError,
  TripletexPermissionError, TripletexRateLimitError, TripletexResponseError, TripletexServerError, TripletexValidationError,
  TripletexAuthenticationError,
} from '../../activities/tripletex/tripletex-errors';
import { fakeClock, sessionHandler, startTestServer, testClient, type TestServer } from '../support/tripletex-test-server';

async function failureOf(promise: Promise<unknown>): Promise<{ error: TripletexError; failure: ApplicationFailure }> {
  const error = await promise.then(() => assert.fail('expected a failure'), (caught: unknown) => caught);
  assert.ok(error instanceof TripletexError, `not a TripletexError: ${String(error)}`);
  return { error, failure: toApplicationFailure(error) };
}

describe('Tripletex errors and their ApplicationFailures', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const cases = [
    { status: 400, code: 11000, cls: TripletexBadRequestError, type: TripletexFailureType.BadRequest, nonRetryable: true },
    { status: 403, code: 9000, cls: TripletexPermissionError, type: TripletexFailureType.Permission, nonRetryable: true },
    { status: 404, code: 6000, cls: TripletexNotFoundError, type: TripletexFailureType.NotFound, nonRetryable: true },
    { status: 409, code: 8000, cls: TripletexConflictError, type: TripletexFailureType.Conflict, nonRetryable: false },
    { status: 409, code: 14000, cls: TripletexConflictError, type: TripletexFailureType.Conflict, nonRetryable: true },
    { status: 422, code: 15000, cls: TripletexValidationError, type: TripletexFailureType.Validation, nonRetryable: true },
    { status: 500, code: 1000, cls: TripletexServerError, type: TripletexFailureType.Server, nonRetryable: false },
    { status: 503, code: undefined, cls: TripletexServerError, type: TripletexFailureType.Server, nonRetryable: false },
  ] as const;

  for (const c of cases) {
    test(`${c.status}${c.code ? `/${c.code}` : ''} → ${c.cls.name} → ${c.type} (nonRetryable ${String(c.nonRetryable)})`, async () => {
      server.handle(sessionHandler(() => ({
        status: c.status,
        body: { status: c.status, code: c.code, message: 'Noe gikk galt', developerMessage: 'dev', validationMessages: null, requestId: `rid-${c.status}` },
      })));
      const { error, failure } = await failureOf(testClient(server).listPaymentTypes());
      assert.ok(error instanceof c.cls);
      assert.equal(error.status, c.status);
      assert.equal(error.code, c.code);
      assert.equal(error.requestId, `rid-${c.status}`);
      assert.equal(error.method, 'GET');
      assert.equal(error.path, '/invoice/paymentType');
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /Noe gikk galt/);
      assert.equal(failure.type, c.type);
      assert.equal(failure.nonRetryable, c.nonRetryable);
      assert.deepEqual(failure.details?.[0], {
        status: c.status, code: c.code, requestId: `rid-${c.status}`, method: 'GET', path: '/invoice/paymentType',
        outcomeUnknown: false, validationMessages: [],
      });
    });
  }

  test('401 twice → TripletexAuthentication, not retryable', async () => {
    server.handle(sessionHandler(() => ({ status: 401, body: { status: 401, code: 3000 } })));
    const { error, failure } = await failureOf(testClient(server).whoAmI());
    assert.ok(error instanceof TripletexAuthenticationError);
    assert.equal(failure.type, TripletexFailureType.Authentication);
    assert.equal(failure.nonRetryable, true);
  });

  test('a non-JSON error body still gives the right class, with the request id from the header', async () => {
    server.handle(sessionHandler(() => ({ status: 502, body: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html', 'x-tlx-request-id': 'hdr-id' } })));
    const { error, failure } = await failureOf(testClient(server).createCustomer({ name: 'Ola' }));
    assert.ok(error instanceof TripletexServerError);
    assert.equal(error.status, 502);
    assert.equal(error.code, undefined);
    assert.equal(error.requestId, 'hdr-id');
    assert.equal(error.outcomeUnknown, true, 'a 5xx on a write may have saved it');
    assert.equal(failure.type, TripletexFailureType.Server);
    assert.equal(failure.nonRetryable, false);
  });

  test('a 422 lists every field message, in the error and in the failure details', async () => {
    server.handle(sessionHandler(() => ({
      status: 422,
      body: {
        status: 422, code: 18000, message: 'Validering feilet.', developerMessage: 'VALIDATION_ERROR', requestId: 'a3c6',
        validationMessages: [
          { field: 'invoiceDueDate', message: 'Kan ikke være null.', path: 'invoiceDueDate', rootId: 0 },
          { field: 'orders.orderLines.vatType', message: 'Ugyldig mva-kode.', path: '[0].vatType', rootId: 0 },
        ],
      },
    })));
    const { error, failure } = await failureOf(testClient(server).createCustomer({ name: 'Ola' }));
    assert.ok(error instanceof TripletexValidationError);
    assert.equal(error.validationMessages.length, 2);
    assert.match(error.message, /invoiceDueDate: Kan ikke være null\./);
    assert.match(error.message, /orders\.orderLines\.vatType: Ugyldig mva-kode\./);
    assert.match(error.message, /requestId a3c6/);
    assert.equal(failure.type, TripletexFailureType.Validation);
    assert.equal(failure.nonRetryable, true);
    const details = failure.details?.[0] as { validationMessages: unknown[]; code: number };
    assert.equal(details.code, 18000);
    assert.deepEqual(details.validationMessages[1], { field: 'orders.orderLines.vatType', message: 'Ugyldig mva-kode.', path: '[0].vatType' });
  });

  test('a 429 without X-Rate-Limit-Reset waits from the last known reset', async () => {
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const pacer = new RateLimitPacer({ now: clock.now, sleep: async (ms) => clock.advance(ms) });
    let calls = 0;
    server.handle(sessionHandler(() => {
      calls += 1;
      return calls === 1
        ? { headers: { 'x-rate-limit-limit': '1000', 'x-rate-limit-remaining': '900', 'x-rate-limit-reset': '30' }, body: { from: 0, count: 0, values: [] } }
        : { status: 429, body: { status: 429, message: 'Too many requests' } }; // no Reset header (Tripletex issue #103)
    }));
    const client = testClient(server, { now: clock.now, pacer });
    await client.listPaymentTypes();
    clock.advance(10_000);
    const { error, failure } = await failureOf(client.listPaymentTypes());
    assert.ok(error instanceof TripletexRateLimitError);
    assert.equal(error.retryAfterMs, 20_000);
    assert.equal(failure.type, TripletexFailureType.RateLimited);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, 20_000);
  });

  test('a 429 with no reset known backs off exponentially', async () => {
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const pacer = new RateLimitPacer({ now: clock.now, sleep: async (ms) => clock.advance(ms) });
    server.handle(sessionHandler(() => ({ status: 429, body: '' })));
    const client = testClient(server, { now: clock.now, pacer });
    const first = await failureOf(client.listPaymentTypes());
    assert.ok(first.error instanceof TripletexRateLimitError);
    assert.equal(first.error.retryAfterMs, 1_000);
    const second = await failureOf(client.listPaymentTypes()); // the pacer waits (fake) 1 s first
    assert.ok(second.error instanceof TripletexRateLimitError);
    assert.equal(second.error.retryAfterMs, 2_000);
    assert.equal(second.failure.nextRetryDelay, 2_000);
  });

  test('network errors and invalid responses map to their types', () => {
    const network = toApplicationFailure(new TripletexNetworkError({ method: 'POST', path: '/invoice', outcomeUnknown: true }, 'timeout', 'no response'));
    assert.equal(network.type, TripletexFailureType.Network);
    assert.equal(network.nonRetryable, false);
    assert.deepEqual(network.details?.[0], { status: undefined, code: undefined, requestId: undefined, method: 'POST', path: '/invoice', outcomeUnknown: true, validationMessages: [], kind: 'timeout' });
    const invalid = toApplicationFailure(new TripletexResponseError({ method: 'GET', path: '/invoice', status: 200 }, 'values[0].id', 'expected number'));
    assert.equal(invalid.type, TripletexFailureType.ResponseInvalid);
    assert.equal(invalid.nonRetryable, true);
  });

  test('withTripletexFailures rethrows as ApplicationFailure and passes other errors through as retryable', async () => {
    await assert.rejects(withTripletexFailures(() => Promise.reject(new TripletexNotFoundError({ method: 'GET', path: '/customer/1', status: 404 }))),
      (failure: unknown) => failure instanceof ApplicationFailure && failure.type === TripletexFailureType.NotFound);
    await assert.rejects(withTripletexFailures(() => Promise.reject(new Error('boom'))),
      (failure: unknown) => failure instanceof ApplicationFailure && failure.type === 'Error' && !failure.nonRetryable);
    assert.equal(await withTripletexFailures(async () => 7), 7);
  });
});
