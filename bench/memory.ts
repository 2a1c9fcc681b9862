/**
 * Benchmark: the worker's memory over a long backfill (issue 9 §1). The worker runs as it ships
 * (worker/create-worker.ts, bundling the workflows when it starts, as `npm run worker` does) in
 * its own process, alone (no webhook receiver); N completed orders are backfilled by the
 * product's backfill workflow. The worker's resident set is read from /proc/<pid>/status every
 * second (VmRSS); its peak is the kernel's own high-water mark (VmHWM, which no sampling can
 * miss), reset when the backfill starts (clear_refs), so the start-up peak (bundling) is
 * reported on its own. Every transfer stays open after its invoice (it waits 90 days for
 * refunds), so the worker's workflow cache fills up as the backfill goes.
 *
 * Options try what the process is started with: a workflow bundle made beforehand, a V8 heap
 * limit, fewer malloc arenas, another cache size.
 *
 * Usage: npm run bench:memory -- [--orders N] [--concurrency C] [--max-cached-workflows N] [--prebuilt-bundle]
 *        [--worker-heap-mib M] [--malloc-arena-max A] [--quick]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { runBackfill, seedHistory } from './lib/backfill';
import { markdownTable, processMemory, resetPeakMemory, round, writeResult } from './lib/report';
import { startStack, type BenchShop } from './lib/stack';
import { writeWorkflowBundle } from '../worker/workflow-bundle';

const optionsSchema = z.object({
  orders: z.coerce.number().int().min(1),
  concurrency: z.coerce.number().int().min(1).max(200),
  /** Overrides the shipped maxCachedWorkflows (to see what the cache costs). */
  maxCachedWorkflows: z.coerce.number().int().min(0).optional(),
  /** Load a workflow bundle made beforehand (TEMPORAL_WORKFLOW_BUNDLE) instead of bundling in the worker. */
  prebuiltBundle: z.boolean(),
  /** --max-old-space-size of the worker process, MiB. */
  workerHeapMib: z.coerce.number().int().min(64).optional(),
  /** MALLOC_ARENA_MAX of the worker process (glibc's malloc arenas; fewer hold less freed memory). */
  mallocArenaMax: z.coerce.number().int().min(1).optional(),
});
type MemoryOptions = z.infer<typeof optionsSchema>;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function runMemory(options: MemoryOptions): Promise<Record<string, unknown>> {
  let workflowBundle: string | undefined;
  if (options.prebuiltBundle) {
    say('Bundling the workflows beforehand (worker/workflow-bundle.ts)...');
    workflowBundle = await writeWorkflowBundle(path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), 'workflow-bundle.js'));
  }
  const stack = await startStack({
    label: 'memory', shopIds: ['bench-memory'], receiver: false, say,
    ...(options.maxCachedWorkflows !== undefined ? { tuning: { maxCachedWorkflows: options.maxCachedWorkflows } } : {}),
    ...(workflowBundle ? { workflowBundle } : {}),
    ...(options.workerHeapMib !== undefined ? { workerHeapMiB: options.workerHeapMib } : {}),
    ...(options.mallocArenaMax !== undefined ? { workerEnv: { MALLOC_ARENA_MAX: String(options.mallocArenaMax) } } : {}),
  });
  try {
    const shop = stack.shops[0] as BenchShop;
    say(`Seeding ${options.orders} completed orders in the past...`);
    await seedHistory(stack, shop, options.orders);
    const pid = stack.worker.pid;
    const atStart = processMemory(pid);
    const peakReset = resetPeakMemory(pid);
    const samples: Array<{ seconds: number; rssMiB: number; settled: number; mainHeapUsedMiB?: number; mainHeapTotalMiB?: number }> = [];
    let settled = 0;
    const startedAt = Date.now();
    // The worker's main thread reports its V8 heap (the workflow thread's is not in it): what of the RSS is JavaScript.
    let heap: { heapUsed: number; heapTotal: number } | undefined;
    const onMessage = (message: unknown) => {
      if ((message as { type?: string }).type === 'memory') heap = message as { heapUsed: number; heapTotal: number };
    };
    stack.worker.process.on('message', onMessage);
    const sampler = setInterval(() => {
      const memory = processMemory(pid);
      if (memory) {
        samples.push({
          seconds: round((Date.now() - startedAt) / 1000, 1), rssMiB: round(memory.rssMiB, 1), settled,
          ...(heap ? { mainHeapUsedMiB: round(heap.heapUsed / 2 ** 20, 1), mainHeapTotalMiB: round(heap.heapTotal / 2 ** 20, 1) } : {}),
        });
      }
      stack.worker.process.send({ type: 'memory' });
    }, 1_000);
    let lastSaid = 0;
    try {
      say(`Backfilling ${options.orders} orders (${options.concurrency} in flight)...`);
      const run = await runBackfill(stack, shop, {
        concurrency: options.concurrency,
        timeoutMs: Math.max(600_000, options.orders * 1_000),
        onProgress: (progress) => {
          settled = progress.transferred + progress.parked + progress.failed + progress.waiting;
          if (Date.now() - lastSaid > 10_000) {
            const memory = processMemory(pid);
            say(`  ${settled}/${progress.listingDone ? progress.found : `~${progress.estimatedTotal}`} settled, ${progress.ratePerMinute}/min; worker RSS ${memory ? Math.round(memory.rssMiB) : '?'} MiB`);
            lastSaid = Date.now();
          }
        },
      });
      const atEnd = processMemory(pid);
      if (!atEnd) throw new Error(`cannot read /proc/${pid}/status (Linux only)`);
      const peak = atEnd.peakRssMiB;
      // The RSS after each tenth of the orders settled: how it grows with the number of open transfers.
      const byTenth = Array.from({ length: 10 }, (_, index) => {
        const upTo = ((index + 1) * run.progress.found) / 10;
        const sample = samples.filter((s) => s.settled <= upTo).pop();
        return { settled: Math.round(upTo), rssMiB: sample?.rssMiB ?? Number.NaN };
      });
      const result = {
        options,
        backfill: { found: run.progress.found, transferred: run.progress.transferred, parked: run.progress.parked, failed: run.progress.failed, seconds: round((run.finishedAtMs - run.startedAtMs) / 1000, 1) },
        worker: {
          /** Start-up (bundling the workflows) and onboarding, before the backfill. */
          peakBeforeBackfillMiB: round(atStart?.peakRssMiB ?? Number.NaN, 1),
          rssAtStartMiB: round(atStart?.rssMiB ?? Number.NaN, 1),
          /** During the backfill (VmHWM reset at its start; when that was not allowed, the lifetime peak). */
          peakRssMiB: round(peak, 1),
          peakIsLifetime: !peakReset,
          rssAtEndMiB: round(atEnd.rssMiB, 1),
          maxCachedWorkflows: options.maxCachedWorkflows ?? 'as shipped',
          workflowBundle: options.prebuiltBundle ? 'prebuilt (TEMPORAL_WORKFLOW_BUNDLE)' : 'bundled when the worker starts',
          heapLimit: options.workerHeapMib !== undefined ? `--max-old-space-size=${options.workerHeapMib}` : 'Node default',
          mallocArenaMax: options.mallocArenaMax ?? 'glibc default',
        },
        target: { peakRssBelowMiB: 300, met: peak < 300 },
        byTenth,
        samples,
      };
      console.log(`\nWorker memory over a backfill of ${run.progress.found} orders (${options.concurrency} in flight, ${result.backfill.seconds} s)`);
      console.log(`Worker: ${result.worker.workflowBundle}; maxCachedWorkflows ${result.worker.maxCachedWorkflows}; heap ${result.worker.heapLimit}; MALLOC_ARENA_MAX ${result.worker.mallocArenaMax}\n`);
      console.log(markdownTable(
        ['worker RSS', 'MiB'],
        [
          ['peak before the backfill (start-up: bundling the workflows; onboarding)', result.worker.peakBeforeBackfillMiB],
          ['when the backfill starts', result.worker.rssAtStartMiB],
          [peakReset ? 'peak during the backfill (VmHWM)' : 'peak, whole life of the process (VmHWM)', result.worker.peakRssMiB],
          ['at the end', result.worker.rssAtEndMiB],
        ],
      ));
      console.log(`\nPeak under 300 MB (target): ${peak < 300 ? 'met' : 'missed'}\n`);
      console.log(markdownTable(['orders settled', ...byTenth.map((tenth) => String(tenth.settled))], [['RSS, MiB', ...byTenth.map((tenth) => tenth.rssMiB)]]));
      return result;
    } finally {
      clearInterval(sampler);
      stack.worker.process.off('message', onMessage);
    }
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run bench:memory --')
    .description('The worker\'s peak resident memory over a long backfill')
    .option('--orders <n>', 'completed orders to backfill', '10000')
    .option('--concurrency <c>', 'the backfill\'s transfers in flight', '20')
    .option('--max-cached-workflows <n>', 'override the worker\'s workflow cache size (default: as shipped)')
    .option('--prebuilt-bundle', 'the worker loads a workflow bundle made beforehand (TEMPORAL_WORKFLOW_BUNDLE) instead of bundling when it starts')
    .option('--worker-heap-mib <n>', 'V8 old-space limit of the worker process (--max-old-space-size)')
    .option('--malloc-arena-max <n>', 'MALLOC_ARENA_MAX for the worker process')
    .option('--quick', 'small size: 1,000 orders')
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  const quick = raw.quick === true && program.getOptionValueSource('orders') !== 'cli';
  const options = optionsSchema.parse({
    orders: quick ? 1_000 : raw.orders, concurrency: raw.concurrency, maxCachedWorkflows: raw.maxCachedWorkflows, prebuiltBundle: raw.prebuiltBundle === true, workerHeapMib: raw.workerHeapMib, mallocArenaMax: raw.mallocArenaMax,
  });
  const result = await runMemory(options);
  // A run with the process started otherwise than as shipped keeps the shipped figures' file.
  const variant = options.prebuiltBundle || options.workerHeapMib !== undefined || options.mallocArenaMax !== undefined || options.maxCachedWorkflows !== undefined;
  say(`Wrote ${writeResult(variant ? 'memory-variant' : 'memory', result)}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
