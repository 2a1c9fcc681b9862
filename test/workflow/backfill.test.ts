/**
 * Backfills on a real Temporal dev server against both sandboxes over HTTP: 500 completed orders
 * in a range are each invoiced exactly once although the worker is stopped half-way and another
 * takes over; transfers in flight never exceed the bound; a second start attaches to the
 * running backfill; orders outside the range (or not completed) are not touched; the CLI's
 * `runBackfill --json` prints progress lines and a final summary, and Ctrl-C only stops watching.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { transferWorkflowId } from '../../common/ids';
import type { BackfillProgress } from '../../workflows';
import { backfillWorkflowId, runBackfill, startBackfill } from '../../client/commands/backfill-command';
import { createTestShop, registerTestShop, type TestShop } from '../support/transfer-fixture';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { uniqueTaskQueue, withWorker } from '../support/temporal';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

/** October 2026 in Oslo: [2026-10-01, 2026-11-01). */
const FROM = '2026-10-01';
const TO = '2026-11-01';
const IN_RANGE = { startAt: '2026-10-02T00:00:00Z', endAt: '2026-10-30T00:00:00Z' };
const BEFORE = { startAt: '2026-09-01T00:00:00Z', endAt: '2026-09-29T00:00:00Z' };
const AFTER = { startAt: '2026-11-02T00:00:00Z', endAt: '2026-11-25T00:00:00Z' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Invoices (not credit notes) per order reference. */
function invoicesByOrder(shop: TestShop): Map<string, number> {
  const counts = new Map<string, number>();
  const prefix = `mystore:${shop.shopId}:`;
  for (const invoice of tripletex.sandbox.admin.listInvoices(shop.companyId)) {
    if (invoice.isCreditNote || !invoice.reference?.startsWith(prefix)) continue;
    const orderId = invoice.reference.slice(prefix.length);
    counts.set(orderId, (counts.get(orderId) ?? 0) + 1);
  }
  return counts;
}

async function assertUntouched(client: Client, shop: TestShop, orderIds: string[]): Promise<void> {
  const invoices = invoicesByOrder(shop);
  for (const orderId of orderIds) {
    assert.equal(invoices.get(orderId) ?? 0, 0, `order ${orderId} outside the range was invoiced`);
    assert.equal(mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.invoice_number ?? null, null);
    await assert.rejects(client.workflow.getHandle(transferWorkflowId(shop.shopId, orderId)).describe(), WorkflowNotFoundError, `order ${orderId} outside the range got a transfer`);
  }
}

const progressOf = (client: Client, workflowId: string) => client.workflow.getHandle(workflowId).query<BackfillProgress>('progress');

describe('backfill', () => {
  test('500 completed orders: each invoiced exactly once across a worker stopped half-way and a new one; in flight never above the bound; a second start attaches; nothing outside the range touched', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const inRange = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 500, status: 'completed', seed: 6001, ...IN_RANGE });
    const notCompleted = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 15, status: 'new', seed: 6002, ...IN_RANGE });
    const outside = [
      ...mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 10, status: 'completed', seed: 6003, ...BEFORE }),
      ...mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 10, status: 'completed', seed: 6004, ...AFTER }),
    ];
    const concurrency = 20;
    const taskQueue = uniqueTaskQueue('backfill-restart');
    const workflowId = backfillWorkflowId(shop.shopId, FROM, TO);
    let maxInFlight = 0;
    const watch = (progress: BackfillProgress) => {
      assert.ok(progress.inFlight <= concurrency, `${progress.inFlight} transfers in flight, more than ${concurrency}`);
      maxInFlight = Math.max(maxInFlight, progress.inFlight);
    };

    const firstWorker = Date.now();
    let transferredAtStop = 0;
    await withWorker(env, async ({ client }) => {
      await registerTestShop(client, taskQueue, shop);
      // A small history limit, so that the backfill also continues as new on the way.
      const input = { shopId: shop.shopId, from: FROM, to: TO, concurrency, pollIntervalMs: 500, historyLimit: 400 };
      const first = await startBackfill(client, taskQueue, input);
      assert.deepEqual(first, { workflowId, attached: false });
      const second = await startBackfill(client, taskQueue, input);
      assert.deepEqual(second, { workflowId, attached: true }, 'a second start with the same range attaches');
      for (let i = 0; i < 600; i++) {
        const progress = await progressOf(client, workflowId);
        watch(progress);
        if (progress.transferred >= 100) {
          transferredAtStop = progress.transferred;
          break;
        }
        await sleep(100);
      }
    }, { taskQueue });
    assert.ok(transferredAtStop >= 100 && transferredAtStop < 500, `stopped with ${transferredAtStop} transferred: some but not all`);
    const firstMs = Date.now() - firstWorker;

    const secondWorker = Date.now();
    const summary = await withWorker(env, async ({ client }) => {
      const handle = client.workflow.getHandle(workflowId);
      const result = handle.result() as Promise<BackfillProgress>;
      let done = false;
      void result.finally(() => { done = true; });
      while (!done) {
        watch(await progressOf(client, workflowId));
        await sleep(100);
      }
      await assertUntouched(client, shop, [...outside, ...notCompleted]);
      return result;
    }, { taskQueue });
    const secondMs = Date.now() - secondWorker;
    console.log(`backfill of 500: first worker ${firstMs} ms (${transferredAtStop} transferred), second worker ${secondMs} ms, ${summary.runs} runs, max in flight ${maxInFlight}`);

    assert.equal(summary.done, true);
    assert.equal(summary.found, 500);
    assert.equal(summary.skipped, notCompleted.length, 'orders in the range that are not completed are skipped');
    assert.equal(summary.started, 500);
    assert.equal(summary.transferred, 500, JSON.stringify(summary.parkedByReason));
    assert.equal(summary.parked, 0);
    assert.equal(summary.failed, 0);
    assert.equal(summary.inFlight, 0);
    assert.ok(summary.runs >= 2, `the backfill continued as new (${summary.runs} run(s))`);
    assert.ok(maxInFlight > 1 && maxInFlight <= concurrency, `max in flight ${maxInFlight}`);

    const invoices = invoicesByOrder(shop);
    for (const orderId of inRange) assert.equal(invoices.get(orderId) ?? 0, 1, `order ${orderId}: exactly one invoice`);
    assert.equal([...invoices.values()].reduce((sum, count) => sum + count, 0), 500, 'no other invoice');
  });

  test('runBackfill --json prints a progress line per change and a final summary; Ctrl-C stops watching, not the backfill; the same command attaches', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 30, status: 'completed', seed: 6101, ...IN_RANGE });
    const outside = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 5, status: 'completed', seed: 6102, ...AFTER });
    // Slow invoices, so that the backfill is still running when the second command attaches.
    tripletex.sandbox.admin.setFaults({ slow: 1, slowDelayMs: 300, methods: ['POST'], paths: ['/invoice'] });
    try {
      await withWorker(env, async ({ client, taskQueue, config }) => {
        await registerTestShop(client, taskQueue, shop);
        const options = { shop: shop.shopId, from: FROM, to: TO, concurrency: 3, json: true };

        await assert.rejects(runBackfill(config, { ...options, from: TO, to: FROM }, { stream: capture().stream }), /--from must be before --to/);
        await assert.rejects(runBackfill(config, { ...options, to: '2026-02-30' }, { stream: capture().stream }), /not a calendar date/);

        // Watch until the first progress line, then "Ctrl-C".
        const stop = new AbortController();
        const first = capture(() => stop.abort());
        const stopped = await runBackfill(config, options, { stream: first.stream, stopWatching: stop.signal, pollMs: 200 });
        assert.equal(stopped.outcome, 'stopped-watching');
        assert.equal(stopped.attached, false);
        const firstLines = first.lines();
        assert.equal(firstLines.at(-1)!.type, 'stopped-watching');
        assert.match(String(firstLines.at(-1)!.message), /goes on in Temporal/);
        assert.equal((await client.workflow.getHandle(stopped.workflowId).describe()).status.name, 'RUNNING', 'the backfill goes on');

        const second = capture();
        const finished = await runBackfill(config, options, { stream: second.stream, pollMs: 200 });
        assert.equal(finished.outcome, 'finished');
        assert.equal(finished.attached, true, 'the same command attaches to the running backfill');
        assert.equal(finished.workflowId, stopped.workflowId);
        const lines = second.lines();
        const progressLines = lines.filter((line) => line.type === 'progress');
        assert.ok(progressLines.length >= 2, `${progressLines.length} progress line(s)`);
        for (const line of progressLines) assert.ok(Number(line.inFlight) <= 3, `in flight ${String(line.inFlight)}`);
        const key = (line: Record<string, unknown>) => JSON.stringify([line.found, line.started, line.transferred, line.parked, line.failed, line.inFlight, line.listingDone, line.done]);
        for (let i = 1; i < progressLines.length; i++) assert.notEqual(key(progressLines[i]!), key(progressLines[i - 1]!), 'a line only when something changed');
        const summary = lines.at(-1)!;
        assert.equal(summary.type, 'summary');
        assert.equal(lines.filter((line) => line.type === 'summary').length, 1);
        assert.equal(summary.done, true);
        assert.equal(summary.found, 30);
        assert.equal(summary.transferred, 30);
        assert.equal(summary.parked, 0);
        assert.equal(summary.failed, 0);
        const invoices = invoicesByOrder(shop);
        for (const orderId of orderIds) assert.equal(invoices.get(orderId) ?? 0, 1, `order ${orderId}`);
        await assertUntouched(client, shop, outside);
      });
    } finally {
      tripletex.sandbox.admin.setFaults({});
    }
  });
});

/** A stream that keeps what is written, as JSON lines; `onLine` runs after each line. */
function capture(onLine?: () => void) {
  let text = '';
  const stream = {
    isTTY: false,
    write(chunk: string | Uint8Array) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      onLine?.();
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return {
    stream,
    lines: () => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
