import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ActivityCancellationDetails, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { currentActivitySignal } from '../../activities/activity-cancellation';
import { MystoreCancelledError } from '../../activities/mystore/mystore-client';
import { MystoreNetworkError } from '../../activities/mystore/mystore-errors';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import {
  MystoreFailureType, toMystoreActivityFailure, toMystoreApplicationFailure, withMystoreFailures, type MystoreFailureDetails,
} from '../../activities/mystore/to-application-failure';
import { SHOP_PATH, jsonApi, startMystoreTestServer, testMystoreClient, type TestServer } from '../support/mystore-test-server';

const settingsSchema = z.object({ default_language: z.string() });
/** Far above every abort below: a request that ends well before it was cut short, not timed out. */
const CLIENT_TIMEOUT_MS = 5_000;
/** "Promptly": an abort must end the call within this long. */
const PROMPT_MS = 1_000;
const WRITE_BODY = { data: { type: 'orders', id: '1', attributes: { comment: 'Faktura 1001' } } };

/** Hangs on every request, and fires `abort` 50 ms after the request for `path` arrived (so it lands mid-request). */
function hangThenAbort(server: TestServer, path: string, abort: () => void): void {
  server.handle((request) => {
    if (request.rawPath === path) setTimeout(abort, 50).unref();
    return { hang: true };
  });
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

describe('Mystore client: cancellation', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  test('a GET to a server that never answers is aborted at once when the signal fires', async () => {
    server.requests.length = 0;
    const controller = new AbortController();
    hangThenAbort(server, `${SHOP_PATH}/settings`, () => controller.abort());
    const client = testMystoreClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: () => controller.signal });
    const { result, ms } = await timed(client.transport.getJson('/settings', settingsSchema), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof MystoreCancelledError, `expected MystoreCancelledError, got ${String(error)}`);
    assert.ok(!(error instanceof MystoreNetworkError));
    assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the abort; the client timeout is ${CLIENT_TIMEOUT_MS} ms`);
    assert.equal(error.method, 'GET');
    assert.equal(error.outcomeUnknown, false, 'a read never leaves an unknown outcome');
    assert.equal(server.requests.length, 1);
  });

  test('a write aborted in flight is a MystoreCancelledError with outcomeUnknown, carrying the signal reason', async () => {
    server.requests.length = 0;
    const reason = new CancelledFailure('WORKER_SHUTDOWN');
    const controller = new AbortController();
    hangThenAbort(server, `${SHOP_PATH}/orders/1`, () => controller.abort(reason));
    const client = testMystoreClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: () => controller.signal });
    const { result, ms } = await timed(client.transport.send('PATCH', '/orders/1', WRITE_BODY), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof MystoreCancelledError);
    assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the abort`);
    assert.equal(error.method, 'PATCH');
    assert.equal(error.path, '/orders/1');
    assert.equal(error.outcomeUnknown, true, 'the write may have been saved');
    assert.equal(error.reason, reason);
    assert.match(error.message, /cancelled \(WORKER_SHUTDOWN\)/);
  });

  test('a POST aborted in flight also leaves its outcome unknown', async () => {
    server.requests.length = 0;
    const controller = new AbortController();
    hangThenAbort(server, `${SHOP_PATH}/webhooks`, () => controller.abort());
    const client = testMystoreClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: () => controller.signal });
    const { result, ms } = await timed(client.transport.send('POST', '/webhooks', { data: { type: 'webhooks' } }), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof MystoreCancelledError);
    assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the abort`);
    assert.equal(error.outcomeUnknown, true);
  });

  test('an already aborted signal sends nothing, so even a write has a known outcome', async () => {
    server.requests.length = 0;
    server.handle(() => jsonApi({ data: null }));
    const controller = new AbortController();
    controller.abort();
    const client = testMystoreClient(server, { abortSignal: () => controller.signal });
    await assert.rejects(client.transport.send('PATCH', '/orders/1', WRITE_BODY), (error: unknown) => {
      assert.ok(error instanceof MystoreCancelledError);
      assert.equal(error.outcomeUnknown, false);
      return true;
    });
    assert.equal(server.requests.length, 0);
  });

  test('the timeout is still a timeout when a signal is given but does not fire', async () => {
    server.handle(() => ({ hang: true }));
    const client = testMystoreClient(server, { timeoutMs: 200, abortSignal: () => new AbortController().signal });
    await assert.rejects(client.transport.getJson('/settings', settingsSchema), (error: unknown) => {
      assert.ok(error instanceof MystoreNetworkError);
      assert.equal(error.kind, 'timeout');
      return true;
    });
  });

  test('the signal is read per request: one cached client serves a cancelled call, then a live one', async () => {
    server.handle(() => ({ body: { default_language: 'no' } }));
    const cancelled = new AbortController();
    cancelled.abort();
    let current: AbortSignal | undefined = cancelled.signal;
    const client = testMystoreClient(server, { abortSignal: () => current });
    await assert.rejects(client.transport.getJson('/settings', settingsSchema), MystoreCancelledError);
    current = undefined;
    assert.deepEqual(await client.transport.getJson('/settings', settingsSchema), { default_language: 'no' });
  });

  test('a pacer wait is cut short by the abort, and nothing is sent', async () => {
    server.requests.length = 0;
    server.handle(() => ({ body: { default_language: 'no' } }));
    // Real clock and sleep; one call per 30 s, so the second call waits ~30 s for its slot.
    // (The pacer's own timer keeps running after the abort; unref'd so it does not hold the test run.)
    const pacer = new MystoreRateLimitPacer({ limit: 1, windowMs: 30_000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()) });
    const controller = new AbortController();
    const client = testMystoreClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, now: Date.now, pacer, abortSignal: () => controller.signal });
    await client.transport.getJson('/settings', settingsSchema);
    assert.ok(pacer.peek(client.transport.key) > 20_000, 'the next call would have to wait');
    setTimeout(() => controller.abort(), 100).unref();
    const { result, ms } = await timed(client.transport.send('PATCH', '/orders/1', WRITE_BODY), controller.signal);
    const error = rejection(result);
    assert.ok(error instanceof MystoreCancelledError);
    assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the abort; the pacer wanted ~30 s`);
    assert.equal(error.outcomeUnknown, false, 'aborted before sending');
    assert.equal(server.requests.length, 1, 'only the first call reached the server');
  });
});

