/**
 * Order → invoice transfers on a real Temporal dev server against both sandboxes over HTTP:
 * generated orders of every kind become exactly one invoice each with the shop's total; an order
 * that is not completed waits; commit-then-drop on the invoice call still yields one invoice; an
 * inactive VAT code parks until retried; a revoked token waits for new credentials.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { shopWorkflowId, transferWorkflowId } from '../../common/ids';
import { retryTransfer, startOrSignalTransfer, transferStatus } from '../../common/transfers';
import { createTestShop, registerTestShop, waitForTransferStatus, type TestShop } from '../support/transfer-fixture';
import type { TransferState } from '../../workflows';
import type { InvoiceView } from '../../sandbox/tripletex/admin';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { recordHistoryIfAsked } from '../support/record-history';
import { uniqueTaskQueue, withWorker } from '../support/temporal';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

const createShop = (options: { activeVatCodes?: string[] } = {}) => createTestShop(tripletex.sandbox, mystore.sandbox, options);
const register = registerTestShop;

function orderTotals(shop: TestShop, orderId: string): { payable: number; giftCard: number } {
  const order = mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId);
  const value = (cls: string) => order.totals.filter((total) => total.attributes.class === cls).reduce((sum, total) => sum + Math.round(Number(total.attributes.value) * 100), 0);
  return { payable: value('ot_total'), giftCard: -value('ot_gv') };
}

/** Tripletex VAT type id → rate in basis points (the sandbox's ids, which differ from the code numbers as in the real API). */
const RATE_BY_VAT_TYPE_ID: Record<number, number> = { 3: 2500, 31: 1500, 32: 1200, 5: 0, 6: 0 };

function vatByRateOnInvoice(invoice: InvoiceView): Record<number, number> {
  const byRate: Record<number, number> = {};
  for (const line of invoice.lines) {
    const rate = RATE_BY_VAT_TYPE_ID[line.vatTypeId]!;
    byRate[rate] = (byRate[rate] ?? 0) + line.amountIncludingVatOre - line.amountExcludingVatOre;
  }
  return Object.fromEntries(Object.entries(byRate).filter(([, vat]) => vat !== 0));
}

function vatByRateOnOrder(shop: TestShop, orderId: string): Record<number, number> {
  const order = mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId);
  const byRate: Record<number, number> = {};
  for (const total of order.totals.filter((row) => row.attributes.class === 'ot_tax')) {
    const rate = Math.round(Number(total.attributes.tax_rate) * 100);
    byRate[rate] = (byRate[rate] ?? 0) + Math.round(Number(total.attributes.value) * 100);
  }
  return Object.fromEntries(Object.entries(byRate).filter(([, vat]) => vat !== 0));
}

function invoicesFor(shop: TestShop, orderId: string) {
  return tripletex.sandbox.admin.listInvoices(shop.companyId).filter((invoice) => invoice.reference === `mystore:${shop.shopId}:${orderId}` && !invoice.isCreditNote);
}

const waitForStatus = (client: Client, shop: TestShop, orderId: string, status: TransferState['status']) => waitForTransferStatus(client, shop.shopId, orderId, status);

