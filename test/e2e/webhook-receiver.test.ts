/**
 * The webhook receiver on a real Temporal dev server with a worker and both sandboxes: a webhook
 * the Mystore sandbox sends itself becomes an invoice; forged, unsigned, oversized, malformed,
 * unknown-topic, unknown-shop and offboarded deliveries are refused and start nothing; three
 * deliveries of one webhook make one transfer and one invoice; /health follows Temporal; close()
 * lets a request in flight finish; without Temporal the answer is 503 (Mystore redelivers).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createTemporalShopDirectory } from '../../activities/shop-directory';
import { createMystoreClient } from '../../activities/mystore/mystore-client';
import { MystoreWebhookTopics } from '../../activities/mystore/mystore-api-assumptions';
import { signMystoreWebhook } from '../../activities/mystore/webhook-signature';
import { startWebhookReceiver, type WebhookReceiver } from '../../client/webhook-receiver';
import { shopWorkflowId, transferWorkflowId } from '../../common/ids';
import { registerShop, updateShop } from '../../common/transfers';
import type { ShopRecord } from '../../workflows/shop-workflow';
import { createTestShop, waitForTransferStatus, type TestShop } from '../support/transfer-fixture';
import { startMystoreSandboxForTest } from '../support/mystore-sandbox';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { testLogger, withWorker, type TemporalTestContext } from '../support/temporal';

const tripletex = await startTripletexSandboxForTest();
const mystore = await startMystoreSandboxForTest();
const env = { ...tripletex.env, ...mystore.env };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs with node:http (fetch hides a 413 sent before the body was read behind a write error). */
function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, options: { chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.chunked ? {} : { 'content-length': String(bytes.length) }), ...headers },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    // The receiver may close the connection while a refused body is still being written.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.chunked) {
      for (let offset = 0; offset < bytes.length; offset += 16 * 1024) request.write(bytes.subarray(offset, offset + 16 * 1024));
      request.end();
    } else request.end(bytes);
  });
}

function deliveryBody(orderId: string, shop: string, topic = 'orders/create'): string {
  return JSON.stringify({ id: orderId, topic, shop, updated_at: new Date().toISOString() });
}

function signedHeaders(body: string, secret: string, shop: string, topic = 'orders/create'): Record<string, string> {
  return { 'x-no-mystore-topic': topic, 'x-no-mystore-hmac-sha256': signMystoreWebhook(body, secret), 'x-no-mystore-host': shop };
}

function invoicesFor(shop: TestShop, orderId: string) {
  return tripletex.sandbox.admin.listInvoices(shop.companyId).filter((invoice) => invoice.reference === `mystore:${shop.shopId}:${orderId}` && !invoice.isCreditNote);
}

async function assertNoTransfer(client: Client, shopId: string, orderId: string, why: string): Promise<void> {
  await assert.rejects(client.workflow.getHandle(transferWorkflowId(shopId, orderId)).describe(), WorkflowNotFoundError, `${why}: no transfer was started`);
}

/** A shop on both sandboxes whose record holds `webhookSecrets` (default: one made up here). */
async function registerWithSecrets(context: TemporalTestContext, shop: TestShop, webhookSecrets: string[]): Promise<void> {
  await registerShop(context.client, context.taskQueue, {
    shopId: shop.shopId,
    mystoreShop: shop.mystoreShop,
    settings: shop.settings,
    credentials: { tripletexEmployeeToken: shop.employeeToken, mystoreToken: shop.mystoreToken },
    webhookSecrets,
  });
}

/** Runs `body` with a worker and a receiver on a free port, reading shops from Temporal. */
async function withReceiver(body: (context: TemporalTestContext & { receiver: WebhookReceiver }) => Promise<void>): Promise<void> {
  await withWorker(env, async (context) => {
    const receiver = await startWebhookReceiver({
      config: context.config,
      logger: testLogger(),
      client: context.client,
      shops: createTemporalShopDirectory(context.client),
      taskQueue: context.taskQueue,
      port: 0,
      host: '127.0.0.1',
    });
    try {
      await body({ ...context, receiver });
    } finally {
      await receiver.close();
    }
  });
}

