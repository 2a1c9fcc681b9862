/**
 * Benchmark: rate-limit use (issue 9 §1). One sandbox limited, the other not; a backfill of N
 * completed orders (the product's own backfill workflow, as `npm run cli -- backfill` starts
 * it); then, from the limited sandbox's request log: the requests it got, the share answered 429,
 * and the accepted requests a second against the limit, over the whole backfill and per full
 * rate-limit window (the steady state, without the start and the drain at the end).
 *
 * - Tripletex: limited to R requests a second, counted in fixed windows of W seconds (the
 *   sandbox's limiter: limit R×W per window, per consumer and employee token, X-Rate-Limit-*
 *   headers, no Reset on the 429). The client learns the limit from those headers.
 * - Mystore: limited to M requests a minute per token (fixed 60 s windows, no rate-limit
 *   headers); the worker is told the same M (MYSTORE_RATE_LIMIT_PER_MINUTE), as an operator
 *   would configure it.
 *
 * Usage: npm run bench:rate-limit -- [--api tripletex|mystore|both] [--orders N] [--tripletex-rate R]
 *        [--tripletex-window W] [--mystore-per-minute M] [--concurrency C] [--quick]
 */
import { Command } from 'commander';
import { z } from 'zod';
import { runBackfill, seedHistory } from './lib/backfill';
import { RequestLogReader, type LoggedRequest } from './lib/request-log';
import { markdownTable, pct, round, writeResult } from './lib/report';
import { startStack, UNPACED_PER_MINUTE, type BenchShop } from './lib/stack';

const optionsSchema = z.object({
  api: z.enum(['tripletex', 'mystore', 'both']),
  orders: z.coerce.number().int().min(1),
  tripletexRate: z.coerce.number().positive(),
  tripletexWindow: z.coerce.number().int().min(1),
  mystorePerMinute: z.coerce.number().int().min(1),
  concurrency: z.coerce.number().int().min(1).max(200),
});
type RateLimitOptions = z.infer<typeof optionsSchema>;

export interface RateUse {
  api: 'tripletex' | 'mystore';
  /** The limit as a rate, requests a second. */
  limitPerSecond: number;
  windowSeconds: number;
  limitPerWindow: number;
  requests: number;
  rejected429: number;
  share429: number;
  /** From the start of the rate-limit window of the backfill's first request to its last request. */
  seconds: number;
  /** Accepted (non-429) requests a second over the whole backfill. */
  achievedPerSecond: number;
  /** achievedPerSecond over the limit: the start and the end each add a partial window, so short runs can show more than 100 %. */
  wholeRunShareOfLimit: number;
  /**
   * The share of the limit the steady state used: the mean fill of the full windows (see
   * below), or the whole run's share when there is none.
   */
  shareOfLimit: number;
  /**
   * Windows wholly inside the backfill's steady state: after its first request, and before
   * every order had been started (from then on fewer transfers are in flight to ask).
   */
  fullWindows: number;
  /** Accepted requests in a full window over the limit per window: mean and lowest. */
  windowFillMean: number;
  windowFillMin: number;
  /** Each full window's fill, in order. */
  windowFills: number[];
  backfill: { orders: number; transferred: number; parked: number; failed: number; seconds: number };
  target: { shareOfLimitAtLeast: number; share429Below: number; met: boolean };
}

const say = (line: string) => process.stderr.write(`${line}\n`);

async function measure(api: RateUse['api'], options: RateLimitOptions): Promise<RateUse> {
  const windowSeconds = api === 'tripletex' ? options.tripletexWindow : 60;
  const limitPerWindow = api === 'tripletex' ? Math.round(options.tripletexRate * windowSeconds) : options.mystorePerMinute;
  const stack = await startStack({
    label: `rate-limit-${api}`,
    shopIds: ['bench-backfill'],
    requestLogs: [api],
    receiver: false,
    mystorePacerPerMinute: api === 'mystore' ? options.mystorePerMinute : UNPACED_PER_MINUTE,
    say,
  });
  try {
    const shop = stack.shops[0] as BenchShop;
    say(`Seeding ${options.orders} completed orders in the past...`);
    await seedHistory(stack, shop, options.orders);
    // Limits only now: onboarding is not what is measured.
    if (api === 'tripletex') stack.tripletex.admin.setRateLimit({ limit: limitPerWindow, windowSeconds });
    else stack.mystore.admin.setRateLimit(limitPerWindow);
    say(`Backfilling with ${api === 'tripletex' ? `Tripletex limited to ${limitPerWindow} requests per ${windowSeconds} s` : `Mystore limited to ${limitPerWindow} requests a minute`}...`);
    const reader = new RequestLogReader(api === 'tripletex' ? stack.logs.tripletex! : stack.logs.mystore!);
    reader.readNew(); // onboarding's and seeding's requests: not part of the measurement
    let lastSaid = '';
    const run = await runBackfill(stack, shop, {
      concurrency: options.concurrency,
      timeoutMs: Math.max(600_000, (options.orders * 4 * 1000) / Math.min(options.tripletexRate, options.mystorePerMinute / 60)),
      onProgress: (progress) => {
        const line = `  ${progress.transferred + progress.parked + progress.failed}/${progress.listingDone ? progress.found : `~${progress.estimatedTotal}`} settled, ${progress.inFlight} in flight, ${progress.ratePerMinute}/min`;
        if (line !== lastSaid) say(line);
        lastSaid = line;
      },
    });
    const requests = reader.readNew().filter((request) => request.atMs >= run.startedAtMs);
    reader.close();
    return analyse(api, requests, { limitPerWindow, windowSeconds }, run);
  } finally {
    await stack.stop();
  }
}

