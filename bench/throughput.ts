/**
 * Benchmark: throughput and Temporal's cost (issue 9 §1). Orders a second from webhook to
 * invoice through the whole pipeline (Mystore webhook → receiver → signal-with-start → transfer
 * workflow → activities → Tripletex invoice), against a plain async baseline in the same run
 * (bench/lib/baseline-child.ts) that receives the same webhooks and makes the same HTTP calls
 * through the same activity code without Temporal, at the same concurrency: the worker runs at
 * most C activities and C local activities at once, the baseline C lanes. Sandboxes at no added latency, no rate limit,
 * no faults. Each shop invoices into its own Tripletex company, and both shops get the same
 * generated orders (the generator is seeded per shop and call).
 *
 * A burst of N completed orders is created at once; the rate is N over the time from creating
 * them to the last invoice (the Tripletex sandbox's request log says when each was created).
 * A warm-up burst for each goes first and is not counted; with several rounds, the two take
 * turns and the median round counts. CPU seconds per order come from /proc for each process.
 *
 * Usage: npm run bench:throughput -- [--orders N] [--concurrency C] [--rounds R] [--warmup W] [--quick]
 */
import getPort from 'get-port';
import { Command } from 'commander';
import { z } from 'zod';
import { InvoiceWatcher, invoiceReference } from './lib/request-log';
import { markdownTable, pct, processCpuSeconds, round, sleep, writeResult } from './lib/report';
import { forkChild, startStack, type BenchShop, type BenchStack, type ChildHandle } from './lib/stack';
import type { BaselineInit, BaselineStats } from './lib/baseline-child';
import { fileURLToPath } from 'node:url';

const BASELINE_CHILD = fileURLToPath(new URL('./lib/baseline-child.ts', import.meta.url));

const optionsSchema = z.object({
  orders: z.coerce.number().int().min(1),
  concurrency: z.coerce.number().int().min(1).max(500),
  rounds: z.coerce.number().int().min(1).max(9),
  warmup: z.coerce.number().int().min(0),
});
type ThroughputOptions = z.infer<typeof optionsSchema>;

