/**
 * Invoice numbering modes on a real Temporal dev server against both sandboxes: Tripletex's own
 * numbers (the default) and the shop's own numbers, end to end; a shop number already taken by
 * an invoice typed in by hand parks the transfer with its reason (no loop) and reconciliation
 * reports it, until the operator lets Tripletex number that one invoice; reconciliation warns
 * when Tripletex's own series comes close to the shop's, from below or from above, before they
 * meet; switching a live shop's mode is refused while transfers are in flight, and to the shop's
 * numbers only with a series start clear of them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { shopWorkflowId, transferWorkflowId } from '../../common/ids';
import { retryTransfer, startOrSignalTransfer } from '../../common/transfers';
import type { ShopNumbering } from '../../domain/shop-numbering';
import type { ChangeNumberingOutcome, ReconciliationReport, ShopRecord } from '../../workflows';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { createTestShop, registerTestShop, waitForTransferStatus, type TestShop } from '../support/transfer-fixture';
import { withWorker } from '../support/temporal';
import { osloDate } from '../../domain/calendar';
import { recordHistoryIfAsked } from '../support/record-history';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };
const admin = tripletex.sandbox.admin;

const SHOP_NUMBERS: ShopNumbering = { mode: 'shop', tripletexSeriesStart: 50_000, shopSeriesFrom: 6000, shopNumbersPerYear: 2000 };

function shopInMode(numbering?: ShopNumbering, nextInvoiceNumber?: number): TestShop {
  const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
  if (numbering) shop.settings = { ...shop.settings, invoiceNumbering: numbering };
  if (nextInvoiceNumber !== undefined) admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber });
  return shop;
}

// The day in Oslo, as the transfers date their invoices (a UTC date is yesterday's from 23:00 or 22:00 UTC).
const today = () => osloDate(new Date());
const invoicesOf = (shop: TestShop) => admin.listInvoices(shop.companyId);
const invoicesFor = (shop: TestShop, orderId: string) => invoicesOf(shop).filter((invoice) => invoice.reference === `mystore:${shop.shopId}:${orderId}` && !invoice.isCreditNote);

/** An invoice typed into Tripletex's screens: it takes the company's counter, here set to `number` first. */
function handMadeInvoice(shop: TestShop, number: number) {
  admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber: number });
  const customer = admin.listCustomers(shop.companyId)[0];
  assert.ok(customer, 'a customer exists to invoice by hand');
  return admin.createInvoiceManually(shop.companyId, { customerId: customer.id, invoiceDate: today(), lines: [{ description: 'Konsulenttime', unitPrice: 1250 }] });
}

function completedOrders(shop: TestShop, count: number, seed: number): string[] {
  return mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count, status: 'completed', seed, startAt: new Date(Date.now() - 50 * 60_000), endAt: new Date(Date.now() - 10 * 60_000) });
}

async function invoice(client: Client, taskQueue: string, shop: TestShop, orderIds: string[]) {
  for (const orderId of orderIds) await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId);
  return Promise.all(orderIds.map((orderId) => waitForTransferStatus(client, shop.shopId, orderId, 'Invoiced')));
}

async function reconcile(client: Client, taskQueue: string, shopId: string, record?: { config: Parameters<typeof recordHistoryIfAsked>[0]; name: string }): Promise<ReconciliationReport> {
  const workflowId = `reconcile-${shopId}-test-${randomUUID()}`;
  const report = await client.workflow.execute<(input: { shopId: string }) => Promise<ReconciliationReport>>('reconcileShop', { workflowId, taskQueue, args: [{ shopId }] });
  if (record) recordHistoryIfAsked(record.config, workflowId, record.name);
  return report;
}

function changeNumbering(client: Client, taskQueue: string, input: { shopId: string; mode: 'tripletex' | 'shop'; tripletexSeriesStart?: number }): Promise<ChangeNumberingOutcome> {
  return client.workflow.execute('changeNumberingMode', { workflowId: `numbering-${input.shopId}-${randomUUID()}`, taskQueue, args: [input] });
}

