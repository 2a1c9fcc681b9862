/**
 * Benchmark: API calls per order (issue 9 §1, first part). Runs `npm run demo` for N orders with
 * the sandboxes' request logs recorded, then counts, per API and endpoint, the requests spent,
 * against the lower bounds: Tripletex, one invoice call per order plus one per new customer;
 * Mystore, one read of the order aggregate plus one write-back per order. Prints a table and
 * writes the figures to bench/results/calls-per-order.json. No assertion: figures, not a test.
 *
 * Usage: npm run bench:calls -- [--orders N] [--quick]   (default 1000; --quick 200)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { REPO_ROOT } from '../common/temporal-cli';
import { writeResult } from './lib/report';

interface LogLine { method: string; path: string; status: number | null }

const program = new Command()
  .name('npm run bench:calls --')
  .description('API calls per order against their lower bounds, counted from the sandboxes\' request logs')
  .option('--orders <n>', 'orders from the generator', '1000')
  .option('--quick', 'small size: 200 orders')
  .parse();
const raw = program.opts<{ orders: string; quick?: boolean }>();
const orders = z.coerce.number().int().min(1).max(5_000).parse(raw.quick && program.getOptionValueSource('orders') !== 'cli' ? 200 : raw.orders);

const record = mkdtempSync(path.join(os.tmpdir(), 'bench-calls-'));
const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'client/demo.ts'), '--orders', String(orders), '--record', record, '--json'], {
  cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024,
});
const demo = JSON.parse(output.trim().split('\n').pop()!) as { orders: number; invoices: number; seconds: number };

const read = (name: string): LogLine[] => readFileSync(path.join(record, name), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
/** `/v2/invoice/123/:payment` → `/invoice/{id}/:payment`; `/shops/s/orders/6001` → `/orders/{id}`. */
const endpoint = (line: LogLine) => `${line.method} ${line.path.replace(/^\/v2/, '').replace(/^\/shops\/[^/]+/, '').replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
const tally = (lines: LogLine[]) => {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(endpoint(line), (counts.get(endpoint(line)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
};

const tripletex = read('tripletex-requests.jsonl');
const mystore = read('mystore-requests.jsonl');
const newCustomers = tripletex.filter((line) => line.method === 'POST' && line.path === '/v2/customer' && line.status !== null && line.status < 300).length;
const tripletexBound = demo.orders + newCustomers;
const mystoreBound = demo.orders * 2;
const result = {
  orders: demo.orders,
  invoices: demo.invoices,
  newCustomers,
  tripletex: { requests: tripletex.length, perOrder: tripletex.length / demo.orders, lowerBound: tripletexBound, overBound: tripletex.length / tripletexBound - 1, byEndpoint: Object.fromEntries(tally(tripletex)) },
  mystore: { requests: mystore.length, perOrder: mystore.length / demo.orders, lowerBound: mystoreBound, overBound: mystore.length / mystoreBound - 1, byEndpoint: Object.fromEntries(tally(mystore)) },
  seconds: demo.seconds,
};

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(`\nCalls per order: ${demo.orders} orders (${newCustomers} new customers), ${demo.seconds} s\n`);
console.log('| API | requests | per order | lower bound | over the bound |');
console.log('|---|---:|---:|---:|---:|');
console.log(`| Tripletex | ${tripletex.length} | ${result.tripletex.perOrder.toFixed(2)} | ${tripletexBound} | ${pct(result.tripletex.overBound)} |`);
console.log(`| Mystore | ${mystore.length} | ${result.mystore.perOrder.toFixed(2)} | ${mystoreBound} | ${pct(result.mystore.overBound)} |`);
for (const [api, rows] of [['Tripletex', tally(tripletex)], ['Mystore', tally(mystore)]] as const) {
  console.log(`\n| ${api} endpoint | requests |\n|---|---:|`);
  for (const [name, count] of rows) console.log(`| ${name} | ${count} |`);
}
const withinTarget = result.tripletex.overBound <= 0.05 && result.mystore.overBound <= 0.05;
console.log(`\nTarget: within 5 % of each bound: ${withinTarget ? 'met' : 'missed'}`);
rmSync(record, { recursive: true, force: true });
writeResult('calls-per-order', { options: { orders }, ...result, target: { overBoundAtMost: 0.05, met: withinTarget } });
