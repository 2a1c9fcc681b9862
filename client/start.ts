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
import { createWorker } from '../worker/create-worker';
import { startCodecServer } from './codec-server';
import { startWebhookReceiver } from './webhook-receiver';
import { connectTemporalClient } from '../common/temporal-client';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { formatOnboardingState, runOnboard } from './commands/onboard-command';
import { DEMO_SHOP_ID, startLocalTemporal, startSandboxes, temporalUiUrlForShop, usesLocalTemporal, usesTripletexSandbox, type RunningSandboxes } from './local-stack';

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
    let sandboxes: RunningSandboxes | undefined;
    if (usesTripletexSandbox(config)) {
      sandboxes = await startSandboxes(config);
      cleanups.push(() => sandboxes!.close());
    }

    const { worker, connection } = await createWorker({ config, logger: logger.child({ component: 'worker' }) });
    const workerRun = worker.run();
    cleanups.push(async () => {
      // The SDK already begins a shutdown on SIGINT/SIGTERM; shutting down twice throws.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
      await connection.close();
    });
    // Mystore's order webhooks (the sandbox's demo shop sends them to WEBHOOK_PORT) start transfers.
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());
    const webhooks = await startWebhookReceiver({ config, logger: logger.child({ component: 'webhooks' }), client, shops: createTemporalShopDirectory(client), taskQueue: config.TEMPORAL_TASK_QUEUE, ...(sandboxes ? { host: '127.0.0.1' } : {}) });
    cleanups.push(() => webhooks.close());

    console.log('');
    let demoOrderIds: string[] = [];
    if (sandboxes) {
      console.log(`Onboarding the demo shop "${DEMO_SHOP_ID}" against the Tripletex sandbox...`);
      // The whole onboarding, as for a real shop; demo mode accepts the suggested payment mapping
      // and confirms the number series on the merchant's behalf (and says what a merchant would set).
      const { state } = await runOnboard(config, {
        shop: DEMO_SHOP_ID,
        tripletexEmployeeToken: sandboxes.tripletex.employeeToken,
        mystoreShop: sandboxes.mystore.shop,
        mystoreToken: sandboxes.mystore.token,
        acceptSuggestedMapping: true,
        confirmNumbering: true,
        json: false,
      });
      console.log(formatOnboardingState(state));
      if (state.numbering) {
        console.log(`\nDemo mode confirmed the number series. A real merchant would first set, in Tripletex: ${state.numbering.assessment.instructions.join(' ')}`);
      }
      demoOrderIds = sandboxes.servers.mystore.admin.generateOrders(DEMO_SHOP_ID, { count: 5, status: 'completed' });
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
    console.log('                    npm run cli -- onboard --shop my-shop --tripletex-employee-token sandbox-demo-employee-token');
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