/** The request log of one backfill, against the limit. */
export function analyse(
  api: RateUse['api'],
  requests: LoggedRequest[],
  limit: { limitPerWindow: number; windowSeconds: number },
  run: { progress: { found: number; transferred: number; parked: number; failed: number }; startedAtMs: number; finishedAtMs: number; allStartedAtMs: number },
): RateUse {
  const windowMs = limit.windowSeconds * 1000;
  const limitPerSecond = limit.limitPerWindow / limit.windowSeconds;
  const rejected = requests.filter((request) => request.status === 429).length;
  const accepted = requests.filter((request) => request.status !== 429);
  const first = Math.min(...requests.map((request) => request.atMs));
  const last = Math.max(...requests.map((request) => request.atMs));
  // From the start of the first window the backfill used: its whole quota was there to use, so
  // counting from the first request would credit the backfill with more than the limit.
  const seconds = (last - Math.floor(first / windowMs) * windowMs) / 1000;
  const achievedPerSecond = accepted.length / seconds;
  // The sandboxes' windows start at multiples of the window length (epoch ms).
  const fills: number[] = [];
  const steadyUntil = Math.min(last, run.allStartedAtMs);
  for (let start = Math.ceil(first / windowMs) * windowMs; start + windowMs <= steadyUntil; start += windowMs) {
    const inWindow = accepted.filter((request) => request.atMs >= start && request.atMs < start + windowMs).length;
    fills.push(inWindow / limit.limitPerWindow);
  }
  const wholeRunShareOfLimit = achievedPerSecond / limitPerSecond;
  const shareOfLimit = fills.length > 0 ? fills.reduce((a, b) => a + b, 0) / fills.length : wholeRunShareOfLimit;
  const share429 = requests.length === 0 ? 0 : rejected / requests.length;
  return {
    api,
    limitPerSecond: round(limitPerSecond, 3),
    windowSeconds: limit.windowSeconds,
    limitPerWindow: limit.limitPerWindow,
    requests: requests.length,
    rejected429: rejected,
    share429: round(share429, 4),
    seconds: round(seconds, 1),
    achievedPerSecond: round(achievedPerSecond, 3),
    wholeRunShareOfLimit: round(wholeRunShareOfLimit, 4),
    shareOfLimit: round(shareOfLimit, 4),
    fullWindows: fills.length,
    windowFillMean: round(fills.length ? fills.reduce((a, b) => a + b, 0) / fills.length : Number.NaN, 4),
    windowFillMin: round(fills.length ? Math.min(...fills) : Number.NaN, 4),
    windowFills: fills.map((fill) => round(fill, 3)),
    backfill: {
      orders: run.progress.found, transferred: run.progress.transferred, parked: run.progress.parked, failed: run.progress.failed,
      seconds: round((run.finishedAtMs - run.startedAtMs) / 1000, 1),
    },
    target: { shareOfLimitAtLeast: 0.95, share429Below: 0.01, met: shareOfLimit >= 0.95 && share429 < 0.01 },
  };
}

export function rateUseTable(uses: RateUse[]): string {
  return markdownTable(
    ['API', 'limit', 'orders', 'requests', '429s', 'accepted/s (whole run)', 'steady state: full windows, mean fill (lowest)', 'target'],
    uses.map((use) => [
      use.api === 'tripletex' ? 'Tripletex' : 'Mystore',
      `${use.limitPerWindow} per ${use.windowSeconds} s`,
      use.backfill.orders,
      use.requests,
      `${use.rejected429} (${pct(use.share429, 2)})`,
      `${use.achievedPerSecond} (${pct(use.wholeRunShareOfLimit)})`,
      use.fullWindows > 0 ? `${use.fullWindows}: ${pct(use.windowFillMean)} (${pct(use.windowFillMin)})` : 'none: run longer',
      use.target.met ? 'met' : 'missed',
    ]),
  );
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run bench:rate-limit --')
    .description('How much of a rate limit a backfill uses, and how many 429s it meets')
    .option('--api <api>', 'which API is limited: tripletex, mystore or both (one after the other)', 'both')
    .option('--orders <n>', 'completed orders to backfill', '2000')
    .option('--tripletex-rate <r>', 'Tripletex limit, requests a second', '10')
    .option('--tripletex-window <w>', 'Tripletex rate-limit window, seconds', '10')
    .option('--mystore-per-minute <m>', 'Mystore limit, requests a minute (the worker is told the same)', '600')
    .option('--concurrency <c>', 'the backfill\'s transfers in flight', '20')
    .option('--quick', 'small sizes: 200 orders, Tripletex 5/s, Mystore 120/min (its documented limit)')
    .parse();
  const raw = program.opts<Record<string, string | boolean | undefined>>();
  const quick = raw.quick === true;
  const explicit = (name: string) => program.getOptionValueSource(name) === 'cli';
  const options = optionsSchema.parse({
    ...raw,
    orders: quick && !explicit('orders') ? 200 : raw.orders,
    tripletexRate: quick && !explicit('tripletexRate') ? 5 : raw.tripletexRate,
    mystorePerMinute: quick && !explicit('mystorePerMinute') ? 120 : raw.mystorePerMinute,
  });
  const uses: RateUse[] = [];
  for (const api of options.api === 'both' ? (['tripletex', 'mystore'] as const) : [options.api]) uses.push(await measure(api, options));
  console.log(`\nRate-limit use during a backfill of ${options.orders} orders (${options.concurrency} in flight)\n`);
  console.log(rateUseTable(uses));
  console.log('\nTarget: at least 95 % of the limit in the steady state, under 1 % of requests answered 429.');
  say(`Wrote ${writeResult('rate-limit', { options, uses })}`);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
