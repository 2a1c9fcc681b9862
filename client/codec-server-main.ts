/** `npm run codec-server`: the Temporal UI's codec endpoint on its own (see client/codec-server.ts). */
import { ConfigError, loadConfig } from '../common/config';
import { createLogger } from '../common/logger';
import { allowedCodecOrigins, startCodecServer } from './codec-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'codec-server' });
  const server = await startCodecServer(config, logger);
  logger.info({ url: server.url, allowedOrigins: allowedCodecOrigins(config) }, 'codec server listening; set it as the UI codec endpoint');
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
