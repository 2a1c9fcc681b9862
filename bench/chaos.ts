/**
 * `npm run chaos` (issue 9 §2): exactly one invoice per order while everything fails. N orders
 * (default 2,000), placed at a steady rate, go from webhook to invoice with faults in both
 * sandboxes (500, 503, 504, timeouts, connection resets, commit-then-drop, bursts of 429); the
 * worker, a child process, is SIGKILLed about every 20 s and restarted; the Temporal dev server
 * is SIGKILLed once, halfway through placing the orders, and restarted on its database (same
 * port; the worker and the clients reconnect; webhooks meanwhile get 503 and are delivered
 * again). When every transfer has settled (or nothing moves any more), faults stop, the shop is
 * reconciled, and every order is counted from the Tripletex sandbox's own invoices.
 *
 * Prints a table of faults injected (per API, by kind), kills, retries and the final counts;
 * writes them as JSON (bench/results/chaos.json by default). Exit code 0 only when every order
 * has exactly one invoice with the right amount. A failed run keeps its folder (request logs,
 * Temporal's database) and says where it is.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { clearFaults, countInvoices, countTransfers, everyOrderInvoicedOnce, generateCompletedOrders, injectFaults, oneShotConfig, orderOutcomes, receiveAndOnboard, reconcileAndWait, runOneShot, waitForTransfers, wrongOutcomes } from '../client/demo-run';
import { startSandboxes } from '../client/local-stack';
import { loadConfig, type Config } from '../common/config';
import { startDevServer, type DevServer } from '../common/dev-server';
import { createLogger } from '../common/logger';
import { connectTemporalClient } from '../common/temporal-client';
import { REPO_ROOT } from '../common/temporal-cli';
import { mulberry32 } from '../sandbox/shared/faults';
import { writeWorkflowBundle } from '../worker/workflow-bundle';
import { KillableWorker, killPeriodically } from './chaos-worker';
import { tallyFaults, tallyRetries } from './chaos-stats';
import { machineInfo, markdownTable } from './lib/report';

const optionsSchema = z.object({
  orders: z.coerce.number().int().min(1, '--orders must be at least 1').max(10_000),
  faultRate: z.coerce.number().min(0).max(0.5, '--fault-rate is a share of requests, from 0 to 0.5'),
  burstRate: z.coerce.number().min(0).max(0.1, '--burst-rate is a share of requests, from 0 to 0.1'),
  burstMs: z.coerce.number().int().min(1).max(60_000),
  killEvery: z.coerce.number().positive('--kill-every is in seconds, above 0'),
  maxKills: z.coerce.number().int().min(0).optional(),
  ordersPerSecond: z.coerce.number().int().min(1, '--orders-per-second must be at least 1'),
  serverKillAt: z.coerce.number().min(0).max(1, '--server-kill-at is a share of the orders placed, from 0 to 1'),
  serverDown: z.coerce.number().min(0).max(120),
  chaosSeconds: z.coerce.number().positive('--chaos-seconds is in seconds, above 0').optional(),
  seed: z.coerce.number().int(),
  out: z.string().min(1),
  keep: z.boolean(),
  json: z.boolean(),
});
type Options = z.infer<typeof optionsSchema>;

function parseOptions(): Options {
  const program = new Command()
    .name('npm run chaos --')
    .description('N orders to invoices through faults in both APIs, worker SIGKILLs and a Temporal server crash; then reconcile and count')
    .option('--orders <n>', 'completed orders to generate', '2000')
    .option('--fault-rate <r>', 'share of requests meeting a 5xx, timeout, reset or commit-then-drop, spread over the kinds', '0.1')
    .option('--burst-rate <r>', 'share of requests that start a burst of 429s', '0.002')
    .option('--burst-ms <ms>', 'how long one burst of 429s lasts', '2000')
    .option('--kill-every <s>', 'SIGKILL the worker about every S seconds (0.75–1.25 × S)', '20')
    .option('--max-kills <n>', 'stop killing the worker after N kills (default: kill until every transfer settled)')
    .option('--orders-per-second <n>', 'how fast orders are placed', '20')
    .option('--server-kill-at <share>', 'SIGKILL the Temporal server once this share of the orders is placed (orders keep coming while it is down)', '0.5')
    .option('--server-down <s>', 'seconds the Temporal server stays down', '5')
    .option('--chaos-seconds <s>', 'stop faults and kills after S seconds, then let what is under way settle (default: until every transfer settled)')
    .option('--seed <n>', 'seed of the sandboxes (faults, generated orders) and of the kill times', '1')
    .option('--out <file>', 'where to write the JSON result', path.join(REPO_ROOT, 'bench', 'results', 'chaos.json'))
    .option('--keep', 'keep the run\'s folder (request logs, logs, Temporal database) even when it passes')
    .option('--json', 'print the result as one JSON line, last on stdout')
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  return optionsSchema.parse({ ...raw, keep: raw.keep ?? false, json: raw.json ?? false });
}

export interface ChaosResult {
  pass: boolean;
  orders: number;
  invoices: number;
  duplicates: number;
  missing: number;
  amountMismatches: number;
  needsAttention: number;
  /** Orders that did not end with exactly one invoice of the right amount (at most 50). */
  wrong: Array<{ orderId: string; invoices: number; expectedOre: number; amountsOre: number[] }>;
  faults: { tripletex: Record<string, number>; mystore: Record<string, number> };
  requests: { tripletex: number; mystore: number };
  kills: { worker: number; workerUnexpectedExits: number; workerStarts: number; temporalServer: number; temporalServerDownSeconds: number | null };
  retries: Awaited<ReturnType<typeof tallyRetries>>;
  webhooks: { deliveries: number; failed: number; redelivered: number };
  reconciliation: { startedNow: number; missingInvoices: number; duplicates: number; amountMismatches: number };
  /** Whether every transfer had settled by the end of the waiting (and whether before kills and faults stopped). */
  settled: boolean;
  settledUnderChaos: boolean;
  /** How long faults and kills went on (from the first orders). */
  chaosSeconds: number | null;
  settings: Omit<Options, 'out' | 'keep' | 'json'>;
  seconds: number;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const started = Date.now();
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);
  const runDir = path.join(REPO_ROOT, '.tmp', 'chaos', `${process.pid}-${Date.now()}`);
  mkdirSync(runDir, { recursive: true });
  const random = mulberry32(options.seed);
  // The load when the run starts: other work on the machine stretches every figure in time.
  const machine = machineInfo();
  const cleanups: Array<() => Promise<void>> = [];
  // Ctrl-C or a SIGTERM (a test's timeout) stops what the run started: the worker, the server.
  const interrupted = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  let passed = false;
  try {
    say(`Chaos run in ${runDir}`);
    const base = loadConfig();
    if (!base.TEMPORAL_WORKFLOW_BUNDLE) say('Bundling the workflows once (the worker restarts often)...');
    const bundle = base.TEMPORAL_WORKFLOW_BUNDLE ?? (await writeWorkflowBundle(path.join(runDir, 'workflow-bundle.js')));

    const dbFilename = path.join(runDir, 'temporal.db');
    say('Starting a Temporal dev server on a database file, and both sandboxes...');
    let server: DevServer = await startDevServer({ dbFilename, namespace: base.TEMPORAL_NAMESPACE });
    cleanups.push(() => server.stop());
    const serverPort = Number(server.address.split(':')[1]);
    const config: Config = {
      ...(await oneShotConfig(base, { temporalAddress: server.address, taskQueue: `chaos-${randomUUID()}`, faulty: true })),
      TEMPORAL_WORKFLOW_BUNDLE: bundle,
      LOG_LEVEL: base.LOG_LEVEL === 'info' ? 'warn' : base.LOG_LEVEL,
      // The worker's and this process's log lines (a test run's LOG_FILE, which its leak scan reads).
      LOG_FILE: base.LOG_FILE ?? path.join(runDir, 'worker.log'),
      // Both this process and the worker encrypt payloads: one key, given to both.
      ...(base.PAYLOAD_ENCRYPTION_KEY ? {} : { PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PAYLOAD_ENCRYPTION_KEY_ID: 'chaos' }),
    };
    const sandboxes = await startSandboxes(config, { requestLogDir: runDir, seed: options.seed });
    cleanups.push(() => sandboxes.close());
    const { servers } = sandboxes;
    const companyId = sandboxes.tripletex.companyId;

    const worker = new KillableWorker(config, path.join(runDir, 'worker.stderr'));
    worker.start();
    cleanups.push(() => worker.stop());
    const logger = createLogger({ level: config.LOG_LEVEL, name: 'chaos', ...(config.LOG_FILE ? { file: config.LOG_FILE } : {}) });
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());
    const receiver = await receiveAndOnboard(config, logger, client, sandboxes, say);
    cleanups.push(() => receiver.close());

    say(`Faults in both sandboxes at rate ${options.faultRate} (${injectFaults(servers, options.faultRate, { rate: options.burstRate, ms: options.burstMs })}).`);
    say(`Killing the worker about every ${options.killEvery} s${options.maxKills !== undefined ? ` (at most ${options.maxKills} times)` : ''}. Placing ${options.orders} completed orders, ${options.ordersPerSecond} a second (they arrive by webhook); the Temporal server SIGKILLed once ${Math.round(options.serverKillAt * 100)} % of them are placed.`);
    const chaosStarted = Date.now();
    const stopKilling = killPeriodically(worker, options.killEvery * 1000, random, options.maxKills);
    // The waiting below reads this list on every round, while it grows.
    const orderIds: string[] = [];

    let serverKills = 0;
    let serverIsDown = false;
    let serverDownSeconds: number | null = null;
    const crashServer = async () => {
      serverKills += 1;
      serverIsDown = true;
      const down = Date.now();
      await server.kill();
      say(`  Temporal server SIGKILLed (${orderIds.length} orders placed), down for ${options.serverDown} s; meanwhile webhooks get 503 and are delivered again.`);
      await new Promise((resolve) => setTimeout(resolve, options.serverDown * 1000));
      server = await startDevServer({ dbFilename, port: serverPort, namespace: config.TEMPORAL_NAMESPACE });
      serverDownSeconds = Math.round((Date.now() - down) / 100) / 10;
      serverIsDown = false;
      say(`  Temporal server back on ${server.address} after ${serverDownSeconds} s.`);
    };
    let crashing: Promise<void> = Promise.resolve();
    const crash = () => {
      crashing = crashServer();
      crashing.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    };
    let placed = false;
    const placing = (async () => {
      const crashAt = Math.ceil(options.serverKillAt * options.orders);
      while (orderIds.length < options.orders) {
        if (serverKills === 0 && orderIds.length >= crashAt) crash();
        const untilCrash = serverKills === 0 ? crashAt - orderIds.length : Number.POSITIVE_INFINITY;
        orderIds.push(...generateCompletedOrders(servers, Math.min(options.ordersPerSecond, options.orders - orderIds.length, untilCrash > 0 ? untilCrash : Number.POSITIVE_INFINITY)));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      if (serverKills === 0) crash();
    })().finally(() => {
      placed = true;
    });
    placing.catch(() => undefined);

    // Chaos (faults, kills) goes on until every transfer settled, or for --chaos-seconds; then
    // whatever is still under way must settle without it.
    let chaosSeconds: number | null = null;
    const endChaos = async () => {
      if (chaosSeconds !== null) return;
      chaosSeconds = Math.round((Date.now() - chaosStarted) / 1000);
      await stopKilling();
      clearFaults(servers);
    };
    const onProgress = async () => {
      if (options.chaosSeconds !== undefined && chaosSeconds === null && Date.now() - chaosStarted >= options.chaosSeconds * 1000) {
        await endChaos();
        say(`  ${chaosSeconds} s of chaos: faults off, kills stopped.`);
      }
    };
    const chaos = await waitForTransfers(client, servers, companyId, orderIds, {
      say, timeoutMs: Math.max(600_000, options.orders * 2_000), onProgress, placing: () => !placed || serverIsDown,
    });
    await placing;
    await crashing;
    const settledUnderChaos = chaos.settled && chaosSeconds === null;
    await endChaos();
    let wait = chaos;
    if (!chaos.settled && !chaos.quiet) {
      // Stranded attempts come back after their start-to-close timeout or their retry's backoff.
      say('Faults off, kills stopped; waiting for the transfers still under way...');
      wait = await waitForTransfers(client, servers, companyId, orderIds, { say, timeoutMs: 600_000 });
      if (!wait.settled && !wait.quiet) say('  Not every transfer settled; reconciling anyway.');
    }
    if (!wait.settled) say('Some orders have no transfer (their webhooks were given up): reconciliation starts them.');

    say('Reconciling...');
    const report = await reconcileAndWait(config, client, servers, companyId, orderIds, say);
    const { needsAttention } = await countTransfers(client);
    const outcomes = orderOutcomes(servers, companyId, orderIds);
    const counts = countInvoices(outcomes);
    passed = everyOrderInvoicedOnce(counts);

    say('Reading the request logs and the transfers\' histories...');
    const tripletexFaults = tallyFaults(path.join(runDir, 'tripletex-requests.jsonl'));
    const mystoreFaults = tallyFaults(path.join(runDir, 'mystore-requests.jsonl'));
    const retries = await tallyRetries(client);
    const deliveries = servers.mystore.admin.webhookDeliveries(sandboxes.mystore.shop);
    const { out, keep: _keep, json: _json, ...settings } = options;
    const result: ChaosResult = {
      pass: passed,
      ...counts,
      needsAttention,
      wrong: wrongOutcomes(outcomes).slice(0, 50),
      faults: { tripletex: tripletexFaults.faults, mystore: mystoreFaults.faults },
      requests: { tripletex: tripletexFaults.requests, mystore: mystoreFaults.requests },
      kills: { worker: worker.counts.kills, workerUnexpectedExits: worker.counts.unexpectedExits, workerStarts: worker.counts.starts, temporalServer: serverKills, temporalServerDownSeconds: serverDownSeconds },
      retries,
      webhooks: { deliveries: deliveries.length, failed: deliveries.filter((delivery) => !delivery.ok).length, redelivered: deliveries.filter((delivery) => delivery.attempt > 1).length },
      reconciliation: { startedNow: report.startedNow.length, missingInvoices: report.missingInvoices.length, duplicates: report.duplicates.length, amountMismatches: report.amountMismatches.length },
      settled: wait.settled,
      settledUnderChaos,
      chaosSeconds,
      settings,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ benchmark: 'chaos', finishedAt: new Date().toISOString(), machine, ...result }, null, 2)}\n`);
    say('');
    say(formatResult(result));
    say('');
    say(passed ? `PASS: every one of ${counts.orders} orders has exactly one invoice with the right amount.` : `FAIL: see ${out}; the request logs and Temporal's database stay in ${runDir}, the log lines in ${config.LOG_FILE ?? runDir}.`);
    if (options.json) console.log(JSON.stringify(result));
    return passed ? 0 : 1;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (passed && !options.keep) rmSync(runDir, { recursive: true, force: true });
  }
}

