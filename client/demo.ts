/**
 * `npm run demo -- --orders N [--fault-rate R] [--record DIR] [--json]`: the whole product,
 * one-shot, for scripts. Starts its own Temporal dev server (in memory), both sandboxes, a
 * worker and the webhook receiver on free ports; onboards a demo shop; injects faults of every
 * kind at rate R into both sandboxes; generates N completed orders, which arrive by webhook;
 * waits for every transfer to settle; reconciles; then counts from the Tripletex sandbox's own
 * state (not from what the workflows believe) and stops everything it started.
 *
 * With --json the last stdout line is one JSON object (see DemoResult). Exit code 0 only when
 * every order has exactly one invoice with the right amount.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../common/config';
import { startDevServer } from '../common/dev-server';
import { createLogger } from '../common/logger';
import { connectTemporalClient } from '../common/temporal-client';
import { clearFaults, countInvoices, countTransfers, everyOrderInvoicedOnce, generateCompletedOrders, injectFaults, oneShotConfig, orderOutcomes, receiveAndOnboard, reconcileAndWait, runOneShot, waitForTransfers, type InvoiceCounts } from './demo-run';
import { startSandboxes, startWorkerInProcess } from './local-stack';

const optionsSchema = z.object({
  orders: z.coerce.number().int().min(1, '--orders must be at least 1').max(5_000),
  faultRate: z.coerce.number().min(0).max(0.9, '--fault-rate is a share of requests, from 0 to 0.9'),
  record: z.string().min(1).optional(),
  json: z.boolean(),
});

export interface DemoResult extends InvoiceCounts {
  needsAttention: number;
  tripletexRequests: number;
  mystoreRequests: number;
  tripletexRequestsPerOrder: number;
  seconds: number;
}

async function main(): Promise<number> {
  const program = new Command()
    .name('npm run demo --')
    .description('Run N orders from webhook to invoice against the sandboxes, with faults, then reconcile and count')
    .option('--orders <n>', 'how many completed orders to generate', '20')
    .option('--fault-rate <r>', 'share of requests (0-0.9) that meet a fault, spread over every kind', '0')
    .option('--record <dir>', 'write the sandboxes\' request logs into this folder')
    .option('--json', 'print the result as one JSON line, last on stdout')
    .parse();
  const raw = program.opts<{ orders: string; faultRate: string; record?: string; json?: boolean }>();
  const options = optionsSchema.parse({ ...raw, json: raw.json ?? false });
  // Progress goes to stderr with --json, so the last stdout line is the result.
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const started = Date.now();
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    say('Starting a Temporal dev server (in memory) and both sandboxes...');
    const server = await startDevServer({});
    cleanups.push(() => server.stop());
    const faulty = options.faultRate > 0;
    const config = await oneShotConfig(loadConfig(), { temporalAddress: server.address, taskQueue: `demo-${randomUUID()}`, faulty });
    if (options.record) mkdirSync(options.record, { recursive: true });
    const sandboxes = await startSandboxes(config, options.record ? { requestLogDir: options.record } : {});
    cleanups.push(() => sandboxes.close());

    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'demo' });
    const worker = await startWorkerInProcess(config, logger);
    cleanups.push(() => worker.stop());
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());
    const receiver = await receiveAndOnboard(config, logger, client, sandboxes, say);
    cleanups.push(() => receiver.close());

    const { servers } = sandboxes;
    const companyId = sandboxes.tripletex.companyId;
    const tripletexBefore = servers.tripletex.requestCount();
    const mystoreBefore = servers.mystore.requestCount();
    if (faulty) say(`Faults at rate ${options.faultRate} in both sandboxes (${injectFaults(servers, options.faultRate)}).`);

    say(`Generating ${options.orders} completed orders; they arrive by webhook...`);
    const orderIds = generateCompletedOrders(servers, options.orders);
    await waitForTransfers(client, servers, companyId, orderIds, { say, timeoutMs: Math.max(120_000, orderIds.length * 2_000) });
    clearFaults(servers);

    say('Reconciling...');
    await reconcileAndWait(config, client, servers, companyId, orderIds, say);
    const { needsAttention } = await countTransfers(client);

    const tripletexRequests = servers.tripletex.requestCount() - tripletexBefore;
    const mystoreRequests = servers.mystore.requestCount() - mystoreBefore;
    const result: DemoResult = {
      ...countInvoices(orderOutcomes(servers, companyId, orderIds)),
      needsAttention,
      tripletexRequests,
      mystoreRequests,
      tripletexRequestsPerOrder: Math.round((tripletexRequests / Math.max(1, orderIds.length)) * 100) / 100,
      seconds: Math.round(((Date.now() - started) / 1000) * 10) / 10,
    };
    if (options.json) console.log(JSON.stringify(result));
    else {
      say('');
      say(`${result.orders} orders → ${result.invoices} with exactly one invoice; ${result.duplicates} duplicate(s), ${result.missing} missing, ${result.amountMismatches} amount mismatch(es), ${result.needsAttention} needing attention.`);
      say(`Tripletex requests: ${result.tripletexRequests} (${result.tripletexRequestsPerOrder} per order); Mystore requests: ${result.mystoreRequests}; ${result.seconds} s.`);
      if (options.record) say(`Request logs: ${options.record}/tripletex-requests.jsonl, ${options.record}/mystore-requests.jsonl`);
    }
    return everyOrderInvoicedOnce(result) ? 0 : 1;
  } finally {
    await stopAll();
  }
}

runOneShot(main);
