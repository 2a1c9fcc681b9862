/**
 * The worker process (`npm run worker`): polls the task queue until SIGINT/SIGTERM, then drains.
 * With TEMPORAL_WORKFLOW_BUNDLE it loads that prebuilt bundle rather than bundling workflows/.
 */
import { loadConfig, ConfigError } from '../common/config';
import { createLogger } from '../common/logger';
import { createWorker } from './create-worker';
import { readWorkflowBundle } from './workflow-bundle';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  const workflowBundle = config.TEMPORAL_WORKFLOW_BUNDLE ? readWorkflowBundle(config.TEMPORAL_WORKFLOW_BUNDLE) : undefined;
  const { worker, connection } = await createWorker({ config, logger, ...(workflowBundle ? { workflowBundle } : {}) });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
  try {
    await worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
