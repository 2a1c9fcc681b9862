import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ActivityCancellationDetails, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { currentActivitySignal } from '../../activities/activity-cancellation';
import { RateLimitPacer } from '../../activities/tripletex/rate-limit-pacer';
import { SessionTokenCache } from '../../activities/tripletex/session-tokens';
import { TripletexCancelledError } from '../../activities/tripletex/tripletex-client';
import { TripletexNetworkError } from '../../activities/tripletex/tripletex-errors';
import {
  TripletexFailureType, toActivityFailure, toApplicationFailure, withTripletexFailures, type TripletexFailureDetails,
} from '../../activities/tripletex/to-application-failure';
import { sessionHandler, startTestServer, testClient, type TestServer } from '../support/tripletex-test-server';

const idSchema = z.object({ id: z.number() });
/** Far above every abort below: a request that ends well before it was cut short, not timed out. */
const CLIENT_TIMEOUT_MS = 5_000;
/** "Promptly": an abort must end the call within this long. */
const PROMPT_MS = 1_000;

/**
 * Hangs on every request but the session create, and fires `abort` 50 ms after the request for
 * `path` arrived: the abort always lands while that request is in flight, however slow a cold start.
 */
function hangThenAbort(server: TestServer, path: string, abort: () => void): void {
  server.handle(sessionHandler((request) => {
    if (request.rawPath === path) setTimeout(abort, 50).unref();
    return { hang: true };
  }));
}

/** Settles `promise`; `ms` is the time from `signal`'s abort to the settling (or since the start, without a signal). */
async function timed<T>(promise: Promise<T>, signal?: AbortSignal): Promise<{ result: PromiseSettledResult<T>; ms: number }> {
  let from = Date.now();
  signal?.addEventListener('abort', () => {
    from = Date.now();
  });
  const [result] = await Promise.allSettled([promise]);
  assert.ok(result);
  return { result, ms: Date.now() - from };
}

function rejection<T>(result: PromiseSettledResult<T>): unknown {
  assert.equal(result.status, 'rejected', 'the call should have failed');
  return (result as PromiseRejectedResult).reason;
}