describe('order → invoice transfer', () => {
  test('generated orders of every kind each become exactly one invoice with the shop\'s total, written back to Mystore', async () => {
    const shop = createShop();
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 25, status: 'completed', seed: 42 })
      .filter((orderId) => mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.order_type !== 'credit');
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await register(client, taskQueue, shop);
      await Promise.all(orderIds.map((orderId) => startOrSignalTransfer(client, taskQueue, shop.shopId, orderId)));
      const states = await Promise.all(orderIds.map((orderId) => waitForStatus(client, shop, orderId, 'Invoiced')));
      for (const [index, state] of states.entries()) {
        const orderId = orderIds[index]!;
        assert.equal(state.status, 'Invoiced', `order ${orderId}: ${JSON.stringify(state.problem)}`);
        const invoices = invoicesFor(shop, orderId);
        assert.equal(invoices.length, 1, `order ${orderId} has ${invoices.length} invoices`);
        const { payable, giftCard } = orderTotals(shop, orderId);
        assert.equal(invoices[0]!.amountOre, payable + giftCard, `order ${orderId}: invoice total equals the shop's`);
        const writtenBack = mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes;
        assert.equal(writtenBack.invoice_number, String(invoices[0]!.invoiceNumber));
        assert.deepEqual(vatByRateOnInvoice(invoices[0]!), vatByRateOnOrder(shop, orderId), `order ${orderId}: VAT per rate as Tripletex computed it`);
        const paymentModule = String(writtenBack.payment_module);
        const prepaid = shop.settings.paymentMethods[paymentModule]!.prepaid;
        assert.equal(invoices[0]!.amountOutstandingOre, prepaid ? 0 : payable, `order ${orderId} (${paymentModule}): what is left to pay`);
        assert.equal(invoices[0]!.sentToCustomer, !prepaid && shop.settings.paymentMethods[paymentModule]!.sendInvoice && payable > 0);
      }
      // Operators find transfers by search attributes in the Temporal UI.
      const query = `ShopId = "${shop.shopId}" AND TransferStatus = "Invoiced" AND InvoiceNumber = "${invoicesFor(shop, orderIds[0]!)[0]!.invoiceNumber}"`;
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        found = [];
        for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
        if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(found, [transferWorkflowId(shop.shopId, orderIds[0]!)]);
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, orderIds[0]!), 'transfer-invoiced');
    });
  });

  test('an order that is not completed waits, and is invoiced once its status says so', async () => {
    const shop = createShop();
    const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'new', seed: 7 });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await register(client, taskQueue, shop);
      const handle = await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      await waitForStatus(client, shop, orderId!, 'Waiting');
      assert.equal(invoicesFor(shop, orderId!).length, 0);
      const completed = mystore.sandbox.admin.getShop(shop.mystoreShop).statuses.find((status) => status.tag === 'completed')!;
      mystore.sandbox.admin.setOrderStatus(shop.mystoreShop, orderId!, completed.id);
      // The webhook receiver would do this; a second start is the same workflow.
      const again = await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      assert.equal(again.workflowId, handle.workflowId);
      assert.equal((await again.describe()).runId, (await handle.describe()).runId, 'the same run');
      await waitForStatus(client, shop, orderId!, 'Invoiced');
      assert.equal(invoicesFor(shop, orderId!).length, 1);
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, orderId!), 'transfer-waited-for-completion');
    });
  });

  test('commit-then-drop on every invoice call still gives exactly one invoice per order', async () => {
    const shop = createShop();
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 4, status: 'completed', seed: 99 })
      .filter((orderId) => mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.order_type !== 'credit');
    tripletex.sandbox.admin.setFaults({ commitThenDrop: 1, methods: ['POST'], paths: ['/invoice'] });
    try {
      await withWorker(env, async ({ client, taskQueue }) => {
        await register(client, taskQueue, shop);
        await Promise.all(orderIds.map((orderId) => startOrSignalTransfer(client, taskQueue, shop.shopId, orderId)));
        const states = await Promise.all(orderIds.map((orderId) => waitForStatus(client, shop, orderId, 'Invoiced')));
        for (const [index, state] of states.entries()) {
          assert.equal(state.status, 'Invoiced');
          assert.ok(state.steps.some((step) => step.startsWith('Found the invoice an earlier try created')), 'the retry found the committed invoice');
          assert.equal(invoicesFor(shop, orderIds[index]!).length, 1);
        }
      });
    } finally {
      tripletex.sandbox.admin.setFaults({});
    }
  });

  test('faults of every kind at every write, in both APIs, still give exactly one invoice per order and one customer per customer', async () => {
    const shop = createShop();
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 8, status: 'completed', seed: 1234 })
      .filter((orderId) => mystore.sandbox.admin.getOrder(shop.mystoreShop, orderId).attributes.order_type !== 'credit');
    const writes = { methods: ['POST', 'PUT', 'PATCH'] };
    tripletex.sandbox.admin.setFaults({ ...writes, http500: 0.15, http503: 0.1, resetBeforeWrite: 0.1, commitThenDrop: 0.25, slow: 0.1, slowDelayMs: 2_500 });
    mystore.sandbox.admin.setFaults({ ...writes, http500: 0.2, http504: 0.1, commitThenDrop: 0.2 });
    try {
      // A short client timeout so that "slow" responses are timeouts whose outcome is unknown.
      await withWorker({ ...env, TRIPLETEX_TIMEOUT_MS: '1500', MYSTORE_TIMEOUT_MS: '1500' }, async ({ client, taskQueue }) => {
        await register(client, taskQueue, shop);
        await Promise.all(orderIds.map((orderId) => startOrSignalTransfer(client, taskQueue, shop.shopId, orderId)));
        for (const orderId of orderIds) {
          await waitForTransferStatus(client, shop.shopId, orderId, 'Invoiced', 60_000);
          assert.equal(invoicesFor(shop, orderId).length, 1, `order ${orderId}`);
          const { payable, giftCard } = orderTotals(shop, orderId);
          assert.equal(invoicesFor(shop, orderId)[0]!.amountOre, payable + giftCard);
        }
      });
    } finally {
      tripletex.sandbox.admin.setFaults({});
      mystore.sandbox.admin.setFaults({});
    }
    const customers = tripletex.sandbox.admin.listCustomers(shop.companyId);
    const numbers = customers.map((customer) => customer.customerNumber);
    assert.equal(new Set(numbers).size, numbers.length, 'no customer number twice');
    const emails = customers.filter((customer) => customer.customerNumber === null || customer.customerNumber === undefined).map((customer) => customer.email);
    assert.equal(new Set(emails).size, emails.length, 'no guest customer twice');
  });

  test('a worker stopped in the middle of the invoice call, and a new one started: exactly one invoice', async () => {
    const shop = createShop();
    const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 77 });
    const taskQueue = uniqueTaskQueue('worker-restart');
    // The invoice is committed at once, its answer comes 5 s later: the worker dies in between.
    tripletex.sandbox.admin.setFaults({ slow: 1, slowDelayMs: 5_000, methods: ['POST'], paths: ['/invoice'] });
    try {
      await withWorker(env, async ({ client }) => {
        await register(client, taskQueue, shop);
        await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
        for (let i = 0; i < 200 && invoicesFor(shop, orderId!).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(invoicesFor(shop, orderId!).length, 1, 'the invoice call reached Tripletex');
      }, { taskQueue });
    } finally {
      tripletex.sandbox.admin.setFaults({});
    }
    await withWorker(env, async ({ client }) => {
      const state = await waitForStatus(client, shop, orderId!, 'Invoiced');
      assert.ok(state.steps.some((step) => step.startsWith('Found the invoice an earlier try created')), state.steps.join('\n'));
      assert.equal(invoicesFor(shop, orderId!).length, 1);
    }, { taskQueue });
  });

  test('a returning customer is updated with the order\'s data, unless the shop says not to overwrite', async () => {
    for (const doNotOverwriteCustomers of [false, true]) {
      const shop = createShop();
      shop.settings = { ...shop.settings, doNotOverwriteCustomers };
      const customer = { kind: 'private' as const, key: 'kari', firstname: 'Kari', lastname: 'Nordmann', email: 'kari@example.no', phone: '+47 900 00 001', street: 'Storgata 1', postcode: '0155', city: 'Oslo' };
      const first = mystore.sandbox.admin.createOrder(shop.mystoreShop, { status: 'completed', paymentModule: 'klarna', customer, lines: [{ name: 'Skjerf', quantity: 1, priceInclVat: 199, taxRate: 25 }] });
      const second = mystore.sandbox.admin.createOrder(shop.mystoreShop, {
        status: 'completed', paymentModule: 'klarna', customer: { ...customer, email: 'kari.ny@example.no', street: 'Nygata 2' },
        lines: [{ name: 'Votter', quantity: 1, priceInclVat: 149, taxRate: 25 }],
      });
      await withWorker(env, async ({ client, taskQueue }) => {
        await register(client, taskQueue, shop);
        await startOrSignalTransfer(client, taskQueue, shop.shopId, first.id);
        await waitForStatus(client, shop, first.id, 'Invoiced');
        await startOrSignalTransfer(client, taskQueue, shop.shopId, second.id);
        await waitForStatus(client, shop, second.id, 'Invoiced');
      });
      const customers = tripletex.sandbox.admin.listCustomers(shop.companyId);
      assert.equal(customers.length, 1, 'the same customer both times');
      assert.equal(customers[0]!.email, doNotOverwriteCustomers ? 'kari@example.no' : 'kari.ny@example.no');
    }
  });

  test('an inactive VAT code parks the transfer with the reason; activated and retried, it is invoiced once', async () => {
    const shop = createShop({ activeVatCodes: ['31', '33', '5', '6'] });
    const order = mystore.sandbox.admin.createOrder(shop.mystoreShop, {
      status: 'completed', paymentModule: 'klarna',
      lines: [{ name: 'Ullgenser', quantity: 1, priceInclVat: 899, taxRate: 25 }],
    });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await register(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, order.id);
      const parked = await waitForStatus(client, shop, order.id, 'NeedsAttention');
      assert.match(parked.problem?.message ?? '', /VAT code 3 is not active/);
      tripletex.sandbox.admin.updateCompanySettings(shop.companyId, { activeVatCodes: ['3', '31', '33', '5', '6'] });
      await retryTransfer(client, shop.shopId, order.id);
      await waitForStatus(client, shop, order.id, 'Invoiced');
      assert.equal(invoicesFor(shop, order.id).length, 1);
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, order.id), 'transfer-parked-then-retried');
    });
  });

  test('a revoked Tripletex key makes the transfer wait; new credentials let it finish', async () => {
    const shop = createShop();
    const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 3 });
    tripletex.sandbox.admin.revokeEmployeeToken(shop.employeeToken);
    await withWorker(env, async ({ client, taskQueue }) => {
      await register(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      await waitForStatus(client, shop, orderId!, 'WaitingForCredentials');
      const newToken = tripletex.sandbox.admin.createEmployeeToken(shop.companyId, {});
      await client.workflow.getHandle(shopWorkflowId(shop.shopId)).executeUpdate('replaceCredentials', {
        args: [{ tripletexEmployeeToken: newToken, mystoreToken: shop.mystoreToken }],
      });
      // The transfer asks again at its next poll; a retry signal makes that now.
      await retryTransfer(client, shop.shopId, orderId!);
      await waitForStatus(client, shop, orderId!, 'Invoiced');
      assert.equal(invoicesFor(shop, orderId!).length, 1);
    });
  });

  test('a full refund becomes one credit note, even when its signal arrives twice; the credit order itself is forwarded', async () => {
    const shop = createShop();
    const order = mystore.sandbox.admin.createOrder(shop.mystoreShop, {
      status: 'completed', paymentModule: 'klarna',
      lines: [{ name: 'Regnjakke', quantity: 1, priceInclVat: 1299, taxRate: 25 }, { name: 'Sjokolade', quantity: 2, priceInclVat: 49.9, taxRate: 15 }],
      shipping: { priceInclVat: 99, taxRate: 25 },
    });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await register(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, order.id);
      await waitForStatus(client, shop, order.id, 'Invoiced');
      const creditOrder = mystore.sandbox.admin.createCreditOrder(shop.mystoreShop, order.id, { lines: 'full' });
      // As the webhook receiver would: the credit order's own transfer hands it over…
      await startOrSignalTransfer(client, taskQueue, shop.shopId, creditOrder.id);
      await waitForStatus(client, shop, creditOrder.id, 'Forwarded');
      // …and a duplicate delivery signals the original directly once more.
      await startOrSignalTransfer(client, taskQueue, shop.shopId, order.id, { name: 'refund', creditOrderId: creditOrder.id });
      const state = await waitForStatus(client, shop, order.id, 'Credited');
      assert.equal(state.credits.length, 1);
      const creditNotes = tripletex.sandbox.admin.listInvoices(shop.companyId).filter((invoice) => invoice.isCreditNote);
      assert.equal(creditNotes.length, 1, 'one credit note');
      assert.equal(creditNotes[0]!.amountOre, -invoicesFor(shop, order.id)[0]!.amountOre);
      assert.equal(mystore.sandbox.admin.getOrder(shop.mystoreShop, creditOrder.id).attributes.invoice_number, String(creditNotes[0]!.invoiceNumber));
      recordHistoryIfAsked(config, transferWorkflowId(shop.shopId, order.id), 'transfer-credited');
    });
  });

  test('a partial return becomes a credit invoice with the returned lines', async () => {
    const shop = createShop();
    const order = mystore.sandbox.admin.createOrder(shop.mystoreShop, {
      status: 'completed', paymentModule: 'invoice',
      lines: [{ name: 'Støvler', quantity: 2, priceInclVat: 1499, taxRate: 25 }, { name: 'Sokker', quantity: 3, priceInclVat: 99, taxRate: 25 }],
    });
    await withWorker(env, async ({ client, taskQueue }) => {
      await register(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, order.id);
      await waitForStatus(client, shop, order.id, 'Invoiced');
      const boots = order.lines[0]!;
      const creditOrder = mystore.sandbox.admin.createCreditOrder(shop.mystoreShop, order.id, { lines: [{ lineId: boots.id, quantity: 1 }] });
      await startOrSignalTransfer(client, taskQueue, shop.shopId, creditOrder.id);
      const state = await waitForStatus(client, shop, order.id, 'PartiallyCredited');
      assert.equal(state.credits.length, 1);
      assert.equal(state.credits[0]!.kind, 'credit-invoice');
      const credit = tripletex.sandbox.admin.listInvoices(shop.companyId).find((invoice) => invoice.reference === `mystore:${shop.shopId}:${creditOrder.id}`);
      assert.equal(credit?.amountOre, -149_900);
    });
  });

  test('an order cancelled after it was invoiced is credited in full, once', async () => {
    const shop = createShop();
    const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 5 });
    await withWorker(env, async ({ client, taskQueue }) => {
      await register(client, taskQueue, shop);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      await waitForStatus(client, shop, orderId!, 'Invoiced');
      const cancelled = mystore.sandbox.admin.getShop(shop.mystoreShop).statuses.find((status) => status.tag === 'cancelled')!;
      mystore.sandbox.admin.setOrderStatus(shop.mystoreShop, orderId!, cancelled.id);
      await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      await waitForStatus(client, shop, orderId!, 'Credited');
      await startOrSignalTransfer(client, taskQueue, shop.shopId, orderId!);
      const state = await transferStatus(client, shop.shopId, orderId!);
      assert.equal(state.credits.length, 1);
      assert.equal(tripletex.sandbox.admin.listInvoices(shop.companyId).filter((invoice) => invoice.isCreditNote).length, 1);
    });
  });
});
