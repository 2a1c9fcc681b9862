/**
 * `npm run cli -- transfer|status|retry|numbering` as separate processes against a worker and both
 * sandboxes: a transfer that finishes, one that parks and is retried, shop numbering with a
 * taken number, and wrong arguments.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { createTestShop, registerTestShop, waitForTransferStatus } from '../support/transfer-fixture';
import { withWorker } from '../support/temporal';
import { runCli } from '../support/run-cli';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

describe('npm run cli -- transfer, status, retry', () => {
  test('transfer prints the invoiced order; status --json is one line', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 21 });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      const cliEnv = { ...env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: taskQueue };
      const transfer = await runCli(['transfer', '--shop', shop.shopId, '--order', orderId!], cliEnv);
      assert.equal(transfer.code, 0, transfer.stderr);
      assert.match(transfer.stdout, new RegExp(`Order ${orderId} of shop ${shop.shopId}: Invoiced`));
      assert.match(transfer.stdout, /Tripletex invoice \d+/);

      const status = await runCli(['status', '--shop', shop.shopId, '--order', orderId!, '--json'], cliEnv);
      assert.equal(status.code, 0, status.stderr);
      const lines = status.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.equal((JSON.parse(lines[0]!) as { status: string }).status, 'Invoiced');
    });
  });

  test('a parked transfer reads as what to do, exits 2, and retry --all-needing-attention resumes it', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox, { activeVatCodes: ['31', '33', '5', '6'] });
    const order = mystore.sandbox.admin.createOrder(shop.mystoreShop, { status: 'completed', paymentModule: 'vipps', lines: [{ name: 'Lue', quantity: 1, priceInclVat: 299, taxRate: 25 }] });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      const cliEnv = { ...env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: taskQueue };
      const transfer = await runCli(['transfer', '--shop', shop.shopId, '--order', order.id], cliEnv);
      assert.equal(transfer.code, 2, transfer.stderr);
      assert.match(transfer.stdout, /NeedsAttention/);
      assert.match(transfer.stdout, /What to do: Outgoing VAT code 3 is not active in Tripletex/);

      tripletex.sandbox.admin.updateCompanySettings(shop.companyId, { activeVatCodes: ['3', '31', '33', '5', '6'] });
      const retry = await runCli(['retry', '--shop', shop.shopId, '--all-needing-attention', '--json'], cliEnv);
      assert.equal(retry.code, 0, retry.stderr);
      assert.deepEqual(JSON.parse(retry.stdout.trim()), { retried: [order.id] });
      await waitForTransferStatus(client, shop.shopId, order.id, 'Invoiced');
    });
  });

  test('wrong arguments and unknown transfers are named', async () => {
    const both = await runCli(['retry', '--shop', 'some-shop', '--order', '6000', '--all-needing-attention'], {});
    assert.equal(both.code, 1);
    assert.match(both.stderr, /give either --order O or --all-needing-attention/);
    const badOrder = await runCli(['status', '--shop', 'some-shop', '--order', '60 00'], {});
    assert.equal(badOrder.code, 1);
    assert.match(badOrder.stderr, /--order: an order id is/);
    const numberForAll = await runCli(['retry', '--shop', 'some-shop', '--all-needing-attention', '--tripletex-number'], {});
    assert.equal(numberForAll.code, 1);
    assert.match(numberForAll.stderr, /--tripletex-number applies to one order/);
    const badMode = await runCli(['numbering', '--shop', 'some-shop', '--mode', 'mystore'], {});
    assert.equal(badMode.code, 1);
    assert.match(badMode.stderr, /--mode is tripletex .* or shop/);
    const startWithoutShop = await runCli(['numbering', '--shop', 'some-shop', '--mode', 'tripletex', '--tripletex-series-start', '50000'], {});
    assert.equal(startWithoutShop.code, 1);
    assert.match(startWithoutShop.stderr, /tripletex-series-start: only with --mode shop/);
  });

  test('shop numbering from the command line: the switch, a taken number parked, and retry --tripletex-number', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    tripletex.sandbox.admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber: 50_000 });
    const [first, second] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 2, status: 'completed', seed: 22 });
    await withWorker(env, async ({ client, taskQueue, config }) => {
      await registerTestShop(client, taskQueue, shop);
      const cliEnv = { ...env, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: taskQueue };
      const instructions = await runCli(['numbering', '--shop', shop.shopId, '--mode', 'shop'], cliEnv);
      assert.equal(instructions.code, 2, instructions.stderr);
      assert.match(instructions.stdout, /start the outgoing invoice series at 50000/);
      const switched = await runCli(['numbering', '--shop', shop.shopId, '--mode', 'shop', '--tripletex-series-start', '50000'], cliEnv);
      assert.equal(switched.code, 0, switched.stdout + switched.stderr);
      assert.match(switched.stdout, /carry the shop's own numbers; Tripletex's own series starts at 50000/);

      const invoiced = await runCli(['transfer', '--shop', shop.shopId, '--order', first!], cliEnv);
      assert.equal(invoiced.code, 0, invoiced.stderr);
      assert.match(invoiced.stdout, new RegExp(`Tripletex invoice ${first}\\b`));

      // An invoice typed into Tripletex with the second order's number.
      tripletex.sandbox.admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber: Number(second) });
      const customer = tripletex.sandbox.admin.listCustomers(shop.companyId)[0]!;
      tripletex.sandbox.admin.createInvoiceManually(shop.companyId, { customerId: customer.id, invoiceDate: new Date().toISOString().slice(0, 10), lines: [{ unitPrice: 100 }] });
      tripletex.sandbox.admin.updateCompanySettings(shop.companyId, { nextInvoiceNumber: 50_000 });
      const parked = await runCli(['transfer', '--shop', shop.shopId, '--order', second!], cliEnv);
      assert.equal(parked.code, 2, parked.stderr);
      assert.match(parked.stdout, new RegExp(`Invoice number ${second}, this order's own number in the shop, is already taken`));

      const retry = await runCli(['retry', '--shop', shop.shopId, '--order', second!, '--tripletex-number'], cliEnv);
      assert.equal(retry.code, 0, retry.stderr);
      const state = await waitForTransferStatus(client, shop.shopId, second!, 'Invoiced');
      assert.equal(state.tripletex.invoiceNumber, 50_000);
    });
  });
});