describe('invoice numbering modes', () => {
  test('tripletex mode (the default): Tripletex numbers each invoice from its series and the number is written back to Mystore', async () => {
    const shop = shopInMode(undefined, 50_000);
    const orders = completedOrders(shop, 2, 801);
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      const states = await invoice(client, taskQueue, shop, orders);
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, orders[0]!), 'transfer-invoiced-local-steps');
      assert.deepEqual(states.map((state) => state.tripletex.invoiceNumber).sort(), [50_000, 50_001]);
      for (const [index, orderId] of orders.entries()) {
        assert.equal(mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.invoice_number, String(states[index]!.tripletex.invoiceNumber));
      }
      assert.equal(admin.getCompany(shop.companyId).nextInvoiceNumber, 50_002);
    });
  });

  test('shop mode: each invoice carries the order\'s own number; Tripletex\'s counter stays where it is, and a cancellation\'s credit note takes it', async () => {
    const shop = shopInMode(SHOP_NUMBERS, 50_000);
    const orders = completedOrders(shop, 3, 802);
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      const states = await invoice(client, taskQueue, shop, orders);
      for (const [index, orderId] of orders.entries()) {
        assert.equal(states[index]!.tripletex.invoiceNumber, Number(orderId), 'the invoice number is the order\'s own');
        assert.deepEqual(invoicesFor(shop, orderId).map((found) => found.invoiceNumber), [Number(orderId)]);
        assert.equal(mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.invoice_number, orderId, 'Mystore holds the same number');
      }
      assert.equal(admin.getCompany(shop.companyId).nextInvoiceNumber, 50_000, 'explicit numbers do not move Tripletex\'s counter');

      const cancelled = mystore.sandbox.admin.getShop(shop.mystoreShop).statuses.find((status) => status.tag === 'cancelled')!;
      mystore.sandbox.admin.setOrderStatus(shop.mystoreShop, orders[0]!, cancelled.id);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, orders[0]!);
      const credited = await waitForTransferStatus(client, shop.shopId, orders[0]!, 'Credited');
      assert.equal(credited.credits[0]!.tripletexInvoiceNumber, 50_000, 'a full credit note is numbered by Tripletex, in its own series');

      const report = await reconcile(client, taskQueue, shop.shopId);
      assert.deepEqual([report.missingInvoices, report.duplicates, report.amountMismatches], [[], [], []]);
      assert.equal(report.invoiceNumbers?.status, 'ok', JSON.stringify(report.invoiceNumbers));
      assert.equal(report.invoiceNumbers?.approaching, 'shop');
    });
  });

  test('shop mode: a number taken by an invoice typed in by hand parks the transfer with its reason, without looping; reconciliation reports it; Tripletex may number that one', async () => {
    const shop = shopInMode(SHOP_NUMBERS, 50_000);
    const [first, second] = completedOrders(shop, 2, 803);
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      await invoice(client, taskQueue, shop, [first!]);
      // Someone types an invoice into Tripletex whose number is the next order's own.
      const manual = handMadeInvoice(shop, Number(second));
      admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber: 50_000 });

      await startOrSignalTransfer(client, taskQueue, shop.shopId, second!);
      const parked = await waitForTransferStatus(client, shop.shopId, second!, 'NeedsAttention');
      assert.equal(parked.problem?.kind, 'TransferInvoiceNumberTaken');
      assert.match(parked.problem!.message, new RegExp(`Invoice number ${second}\\b.* already taken in Tripletex .*Tripletex id ${manual.id}\\)`));
      assert.match(parked.problem!.message, /--tripletex-number/);
      assert.deepEqual(invoicesFor(shop, second!), [], 'no second invoice with that number, nor any other');

      // Parked means parked: no request goes to Tripletex while it waits.
      const requestsWhileParked = tripletex.sandbox.requestCount();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(tripletex.sandbox.requestCount(), requestsWhileParked);
      const history = await client.workflow.getHandle(transferWorkflowId(shop.shopId, second!)).fetchHistory();
      const createAttempts = history.events!.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'createTripletexInvoice').length;
      assert.equal(createAttempts, 1, 'the refused create is not scheduled again');

      const report = await reconcile(client, taskQueue, shop.shopId);
      assert.deepEqual(report.parked.TransferInvoiceNumberTaken, [second]);

      // A plain retry meets the same number and parks again, with the same reason.
      await retryTransfer(client, shop.shopId, second!);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = await waitForTransferStatus(client, shop.shopId, second!, 'NeedsAttention');
      assert.equal(again.problem?.kind, 'TransferInvoiceNumberTaken');

      await retryTransfer(client, shop.shopId, second!, { tripletexNumber: true });
      const invoiced = await waitForTransferStatus(client, shop.shopId, second!, 'Invoiced');
      assert.equal(invoiced.tripletex.invoiceNumber, 50_000, 'numbered from Tripletex\'s own series');
      const numbers = invoicesOf(shop).map((found) => found.invoiceNumber);
      assert.equal(new Set(numbers).size, numbers.length, 'no two invoices share a number');
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, second!), 'transfer-shop-number-taken-local-steps');
    });
  });

  test('reconciliation warns before Tripletex\'s own series, growing from below, reaches the shop\'s numbers', async () => {
    const shop = shopInMode(SHOP_NUMBERS, 50_000);
    const orders = completedOrders(shop, 2, 804);
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      await invoice(client, taskQueue, shop, orders);
      const quiet = await reconcile(client, taskQueue, shop.shopId);
      assert.equal(quiet.invoiceNumbers?.status, 'ok');
      assert.ok(!quiet.warnings.some((warning) => warning.startsWith('Invoice numbers')), quiet.warnings.join('\n'));

      // Tripletex's counter was put back below the shop's series: its own invoices climb towards 6000.
      handMadeInvoice(shop, 5600);
      handMadeInvoice(shop, 5601);
      const report = await reconcile(client, taskQueue, shop.shopId, { config, name: 'reconciliation-shop-numbering-gap' });
      assert.equal(report.invoiceNumbers?.status, 'small', JSON.stringify(report.invoiceNumbers));
      assert.equal(report.invoiceNumbers?.approaching, 'tripletex');
      assert.equal(report.invoiceNumbers?.gap, 6000 - 5601 - 1);
      assert.ok(report.warnings.some((warning) => /Tripletex's own invoice series has reached 5601, only 398 numbers below the shop's series \(from 6000\)/.test(warning)), report.warnings.join('\n'));
      assert.ok(invoicesOf(shop).every((found) => found.invoiceNumber < 6000 || orders.includes(String(found.invoiceNumber))), 'warned before any collision');
    });
  });

  test('reconciliation warns when the shop\'s numbers come close to where Tripletex\'s own series starts', async () => {
    const shop = shopInMode({ ...SHOP_NUMBERS, tripletexSeriesStart: 6500 }, 6500);
    const orders = completedOrders(shop, 2, 805);
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      await invoice(client, taskQueue, shop, orders);
      const report = await reconcile(client, taskQueue, shop.shopId);
      const highest = Math.max(...orders.map(Number));
      assert.equal(report.invoiceNumbers?.status, 'small', JSON.stringify(report.invoiceNumbers));
      assert.equal(report.invoiceNumbers?.approaching, 'shop');
      assert.equal(report.invoiceNumbers?.gap, 6500 - highest - 1);
      assert.ok(report.warnings.some((warning) => warning.includes(`The shop's numbers (now at ${highest}) are only ${6500 - highest - 1} below Tripletex's own invoice numbers (from 6500)`)), report.warnings.join('\n'));
    });
  });

  test('switching a live shop\'s numbering is refused while a transfer is in flight, and to shop numbers only with a series start clear of them', async () => {
    const shop = shopInMode(undefined, 50_000);
    // An order paid with a module the shop has not mapped: its transfer parks (NeedsAttention).
    delete shop.settings.paymentMethods.klarna;
    delete shop.settings.paymentMethods.vipps;
    delete shop.settings.paymentMethods.card;
    delete shop.settings.paymentMethods.invoice;
    delete shop.settings.paymentMethods.cod;
    const [order] = completedOrders(shop, 1, 806);
    await withWorker(env, async ({ client, taskQueue }) => {
      await registerTestShop(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, order!);
      const parked = await waitForTransferStatus(client, shop.shopId, order!, 'NeedsAttention');
      assert.equal(parked.problem?.kind, 'unmapped-payment-method');
      // Visibility catches up with the transfer's status a moment after the workflow sets it.
      let refused: ChangeNumberingOutcome | undefined;
      for (let i = 0; i < 50 && !refused?.inFlight.length; i++) {
        refused = await changeNumbering(client, taskQueue, { shopId: shop.shopId, mode: 'shop', tripletexSeriesStart: 50_000 });
        if (!refused.inFlight.length) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(refused?.changed, false);
      assert.deepEqual(refused?.inFlight, [order]);
      assert.match(refused!.problems[0]!, /in the middle of invoicing/);
      const shopHandle = client.workflow.getHandle(shopWorkflowId(shop.shopId));
      assert.equal((await shopHandle.query<ShopRecord>('shopRecord')).settings.invoiceNumbering, undefined, 'settings untouched');

      // The parked transfer is finished with (here: ended by the operator); then the switch goes through.
      await client.workflow.getHandle(transferWorkflowId(shop.shopId, order!)).terminate('test: the operator ends it');
      let instructions: ChangeNumberingOutcome | undefined;
      for (let i = 0; i < 50; i++) {
        instructions = await changeNumbering(client, taskQueue, { shopId: shop.shopId, mode: 'shop' });
        if (!instructions.inFlight.length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(instructions?.changed, false, 'without a series start, only what to set');
      assert.equal(instructions?.assessment?.suggestedStart, 50_000);
      assert.match(instructions!.message, /--tripletex-series-start 50000/);

      const tooClose = await changeNumbering(client, taskQueue, { shopId: shop.shopId, mode: 'shop', tripletexSeriesStart: Number(order) + 10 });
      assert.equal(tooClose.changed, false);
      assert.match(tooClose.problems.join(' '), /too little room/);

      const switched = await changeNumbering(client, taskQueue, { shopId: shop.shopId, mode: 'shop', tripletexSeriesStart: 50_000 });
      assert.equal(switched.changed, true, JSON.stringify(switched));
      const record = await shopHandle.query<ShopRecord>('shopRecord');
      assert.equal(record.settings.invoiceNumbering?.mode, 'shop');
      assert.equal(record.settings.invoiceNumbering?.mode === 'shop' && record.settings.invoiceNumbering.tripletexSeriesStart, 50_000);

      const back = await changeNumbering(client, taskQueue, { shopId: shop.shopId, mode: 'tripletex' });
      assert.equal(back.changed, true);
      assert.deepEqual((await shopHandle.query<ShopRecord>('shopRecord')).settings.invoiceNumbering, { mode: 'tripletex' });
    });
  });
});
