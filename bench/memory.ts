/**
 * Benchmark: the worker's memory over a long backfill (issue 9 §1). The worker (the real one,
 * worker/create-worker.ts) runs in its own process, alone (no webhook receiver): by default as
 * `npm run worker` runs it (TypeScript through tsx, bundling the workflows when it starts); with
 * --as-shipped as the image runs it (compiled JavaScript on plain node, the workflows bundled
 * beforehand, the Dockerfile's environment: see below). N completed orders are backfilled by the
 * product's backfill workflow. The worker's resident set is read from /proc/<pid>/status every
 * second (VmRSS); its peak is the kernel's own high-water mark (VmHWM, which no sampling can
 * miss), reset when the backfill starts (clear_refs), so the start-up peak (bundling) is
 * reported on its own. Every transfer stays open after its invoice (it waits 90 days for
 * refunds), so the worker's workflow cache fills up as the backfill goes.
 *
 * Options try what the process is started with: a workflow bundle made beforehand, a V8 heap
 * limit, fewer malloc arenas, another cache size. --as-shipped takes the process's settings from
 * the Dockerfile's runtime stage itself (bench/lib/image.ts: its ENV, Node's flags in its CMD),
 * so it measures what ships; the worker child (bench/lib/worker-child.ts) is compiled as
 * `npm run build` compiles the worker (scripts/compile.ts), and the workflows bundled as the
 * build bundles them, both into a folder under .tmp/ for the run. The other options then
 * override the Dockerfile's settings, to try new ones before writing them there.
 *
 * Usage: npm run bench:memory -- [--orders N] [--concurrency C] [--max-cached-workflows N] [--prebuilt-bundle]
 *        [--worker-heap-mib M] [--malloc-arena-max A] [--worker-node-flags "F..."] [--as-shipped] [--quick]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { runBackfill, seedHistory } from './lib/backfill';
import { readImageWorkerSettings } from './lib/image';
import { markdownTable, processCpuSeconds, processMemory, resetPeakMemory, round, writeResult } from './lib/report';
import { startStack, type BenchShop, type StackOptions } from './lib/stack';
import { REPO_ROOT } from '../common/temporal-cli';
import { compile } from '../scripts/compile';
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
  /** More Node/V8 flags for the worker process, after the others (e.g. `--max-semi-space-size=4`). */
  workerNodeFlags: z.string().trim().min(1).transform((flags) => flags.split(/\s+/)).optional(),
  /** The worker as the image runs it: compiled, plain node, the Dockerfile's environment and node flags. */
  asShipped: z.boolean(),
});
type MemoryOptions = z.infer<typeof optionsSchema>;

const say = (line: string) => process.stderr.write(`${line}\n`);

/** How the worker process is started: its stack options, and what to print and record of it. */
interface WorkerProcess {
  stack: Partial<StackOptions>;
  description: { workflowBundle: string; heapLimit: string; mallocArenaMax: string; runs: string };
  cleanup(): void;
}