describe('Tripletex client: cancellation', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('a GET to a server that never answers is aborted at once when the signal fires', async () => {
    server.requests.length = 0;
    const controller = new AbortController();
    hangThenAbort(server, '/v2/customer/1', () => controller.abort());
    const client = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: () => controller.signal });
    const { result, ms } = await timed(client.transport.getValue('/customer/1', idSchema), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof TripletexCancelledError, `expected TripletexCancelledError, got ${String(error)}`);
    assert.ok(!(error instanceof TripletexNetworkError));
    assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the abort; the client timeout is ${CLIENT_TIMEOUT_MS} ms`);
    assert.equal(error.method, 'GET');
    assert.equal(error.outcomeUnknown, false, 'a read never leaves an unknown outcome');
    assert.equal(server.requests.at(-1)?.rawPath, '/v2/customer/1', 'the request had reached the server');
  });

  test('a POST aborted in flight is a TripletexCancelledError with outcomeUnknown, carrying the signal reason', async () => {
    server.requests.length = 0;
    const reason = new CancelledFailure('WORKER_SHUTDOWN');
    const controller = new AbortController();
    hangThenAbort(server, '/v2/invoice', () => controller.abort(reason));
    const client = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: () => controller.signal });
    const { result, ms } = await timed(client.transport.send('POST', '/invoice', idSchema, { json: { invoiceDate: '2026-12-04' } }), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof TripletexCancelledError);
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
    assert.equal(error.method, 'POST');
    assert.equal(error.path, '/invoice');
    assert.equal(error.outcomeUnknown, true, 'the POST may have created the invoice');
    assert.equal(error.reason, reason);
    assert.match(error.message, /cancelled \(WORKER_SHUTDOWN\)/);
    assert.equal(server.requests.at(-1)?.method, 'POST');
  });

  test('an already aborted signal sends nothing, so even a POST has a known outcome', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { value: { id: 1 } } })));
    const controller = new AbortController();
    controller.abort();
    const client = testClient(server, { abortSignal: () => controller.signal });
    await assert.rejects(client.transport.send('POST', '/invoice', idSchema, { json: {} }), (error: unknown) => {
      assert.ok(error instanceof TripletexCancelledError);
      assert.equal(error.outcomeUnknown, false);
      return true;
    });
    assert.equal(server.requests.length, 0);
  });

  test('the timeout is still a timeout when a signal is given but does not fire', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ hang: true })));
    const controller = new AbortController();
    const client = testClient(server, { timeoutMs: 200, abortSignal: () => controller.signal });
    await assert.rejects(client.transport.getValue('/customer/1', idSchema), (error: unknown) => {
      assert.ok(error instanceof TripletexNetworkError);
      assert.equal(error.kind, 'timeout');
      return true;
    });
  });

  test('the signal is read per request: one client serves a cancelled call, then a live one', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { value: { id: 7 } } })));
    const cancelled = new AbortController();
    cancelled.abort();
    let current: AbortSignal | undefined = cancelled.signal;
    const client = testClient(server, { abortSignal: () => current });
    await assert.rejects(client.transport.getValue('/customer/7', idSchema), TripletexCancelledError);
    current = new AbortController().signal;
    assert.deepEqual(await client.transport.getValue('/customer/7', idSchema), { id: 7 });
  });

  test('a pacer wait is cut short by the abort, and nothing is sent', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { value: { id: 1 } } })));
    // A real clock and real sleep: the pacer makes the request wait 30 s for the period's reset.
    // (The pacer's own timer keeps running after the abort; unref'd so it does not hold the test run.)
    const pacer = new RateLimitPacer({ sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()) });
    const controller = new AbortController();
    const client = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, now: Date.now, pacer, abortSignal: () => controller.signal });
    await client.transport.session(); // the session first, so only the paced request is left
    pacer.observe(client.transport.key, { limit: 100, remaining: 0, resetSeconds: 30 });
    setTimeout(() => controller.abort(), 100).unref();
    const { result, ms } = await timed(client.transport.send('POST', '/invoice', idSchema, { json: {} }), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof TripletexCancelledError);
    assert.ok(ms < PROMPT_MS, `took ${ms} ms; the pacer wanted 30 s`);
    assert.equal(error.outcomeUnknown, false, 'aborted before sending');
    assert.deepEqual(server.requests.map((r) => r.rawPath), ['/v2/token/session/:create']);
  });

  test("another activity's cancellation aborting a shared session create does not fail this one", async () => {
    server.requests.length = 0;
    let creates = 0;
    const cancelledActivity = new AbortController();
    server.handle((request) => {
      if (request.rawPath === '/v2/token/session/:create') {
        creates += 1;
        if (creates === 1) {
          // The first activity is cancelled while the create it started (and shares) hangs.
          setTimeout(() => cancelledActivity.abort(), 50).unref();
          return { hang: true };
        }
        return { body: { value: { token: 'session-SECRET-2', expirationDate: request.query.get('expirationDate') } } };
      }
      return { body: { value: { id: 3 } } };
    });
    const sessionCache = new SessionTokenCache();
    const first = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, sessionCache, abortSignal: () => cancelledActivity.signal });
    const second = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, sessionCache, abortSignal: () => new AbortController().signal });
    // The first call registers the shared create synchronously, so the second one joins it.
    const firstCall = first.transport.getValue('/customer/3', idSchema);
    const secondCall = second.transport.getValue('/customer/3', idSchema);
    await assert.rejects(firstCall, TripletexCancelledError);
    assert.deepEqual(await secondCall, { id: 3 });
    assert.equal(creates, 2);
  });
});

describe('Tripletex cancellation: Temporal mapping', () => {
  test('a TripletexCancelledError becomes a CancelledFailure with the SDK reason and the details', () => {
    const error = new TripletexCancelledError({ method: 'POST', path: '/invoice', outcomeUnknown: true }, new CancelledFailure('WORKER_SHUTDOWN'));
    const failure = toActivityFailure(error);
    assert.ok(failure instanceof CancelledFailure);
    assert.equal(failure.message, 'WORKER_SHUTDOWN');
    const details = failure.details[0] as TripletexFailureDetails;
    assert.equal(details.outcomeUnknown, true);
    assert.equal(details.method, 'POST');
    assert.equal(details.kind, 'cancelled');
  });

  test('a CancelledFailure passes through; an AbortError becomes one; other errors map as before', () => {
    const sdk = new CancelledFailure('CANCELLED');
    assert.equal(toActivityFailure(sdk), sdk);
    const abort = new Error('This operation was aborted');
    abort.name = 'AbortError';
    assert.ok(toActivityFailure(abort) instanceof CancelledFailure);
    const network = toActivityFailure(new TripletexNetworkError({ method: 'GET', path: '/x' }, 'timeout', 'no response'));
    assert.ok(network instanceof ApplicationFailure);
    assert.equal(network.type, TripletexFailureType.Network);
  });

  test('toApplicationFailure, asked for an ApplicationFailure, makes a cancellation a retryable network failure', () => {
    const failure = toApplicationFailure(new TripletexCancelledError({ method: 'POST', path: '/invoice', outcomeUnknown: true }, undefined));
    assert.equal(failure.type, TripletexFailureType.Network);
    assert.equal(failure.nonRetryable, false);
    assert.equal((failure.details?.[0] as TripletexFailureDetails).kind, 'cancelled');
  });
});

describe('currentActivitySignal', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('is undefined outside an activity', () => {
    assert.equal(currentActivitySignal(), undefined);
  });

  test("is the running activity's cancellation signal", async () => {
    const env = new MockActivityEnvironment();
    const signal = await env.run(async () => currentActivitySignal());
    assert.equal(signal, env.context.cancellationSignal);
  });

  test('wired as abortSignal: a worker shutdown aborts the call and the activity throws CancelledFailure', async () => {
    const env = new MockActivityEnvironment();
    hangThenAbort(server, '/v2/invoice', () => env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true })));
    const client = testClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: currentActivitySignal });
    const activity = env.run(() => withTripletexFailures(() => client.transport.send('POST', '/invoice', idSchema, { json: {} })));
    const { result, ms } = await timed(activity, env.context.cancellationSignal);
    const failure = rejection(result);
    assert.ok(failure instanceof CancelledFailure, `expected CancelledFailure, got ${String(failure)}`);
    assert.equal(failure.message, 'WORKER_SHUTDOWN');
    assert.equal((failure.details[0] as TripletexFailureDetails).outcomeUnknown, true);
    assert.ok(ms < PROMPT_MS, `took ${ms} ms`);
  });
});
