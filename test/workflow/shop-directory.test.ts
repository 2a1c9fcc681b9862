/**
 * The shop directory reads a shop's record from the memo its workflow publishes, so no worker has
 * to be up: a shop registered on a task queue that no worker polls is readable at once, a change
 * reaches the memo with the update that made it, an offboarded shop is refused, and the memo
 * holds the tokens only encrypted. Transfers whose local activities read the shop's record all
 * finish on a worker with fewer workflow-task slots than transfers (a read through a query, a
 * workflow task itself, waited for a slot those same local activities held).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTemporalShopDirectory } from '../../activities/shop-directory';
import { SHOP_RECORD_MEMO_KEY, shopWorkflowId } from '../../common/ids';
import { ShopFailureType } from '../../common/failure-types';
import { startOrSignalTransfer, updateShop } from '../../common/transfers';
import { recordHistoryIfAsked } from '../support/record-history';
import { createTestShop, registerTestShop, waitForTransferStatus } from '../support/transfer-fixture';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { uniqueTaskQueue, withWorker } from '../support/temporal';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

describe('shop directory', () => {
  test('a shop is readable with no worker polling its workflow\'s task queue', async () => {
    await withWorker(env, async ({ client }) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      // No worker ever polls this queue: the shop's workflow never runs a task.
      await registerTestShop(client, uniqueTaskQueue('nobody-polls'), shop);
      const directory = createTemporalShopDirectory(client);
      const record = await directory.get(shop.shopId);
      assert.equal(record.credentials.tripletexEmployeeToken, shop.employeeToken);
      assert.equal(record.credentialsVersion, 1);
      assert.deepEqual(record.settings, shop.settings);
    });
  });

  test('a change is in the memo when its update returns; an offboarded shop is refused', async () => {
    await withWorker(env, async ({ client, config, taskQueue }) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      await registerTestShop(client, taskQueue, shop);
      const newToken = `employee-${randomUUID()}`;
      const version = await updateShop(client, shop.shopId, { credentials: { tripletexEmployeeToken: newToken, mystoreToken: shop.mystoreToken } });
      assert.equal(version, 2);
      // No cache between the update and this read: a fresh directory sees the new credentials.
      const record = await createTemporalShopDirectory(client).get(shop.shopId);
      assert.equal(record.credentialsVersion, 2);
      assert.equal(record.credentials.tripletexEmployeeToken, newToken);

      const handle = client.workflow.getHandle(shopWorkflowId(shop.shopId));
      await updateShop(client, shop.shopId, { offboard: true });
      await handle.result();
      recordHistoryIfAsked(config, shopWorkflowId(shop.shopId), 'shop-updated-then-offboarded');
      await assert.rejects(createTemporalShopDirectory(client).get(shop.shopId), (error: Error & { type?: string }) => error.type === ShopFailureType.Offboarded);
    });
  });

  test('the memo holds the record only encrypted', async () => {
    await withWorker(env, async ({ client, taskQueue }) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      await registerTestShop(client, taskQueue, shop);
      await updateShop(client, shop.shopId, { settings: { reconciliationIntervalMinutes: 30 } });
      const { raw } = await client.workflow.getHandle(shopWorkflowId(shop.shopId)).describe();
      const stored = raw.workflowExecutionInfo?.memo?.fields?.[SHOP_RECORD_MEMO_KEY];
      assert.ok(stored?.data, 'the record is in the memo');
      assert.equal(Buffer.from(stored.metadata?.encoding ?? []).toString(), 'binary/encrypted');
      const bytes = Buffer.from(stored.data).toString('latin1');
      for (const secret of [shop.employeeToken, shop.mystoreToken]) assert.ok(!bytes.includes(secret), 'no token in plain text');
    });
  });

  test('after a restart, transfers whose local steps read the shop all finish with two workflow-task slots for ten of them', async () => {
    const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
    const orderIds = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 10, status: 'completed', seed: 31 });
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, async ({ client }) => {
      await registerTestShop(client, taskQueue, shop);
      // An update returns once the shop's workflow ran a task on this worker.
      await updateShop(client, shop.shopId, { settings: { reconciliationIntervalMinutes: 30 } });
    }, { taskQueue });
    // A new worker: the shop's workflow is in no cache, its record in no directory.
    await withWorker(env, async ({ client }) => {
      await Promise.all(orderIds.map((orderId) => startOrSignalTransfer(client, taskQueue, shop.shopId, orderId)));
      const states = await Promise.all(orderIds.map((orderId) => waitForTransferStatus(client, shop.shopId, orderId, 'Invoiced', 60_000)));
      assert.deepEqual(states.map((state) => state.status), orderIds.map(() => 'Invoiced'));
    }, { taskQueue, tuning: { maxConcurrentWorkflowTaskExecutions: 2 } });
  });
});
