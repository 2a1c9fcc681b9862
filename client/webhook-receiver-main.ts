/**
 * `npm run webhooks`: the Mystore webhook receiver as its own process (see
 * client/webhook-receiver.ts), on WEBHOOK_PORT, every interface. A worker must run somewhere for
 * the shop records it reads. SIGINT/SIGTERM: stop accepting, finish requests in flight, exit.
 */
import { ConfigError, loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { connectTemporalClient } from '../common/temporal-client';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { startWebhookReceiver } from './webhook-receiver';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'webhooks' });
  const client = await connectTemporalClient(config);
  const receiver = await startWebhookReceiver({
    config,
    logger,
    client,
    shops: createTemporalShopDirectory(client),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  logger.info({ url: receiver.url, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'webhook receiver ready: POST /webhooks/mystore/:shop, GET /health');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void receiver
      .close()
      .then(() => client.connection.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'while stopping');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
