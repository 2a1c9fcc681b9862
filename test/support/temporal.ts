/**
 * The real Temporal dev server for tests. scripts/run-tests.ts starts one for the whole run and
 * passes its address in TEMPORAL_ADDRESS; a test file run on its own starts its own. Every test
 * gets its own task queue, so tests never take each other's tasks.
 */
import { after } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker, WorkflowBundle } from '@temporalio/worker';
import { loadConfig, type Config } from '../../common/config';
import { startDevServer, type DevServer } from '../../common/dev-server';
import { createLogger } from '../../common/logger';
import { connectTemporalClient } from '../../common/temporal-client';
import { createWorker, type CreateWorkerOptions } from '../../worker/create-worker';
import { readWorkflowBundle } from '../../worker/workflow-bundle';

let ownServer: Promise<DevServer> | undefined;

async function temporalAddress(): Promise<string> {
  if (process.env.TEST_WORKFLOW_BUNDLE && process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
  if (!ownServer) {
    ownServer = startDevServer({});
    after(async () => (await ownServer!).stop());
  }
  return (await ownServer).address;
}

export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export function testLogger() {
  return createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test' });
}

let bundle: WorkflowBundle | undefined;
function workflowBundle(): WorkflowBundle | undefined {
  if (!bundle && process.env.TEST_WORKFLOW_BUNDLE) bundle = readWorkflowBundle(process.env.TEST_WORKFLOW_BUNDLE);
  return bundle;
}

export interface TemporalTestContext {
  config: Config;
  client: Client;
  taskQueue: string;
  worker: Worker;
}

/**
 * Runs `body` while a worker with the real activities polls a fresh task queue (or the given
 * one); the worker shuts down when `body` settles. `env` overrides configuration (e.g. the
 * sandbox's URL).
 */
export async function withWorker<T>(
  env: Record<string, string>,
  body: (context: TemporalTestContext) => Promise<T>,
  options: Pick<CreateWorkerOptions, 'deps' | 'tuning'> & { taskQueue?: string } = {},
): Promise<T> {
  const address = await temporalAddress();
  const config = loadConfig({ ...process.env, ...env, TEMPORAL_ADDRESS: address });
  const taskQueue = options.taskQueue ?? uniqueTaskQueue();
  const logger = testLogger();
  const testBundle = workflowBundle();
  const { worker, connection } = await createWorker({ config, logger, taskQueue, ...(testBundle ? { workflowBundle: testBundle } : {}), ...(options.deps ? { deps: options.deps } : {}), ...(options.tuning ? { tuning: options.tuning } : {}) });
  const client = await connectTemporalClient(config);
  try {
    return await worker.runUntil(body({ config: { ...config, TEMPORAL_TASK_QUEUE: taskQueue }, client, taskQueue, worker }));
  } finally {
    await client.connection.close();
    await connection.close();
  }
}
