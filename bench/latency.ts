/**
 * Benchmark: latency from webhook to invoice (issue 9 §1), p50 and p95, through the whole
 * pipeline with the worker as it ships (no tuning passed): sandboxes at no added latency, no
 * rate limit, no faults. An order's latency runs from the moment it is created in the Mystore
 * sandbox (which sends its webhook at once) to the moment the Tripletex sandbox created its
 * invoice (its request log's timestamp).
 *
 * - One at a time: K orders, each created after the previous one's invoice (and write-back).
 * - Under load: N orders arriving at a steady λ a second, each measured from its own creation.
 *
 * Usage: npm run bench:latency -- [--sequential K] [--load-orders N] [--load-rate λ] [--quick]
 */
import { Command } from 'commander';
import { z } from 'zod';
import { InvoiceWatcher, invoiceReference } from './lib/request-log';
import { markdownTable, mean, percentile, round, sleep, writeResult } from './lib/report';
import { startStack, type BenchShop, type BenchStack } from './lib/stack';

const optionsSchema = z.object({
  sequential: z.coerce.number().int().min(1),
  loadOrders: z.coerce.number().int().min(0),
  loadRate: z.coerce.number().positive(),
  warmup: z.coerce.number().int().min(0),
});
type LatencyOptions = z.infer<typeof optionsSchema>;

interface LatencySummary {
  orders: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  maxMs: number;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

const summarize = (latencies: number[]): LatencySummary => ({
  orders: latencies.length,
  p50Ms: Math.round(percentile(latencies, 0.5)),
  p95Ms: Math.round(percentile(latencies, 0.95)),
  meanMs: Math.round(mean(latencies)),
  maxMs: Math.round(Math.max(...latencies)),
});

/** Creates one completed order and returns when it was created and its reference. */
function createOrder(stack: BenchStack, shop: BenchShop): { atMs: number; reference: string } {
  const atMs = Date.now();
  const [orderId] = stack.mystore.admin.generateOrders(shop.shopId, { count: 1, status: 'completed' });
  return { atMs, reference: invoiceReference(shop.shopId, orderId!) };
}

async function oneAtATime(stack: BenchStack, shop: BenchShop, watcher: InvoiceWatcher, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const order = createOrder(stack, shop);
    if (!(await watcher.wait([order.reference], 60_000, undefined, 5))) throw new Error(`order ${order.reference} was not invoiced within 60 s`);
    latencies.push(watcher.createdAt.get(order.reference)! - order.atMs);
    // Let the write-back after the invoice finish, so the next order finds the pipeline idle.
    await quiet(stack);
  }
  return latencies;
}

async function underLoad(stack: BenchStack, shop: BenchShop, watcher: InvoiceWatcher, count: number, perSecond: number): Promise<{ latencies: number[]; arrivalSeconds: number }> {
  const orders: Array<{ atMs: number; reference: string }> = [];
  const startedAt = Date.now();
  for (let i = 0; i < count; i += 1) {
    const due = startedAt + (i * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    orders.push(createOrder(stack, shop));
    if (i % Math.max(1, Math.round(perSecond * 5)) === 0) {
      watcher.poll();
      say(`  ${i + 1}/${count} created, ${orders.filter((order) => watcher.createdAt.has(order.reference)).length} invoiced`);
    }
  }
  const arrivalSeconds = (Date.now() - startedAt) / 1000;
  if (!(await watcher.wait(orders.map((order) => order.reference), Math.max(120_000, count * 1_000)))) throw new Error('not every order under load was invoiced in time');
  return { latencies: orders.map((order) => watcher.createdAt.get(order.reference)! - order.atMs), arrivalSeconds };
}

function deliveries(stack: BenchStack, shop: BenchShop): { attempts: number; notAccepted: number } {
  const all = stack.mystore.admin.webhookDeliveries(shop.shopId);
  return { attempts: all.length, notAccepted: all.filter((delivery) => !delivery.ok).length };
}

async function quiet(stack: BenchStack, quietMs = 300): Promise<void> {
  let last = stack.mystore.requestCount();
  for (let still = 0; still < quietMs; ) {
    await sleep(50);
    const now = stack.mystore.requestCount();
    still = now === last ? still + 50 : 0;
    last = now;
  }
}

async function runLatency(options: LatencyOptions): Promise<Record<string, unknown>> {
  const stack = await startStack({ label: 'latency', shopIds: ['bench-latency'], requestLogs: ['tripletex'], say });
  const watcher = new InvoiceWatcher(stack.logs.tripletex!);
  try {
    const shop = stack.shops[0] as BenchShop;
    if (options.warmup > 0) {
      say(`Warm-up: ${options.warmup} orders one at a time...`);
      await oneAtATime(stack, shop, watcher, options.warmup);
    }
    say(`One at a time: ${options.sequential} orders...`);
    const sequential = summarize(await oneAtATime(stack, shop, watcher, options.sequential));
    const webhooksBefore = deliveries(stack, shop);
    let load: (LatencySummary & { ratePerSecond: number; arrivalSeconds: number; webhooks: { attempts: number; notAccepted: number }; latenciesMs: number[] }) | undefined;
    if (options.loadOrders > 0) {
      say(`Under load: ${options.loadOrders} orders at ${options.loadRate} a second...`);
      const measured = await underLoad(stack, shop, watcher, options.loadOrders, options.loadRate);
      const webhooksAfter = deliveries(stack, shop);
      load = {
        ...summarize(measured.latencies), ratePerSecond: options.loadRate, arrivalSeconds: round(measured.arrivalSeconds, 1),
        // A webhook the receiver did not take (503 when Temporal answered slowly) comes again a second or more later.
        webhooks: { attempts: webhooksAfter.attempts - webhooksBefore.attempts, notAccepted: webhooksAfter.notAccepted - webhooksBefore.notAccepted },
        // In arrival order, to see whether slow ones come in bursts.
        latenciesMs: measured.latencies,
      };
    }
    console.log('\nLatency, webhook to invoice (ms)\n');
    console.log(markdownTable(
      ['', 'orders', 'p50', 'p95', 'mean', 'max'],
      [
        ['one at a time', sequential.orders, sequential.p50Ms, sequential.p95Ms, sequential.meanMs, sequential.maxMs],
        ...(load ? [[`under load, ${load.ratePerSecond} orders/s arriving`, load.orders, load.p50Ms, load.p95Ms, load.meanMs, load.maxMs]] : []),
      ],
    ));
    return { options, sequential, ...(load ? { underLoad: load } : {}), duplicateInvoices: watcher.duplicates };
  } finally {
    watcher.close();
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run bench:latency --')
    .description('Webhook-to-invoice latency, p50 and p95: one order at a time and under a steady load')
    .option('--sequential <k>', 'orders measured one at a time', '50')
    .option('--load-orders <n>', 'orders in the steady load (0: skip it)', '500')
    .option('--load-rate <r>', 'orders a second arriving during the load', '5')
    .option('--warmup <n>', 'uncounted orders first', '10')
    .option('--quick', 'small sizes: 15 one at a time, 60 at 3 a second, warm-up 3')
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  const quick = raw.quick === true;
  const pick = (name: string, quickValue: number) => (quick && program.getOptionValueSource(name) !== 'cli' ? quickValue : raw[name]);
  const options = optionsSchema.parse({
    sequential: pick('sequential', 15), loadOrders: pick('loadOrders', 60), loadRate: pick('loadRate', 3), warmup: pick('warmup', 3),
  });
  const result = await runLatency(options);
  say(`Wrote ${writeResult('latency', result)}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
