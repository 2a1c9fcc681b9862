/**
 * `npm run cli -- transfer|status|retry` as separate processes against a worker and both
 * sandboxes: a transfer that finishes, one that parks and is retried, and wrong arguments.
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
  });
});
