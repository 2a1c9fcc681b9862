/**
 * The throughput benchmark's baseline: the same work as the pipeline without Temporal. A plain
 * node:http webhook receiver checks each Mystore webhook's HMAC (the receiver's own check,
 * activities/mystore/webhook-signature.ts) and queues the order; `concurrency` async lanes take
 * orders off the queue and run the transfer workflow's happy path as plain awaits over the very
 * activity functions the worker registers (createActivities with the worker's own dependencies,
 * createActivityDeps), so every HTTP call is the pipeline's: same clients, pacers, sessions and
 * caches. The activities run in the SDK's activity context (MockActivityEnvironment, no server),
 * because they read their attempt number from it. The shop's record comes once from the parent,
 * as the worker would read it once through its cache.
 *
 * What is left out is what Temporal adds: the webhook's signal-with-start, workflow tasks,
 * activity scheduling and history, the status query, search attributes. No retries: the
 * sandboxes inject no faults here. Forked by bench/throughput.ts; configured by the environment
 * and one IPC message, answers `{type: 'ready'}`, then `{type: 'stats'}` on request.
 */
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { webhookDeliveryBodySchema } from '../../activities/mystore/mystore-api-assumptions';
import { verifyMystoreWebhook } from '../../activities/mystore/webhook-signature';
import type { ShopDirectory } from '../../activities/shop-directory';
import { loadConfig } from '../../common/config';
import { createLogger } from '../../common/logger';
import { buildInvoiceDraft } from '../../domain/invoice-draft';
import { createActivityDeps } from '../../worker/create-worker';
import type { ShopRecord } from '../../workflows/shop-workflow';

export interface BaselineInit {
  type: 'init';
  port: number;
  concurrency: number;
  record: ShopRecord;
  webhookSecrets: string[];
}

export interface BaselineStats {
  type: 'stats';
  received: number;
  invoiced: number;
  skipped: number;
  failed: number;
  firstError?: string;
}

const MAX_BODY_BYTES = 256 * 1024;

async function main(): Promise<void> {
  const init = await new Promise<BaselineInit>((resolve) => process.once('message', (message) => resolve(message as BaselineInit)));
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'bench-baseline' });
  const record = init.record;
  const shops: ShopDirectory = { get: () => Promise.resolve(record), forget: () => undefined };
  // Never connects: no activity on this path uses Temporal once `shops` is the static record.
  const unused = new Client({ connection: Connection.lazy({ address: config.TEMPORAL_ADDRESS }) });
  const activities = createActivities({ ...createActivityDeps(config, logger, unused), shops });
  const stats: BaselineStats = { type: 'stats', received: 0, invoiced: 0, skipped: 0, failed: 0 };

  /** Runs one activity function as the worker would: inside an activity context, attempt 1. */
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => new MockActivityEnvironment({ attempt: 1 }).run(fn, ...args);

  /** The transfer workflow's first part (workflows/transfer-workflow.ts, invoiceStep), happy path only. */
  async function transfer(orderId: string): Promise<void> {
    const shopId = record.shopId;
    const { order, settings, today } = await run(activities.loadOrderForTransfer, { shopId, orderId });
    if (order.creditsOrderId !== null || !order.status.completed) {
      stats.skipped += 1;
      return;
    }
    const invoiceDate = order.invoiceDate ?? today;
    const drafted = buildInvoiceDraft(order, settings, { invoiceDate, tripletexNumbers: false });
    if (!drafted.ok) throw new Error(`draft rejected: ${drafted.rejection.message}`);
    const { draft } = drafted;
    const customer = await run(activities.ensureTripletexCustomer, { shopId, customer: draft.customer });
    const invoice = await run(activities.createTripletexInvoice, { shopId, draft, customerId: customer.customerId, lookFirst: order.invoiceNumber !== null });
    for (const payment of draft.payments.slice(1)) {
      await run(activities.registerTripletexPayment, { shopId, invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, invoiceDate, payment, lookFirst: invoice.foundExisting });
    }
    await run(activities.writeBackInvoiceToMystore, { shopId, orderId, invoiceNumber: String(invoice.invoiceNumber), invoiceDate });
    stats.invoiced += 1;
  }

  const queue: string[] = [];
  const seen = new Set<string>();
  /** Lanes waiting for an order, each woken by the next order queued. */
  const idle: Array<() => void> = [];
  const lane = async () => {
    for (;;) {
      const orderId = queue.shift();
      if (orderId === undefined) {
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      await transfer(orderId).catch((error: unknown) => {
        stats.failed += 1;
        stats.firstError ??= error instanceof Error ? error.message : String(error);
      });
    }
  };
  const enqueue = (orderId: string) => {
    // A redelivered webhook is the same order, as signal-with-start makes it in the pipeline.
    if (seen.has(orderId)) return;
    seen.add(orderId);
    queue.push(orderId);
    idle.shift()?.();
  };
  const lanes = Array.from({ length: init.concurrency }, () => lane());

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const verified = verifyMystoreWebhook({ rawBody, headers: request.headers, secret: init.webhookSecrets });
      if (size > MAX_BODY_BYTES || !verified.ok) {
        response.writeHead(size > MAX_BODY_BYTES ? 413 : 401).end();
        return;
      }
      const body = webhookDeliveryBodySchema.safeParse(JSON.parse(rawBody.toString('utf8')));
      if (!body.success) {
        response.writeHead(400).end();
        return;
      }
      stats.received += 1;
      enqueue(body.data.id);
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(init.port, '127.0.0.1', resolve));
  process.on('message', (message) => {
    if ((message as { type?: string }).type === 'stats') process.send?.({ ...stats });
  });
  process.once('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready' });
  await Promise.all(lanes);
}

main().catch((error: unknown) => {
  console.error('bench baseline failed:', error);
  process.exit(1);
});
