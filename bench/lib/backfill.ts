/**
 * A shop's history, backfilled: seeds N completed orders dated in the past (with the shop's
 * webhooks deleted first, so only the backfill finds them), then runs the product's backfill
 * (workflows/backfill-workflow.ts, started as `npm run cli -- backfill` starts it) and waits for
 * its summary.
 */
import { startBackfill } from '../../client/commands/backfill-command';
import type { BackfillProgress } from '../../workflows/backfill-workflow';
import type { BenchShop, BenchStack } from './stack';

const DAY_MS = 24 * 3600 * 1000;

/** YYYY-MM-DD of an instant, in UTC (a day of margin on each side covers Oslo's offset). */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Seeds `count` completed orders spread over the 30 days before yesterday; returns their ids. */
export async function seedHistory(stack: BenchStack, shop: BenchShop, count: number): Promise<string[]> {
  await stack.deleteWebhooks(shop);
  const endAt = Date.now() - 2 * DAY_MS;
  const ids: string[] = [];
  // In slices, so the generator's per-call work stays small.
  for (let made = 0; made < count; made += 1_000) {
    ids.push(...stack.mystore.admin.generateOrders(shop.shopId, {
      count: Math.min(1_000, count - made), status: 'completed', startAt: new Date(endAt - 30 * DAY_MS).toISOString(), endAt: new Date(endAt).toISOString(),
    }));
  }
  return ids;
}

export interface BackfillRun {
  progress: BackfillProgress;
  startedAtMs: number;
  finishedAtMs: number;
  /**
   * When every order found had been started (read every 2 s): from then on fewer transfers are
   * in flight, so the backfill asks for less than it did.
   */
  allStartedAtMs: number;
}

/** Runs the backfill over the seeded range and waits for its final summary. */
export async function runBackfill(stack: BenchStack, shop: BenchShop, options: { concurrency: number; timeoutMs: number; onProgress?: (progress: BackfillProgress) => void }): Promise<BackfillRun> {
  const now = Date.now();
  const startedAtMs = Date.now();
  const { workflowId } = await startBackfill(stack.client, stack.config.TEMPORAL_TASK_QUEUE, {
    shopId: shop.shopId, from: day(now - 40 * DAY_MS), to: day(now + DAY_MS), concurrency: options.concurrency,
  });
  const handle = stack.client.workflow.getHandle(workflowId);
  let finished: BackfillProgress | undefined;
  let failure: unknown;
  void handle.result().then((progress: BackfillProgress) => { finished = progress; }, (error: unknown) => { failure = error; });
  const deadline = startedAtMs + options.timeoutMs;
  let allStartedAtMs: number | undefined;
  while (finished === undefined && failure === undefined) {
    if (Date.now() > deadline) throw new Error(`the backfill did not finish within ${Math.round(options.timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    if (finished === undefined) {
      const progress = await handle.query<BackfillProgress>('progress').catch(() => undefined);
      if (progress) {
        options.onProgress?.(progress);
        if (allStartedAtMs === undefined && progress.listingDone && progress.started >= progress.found) allStartedAtMs = Date.now();
      }
    }
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  const finishedAtMs = Date.now();
  return { progress: finished!, startedAtMs, finishedAtMs, allStartedAtMs: allStartedAtMs ?? finishedAtMs };
}
