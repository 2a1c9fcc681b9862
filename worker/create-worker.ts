/**
 * Builds a Worker with the real dependencies: the Tripletex client per employee token, pino, the
 * payload codec, and the workflows (bundled from workflows/index.ts, or a prebuilt bundle).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createTripletexClient } from '../activities/tripletex/tripletex-client';
import { createMystoreClient, type MystoreClient } from '../activities/mystore/mystore-client';
import type { Client } from '@temporalio/client';
import { createDataConverter } from '../common/payload-codec';
import { connectTemporalClient } from '../common/temporal-client';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { currentActivitySignal } from '../activities/activity-cancellation';
import { summarizeTransferStates } from '../activities/backfill-activities';
import { registerOrUpdateShop, retryTransfer, retryTransfersInStatus, startOrSignalTransfer, transfersInFlight, updateShop } from '../common/transfers';
import { deleteReconciliationSchedule, ensureReconciliationSchedule, readTransferStates } from '../common/reconciliation-schedule';
import { shopWorkflowId } from '../common/ids';
import { ConfigError, type Config } from '../common/config';
import type { Logger } from '../common/logger';
import { installTemporalRuntimeLogger } from './runtime-logger';

/**
 * The workflows' source, which the worker bundles when it starts without a prebuilt bundle. The
 * compiled worker (dist/, scripts/build.ts) has no sources beside it: it needs
 * TEMPORAL_WORKFLOW_BUNDLE.
 */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface CreateWorkerOptions {
  config: Config;
  logger: Logger;
  /** Overrides config.TEMPORAL_TASK_QUEUE (tests use one queue each). */
  taskQueue?: string;
  /** A bundle made once by bundleWorkflowCode, to skip bundling per worker (tests). */
  workflowBundle?: WorkflowBundle;
  /** Overrides the real activity dependencies (tests inject a clock, for instance). */
  deps?: Partial<ActivityDeps>;
  /** Overrides the worker's slots and cache (the benchmarks vary them). */
  tuning?: Partial<WorkerTuning>;
}

/** The worker options that decide its throughput and memory (see BENCHMARKS.md). */
export interface WorkerTuning {
  /** Activities running at once in this process (SDK default 100). */
  maxConcurrentActivityTaskExecutions: number;
  /** Local activities running at once (SDK default 100): the transfer's rerunnable steps. */
  maxConcurrentLocalActivityExecutions: number;
  /** Workflow tasks running at once (SDK default 40). */
  maxConcurrentWorkflowTaskExecutions: number;
  /** Workflows kept in memory between tasks (SDK default: about 60 % of the heap limit in MiB, over 2,000 on a 4 GiB heap). */
  maxCachedWorkflows: number;
}

/**
 * What this worker changes from the SDK's defaults. The workflow cache: a transfer is busy for a
 * second or two, then waits 90 days for a refund, so a cache sized by the heap (over 2,000 on a
 * 4 GiB heap) fills with idle transfers during a backfill and the worker's RSS passes 1 GB; 200
 * covers what a backfill has in flight, and an idle transfer that wakes later is replayed from
 * its short history. The price is in bursts: with more than 200 transfers waiting for an activity
 * slot at once, evicted ones are replayed (1,000 webhooks at once: about a fifth fewer orders a
 * second than with 500 or more; 500 cost about 110 MiB more over a 3,000-order backfill, when
 * each cached workflow still carried its own zod: about 80 KB each without it, 100 instead of 200
 * saved 30 MiB over 2,000 orders). BENCHMARKS.md has the figures.
 */
export const DEFAULT_WORKER_TUNING: Partial<WorkerTuning> = {
  maxCachedWorkflows: 200,
};

