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
import getPort from 'get-port';
import { z } from 'zod';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { ConfigError, loadConfig, type Config } from '../common/config';
import { startDevServer } from '../common/dev-server';
import { createLogger } from '../common/logger';
import { connectTemporalClient } from '../common/temporal-client';
import { transferStatus } from '../common/transfers';
import { decimalToScaled } from '../domain/money';
import type { TransferState } from '../workflows';
import { runReconcile } from './commands/reconcile-command';
import { DEMO_SHOP_ID, onboardDemoShop, startSandboxes, startWorkerInProcess } from './local-stack';
import { startWebhookReceiver } from './webhook-receiver';

const optionsSchema = z.object({
  orders: z.coerce.number().int().min(1, '--orders must be at least 1').max(5_000),
  faultRate: z.coerce.number().min(0).max(0.9, '--fault-rate is a share of requests, from 0 to 0.9'),
  record: z.string().min(1).optional(),
  json: z.boolean(),
});

export interface DemoResult {
  orders: number;
  /** Orders with exactly one (non-credit) invoice in the Tripletex sandbox. */
  invoices: number;
  /** Invoices beyond the first for the same order. */
  duplicates: number;
  /** Orders without an invoice. */
  missing: number;
  /** Orders whose invoice total differs from the shop's. */
  amountMismatches: number;
  needsAttention: number;
  tripletexRequests: number;
  mystoreRequests: number;
  tripletexRequestsPerOrder: number;
  seconds: number;
}

const SETTLED: ReadonlySet<TransferState['status']> = new Set(['Invoiced', 'NeedsAttention', 'Credited', 'PartiallyCredited', 'Cancelled', 'Forwarded']);

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
    const [tripletexPort, mystorePort, webhookPort] = [await getPort(), await getPort(), await getPort()];
    const base = loadConfig();
    const faulty = options.faultRate > 0;
    const config: Config = {
      ...base,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `demo-${randomUUID()}`,
      SANDBOX_TRIPLETEX_PORT: tripletexPort,
      SANDBOX_MYSTORE_PORT: mystorePort,
      WEBHOOK_PORT: webhookPort,
      WEBHOOK_PUBLIC_URL: undefined,
      TRIPLETEX_BASE_URL: `http://127.0.0.1:${tripletexPort}/v2`,
      MYSTORE_BASE_URL: `http://127.0.0.1:${mystorePort}`,
      // The sandboxes answer at once: a short timeout makes their "slow" fault a timeout.
      TRIPLETEX_TIMEOUT_MS: faulty ? 2_000 : base.TRIPLETEX_TIMEOUT_MS,
      MYSTORE_TIMEOUT_MS: faulty ? 2_000 : base.MYSTORE_TIMEOUT_MS,
      // The demo measures the pipeline, not Mystore's per-token limit (the benchmarks do that).
      MYSTORE_RATE_LIMIT_PER_MINUTE: 60_000,
    };
    if (options.record) mkdirSync(options.record, { recursive: true });
    const sandboxes = await startSandboxes(config, options.record ? { requestLogDir: options.record } : {});
    cleanups.push(() => sandboxes.close());

    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'demo' });
    const worker = await startWorkerInProcess(config, logger);
    cleanups.push(() => worker.stop());
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());
    const receiver = await startWebhookReceiver({ config, logger: logger.child({ component: 'webhooks' }), client, shops: createTemporalShopDirectory(client), taskQueue: config.TEMPORAL_TASK_QUEUE, host: '127.0.0.1' });
    cleanups.push(() => receiver.close());

    say(`Onboarding the demo shop "${DEMO_SHOP_ID}"...`);
    const onboarding = await onboardDemoShop(config, sandboxes);
    if (onboarding.stage !== 'live') throw new Error(`onboarding did not go live: ${onboarding.nextAction ?? onboarding.stage}`);

    const { tripletex, mystore } = sandboxes.servers;
    const tripletexBefore = tripletex.requestCount();
    const mystoreBefore = mystore.requestCount();
    if (faulty) {
      const share = options.faultRate / 5;
      tripletex.admin.setFaults({ http500: share, http503: share, resetBeforeWrite: share, slow: share, commitThenDrop: share, slowDelayMs: 2_500 });
      const mystoreShare = options.faultRate / 6;
      mystore.admin.setFaults({ http500: mystoreShare, http503: mystoreShare, http504: mystoreShare, resetBeforeWrite: mystoreShare, slow: mystoreShare, commitThenDrop: mystoreShare, slowDelayMs: 2_500 });
      say(`Faults at rate ${options.faultRate} in both sandboxes (500, 503, 504, reset, slow, commit-then-drop).`);
    }

    say(`Generating ${options.orders} completed orders; they arrive by webhook...`);
    const generated = mystore.admin.generateOrders(DEMO_SHOP_ID, { count: options.orders, status: 'completed' });
    // A credit order is a refund of another order, not a sale: it is not expected to be invoiced.
    const orderIds = generated.filter((orderId) => mystore.admin.getOrder(DEMO_SHOP_ID, orderId).attributes.order_type !== 'credit');

    const states = await waitForTransfers(client, orderIds, say, Math.max(120_000, orderIds.length * 2_000));
    tripletex.admin.setFaults({});
    mystore.admin.setFaults({});

    say('Reconciling...');
    const windowStart = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
    const report = await runReconcile(config, { shop: DEMO_SHOP_ID, from: windowStart, to: new Date(Date.now() + 60_000).toISOString(), json: true });
    if (report.startedNow.length > 0) {
      say(`Reconciliation started ${report.startedNow.length} transfer(s) whose webhook was lost; waiting for them...`);
      await waitForTransfers(client, report.startedNow, say, 120_000);
    }

    const result = countFromSandboxes(sandboxes.tripletex.companyId, orderIds, states, { tripletex, mystore }, {
      tripletex: tripletex.requestCount() - tripletexBefore,
      mystore: mystore.requestCount() - mystoreBefore,
    }, (Date.now() - started) / 1000);
    const ok = result.invoices === result.orders && result.duplicates === 0 && result.missing === 0 && result.amountMismatches === 0;
    if (options.json) console.log(JSON.stringify(result));
    else {
      say('');
      say(`${result.orders} orders → ${result.invoices} with exactly one invoice; ${result.duplicates} duplicate(s), ${result.missing} missing, ${result.amountMismatches} amount mismatch(es), ${result.needsAttention} needing attention.`);
      say(`Tripletex requests: ${result.tripletexRequests} (${result.tripletexRequestsPerOrder} per order); Mystore requests: ${result.mystoreRequests}; ${result.seconds} s.`);
      if (options.record) say(`Request logs: ${options.record}/tripletex-requests.jsonl, ${options.record}/mystore-requests.jsonl`);
    }
    return ok ? 0 : 1;
  } finally {
    await stopAll();
  }
}

