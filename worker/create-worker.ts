/**
 * Builds a Worker with the real dependencies: the Tripletex client per employee token, pino, the
 * payload codec, and the workflows (bundled from workflows/index.ts, or a prebuilt bundle).
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createTripletexClient } from '../activities/tripletex/tripletex-client';
import { createDataConverter } from '../common/payload-codec';
import type { Config } from '../common/config';
import type { Logger } from '../common/logger';
import { installTemporalRuntimeLogger } from './runtime-logger';

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
}

export function createActivityDeps(config: Config, logger: Logger): ActivityDeps {
  return {
    tripletexClient: (employeeToken) =>
      createTripletexClient({
        baseUrl: config.TRIPLETEX_BASE_URL,
        consumerToken: config.TRIPLETEX_CONSUMER_TOKEN,
        employeeToken,
        timeoutMs: config.TRIPLETEX_TIMEOUT_MS,
        sessionDays: config.TRIPLETEX_SESSION_DAYS,
        logger: logger.child({ component: 'tripletex' }),
      }),
    logger,
    now: () => new Date(),
  };
}

export async function createWorker(options: CreateWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { config, logger } = options;
  installTemporalRuntimeLogger(logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const deps = { ...createActivityDeps(config, logger), ...options.deps };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: options.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(deps),
    dataConverter: createDataConverter(config),
  });
  return { worker, connection };
}