export function createActivityDeps(config: Config, logger: Logger, temporal: Client, taskQueue = config.TEMPORAL_TASK_QUEUE): ActivityDeps {
  // One Mystore client per shop and token, so its caches (order statuses, whether `include`
  // works) serve every order of the shop. Keyed by a hash: the map never holds a token.
  const mystoreClients = new Map<string, MystoreClient>();
  return {
    mystoreClient: (mystoreShop, token, language) => {
      const key = createHash('sha256').update(`${mystoreShop}\n${token}\n${language}`).digest('hex');
      let client = mystoreClients.get(key);
      if (!client) {
        client = createMystoreClient({
          baseUrl: config.MYSTORE_BASE_URL,
          shop: mystoreShop,
          token,
          language,
          rateLimitPerMinute: config.MYSTORE_RATE_LIMIT_PER_MINUTE,
          timeoutMs: config.MYSTORE_TIMEOUT_MS,
          // Read per request: a cancelled activity (or a worker shutting down) aborts its call at once.
          abortSignal: currentActivitySignal,
          logger: logger.child({ component: 'mystore' }),
        });
        mystoreClients.set(key, client);
      }
      return client;
    },
    tripletexClient: (employeeToken) =>
      createTripletexClient({
        baseUrl: config.TRIPLETEX_BASE_URL,
        consumerToken: config.TRIPLETEX_CONSUMER_TOKEN,
        employeeToken,
        timeoutMs: config.TRIPLETEX_TIMEOUT_MS,
        sessionDays: config.TRIPLETEX_SESSION_DAYS,
        abortSignal: currentActivitySignal,
        logger: logger.child({ component: 'tripletex' }),
      }),
    shops: createTemporalShopDirectory(temporal),
    signalTransfer: async (shopId, orderId, signal) => {
      await startOrSignalTransfer(temporal, taskQueue, shopId, orderId, signal);
    },
    saveShop: (record) => registerOrUpdateShop(temporal, taskQueue, record),
    updateShop: (shopId, change) => updateShop(temporal, shopId, change),
    retryTransfers: (shopId, status) => retryTransfersInStatus(temporal, shopId, status),
    transfersInFlight: (shopId) => transfersInFlight(temporal, shopId),
    readTransferStates: (shopId, orderIds) => readTransferStates(temporal, shopId, orderIds),
    retryTransfer: (shopId, orderId) => retryTransfer(temporal, shopId, orderId),
    setReconciliationWatermark: (shopId, change) => temporal.workflow.getHandle(shopWorkflowId(shopId)).executeUpdate('setReconciliationWatermark', { args: [change] }),
    reconciliationSchedules: {
      ensure: (shopId, intervalMinutes) => ensureReconciliationSchedule(temporal, { shopId, taskQueue, intervalMinutes }),
      delete: (shopId) => deleteReconciliationSchedule(temporal, shopId),
    },
    transferStates: (shopId, orderIds) => summarizeTransferStates(temporal, shopId, orderIds),
    webhookBaseUrl: config.WEBHOOK_PUBLIC_URL ?? `http://127.0.0.1:${config.WEBHOOK_PORT}`,
    logger,
    now: () => new Date(),
  };
}

export async function createWorker(options: CreateWorkerOptions): Promise<{ worker: Worker; connection: { close(): Promise<void> } }> {
  const { config, logger } = options;
  if (!options.workflowBundle && !existsSync(WORKFLOWS_PATH)) {
    throw new ConfigError([`TEMPORAL_WORKFLOW_BUNDLE: must be set for the compiled worker, which cannot bundle workflows/ (no ${WORKFLOWS_PATH}); \`npm run build\` writes dist/workflow-bundle.js`]);
  }
  installTemporalRuntimeLogger(logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  // Activities read shop records from the shops' workflows through this client.
  const temporal = await connectTemporalClient(config);
  const taskQueue = options.taskQueue ?? config.TEMPORAL_TASK_QUEUE;
  const deps = { ...createActivityDeps(config, logger, temporal, taskQueue), ...options.deps };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    dataConverter: createDataConverter(config),
    ...DEFAULT_WORKER_TUNING,
    ...options.tuning,
  });
  return { worker, connection: { close: async () => { await temporal.connection.close(); await connection.close(); } } };
}