interface Phase {
  kind: 'pipeline' | 'baseline';
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  /** CPU seconds per order: the worker (or the baseline) process, the Temporal server, and this process (both sandboxes). */
  cpuPerOrder: { app: number; temporalServer: number; sandboxes: number };
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function runThroughput(options: ThroughputOptions): Promise<Record<string, unknown>> {
  const stack = await startStack({
    label: 'throughput',
    shopIds: ['bench-pipeline', 'bench-baseline'],
    requestLogs: ['tripletex'],
    // The transfer's rerunnable steps are local activities, the invoice a server-side one: C of each.
    tuning: { maxConcurrentActivityTaskExecutions: options.concurrency, maxConcurrentLocalActivityExecutions: options.concurrency },
    say,
  });
  let baseline: ChildHandle | undefined;
  const watcher = new InvoiceWatcher(stack.logs.tripletex!);
  try {
    const [pipelineShop, baselineShop] = stack.shops as [BenchShop, BenchShop];
    // The baseline shop's webhooks go to the baseline's own receiver instead of the pipeline's.
    await stack.deleteWebhooks(baselineShop);
    const port = await getPort({ host: '127.0.0.1' });
    const secrets = await stack.registerWebhooks(baselineShop, `http://127.0.0.1:${port}/webhooks/mystore/${baselineShop.shopId}`);
    const forked = forkChild(BASELINE_CHILD, [], stack.env);
    baseline = forked.handle;
    forked.handle.process.send({ type: 'init', port, concurrency: options.concurrency, record: baselineShop.record, webhookSecrets: secrets } satisfies BaselineInit);
    await forked.ready;

    const measure = async (kind: Phase['kind'], count: number): Promise<Phase> => {
      const shop = kind === 'pipeline' ? pipelineShop : baselineShop;
      const app = kind === 'pipeline' ? stack.worker.pid : baseline!.pid;
      const cpu = () => ({ app: processCpuSeconds(app), temporal: stack.temporalPid ? processCpuSeconds(stack.temporalPid) : Number.NaN, self: process.cpuUsage() });
      const before = cpu();
      const startedAt = Date.now();
      const orderIds = stack.mystore.admin.generateOrders(shop.shopId, { count, status: 'completed' });
      const references = orderIds.map((orderId) => invoiceReference(shop.shopId, orderId));
      let lastSaid = 0;
      const ok = await watcher.wait(references, Math.max(180_000, count * 1_000), (done) => {
        if (Date.now() - lastSaid > 2_000 || done === count) {
          say(`  ${kind}: ${done}/${count} invoiced`);
          lastSaid = Date.now();
        }
      });
      if (!ok) throw new Error(`${kind}: only ${references.filter((reference) => watcher.createdAt.has(reference)).length} of ${count} orders were invoiced in time`);
      const endedAt = Math.max(...references.map((reference) => watcher.createdAt.get(reference)!));
      const after = cpu();
      const selfSeconds = (after.self.user - before.self.user + after.self.system - before.self.system) / 1e6;
      await settle(stack);
      const seconds = (endedAt - startedAt) / 1000;
      return {
        kind, orders: count, seconds: round(seconds, 2), ordersPerSecond: round(count / seconds, 2),
        cpuPerOrder: {
          app: round((after.app - before.app) / count, 4),
          temporalServer: kind === 'pipeline' ? round((after.temporal - before.temporal) / count, 4) : 0,
          sandboxes: round(selfSeconds / count, 4),
        },
      };
    };

    if (options.warmup > 0) {
      say(`Warm-up: ${options.warmup} orders through each...`);
      await measure('pipeline', options.warmup);
      await measure('baseline', options.warmup);
    }
    const phases: Phase[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      // Turns alternate which goes first, so neither always meets a fuller sandbox.
      const order: Array<Phase['kind']> = round % 2 === 1 ? ['pipeline', 'baseline'] : ['baseline', 'pipeline'];
      for (const kind of order) {
        say(`Round ${round}: ${options.orders} orders through the ${kind}...`);
        phases.push(await measure(kind, options.orders));
      }
    }
    const stats = await new Promise<BaselineStats>((resolve) => {
      baseline!.process.once('message', (message) => resolve(message as BaselineStats));
      baseline!.process.send({ type: 'stats' });
    });
    const median = (kind: Phase['kind']) => {
      const sorted = phases.filter((phase) => phase.kind === kind).sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);
      return sorted[Math.floor(sorted.length / 2)]!;
    };
    const pipeline = median('pipeline');
    const base = median('baseline');
    const ratio = pipeline.ordersPerSecond / base.ordersPerSecond;
    // Webhooks the receivers did not take at the first try (503 when Temporal was slow to answer) come again later.
    const deliveries = (shop: BenchShop) => {
      const all = stack.mystore.admin.webhookDeliveries(shop.shopId);
      return { attempts: all.length, notAccepted: all.filter((delivery) => !delivery.ok).length };
    };
    const result = {
      options,
      webhooks: { pipeline: deliveries(pipelineShop), baseline: deliveries(baselineShop) },
      pipeline,
      baseline: base,
      ratio: round(ratio, 3),
      target: { ratioAtLeast: 0.5, met: ratio >= 0.5 },
      rounds: phases,
      baselineStats: stats,
      duplicateInvoices: watcher.duplicates,
    };

    console.log(`\nThroughput, webhook to invoice: ${options.orders} orders a burst, concurrency ${options.concurrency}, median of ${options.rounds} round(s)\n`);
    console.log(markdownTable(
      ['', 'orders/s', 'seconds', 'CPU s/order: worker or baseline', 'CPU s/order: Temporal server', 'CPU s/order: sandboxes'],
      [pipeline, base].map((phase) => [
        phase.kind === 'pipeline' ? 'pipeline (Temporal)' : 'baseline (plain async)',
        phase.ordersPerSecond, phase.seconds, phase.cpuPerOrder.app, phase.kind === 'pipeline' ? phase.cpuPerOrder.temporalServer : '–', phase.cpuPerOrder.sandboxes,
      ]),
    ));
    console.log(`\nPipeline / baseline: ${pct(ratio)} (target ≥ 50 %: ${ratio >= 0.5 ? 'met' : 'missed'})`);
    if (stats.failed > 0) console.log(`\nThe baseline failed ${stats.failed} order(s); first error: ${stats.firstError}`);
    return result;
  } finally {
    watcher.close();
    await baseline?.stop();
    await stack.stop();
  }
}

/** Waits until the write-backs after the last invoices are done: Mystore quiet for a second. */
async function settle(stack: BenchStack): Promise<void> {
  let last = stack.mystore.requestCount();
  for (let quiet = 0; quiet < 1_000; ) {
    await sleep(250);
    const now = stack.mystore.requestCount();
    quiet = now === last ? quiet + 250 : 0;
    last = now;
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run bench:throughput --')
    .description('Orders a second from webhook to invoice: the Temporal pipeline against a plain async baseline making the same calls')
    .option('--orders <n>', 'orders in each measured burst', '1000')
    .option('--concurrency <c>', 'activities at once in the worker; lanes in the baseline', '20')
    .option('--rounds <r>', 'measured rounds (each runs both; the median counts)', '1')
    .option('--warmup <n>', 'orders in the uncounted warm-up burst of each', '50')
    .option('--quick', 'small sizes: 150 orders, warm-up 20')
    .parse();
  const raw = program.opts<{ orders: string; concurrency: string; rounds: string; warmup: string; quick?: boolean }>();
  const quick = raw.quick === true;
  const explicit = (name: string) => program.getOptionValueSource(name) === 'cli';
  const options = optionsSchema.parse({
    orders: quick && !explicit('orders') ? 150 : raw.orders,
    concurrency: raw.concurrency,
    rounds: raw.rounds,
    warmup: quick && !explicit('warmup') ? 20 : raw.warmup,
  });
  const result = await runThroughput(options);
  say(`Wrote ${writeResult('throughput', result)}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
