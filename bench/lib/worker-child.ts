/**
 * A benchmark's worker process: the real worker (worker/create-worker.ts) and, unless told not
 * to, the webhook receiver in the same process, as `npm start` runs them. Configured by the
 * environment (common/config.ts) like `npm run worker`; worker tuning comes as JSON in argv[2].
 * Started with child_process.fork by bench/lib/stack.ts, so its own RSS and CPU can be read
 * from /proc/<pid>. Tells the parent `{type: 'ready', receiverUrl?}` over IPC; stops on SIGTERM
 * or when the parent goes away.
 */
import { createTemporalShopDirectory } from '../../activities/shop-directory';
import { startWebhookReceiver, type WebhookReceiver } from '../../client/webhook-receiver';
import { loadConfig } from '../../common/config';
import { createLogger } from '../../common/logger';
import { connectTemporalClient } from '../../common/temporal-client';
import { createWorker, type WorkerTuning } from '../../worker/create-worker';
import { readWorkflowBundle } from '../../worker/workflow-bundle';

export interface WorkerChildOptions {
  tuning?: Partial<WorkerTuning>;
  /** Run the webhook receiver on WEBHOOK_PORT in this process too. */
  receiver: boolean;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as WorkerChildOptions;
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'bench-worker' });
  // As worker/main.ts: a prebuilt bundle when TEMPORAL_WORKFLOW_BUNDLE names one, else bundling at start.
  const workflowBundle = config.TEMPORAL_WORKFLOW_BUNDLE ? readWorkflowBundle(config.TEMPORAL_WORKFLOW_BUNDLE) : undefined;
  const { worker, connection } = await createWorker({ config, logger, ...(workflowBundle ? { workflowBundle } : {}), ...(options.tuning ? { tuning: options.tuning } : {}) });
  const running = worker.run();
  let receiver: WebhookReceiver | undefined;
  let closeClient: (() => Promise<void>) | undefined;
  if (options.receiver) {
    const client = await connectTemporalClient(config);
    closeClient = () => client.connection.close();
    receiver = await startWebhookReceiver({
      config, logger: logger.child({ component: 'webhooks' }), client, shops: createTemporalShopDirectory(client), taskQueue: config.TEMPORAL_TASK_QUEUE, host: '127.0.0.1',
    });
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    await receiver?.close();
    await closeClient?.();
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  })());
  // The SDK shuts the worker down on SIGTERM by itself; this closes the receiver too.
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop().finally(() => process.exit(0)));
  // The main thread's share of the process's memory (the workflow thread's heap is not in it).
  process.on('message', (message) => {
    if ((message as { type?: string }).type === 'memory') process.send?.({ type: 'memory', ...process.memoryUsage() });
  });
  process.send?.({ type: 'ready', ...(receiver ? { receiverUrl: receiver.url } : {}) });
  await running;
  await stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench worker failed:', error);
    process.exit(1);
  },
);
