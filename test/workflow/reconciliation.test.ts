/**
 * Scheduled reconciliation on a real Temporal dev server against both sandboxes: a completed
 * order whose webhook was lost is found and transferred once, however often reconciliation runs;
 * an invoice deleted in Tripletex, a duplicate made there by hand and an amount changed there are
 * each reported with order, invoice(s) and amounts, from one Tripletex search; parked transfers
 * are counted by reason; the shop's Schedule has its interval and SKIP, pauses and goes away;
 * a window-limited run looks at that window only, page by page.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { createActivityDeps } from '../../worker/create-worker';
import { compareInvoices, createReconciliationActivities, invoiceDateRanges } from '../../activities/reconciliation-activities';
import type { TripletexInvoice } from '../../activities/tripletex';
import { emptyReconciliationReport } from '../../workflows/reconciliation-workflow';
import { shopWorkflowId, transferWorkflowId } from '../../common/ids';
import {
  deleteReconciliationSchedule, pauseReconciliationSchedule, reconciliationScheduleHandle, unpauseReconciliationSchedule,
} from '../../common/reconciliation-schedule';
import { startOrSignalTransfer, transferStatus } from '../../common/transfers';
import { ShopIdKey } from '../../common/search-attributes';
import { formatReconciliationReport } from '../../client/commands/reconcile-command';
import type { PaymentModuleCode } from '../../sandbox/mystore/order-spec';
import type { ReconcileShopInput, ReconciliationReport, ShopRecord, TransferState } from '../../workflows';
import { createTestShop, registerTestShop, waitForTransferStatus, type TestShop } from '../support/transfer-fixture';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { testLogger, withWorker } from '../support/temporal';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms);

function reconcile(client: Client, taskQueue: string, input: ReconcileShopInput): Promise<ReconciliationReport> {
  return client.workflow.execute('reconcileShop', { workflowId: `reconcile-${input.shopId}-test-${randomUUID()}`, taskQueue, args: [input] });
}

function invoicesFor(shop: TestShop, orderId: string) {
  return tripletex.sandbox.admin.listInvoices(shop.companyId).filter((invoice) => invoice.reference === `mystore:${shop.shopId}:${orderId}` && !invoice.isCreditNote);
}

const sorted = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));

async function settled(client: Client, shop: TestShop, orderId: string): Promise<TransferState> {
  for (let i = 0; i < 300; i++) {
    const state = await transferStatus(client, shop.shopId, orderId).catch(() => undefined);
    if (state && state.status !== 'Transferring') return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`transfer of order ${orderId} never settled`);
}

describe('reconciliation', () => {
  test('a completed order whose webhook was lost is found and transferred, once, however often reconciliation runs', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const completed = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 3, status: 'completed', seed: 42, startAt: ago(50 * 60_000), endAt: ago(10 * 60_000) });
    const [notCompleted] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'new', seed: 43, startAt: ago(50 * 60_000), endAt: ago(10 * 60_000) });
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      const first = await reconcile(client, taskQueue, { shopId: shop.shopId });
      assert.deepEqual(sorted(first.startedNow), sorted(completed));
      assert.equal(first.ordersSeen, 4);
      assert.equal(first.completed, 3);
      assert.ok(!first.startedNow.includes(notCompleted!), 'an order that is not completed is left alone');
      for (const orderId of completed) await waitForTransferStatus(client, shop.shopId, orderId, 'Invoiced');
      const runIds = await Promise.all(completed.map(async (orderId) => (await client.workflow.getHandle(transferWorkflowId(shop.shopId, orderId)).describe()).runId));

      const record = await client.workflow.getHandle(shopWorkflowId(shop.shopId)).query<ShopRecord>('shopRecord');
      assert.equal(record.reconciliationWatermark?.upTo, first.window.to, 'the watermark is the end of the run');

      const second = await reconcile(client, taskQueue, { shopId: shop.shopId });
      assert.deepEqual(second.startedNow, [], 'nothing started twice');
      assert.equal(second.transferred, 3);
      assert.equal(second.window.from, new Date(Date.parse(first.window.to) - 2 * HOUR).toISOString(), 'the next window starts at the watermark minus the overlap');
      assert.deepEqual([second.missingInvoices, second.duplicates, second.amountMismatches], [[], [], []]);
      // Two runs racing (a manual one beside the scheduled one) still start nothing twice.
      await Promise.all([reconcile(client, taskQueue, { shopId: shop.shopId }), reconcile(client, taskQueue, { shopId: shop.shopId })]);
      for (const [index, orderId] of completed.entries()) {
        assert.equal(invoicesFor(shop, orderId).length, 1, `order ${orderId} has one invoice`);
        assert.equal((await client.workflow.getHandle(transferWorkflowId(shop.shopId, orderId)).describe()).runId, runIds[index], 'the same transfer run');
      }
      await assert.rejects(transferStatus(client, shop.shopId, notCompleted!), 'no transfer for the order that is not completed');
    });
  });

  test('an invoice deleted in Tripletex, a duplicate made there by hand and an amount changed there are reported with order, invoices and amounts', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    // Prepaid orders only: their invoices are not sent, so Tripletex lets one be deleted.
    const orderIds = [1, 2, 3, 4].map((n) => mystore.sandbox.admin.createOrder(shop.mystoreShop, {
      status: 'completed', paymentModule: 'klarna', createdAt: ago(30 * 60_000),
      customer: { kind: 'private', key: `c${n}`, firstname: 'Ola', lastname: `Kunde${n}`, email: `ola${n}@example.no`, phone: '+47 900 00 00' + n, street: 'Storgata 1', postcode: '0155', city: 'Oslo' },
      lines: [{ name: 'Skjerf', quantity: n, priceInclVat: 199, taxRate: 25 }],
    }).id);
    const [deleted, doubled, changed, fine] = orderIds as [string, string, string, string];
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      await Promise.all(orderIds.map((orderId) => startOrSignalTransfer(client, taskQueue, shop.shopId, orderId)));
      const states = new Map<string, TransferState>();
      for (const orderId of orderIds) states.set(orderId, await waitForTransferStatus(client, shop.shopId, orderId, 'Invoiced'));

      const admin = tripletex.sandbox.admin;
      const deletedInvoice = admin.deleteInvoice(shop.companyId, invoicesFor(shop, deleted)[0]!.id);
      const original = invoicesFor(shop, doubled)[0]!;
      const manual = admin.createInvoiceManually(shop.companyId, {
        customerId: original.customerId, invoiceDate: original.invoiceDate, reference: `mystore:${shop.shopId}:${doubled}`,
        lines: [{ description: 'Skjerf', count: 2, unitPrice: 199, vatTypeId: 3 }],
      });
      const changedInvoice = invoicesFor(shop, changed)[0]!;
      admin.changeInvoiceAmount(shop.companyId, changedInvoice.id, changedInvoice.amountOre + 10_000);
      assert.throws(() => admin.changeInvoiceAmount(shop.companyId, 999_999_999, 1), /no invoice/);

      const report = await reconcile(client, taskQueue, { shopId: shop.shopId, from: ago(2 * HOUR).toISOString(), to: new Date().toISOString() });
      assert.equal(report.transferred, 4);
      assert.deepEqual(report.missingInvoices, [{
        orderId: deleted,
        expected: { orderId: deleted, invoiceId: deletedInvoice.id, invoiceNumber: deletedInvoice.invoiceNumber, invoiceDate: deletedInvoice.invoiceDate, amount: states.get(deleted)!.tripletex.amount! },
        others: [],
      }]);
      assert.equal(report.duplicates.length, 1);
      assert.equal(report.duplicates[0]!.orderId, doubled);
      assert.deepEqual(report.duplicates[0]!.invoices.map((invoice) => [invoice.invoiceId, invoice.invoiceNumber, invoice.amount]), [
        [original.id, original.invoiceNumber, original.amountOre],
        [manual.id, manual.invoiceNumber, manual.amountOre],
      ]);
      assert.deepEqual(report.amountMismatches, [{
        orderId: changed, invoiceId: changedInvoice.id, invoiceNumber: changedInvoice.invoiceNumber,
        expectedAmount: changedInvoice.amountOre, actualAmount: changedInvoice.amountOre + 10_000,
      }]);
      assert.ok(![...report.missingInvoices.map((m) => m.orderId), ...report.duplicates.map((d) => d.orderId), ...report.amountMismatches.map((m) => m.orderId)].includes(fine));
      assert.equal(report.calls.tripletexSearches, 1, 'one Tripletex search for the whole window');
      assert.equal(report.calls.mystorePages, 1);

      const text = formatReconciliationReport(report);
      assert.match(text, new RegExp(`MISSING: order ${deleted}'s invoice ${deletedInvoice.invoiceNumber}`));
      assert.match(text, new RegExp(`DOUBLED: order ${doubled} has 2 invoices`));
      assert.match(text, new RegExp(`DIFFERENT: order ${changed}'s invoice ${changedInvoice.invoiceNumber}`));
    });
  });

  test('parked transfers are counted by reason, and retried when asked', async () => {
    // No mapping for cash on delivery, and no 15 % VAT code: two kinds of parking, and one order that goes through.
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox, { activeVatCodes: ['3', '33', '5', '6'] });
    const { cod: _cod, ...mapped } = shop.settings.paymentMethods;
    shop.settings = { ...shop.settings, paymentMethods: mapped };
    const order = (n: number, paymentModule: PaymentModuleCode, taxRate: number) => mystore.sandbox.admin.createOrder(shop.mystoreShop, {
      status: 'completed', paymentModule, createdAt: ago(30 * 60_000),
      customer: { kind: 'private', key: `p${n}`, firstname: 'Kari', lastname: `Kunde${n}`, email: `kari${n}@example.no`, phone: '+47 900 00 10' + n, street: 'Storgata 2', postcode: '0155', city: 'Oslo' },
      lines: [{ name: 'Kaffe', quantity: 1, priceInclVat: 99, taxRate }],
    }).id;
    const unmapped = [order(1, 'cod', 25), order(2, 'cod', 25)];
    const inactiveVat = [order(3, 'klarna', 15)];
    const fine = order(4, 'klarna', 25);
    const orderIds = [...unmapped, ...inactiveVat, fine];
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      const first = await reconcile(client, taskQueue, { shopId: shop.shopId });
      assert.deepEqual(sorted(first.startedNow), sorted(orderIds));
      const expected: Record<string, string[]> = { 'unmapped-payment-method': unmapped, TransferVatCodeInactive: inactiveVat };
      for (const orderId of orderIds) await settled(client, shop, orderId);
      assert.equal((await transferStatus(client, shop.shopId, fine)).status, 'Invoiced');
      const second = await reconcile(client, taskQueue, { shopId: shop.shopId, retryParked: true });
      const normalise = (byKind: Record<string, string[]>) => Object.fromEntries(Object.entries(byKind).map(([kind, ids]) => [kind, sorted(ids)]).sort());
      assert.deepEqual(normalise(second.parked), normalise(expected));
      assert.deepEqual(sorted(second.retried), sorted(Object.values(expected).flat()));
      const handle = client.workflow.getHandle(transferWorkflowId(shop.shopId, Object.values(expected)[0]![0]!));
      for (let i = 0; i < 50; i++) {
        const state = await handle.query<TransferState>('status');
        if (state.steps.includes('Retry requested.')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok((await handle.query<TransferState>('status')).steps.includes('Retry requested.'), 'the parked transfer got retry');
      assert.match(formatReconciliationReport(second), /need attention \(unmapped-payment-method\)/);
    });
  });

  test('the shop\'s Schedule runs every reconciliationIntervalMinutes with SKIP, can be paused, unpaused and deleted', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    shop.settings = { ...shop.settings, reconciliationIntervalMinutes: 15 };
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      const activities = createReconciliationActivities(createActivityDeps(config, testLogger(), client, taskQueue));
      const created = await activities.ensureShopReconciliationSchedule({ shopId: shop.shopId });
      assert.deepEqual(created, { scheduleId: `reconcile-${shop.shopId}`, outcome: 'created', intervalMinutes: 15 });
      const handle = reconciliationScheduleHandle(client, shop.shopId);
      const described = await handle.describe();
      assert.equal(described.spec.intervals?.[0]?.every, 15 * 60 * 1000);
      assert.equal(described.policies.overlap, 'SKIP');
      assert.equal(described.policies.catchupWindow, HOUR);
      assert.equal(described.action.workflowType, 'reconcileShop');
      assert.equal(described.action.taskQueue, taskQueue);
      assert.deepEqual(described.action.args, [{ shopId: shop.shopId }]);
      const actionAttributes = described.action.typedSearchAttributes;
      assert.ok(actionAttributes && !Array.isArray(actionAttributes));
      assert.equal(actionAttributes.get(ShopIdKey), shop.shopId, 'scheduled runs carry the ShopId search attribute');
      const record = await client.workflow.getHandle(shopWorkflowId(shop.shopId)).query<ShopRecord>('shopRecord');
      assert.ok(record.reconciliationWatermark?.since, 'the go-live instant is recorded as the start of full passes');

      await pauseReconciliationSchedule(client, shop.shopId);
      assert.equal((await handle.describe()).state.paused, true);
      // A second ensure (a retried go-live) updates the interval and keeps it paused.
      const again = await activities.ensureShopReconciliationSchedule({ shopId: shop.shopId, intervalMinutes: 30 });
      assert.equal(again.outcome, 'updated');
      const updated = await handle.describe();
      assert.equal(updated.spec.intervals?.[0]?.every, 30 * 60 * 1000);
      assert.equal(updated.state.paused, true);
      await unpauseReconciliationSchedule(client, shop.shopId);
      assert.equal((await handle.describe()).state.paused, false);

      // A scheduled run: a reconcileShop workflow with the shop's search attribute.
      await handle.trigger();
      let scheduledRun: string | undefined;
      for (let i = 0; i < 100 && !scheduledRun; i++) {
        scheduledRun = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!scheduledRun) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(scheduledRun?.startsWith(`reconcile-${shop.shopId}-`), `a run was started: ${scheduledRun}`);
      const report = await client.workflow.getHandle<() => Promise<ReconciliationReport>>(scheduledRun!).result();
      assert.equal(report.shopId, shop.shopId);
      assert.equal(report.finished, true);
      const run = await client.workflow.getHandle(scheduledRun!).describe();
      assert.equal(run.typedSearchAttributes.get(ShopIdKey), shop.shopId);

      assert.deepEqual(await activities.deleteShopReconciliationSchedule({ shopId: shop.shopId }), { deleted: true });
      await assert.rejects(handle.describe(), ScheduleNotFoundError);
      assert.equal(await deleteReconciliationSchedule(client, shop.shopId), false, 'deleting again is harmless');
    });
  });

  test('a window-limited run looks only at that window, one page per call, and leaves the watermark alone', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const older = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 3, status: 'completed', seed: 501, startAt: ago(10 * DAY), endAt: ago(10 * DAY - HOUR) });
    const newer = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 2, status: 'completed', seed: 502, startAt: ago(5 * DAY), endAt: ago(5 * DAY - HOUR) });
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      const handle = await client.workflow.start('reconcileShop', {
        workflowId: `reconcile-${shop.shopId}-window-${randomUUID()}`,
        taskQueue,
        args: [{ shopId: shop.shopId, from: ago(11 * DAY).toISOString(), to: ago(8 * DAY).toISOString(), pageSize: 1 } satisfies ReconcileShopInput],
      });
      const report = await handle.result() as ReconciliationReport;
      assert.equal(report.ordersSeen, 3);
      assert.deepEqual(sorted(report.startedNow), sorted(older));
      assert.ok(report.calls.mystorePages > 3, `pages of one order: the window was split (${report.calls.mystorePages} calls)`);
      assert.deepEqual((await handle.query<ReconciliationReport>('report')).startedNow, report.startedNow, 'the report query');
      for (const orderId of newer) await assert.rejects(transferStatus(client, shop.shopId, orderId), `order ${orderId} is outside the window`);
      const record = await client.workflow.getHandle(shopWorkflowId(shop.shopId)).query<ShopRecord>('shopRecord');
      assert.equal(record.reconciliationWatermark?.upTo, undefined, 'an explicit window does not move the watermark');
    });
  });

  test('a run continued as new goes on from what it carries: the slices left and the report so far', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 2, status: 'completed', seed: 601, startAt: ago(3 * DAY), endAt: ago(3 * DAY - HOUR) });
    const statuses = mystore.sandbox.admin.getShop(shop.mystoreShop).statuses;
    const window = { from: ago(4 * DAY).toISOString(), to: ago(2 * DAY).toISOString() };
    const report = { ...emptyReconciliationReport(shop.shopId, window, false), ordersSeen: 7, completed: 5, startedNow: ['earlier-order'] };
    report.calls.mystorePages = 3;
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      const result = await reconcile(client, taskQueue, {
        shopId: shop.shopId,
        carry: {
          report, slices: [[window.from, window.to]], pendingInvoices: [], movesWatermark: false, fullPass: false,
          completedStatusIds: statuses.filter((status) => status.tag === 'completed').map((status) => status.id),
          cancelledStatusIds: statuses.filter((status) => status.tag === 'cancelled').map((status) => status.id),
        },
      });
      assert.equal(result.ordersSeen, 9);
      assert.equal(result.completed, 7);
      assert.deepEqual(result.startedNow, ['earlier-order', ...sorted(orderIds)]);
      assert.equal(result.calls.mystorePages, 4);
      assert.deepEqual(result.window, window);
    });
  });
});

describe('reconciliation: comparing invoices', () => {
  test('close invoice dates share one search; far ones get their own', () => {
    assert.deepEqual(invoiceDateRanges(['2026-12-03', '2026-12-01', '2026-12-03', '2026-12-06', '2027-02-01']), [['2026-12-01', '2026-12-06'], ['2027-02-01', '2027-02-01']]);
    assert.deepEqual(invoiceDateRanges([]), []);
  });

  test('missing, doubled and different invoices are found by reference; credit notes do not count', () => {
    const invoice = (id: number, reference: string, amount: number, isCreditNote = false) => ({
      id, invoiceNumber: id + 1000, invoiceDate: '2026-12-01', amount, isCreditNote, orders: [{ id: id + 50, reference }],
    }) as unknown as TripletexInvoice;
    const expected = (orderId: string, invoiceId: number, amount: number) => ({ orderId, invoiceId, invoiceNumber: invoiceId + 1000, invoiceDate: '2026-12-01', amount });
    const outcome = compareInvoices('s', [expected('1', 1, 10_000), expected('2', 2, 20_000), expected('3', 3, 30_000), expected('4', 4, 40_000)], [
      invoice(2, 'mystore:s:2', 200), invoice(9, 'mystore:s:2', 200),
      invoice(3, 'mystore:s:3', 300.5),
      invoice(4, 'mystore:s:4', 400), invoice(5, 'mystore:s:4', -400, true),
      invoice(6, 'mystore:other:1', 100),
    ]);
    assert.deepEqual(outcome.missing.map((missing) => missing.orderId), ['1']);
    assert.deepEqual(outcome.duplicates.map((duplicate) => [duplicate.orderId, duplicate.invoices.map((found) => found.invoiceId)]), [['2', [2, 9]]]);
    assert.deepEqual(outcome.amountMismatches, [{ orderId: '3', invoiceId: 3, invoiceNumber: 1003, expectedAmount: 30_000, actualAmount: 30_050 }]);
  });
});
