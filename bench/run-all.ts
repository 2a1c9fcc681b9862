/**
 * `npm run bench`: every benchmark of issue 9 §1 in turn, each in a process of its own (a fresh
 * Temporal dev server, sandboxes and worker each time), then one line per target. Each
 * benchmark prints its own markdown table and writes bench/results/<name>.json. Sizes are the
 * issue's unless overridden; `--quick` makes every one small (a few minutes in all). A failing
 * benchmark is reported and the others still run; the exit code is then 1.
 *
 * Usage: npm run bench -- [--quick] [--only calls,throughput,rate-limit,latency,memory] [sizes…]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { REPO_ROOT } from '../common/temporal-cli';
import { RESULTS_DIR, machineInfo } from './lib/report';

const BENCHMARKS = ['calls', 'throughput', 'rate-limit', 'latency', 'memory'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const SCRIPTS: Record<BenchmarkName, { file: string; result: string }> = {
  calls: { file: 'calls-per-order.ts', result: 'calls-per-order' },
  throughput: { file: 'throughput.ts', result: 'throughput' },
  'rate-limit': { file: 'rate-limit.ts', result: 'rate-limit' },
  latency: { file: 'latency.ts', result: 'latency' },
  // As the image runs the worker: the figure the target is about (BENCHMARKS.md, Memory).
  memory: { file: 'memory.ts', result: 'memory-as-shipped' },
};

const program = new Command()
  .name('npm run bench --')
  .description('Runs every benchmark in turn (each prints a table and writes bench/results/<name>.json)')
  .option('--quick', 'small sizes everywhere (each benchmark\'s own --quick)')
  .option('--only <names>', `comma-separated subset of: ${BENCHMARKS.join(', ')}`)
  .option('--calls-orders <n>', 'calls per order: orders')
  .option('--throughput-orders <n>', 'throughput: orders in each measured burst')
  .option('--concurrency <c>', 'throughput: activities at once in the worker, lanes in the baseline')
  .option('--rounds <r>', 'throughput: measured rounds')
  .option('--rate-limit-orders <n>', 'rate-limit use: orders backfilled')
  .option('--tripletex-rate <r>', 'rate-limit use: Tripletex limit, requests a second')
  .option('--tripletex-window <w>', 'rate-limit use: Tripletex window, seconds')
  .option('--mystore-per-minute <m>', 'rate-limit use: Mystore limit, requests a minute')
  .option('--latency-sequential <k>', 'latency: orders one at a time')
  .option('--latency-load-orders <n>', 'latency: orders under load')
  .option('--latency-load-rate <r>', 'latency: orders a second under load')
  .option('--memory-orders <n>', 'memory: orders backfilled')
  .parse();

const options = program.opts<Record<string, string | boolean | undefined>>();
const only = typeof options.only === 'string' ? options.only.split(',').map((name) => name.trim()) : [...BENCHMARKS];
const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`--only: unknown benchmark(s) ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
  process.exit(1);
}

/** The flags each benchmark gets, from the ones given here. */
function flagsFor(name: BenchmarkName): string[] {
  const pass = (flag: string, key: string): string[] => (typeof options[key] === 'string' ? [flag, options[key]] : []);
  const quick = options.quick === true ? ['--quick'] : [];
  switch (name) {
    case 'calls': return [...quick, ...pass('--orders', 'callsOrders')];
    case 'throughput': return [...quick, ...pass('--orders', 'throughputOrders'), ...pass('--concurrency', 'concurrency'), ...pass('--rounds', 'rounds')];
    case 'rate-limit': return [...quick, ...pass('--orders', 'rateLimitOrders'), ...pass('--tripletex-rate', 'tripletexRate'), ...pass('--tripletex-window', 'tripletexWindow'), ...pass('--mystore-per-minute', 'mystorePerMinute')];
    case 'latency': return [...quick, ...pass('--sequential', 'latencySequential'), ...pass('--load-orders', 'latencyLoadOrders'), ...pass('--load-rate', 'latencyLoadRate')];
    case 'memory': return ['--as-shipped', ...quick, ...pass('--orders', 'memoryOrders')];
  }
}

const machine = machineInfo();
console.log(`# Benchmarks\n\nMachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB; ${machine.os}; Node ${machine.node}; Temporal CLI: ${machine.temporalCli}; load average at start ${machine.loadAverage1m}.`);

const outcomes: Array<{ name: BenchmarkName; ok: boolean; seconds: number }> = [];
for (const name of only as BenchmarkName[]) {
  const args = [path.join(REPO_ROOT, 'bench', SCRIPTS[name].file), ...flagsFor(name)];
  console.log(`\n## ${name}\n\n\`${['tsx', ...args.map((arg) => path.relative(REPO_ROOT, arg) || arg)].join(' ')}\``);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
  outcomes.push({ name, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('\n## Targets\n');
console.log('| benchmark | ran | target | result |\n|---|---|---|---|');
for (const { name, ok, seconds } of outcomes) {
  const file = path.join(RESULTS_DIR, `${SCRIPTS[name].result}.json`);
  const result = ok && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
  console.log(`| ${name} | ${ok ? `${seconds} s` : 'FAILED'} | ${describeTarget(name)} | ${result ? describeOutcome(name, result) : '–'} |`);
}
process.exit(outcomes.every((outcome) => outcome.ok) ? 0 : 1);

function describeTarget(name: BenchmarkName): string {
  switch (name) {
    case 'calls': return 'within 5 % of each lower bound';
    case 'throughput': return 'pipeline ≥ 50 % of the baseline';
    case 'rate-limit': return '≥ 95 % of the limit, < 1 % 429s';
    case 'latency': return 'p50 / p95 reported (no target)';
    case 'memory': return 'worker peak RSS < 300 MB';
  }
}

function describeOutcome(name: BenchmarkName, result: Record<string, unknown>): string {
  const met = (target: unknown) => ((target as { met?: boolean } | undefined)?.met ? 'met' : 'missed');
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  switch (name) {
    case 'calls': {
      const r = result as { tripletex: { overBound: number }; mystore: { overBound: number }; target?: unknown };
      return `${met(r.target)}: Tripletex ${pct(r.tripletex.overBound)} over, Mystore ${pct(r.mystore.overBound)} over`;
    }
    case 'throughput': {
      const r = result as { pipeline: { ordersPerSecond: number }; baseline: { ordersPerSecond: number }; ratio: number; target: unknown };
      return `${met(r.target)}: ${r.pipeline.ordersPerSecond} vs ${r.baseline.ordersPerSecond} orders/s (${pct(r.ratio)})`;
    }
    case 'rate-limit': {
      const r = result as { uses: Array<{ api: string; shareOfLimit: number; share429: number; target: unknown }> };
      return r.uses.map((use) => `${use.api} ${met(use.target)}: ${pct(use.shareOfLimit)} of the limit, ${pct(use.share429)} 429s`).join('; ');
    }
    case 'latency': {
      const r = result as { sequential: { p50Ms: number; p95Ms: number }; underLoad?: { p50Ms: number; p95Ms: number; ratePerSecond: number } };
      return `one at a time ${r.sequential.p50Ms} / ${r.sequential.p95Ms} ms${r.underLoad ? `; at ${r.underLoad.ratePerSecond}/s ${r.underLoad.p50Ms} / ${r.underLoad.p95Ms} ms` : ''}`;
    }
    case 'memory': {
      const r = result as { worker: { peakRssMiB: number }; backfill: { found: number }; target: unknown };
      return `${met(r.target)}: ${r.worker.peakRssMiB} MiB over ${r.backfill.found} orders`;
    }
  }
}