describe('webhook receiver', () => {
  test('a webhook the Mystore sandbox sends itself starts the transfer and the order is invoiced', async () => {
    await withReceiver(async (context) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      // As onboarding does: register the order webhooks in Mystore, keep their secrets in the shop's record.
      const mystoreClient = createMystoreClient({ baseUrl: mystore.sandbox.baseUrl, shop: shop.mystoreShop, token: shop.mystoreToken, logger: testLogger(), rateLimitPerMinute: 100_000 });
      const address = `${context.receiver.url}/webhooks/mystore/${shop.shopId}`;
      const secrets: string[] = [];
      for (const topic of MystoreWebhookTopics) secrets.push((await mystoreClient.registerWebhook({ topic, address })).secret);
      await registerWithSecrets(context, shop, secrets);

      const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 7 });
      const state = await waitForTransferStatus(context.client, shop.shopId, orderId!, 'Invoiced', 30_000);
      assert.equal(state.status, 'Invoiced');
      assert.equal(invoicesFor(shop, orderId!).length, 1);
      const deliveries = mystore.sandbox.admin.webhookDeliveries(shop.mystoreShop).filter((delivery) => delivery.orderId === orderId);
      assert.deepEqual(deliveries.map((delivery) => [delivery.topic, delivery.status]), [['orders/create', 202]], 'delivered once, accepted at once');
    });
  });

  test('forged, unsigned, oversized, malformed, unknown-topic, wrong-host, unknown-shop and offboarded deliveries are refused and start nothing', async () => {
    await withReceiver(async (context) => {
      const { client, receiver } = context;
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      const secret = `whsec-${randomUUID()}`;
      await registerWithSecrets(context, shop, [secret]);
      const url = `${receiver.url}/webhooks/mystore/${shop.shopId}`;
      const orderId = '990001';
      const body = deliveryBody(orderId, shop.mystoreShop);

      const forged = await post(url, body, signedHeaders(body, `not-${secret}`, shop.mystoreShop));
      assert.equal(forged.status, 401);
      assert.match(String(forged.body.error), /does not match/);

      const unsigned = await post(url, body, { 'x-no-mystore-topic': 'orders/create', 'x-no-mystore-host': shop.mystoreShop });
      assert.equal(unsigned.status, 401);
      assert.match(String(unsigned.body.error), /missing x-no-mystore-hmac-sha256/);

      const wrongHost = await post(url, body, signedHeaders(body, secret, 'another-shop'));
      assert.equal(wrongHost.status, 401);
      assert.match(String(wrongHost.body.error), /another-shop/);

      const huge = JSON.stringify({ id: orderId, padding: 'x'.repeat(300 * 1024) });
      assert.equal((await post(url, huge, signedHeaders(huge, secret, shop.mystoreShop))).status, 413, 'declared too large');
      assert.equal((await post(url, huge, signedHeaders(huge, secret, shop.mystoreShop), { chunked: true })).status, 413, 'streamed past the limit');

      const noId = JSON.stringify({ topic: 'orders/create', shop: shop.mystoreShop });
      const malformed = await post(url, noId, signedHeaders(noId, secret, shop.mystoreShop));
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.field, 'id');
      assert.match(String(malformed.body.error), /"id"/);
      const notJson = '{"id": 990001,';
      assert.equal((await post(url, notJson, signedHeaders(notJson, secret, shop.mystoreShop))).status, 400);

      const deleteBody = deliveryBody(orderId, shop.mystoreShop, 'orders/delete');
      const unknownTopic = await post(url, deleteBody, signedHeaders(deleteBody, secret, shop.mystoreShop, 'orders/delete'));
      assert.equal(unknownTopic.status, 400);
      assert.match(String(unknownTopic.body.error), /unknown topic "orders\/delete"/);

      const unknownShop = await post(`${receiver.url}/webhooks/mystore/shop-nobody-${randomUUID().slice(0, 8)}`, body, signedHeaders(body, secret, shop.mystoreShop));
      assert.deepEqual([unknownShop.status, unknownShop.body.error], [404, 'no such shop']);

      const gone = createTestShop(tripletex.sandbox, mystore.sandbox);
      await registerWithSecrets(context, gone, [secret]);
      await updateShop(client, gone.shopId, { offboard: true });
      await client.workflow.getHandle(shopWorkflowId(gone.shopId)).result();
      const goneBody = deliveryBody(orderId, gone.mystoreShop);
      const offboarded = await post(`${receiver.url}/webhooks/mystore/${gone.shopId}`, goneBody, signedHeaders(goneBody, secret, gone.mystoreShop));
      assert.deepEqual([offboarded.status, offboarded.body.error], [404, 'shop offboarded']);

      await assertNoTransfer(client, shop.shopId, orderId, 'refused deliveries');
      await assertNoTransfer(client, gone.shopId, orderId, 'offboarded shop');
    });
  });

  test('three deliveries of one webhook make one transfer and one invoice', async () => {
    await withReceiver(async (context) => {
      const { client, receiver } = context;
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      const secret = `whsec-${randomUUID()}`;
      await registerWithSecrets(context, shop, [`old-${secret}`, secret]);
      // No webhook registered in the sandbox: the deliveries below are the only ones.
      const [orderId] = mystore.sandbox.admin.generateOrders(shop.mystoreShop, { count: 1, status: 'completed', seed: 11 });
      const body = deliveryBody(orderId!, shop.mystoreShop);
      const headers = signedHeaders(body, secret, shop.mystoreShop);
      const url = `${receiver.url}/webhooks/mystore/${shop.shopId}`;

      const answers = [await post(url, body, headers), await post(url, body, headers), await post(url, body, headers)];
      const workflowId = transferWorkflowId(shop.shopId, orderId!);
      assert.deepEqual(answers.map((answer) => [answer.status, answer.body.accepted, answer.body.workflowId]), [[202, true, workflowId], [202, true, workflowId], [202, true, workflowId]]);
      assert.equal(answers[0]!.body.duplicate, undefined);
      assert.deepEqual([answers[1]!.body.duplicate, answers[2]!.body.duplicate], [true, true]);

      await waitForTransferStatus(client, shop.shopId, orderId!, 'Invoiced', 30_000);
      assert.equal(invoicesFor(shop, orderId!).length, 1, 'one invoice');
      let runs = 0;
      for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs += execution.workflowId === workflowId ? 1 : 0;
      assert.equal(runs, 1, 'one transfer run');
    });
  });

  test('/health answers 200 while Temporal does; close() lets a request in flight finish', async () => {
    await withWorker(env, async (context) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      const secret = `whsec-${randomUUID()}`;
      await registerWithSecrets(context, shop, [secret]);
      const directory = createTemporalShopDirectory(context.client);
      let entered!: () => void;
      const inHandler = new Promise<void>((resolve) => (entered = resolve));
      const slowShops = async (shopId: string): Promise<ShopRecord> => {
        entered();
        await new Promise((resolve) => setTimeout(resolve, 500));
        return directory.get(shopId);
      };
      const receiver = await startWebhookReceiver({ config: context.config, logger: testLogger(), client: context.client, shops: slowShops, taskQueue: context.taskQueue, port: 0, host: '127.0.0.1' });
      let closed = false;
      try {
        const health = await fetch(`${receiver.url}/health`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), { ok: true });

        const orderId = '990002';
        const body = deliveryBody(orderId, shop.mystoreShop);
        const inFlight = post(`${receiver.url}/webhooks/mystore/${shop.shopId}`, body, signedHeaders(body, secret, shop.mystoreShop));
        await inHandler;
        const closing = receiver.close().then(() => (closed = true));
        const answer = await inFlight;
        assert.equal(answer.status, 202, 'the request in flight is answered');
        await closing;
        assert.ok(closed);
        await assert.rejects(fetch(`${receiver.url}/health`), 'no new connections after close()');
        // The delivery was taken before closing: its transfer exists.
        await context.client.workflow.getHandle(transferWorkflowId(shop.shopId, orderId)).describe();
      } finally {
        await receiver.close();
      }
    });
  });

  test('without Temporal: /health 503, a webhook 503 (Mystore redelivers), nothing started', async () => {
    await withWorker(env, async (context) => {
      const shop = createTestShop(tripletex.sandbox, mystore.sandbox);
      const secret = `whsec-${randomUUID()}`;
      const record: ShopRecord = {
        shopId: shop.shopId, mystoreShop: shop.mystoreShop, settings: shop.settings, credentialsVersion: 1, webhookSecrets: [secret], offboarded: false,
        credentials: { tripletexEmployeeToken: shop.employeeToken, mystoreToken: shop.mystoreToken },
      };
      // A client whose Temporal is not there (nothing listens on port 1); no gRPC retries, so no
      // retry outlives the test.
      const deadClient = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1_000, interceptors: [] }) });
      const receiver = await startWebhookReceiver({
        config: context.config, logger: testLogger(), client: deadClient, shops: async () => record, taskQueue: context.taskQueue, port: 0, host: '127.0.0.1', temporalTimeoutMs: 2_000,
      });
      try {
        assert.equal((await fetch(`${receiver.url}/health`)).status, 503);
        const orderId = '990003';
        const body = deliveryBody(orderId, shop.mystoreShop);
        const answer = await post(`${receiver.url}/webhooks/mystore/${shop.shopId}`, body, signedHeaders(body, secret, shop.mystoreShop));
        assert.equal(answer.status, 503);
        await assertNoTransfer(context.client, shop.shopId, orderId, 'Temporal unreachable');
      } finally {
        await receiver.close();
        await deadClient.connection.close().catch(() => undefined);
      }
    });
  });
});
