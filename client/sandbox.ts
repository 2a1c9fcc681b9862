/**
 * `npm run sandbox [-- --json] [--request-log DIR]`: the sandboxes on 127.0.0.1 with a demo
 * company, until Ctrl-C. With --json the first stdout line is one JSON object with their URLs
 * and tokens, for scripts.
 */
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../common/config';
import { startSandboxes } from './local-stack';

const program = new Command()
  .name('npm run sandbox --')
  .description('Run the Tripletex and Mystore sandboxes with a demo company and a demo shop')
  .option('--json', 'print one JSON line with URLs and tokens first on stdout')
  .option('--request-log <dir>', 'write the request log(s) as JSONL into this folder')
  .parse();

const options = program.opts<{ json?: boolean; requestLog?: string }>();

async function main(): Promise<void> {
  const config = loadConfig();
  const sandboxes = await startSandboxes(config, options.requestLog ? { requestLogDir: options.requestLog } : {});
  const { tripletex, mystore } = sandboxes;
  if (options.json) {
    console.log(JSON.stringify({
      tripletex: { baseUrl: tripletex.baseUrl, consumerToken: tripletex.consumerToken, employeeToken: tripletex.employeeToken },
      mystore: { baseUrl: mystore.baseUrl, shop: mystore.shop, token: mystore.token, webhookSecret: mystore.webhookSecret, webhookSecrets: mystore.webhookSecrets, webhookUrl: mystore.webhookUrl },
    }));
  } else {
    console.log(`Tripletex sandbox: ${tripletex.baseUrl}`);
    console.log(`  demo company id ${tripletex.companyId}, consumer token "${tripletex.consumerToken}", employee token "${tripletex.employeeToken}"`);
    console.log(`Mystore sandbox:   ${mystore.baseUrl}/shops/${mystore.shop}/`);
    console.log(`  token ${mystore.token}`);
    console.log(`  order webhooks go to ${mystore.webhookUrl}`);
    console.log('Ctrl-C stops them.');
  }
  const stop = () => {
    void sandboxes.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