async function waitForTransfers(
  client: Awaited<ReturnType<typeof connectTemporalClient>>,
  orderIds: string[],
  say: (line: string) => void,
  timeoutMs: number,
): Promise<Map<string, TransferState>> {
  const states = new Map<string, TransferState>();
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  while (Date.now() < deadline) {
    const pending = orderIds.filter((orderId) => !SETTLED.has(states.get(orderId)?.status ?? 'Transferring'));
    if (pending.length === 0) break;
    for (const orderId of pending.slice(0, 50)) {
      const state = await transferStatus(client, DEMO_SHOP_ID, orderId).catch(() => undefined);
      if (state) states.set(orderId, state);
    }
    const invoiced = [...states.values()].filter((state) => state.status === 'Invoiced').length;
    const parked = [...states.values()].filter((state) => state.status === 'NeedsAttention').length;
    const line = `  ${invoiced}/${orderIds.length} invoiced, ${parked} needing attention`;
    if (line !== lastLine) say(line);
    lastLine = line;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return states;
}

/** The result, counted from the Tripletex sandbox's own invoices and the Mystore sandbox's orders. */
function countFromSandboxes(
  companyId: number,
  orderIds: string[],
  states: Map<string, TransferState>,
  servers: RunningServers,
  requests: { tripletex: number; mystore: number },
  seconds: number,
): DemoResult {
  const invoices = servers.tripletex.admin.listInvoices(companyId).filter((invoice) => !invoice.isCreditNote);
  let exactlyOne = 0;
  let duplicates = 0;
  let missing = 0;
  let amountMismatches = 0;
  for (const orderId of orderIds) {
    const forOrder = invoices.filter((invoice) => invoice.reference === `mystore:${DEMO_SHOP_ID}:${orderId}`);
    if (forOrder.length === 0) missing += 1;
    else {
      duplicates += forOrder.length - 1;
      if (forOrder.length === 1) exactlyOne += 1;
      const totals = servers.mystore.admin.getOrder(DEMO_SHOP_ID, orderId).totals;
      const sum = (cls: string) => totals.filter((row) => row.attributes.class === cls).reduce((acc, row) => acc + decimalToScaled(row.attributes.value as number, 2), 0);
      if (forOrder.some((invoice) => invoice.amountOre !== sum('ot_total') - sum('ot_gv'))) amountMismatches += 1;
    }
  }
  return {
    orders: orderIds.length,
    invoices: exactlyOne,
    duplicates,
    missing,
    amountMismatches,
    needsAttention: [...states.values()].filter((state) => state.status === 'NeedsAttention').length,
    tripletexRequests: requests.tripletex,
    mystoreRequests: requests.mystore,
    tripletexRequestsPerOrder: Math.round((requests.tripletex / Math.max(1, orderIds.length)) * 100) / 100,
    seconds: Math.round(seconds * 10) / 10,
  };
}

type RunningServers = Awaited<ReturnType<typeof startSandboxes>>['servers'];

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof z.ZodError) console.error(`Invalid arguments:\n${error.issues.map((issue) => `  --${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`).join('\n')}`);
    else console.error(error);
    process.exit(1);
  },
);