async function workerProcess(options: MemoryOptions): Promise<WorkerProcess> {
  const arenaOverride: Record<string, string> = options.mallocArenaMax !== undefined ? { MALLOC_ARENA_MAX: String(options.mallocArenaMax) } : {};
  if (!options.asShipped) {
    let workflowBundle: string | undefined;
    if (options.prebuiltBundle) {
      say('Bundling the workflows beforehand (worker/workflow-bundle.ts)...');
      workflowBundle = await writeWorkflowBundle(path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), 'workflow-bundle.js'));
    }
    return {
      stack: {
        ...(workflowBundle ? { workflowBundle } : {}),
        ...(options.workerHeapMib !== undefined ? { workerHeapMiB: options.workerHeapMib } : {}),
        workerEnv: arenaOverride,
        workerNodeArgs: options.workerNodeFlags ?? [],
      },
      description: {
        runs: 'TypeScript through tsx (as `npm run worker`)',
        workflowBundle: workflowBundle ? 'prebuilt (TEMPORAL_WORKFLOW_BUNDLE)' : 'bundled when the worker starts',
        heapLimit: `${options.workerHeapMib !== undefined ? `--max-old-space-size=${options.workerHeapMib}` : 'Node default'}${options.workerNodeFlags ? `; ${options.workerNodeFlags.join(' ')}` : ''}`,
        mallocArenaMax: String(options.mallocArenaMax ?? 'glibc default'),
      },
      cleanup: () => undefined,
    };
  }
  const image = readImageWorkerSettings();
  // Under the repository, so the compiled child finds node_modules and package.json's "type": "module", as dist/ does.
  mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(REPO_ROOT, '.tmp', 'bench-as-shipped-'));
  say(`Compiling the worker child and bundling the workflows as \`npm run build\` does (${path.relative(REPO_ROOT, dir)})...`);
  const [workerChild] = await compile(dir, [{ source: 'bench/lib/worker-child.ts', out: 'bench/worker-child' }]);
  const workflowBundle = await writeWorkflowBundle(path.join(dir, 'workflow-bundle.js'));
  // The image's environment, with this run's bundle in place of the image's path.
  const { TEMPORAL_WORKFLOW_BUNDLE: _imagePath, ...imageEnv } = image.env;
  const env: Record<string, string> = { ...imageEnv, ...arenaOverride };
  if (options.workerHeapMib !== undefined) {
    env.NODE_OPTIONS = [...(env.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag !== '' && !flag.startsWith('--max-old-space-size')), `--max-old-space-size=${options.workerHeapMib}`].join(' ');
  }
  return {
    stack: { workerChild: workerChild!, workflowBundle, workerEnv: env, workerNodeArgs: [...image.nodeArgs, ...options.workerNodeFlags ?? []] },
    description: {
      runs: `compiled, plain node, as the Dockerfile's CMD runs ${image.script}${image.nodeArgs.length > 0 ? ` (${image.nodeArgs.join(' ')})` : ''}`,
      workflowBundle: 'prebuilt (TEMPORAL_WORKFLOW_BUNDLE)',
      heapLimit: `NODE_OPTIONS=${env.NODE_OPTIONS ?? ''}${options.workerHeapMib !== undefined ? ' (overrides the Dockerfile)' : ''}${options.workerNodeFlags ? `; then ${options.workerNodeFlags.join(' ')}` : ''}`,
      mallocArenaMax: `${env.MALLOC_ARENA_MAX ?? 'glibc default'}${options.mallocArenaMax !== undefined ? ' (overrides the Dockerfile)' : ''}`,
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function runMemory(options: MemoryOptions): Promise<Record<string, unknown>> {
  const worker = await workerProcess(options);
  try {
    return await measure(options, worker);
  } finally {
    worker.cleanup();
  }
}

async function measure(options: MemoryOptions, worker: WorkerProcess): Promise<Record<string, unknown>> {
  const stack = await startStack({
    label: 'memory', shopIds: ['bench-memory'], receiver: false, say,
    ...(options.maxCachedWorkflows !== undefined ? { tuning: { maxCachedWorkflows: options.maxCachedWorkflows } } : {}),
    ...worker.stack,
  });
  try {
    const shop = stack.shops[0] as BenchShop;
    say(`Seeding ${options.orders} completed orders in the past...`);
    await seedHistory(stack, shop, options.orders);
    const pid = stack.worker.pid;
    const atStart = processMemory(pid);
    const peakReset = resetPeakMemory(pid);
    const cpuAtStart = processCpuSeconds(pid);
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
      // The worker's CPU per order: what a smaller heap or cache costs, which orders/s on a shared machine hides.
      const cpuSeconds = processCpuSeconds(pid) - cpuAtStart;
      const peak = atEnd.peakRssMiB;
      // The RSS after each tenth of the orders settled: how it grows with the number of open transfers.
      const byTenth = Array.from({ length: 10 }, (_, index) => {
        const upTo = ((index + 1) * run.progress.found) / 10;
        const sample = samples.filter((s) => s.settled <= upTo).pop();
        return { settled: Math.round(upTo), rssMiB: sample?.rssMiB ?? Number.NaN };
      });
      const result = {
        options,
        backfill: {
          found: run.progress.found, transferred: run.progress.transferred, parked: run.progress.parked, failed: run.progress.failed, seconds: round((run.finishedAtMs - run.startedAtMs) / 1000, 1),
          ordersPerSecond: round(run.progress.found / ((run.finishedAtMs - run.startedAtMs) / 1000), 1),
          workerCpuSeconds: round(cpuSeconds, 1),
          workerCpuMsPerOrder: round((cpuSeconds * 1000) / run.progress.found, 1),
        },
        worker: {
          /** Start-up (bundling the workflows) and onboarding, before the backfill. */
          peakBeforeBackfillMiB: round(atStart?.peakRssMiB ?? Number.NaN, 1),
          rssAtStartMiB: round(atStart?.rssMiB ?? Number.NaN, 1),
          /** During the backfill (VmHWM reset at its start; when that was not allowed, the lifetime peak). */
          peakRssMiB: round(peak, 1),
          peakIsLifetime: !peakReset,
          rssAtEndMiB: round(atEnd.rssMiB, 1),
          maxCachedWorkflows: options.maxCachedWorkflows ?? 'as shipped',
          ...worker.description,
        },
        target: { peakRssBelowMiB: 300, met: peak < 300 },
        byTenth,
        samples,
      };
      console.log(`\nWorker memory over a backfill of ${run.progress.found} orders (${options.concurrency} in flight, ${result.backfill.seconds} s, ${result.backfill.ordersPerSecond} orders/s; worker CPU ${result.backfill.workerCpuMsPerOrder} ms an order)`);
      console.log(`Worker: ${result.worker.runs}; ${result.worker.workflowBundle}; maxCachedWorkflows ${result.worker.maxCachedWorkflows}; heap ${result.worker.heapLimit}; MALLOC_ARENA_MAX ${result.worker.mallocArenaMax}\n`);
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
    .option('--worker-node-flags <flags>', 'more Node/V8 flags for the worker process, space-separated (e.g. "--max-semi-space-size=4")')
    .option('--as-shipped', 'the worker as the image runs it: compiled, plain node, the Dockerfile\'s ENV and CMD flags (the options above override them)')
    .option('--quick', 'small size: 1,000 orders')
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  const quick = raw.quick === true && program.getOptionValueSource('orders') !== 'cli';
  const options = optionsSchema.parse({
    orders: quick ? 1_000 : raw.orders, concurrency: raw.concurrency, maxCachedWorkflows: raw.maxCachedWorkflows, prebuiltBundle: raw.prebuiltBundle === true, workerHeapMib: raw.workerHeapMib, mallocArenaMax: raw.mallocArenaMax, workerNodeFlags: raw.workerNodeFlags, asShipped: raw.asShipped === true,
  });
  const result = await runMemory(options);
  // Each way of starting the worker as it runs (`npm run worker`, the image) keeps its own file; a tried variant does not overwrite either.
  const variant = options.prebuiltBundle || options.workerHeapMib !== undefined || options.mallocArenaMax !== undefined || options.maxCachedWorkflows !== undefined || options.workerNodeFlags !== undefined;
  say(`Wrote ${writeResult(variant ? 'memory-variant' : options.asShipped ? 'memory-as-shipped' : 'memory', result)}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