function formatResult(result: ChaosResult): string {
  const kinds = [...new Set([...Object.keys(result.faults.tripletex), ...Object.keys(result.faults.mystore)])].sort();
  const faultRows = markdownTable(['Fault injected', 'Tripletex', 'Mystore'], [
    ...kinds.map((kind) => [kind, result.faults.tripletex[kind] ?? 0, result.faults.mystore[kind] ?? 0]),
    ['(requests)', result.requests.tripletex, result.requests.mystore],
  ]);
  const kills = markdownTable(['Kills', ''], [
    ['worker SIGKILLs', result.kills.worker],
    ['worker exits of its own (restarted)', result.kills.workerUnexpectedExits],
    ['Temporal server SIGKILLs', result.kills.temporalServer],
    ['Temporal server down (s)', result.kills.temporalServerDownSeconds ?? '–'],
  ]);
  const retries = markdownTable(['Retries (transfer histories)', ''], [
    ['activities (local activities)', `${result.retries.activities} (${result.retries.localActivities})`],
    ['activities retried', result.retries.activitiesRetried],
    ['attempts beyond the first', result.retries.extraAttempts],
    ...Object.entries(result.retries.byActivity).sort((a, b) => b[1] - a[1]).map(([name, n]): [string, number] => [`  extra attempts of ${name}`, n]),
    ...Object.entries(result.retries.byLastFailure).sort((a, b) => b[1] - a[1]).map(([name, n]): [string, number] => [`  retried after ${name}`, n]),
    ['workflow task timeouts (kills, server crash)', result.retries.workflowTaskTimeouts],
    ['workflow task failures', result.retries.workflowTaskFailures],
    ['webhook deliveries failed (redelivered)', `${result.webhooks.failed} (${result.webhooks.redelivered})`],
    ['transfers started by reconciliation', result.reconciliation.startedNow],
  ]);
  const counts = markdownTable(['Final count (Tripletex sandbox)', ''], [
    ['orders', result.orders],
    ['exactly one invoice', result.invoices],
    ['duplicate invoices', result.duplicates],
    ['missing invoices', result.missing],
    ['amount mismatches', result.amountMismatches],
    ['needing attention', result.needsAttention],
    ['seconds', result.seconds],
  ]);
  return [faultRows, kills, retries, counts].join('\n\n');
}

runOneShot(main);
