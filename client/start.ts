/**
 * `npm start`: the embedded default. Starts the Temporal dev server (state in DATA_DIR, Web UI),
 * the Tripletex sandbox with a demo company, and a worker; onboards the demo shop; prints the
 * outcome and the URLs; stays up for exploring until Ctrl-C, which stops everything it started.
 * Pointed at real endpoints (TRIPLETEX_BASE_URL, TEMPORAL_ADDRESS), it starts no sandbox or
 * server of its own and onboards nothing: it runs the worker.
 */
import { ConfigError, loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import type { DevServer } from '../common/dev-server';
import { startCodecServer } from './codec-server';
import { startWebhookReceiver } from './webhook-receiver';
import { connectTemporalClient } from '../common/temporal-client';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { formatOnboardingState } from './commands/onboard-command';
import { DEMO_SHOP_ID, onboardDemoShop, startLocalTemporal, startWorkerInProcess, startSandboxes, temporalUiUrlForShop, usesLocalTemporal, usesMystoreSandbox, usesTripletexSandbox, type RunningSandboxes } from './local-stack';
import type { Client } from '@temporalio/client';
import { transferStatus } from '../common/transfers';
import type { TransferState } from '../workflows';

async function main(): Promise<void> {
  const config = loadConfig();
  // The terminal is this command's interface: only warnings and errors are logged to it unless
  // LOG_LEVEL asks for more.
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', name: 'start' });
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'while stopping'));
  };

  try {
    let server: DevServer | undefined;
    if (usesLocalTemporal(config)) {
      // The UI shows payloads decrypted through this codec server (they are encrypted in history).
      const codec = await startCodecServer(config, logger);
      cleanups.push(() => codec.close());
      console.log(`Starting the Temporal dev server on ${config.TEMPORAL_ADDRESS} (state in ${config.DATA_DIR}/temporal)...`);
      server = await startLocalTemporal(config, logger, codec.url);
      cleanups.push(() => server!.stop());
    }
    // Connected before the sandboxes: they are new on every start, Temporal's state is not.
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());
    let sandboxes: RunningSandboxes | undefined;
    if (usesTripletexSandbox(config) && usesMystoreSandbox(config)) {
      // The demo shop's order ids continue after the transfers of earlier starts, so a new order
      // never lands on an old transfer's workflow id.
      const { count } = await client.workflow.count(`WorkflowType = "transferOrder" AND ShopId = "${DEMO_SHOP_ID}"`);
      sandboxes = await startSandboxes(config, { firstOrderId: 6000 + count });
      cleanups.push(() => sandboxes!.close());
    }

    const worker = await startWorkerInProcess(config, logger);
    cleanups.push(() => worker.stop());
    // Mystore's order webhooks (the sandbox's demo shop sends them to WEBHOOK_PORT) start transfers.
    const webhooks = await startWebhookReceiver({ config, logger: logger.child({ component: 'webhooks' }), client, shops: createTemporalShopDirectory(client), taskQueue: config.TEMPORAL_TASK_QUEUE, ...(sandboxes ? { host: '127.0.0.1' } : {}) });
    cleanups.push(() => webhooks.close());

    console.log('');
    let demoOrderIds: string[] = [];
    if (sandboxes) {
      console.log(`Onboarding the demo shop "${DEMO_SHOP_ID}" against the sandboxes...`);
      // The whole onboarding, as for a real shop; it says what a real merchant would set.
      const state = await onboardDemoShop(config, sandboxes);
      console.log(formatOnboardingState(state));
      if (state.numbering) {
        console.log(`\nDemo mode confirmed the number series. A real merchant would first set, in Tripletex: ${state.numbering.assessment.instructions.join(' ')}`);
      }
      demoOrderIds = sandboxes.servers.mystore.admin.generateOrders(DEMO_SHOP_ID, { count: 5, status: 'completed' });
      console.log(`\n${demoOrderIds.length} completed orders placed in the Mystore sandbox; they arrive by webhook:`);
      await showTransfers(client, demoOrderIds);
      console.log('');
      console.log(`Tripletex sandbox:  ${sandboxes.tripletex.baseUrl} (demo employee token "${sandboxes.tripletex.employeeToken}")`);
      console.log(`Mystore sandbox:    ${sandboxes.mystore.baseUrl}/shops/${sandboxes.mystore.shop}/ with completed orders ${demoOrderIds.join(', ')}`);
    }
    if (server?.uiUrl) console.log(`Temporal UI:        ${temporalUiUrlForShop(config, DEMO_SHOP_ID)}`);
    console.log(`Temporal frontend:  ${config.TEMPORAL_ADDRESS}, task queue ${config.TEMPORAL_TASK_QUEUE}`);
    if (demoOrderIds.length > 0) {
      console.log(`Try:                npm run cli -- transfer --shop ${DEMO_SHOP_ID} --order ${demoOrderIds[0]}`);
      console.log(`                    npm run cli -- status --shop ${DEMO_SHOP_ID} --order ${demoOrderIds[0]}`);
    }
    console.log(`                    npm run cli -- status --shop ${DEMO_SHOP_ID}     (onboarding, step by step)`);
    console.log(`                    npm run cli -- reconcile --shop ${DEMO_SHOP_ID}`);
    console.log('Ctrl-C stops everything started here.');

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('\nStopping...');
  } finally {
    await stopAll();
  }
}

/** Prints each demo order's transfer as it settles (a minute at most), then a one-line summary. */
async function showTransfers(client: Client, orderIds: string[]): Promise<void> {
  const settled = new Map<string, TransferState>();
  const deadline = Date.now() + 60_000;
  while (settled.size < orderIds.length && Date.now() < deadline) {
    for (const orderId of orderIds.filter((id) => !settled.has(id))) {
      const state = await transferStatus(client, DEMO_SHOP_ID, orderId).catch(() => undefined);
      if (state && state.status !== 'Transferring' && state.status !== 'Waiting') {
        settled.set(orderId, state);
        const invoice = state.tripletex.invoiceNumber !== undefined ? `Tripletex invoice ${state.tripletex.invoiceNumber}` : state.problem?.message ?? '';
        console.log(`  order ${orderId}: ${state.status}  ${invoice}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const invoiced = [...settled.values()].filter((state) => state.status === 'Invoiced').length;
  console.log(`  ${invoiced} of ${orderIds.length} invoiced${settled.size < orderIds.length ? `; ${orderIds.length - settled.size} still in progress (see the Temporal UI)` : ''}.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