describe('Mystore cancellation: Temporal mapping', () => {
  test('a MystoreCancelledError becomes a CancelledFailure with the SDK reason and the details', () => {
    const error = new MystoreCancelledError({ method: 'PATCH', path: '/orders/1', outcomeUnknown: true }, new CancelledFailure('CANCELLED'));
    const failure = toMystoreActivityFailure(error);
    assert.ok(failure instanceof CancelledFailure);
    assert.equal(failure.message, 'CANCELLED');
    const details = failure.details[0] as MystoreFailureDetails;
    assert.equal(details.outcomeUnknown, true);
    assert.equal(details.method, 'PATCH');
    assert.equal(details.kind, 'cancelled');
  });

  test('a CancelledFailure passes through; an AbortError becomes one; other errors map as before', () => {
    const sdk = new CancelledFailure('WORKER_SHUTDOWN');
    assert.equal(toMystoreActivityFailure(sdk), sdk);
    const abort = new Error('This operation was aborted');
    abort.name = 'AbortError';
    assert.ok(toMystoreActivityFailure(abort) instanceof CancelledFailure);
    const network = toMystoreActivityFailure(new MystoreNetworkError({ method: 'GET', path: '/x' }, 'network', 'ECONNRESET'));
    assert.ok(network instanceof ApplicationFailure);
    assert.equal(network.type, MystoreFailureType.Network);
  });

  test('toMystoreApplicationFailure, asked for an ApplicationFailure, makes a cancellation a retryable network failure', () => {
    const failure = toMystoreApplicationFailure(new MystoreCancelledError({ method: 'GET', path: '/settings' }, undefined));
    assert.equal(failure.type, MystoreFailureType.Network);
    assert.equal(failure.nonRetryable, false);
    assert.equal((failure.details?.[0] as MystoreFailureDetails).kind, 'cancelled');
  });

  test('wired as abortSignal: a worker shutdown aborts the call and the activity throws CancelledFailure', async () => {
    const server = await startMystoreTestServer();
    try {
      const env = new MockActivityEnvironment();
      hangThenAbort(server, `${SHOP_PATH}/orders/1`, () => env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true })));
      const client = testMystoreClient(server, { timeoutMs: CLIENT_TIMEOUT_MS, abortSignal: currentActivitySignal });
      const activity = env.run(() => withMystoreFailures(() => client.transport.send('PATCH', '/orders/1', WRITE_BODY)));
      const { result, ms } = await timed(activity, env.context.cancellationSignal);
      const failure = rejection(result);
      assert.ok(failure instanceof CancelledFailure, `expected CancelledFailure, got ${String(failure)}`);
      assert.equal(failure.message, 'WORKER_SHUTDOWN');
      assert.equal((failure.details[0] as MystoreFailureDetails).outcomeUnknown, true);
      assert.ok(ms < PROMPT_MS, `ended ${ms} ms after the cancel`);
    } finally {
      await server.close();
    }
  });
});
