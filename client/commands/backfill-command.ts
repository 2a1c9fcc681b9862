/**
 * `npm run cli -- backfill --shop S --from YYYY-MM-DD --to YYYY-MM-DD [--concurrency N] [--json]`
 *
 * Starts the shop's backfill for the range (workflow `backfill-<shop>-<from>-<to>`), or attaches
 * to the one already running for that range, and watches it: a live progress bar on a terminal
 * (cli-progress), one JSON line per change with --json, plain lines otherwise. The backfill runs
 * in Temporal: Ctrl-C only stops watching, and the same command later watches it again.
 */
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { Presets, SingleBar } from 'cli-progress';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { shopIdSchema } from '../../common/id-schemas';
import { ShopIdKey } from '../../common/search-attributes';
import { connectTemporalClient } from '../../common/temporal-client';
import type { BackfillInput, BackfillProgress, backfillShop } from '../../workflows/backfill-workflow';
import { CliError, EXIT_CODES } from '../cli-error';

/** A calendar day, YYYY-MM-DD, that exists. */
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD')
  .refine((value) => {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }, 'not a calendar date');

export const backfillOptionsSchema = z
  .object({
    shop: shopIdSchema,
    /** First day (inclusive), a calendar day in Oslo. */
    from: dateSchema,
    /** Day after the last (exclusive). */
    to: dateSchema,
    /** Transfers in flight at most. */
    concurrency: z.coerce.number().int('the concurrency is a whole number').min(1).max(200).default(20),
    json: z.boolean().default(false),
  })
  .refine((options) => options.from < options.to, { message: '--from must be before --to (the range is [from, to))', path: ['to'] });

export type BackfillOptions = z.input<typeof backfillOptionsSchema>;

/** One backfill per shop and range: a second start with the same range is the same workflow. */
export function backfillWorkflowId(shopId: string, from: string, to: string): string {
  return `backfill-${shopId}-${from}-${to}`;
}

/** Where `runBackfill` shows progress. */
export interface BackfillOutput {
  /** process.stdout in the CLI, a capture in tests. A terminal (isTTY) gets a live bar. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborting it stops watching, never the backfill. Default: the process's Ctrl-C (SIGINT). */
  stopWatching?: AbortSignal;
  /** How often progress is read, ms; default 1000. */
  pollMs?: number;
}

export interface BackfillRunResult {
  workflowId: string;
  /** The range's backfill was already running: this run watched it rather than starting another. */
  attached: boolean;
  /** `finished`: the backfill is done and `progress` is its summary; `stopped-watching`: Ctrl-C, the backfill goes on. */
  outcome: 'finished' | 'stopped-watching';
  /** The final summary, or the last progress seen. */
  progress: BackfillProgress | null;
}

/**
 * Starts the backfill, or finds the one running for the same shop and range (conflict policy
 * USE_EXISTING): `attached` says which.
 */
export async function startBackfill(client: Client, taskQueue: string, input: BackfillInput): Promise<{ workflowId: string; attached: boolean }> {
  const workflowId = backfillWorkflowId(input.shopId, input.from, input.to);
  const attached = await client.workflow.getHandle(workflowId).describe().then(
    (description) => description.status.name === 'RUNNING',
    (error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    },
  );
  await client.workflow.start<typeof backfillShop>('backfillShop', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: input.shopId }]),
  });
  return { workflowId, attached };
}

/**
 * Starts (or attaches to) the backfill and shows its progress until it is done or the operator
 * stops watching. Throws a CliError when the backfill itself fails.
 */
export async function runBackfill(config: Config, rawOptions: BackfillOptions, output: BackfillOutput): Promise<BackfillRunResult> {
  const options = backfillOptionsSchema.parse(rawOptions);
  const pollMs = output.pollMs ?? 1_000;
  const stop = stopSignal(output.stopWatching);
  const client = await connectTemporalClient(config);
  try {
    const { workflowId, attached } = await startBackfill(client, config.TEMPORAL_TASK_QUEUE, {
      shopId: options.shop, from: options.from, to: options.to, concurrency: options.concurrency,
    });
    const view = options.json ? jsonView(output.stream, workflowId, attached) : output.stream.isTTY ? barView(output.stream, workflowId, attached, options.shop) : lineView(output.stream, workflowId, attached);
    // No run id: the query and the result follow the backfill across continue-as-new.
    const handle = client.workflow.getHandle(workflowId);
    let finished: BackfillProgress | undefined;
    let failure: unknown;
    const result = handle.result().then(
      (summary: BackfillProgress) => { finished = summary; },
      (error: unknown) => { failure = error; },
    );
    let last: BackfillProgress | null = null;
    while (finished === undefined && failure === undefined && !stop.signal.aborted) {
      const progress = await handle.query<BackfillProgress>('progress').catch(() => null);
      if (progress) {
        last = progress;
        view.progress(progress);
      }
      await Promise.race([result, delay(pollMs, stop.signal)]);
    }
    if (failure !== undefined) {
      view.close();
      const cause = failure instanceof WorkflowFailedError && failure.cause ? failure.cause.message : failure instanceof Error ? failure.message : String(failure);
      throw new CliError(`Backfill ${workflowId} failed: ${cause}`, EXIT_CODES.usage);
    }
    const outcome = finished !== undefined ? 'finished' : 'stopped-watching';
    const runResult: BackfillRunResult = { workflowId, attached, outcome, progress: finished ?? last };
    view.end(runResult);
    return runResult;
  } finally {
    stop.dispose();
    await client.connection.close();
  }
}

/** 0 when everything found was transferred (or the operator only stopped watching), 2 when some transfers need a person or failed. */
export function exitCodeForBackfill(result: BackfillRunResult): number {
  if (result.outcome === 'finished' && result.progress && (result.progress.parked > 0 || result.progress.failed > 0)) return EXIT_CODES.needsAttention;
  return EXIT_CODES.ok;
}

/** The summary in plain words. */
export function formatBackfillSummary(result: BackfillRunResult): string {
  const p = result.progress;
  if (result.outcome === 'stopped-watching') {
    return `Stopped watching. The backfill goes on in Temporal (workflow ${result.workflowId}); run the same command again to watch it.`;
  }
  if (!p) return `Backfill ${result.workflowId} finished.`;
  const lines = [
    `Backfill of ${p.shopId} for [${p.from}, ${p.to}) finished in ${formatDuration(p.elapsedSeconds)}: ${p.found} completed order(s) found, ${p.transferred} transferred, ${p.parked} parked, ${p.failed} failed` +
      `${p.waiting ? `, ${p.waiting} waiting (no longer completed)` : ''}; ${p.skipped} not completed, left alone.`,
  ];
  for (const [reason, count] of Object.entries(p.parkedByReason)) lines.push(`  parked, ${reason}: ${count}`);
  if (p.parked > 0) lines.push(`  Fix the cause, then: npm run cli -- retry --shop ${p.shopId} --all-needing-attention`);
  if (p.failedOrderIds.length > 0) lines.push(`  failed: order(s) ${p.failedOrderIds.join(', ')}${p.failed > p.failedOrderIds.length ? ' …' : ''}`);
  return lines.join('\n');
}

interface View {
  progress(progress: BackfillProgress): void;
  end(result: BackfillRunResult): void;
  close(): void;
}

/** What counts as a change worth a line: the counts, not the clock. */
function changeKey(p: BackfillProgress): string {
  return JSON.stringify([p.found, p.skipped, p.started, p.transferred, p.parked, p.failed, p.waiting, p.inFlight, p.waitingForCredentials, p.listingDone, p.done, p.parkedByReason]);
}

function jsonView(stream: NodeJS.WritableStream, workflowId: string, attached: boolean): View {
  let lastKey: string | undefined;
  return {
    progress(progress) {
      const key = changeKey(progress);
      if (key === lastKey) return;
      lastKey = key;
      stream.write(`${JSON.stringify({ type: 'progress', workflowId, attached, ...progress })}\n`);
    },
    end(result) {
      const type = result.outcome === 'finished' ? 'summary' : 'stopped-watching';
      stream.write(`${JSON.stringify({ type, workflowId, attached, ...(result.progress ?? {}), ...(type === 'stopped-watching' ? { message: formatBackfillSummary(result) } : {}) })}\n`);
    },
    close() {},
  };
}

function lineView(stream: NodeJS.WritableStream, workflowId: string, attached: boolean): View {
  let lastKey: string | undefined;
  let lastAt = 0;
  stream.write(`${intro(workflowId, attached)}\n`);
  return {
    progress(progress) {
      const key = changeKey(progress);
      if (key === lastKey || (Date.now() - lastAt < 5_000 && !progress.done)) return;
      lastKey = key;
      lastAt = Date.now();
      stream.write(`${describeProgress(progress)}\n`);
    },
    end(result) {
      stream.write(`${formatBackfillSummary(result)}\n`);
    },
    close() {},
  };
}

function barView(stream: NodeJS.WritableStream, workflowId: string, attached: boolean, shopId: string): View {
  stream.write(`${intro(workflowId, attached)}\n`);
  const bar = new SingleBar({
    stream,
    format: `${shopId} |{bar}| {settled}/{expected} · found {found} · transferred {transferred} · parked {parked} · failed {failed} · in flight {inFlight} · {rate}/min · {timeLeft} left`,
    hideCursor: true,
    barsize: 24,
    fps: 5,
  }, Presets.shades_classic);
  let started = false;
  const payload = (p: BackfillProgress) => ({
    settled: p.transferred + p.parked + p.failed + p.waiting,
    expected: p.listingDone ? `${p.found}` : `~${p.estimatedTotal}`,
    found: p.found, transferred: p.transferred, parked: p.parked, failed: p.failed, inFlight: p.inFlight,
    rate: p.ratePerMinute, timeLeft: p.etaSeconds === null ? '?' : formatDuration(p.etaSeconds),
  });
  const stopBar = () => {
    if (started) bar.stop();
    started = false;
  };
  return {
    progress(progress) {
      const values = payload(progress);
      const total = Math.max(1, progress.estimatedTotal, values.settled);
      if (!started) {
        bar.start(total, values.settled, values);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(values.settled, values);
      }
    },
    end(result) {
      stopBar();
      stream.write(`${formatBackfillSummary(result)}\n`);
    },
    close: stopBar,
  };
}

function intro(workflowId: string, attached: boolean): string {
  return `${attached ? 'Attached to the running backfill' : 'Started backfill'} ${workflowId}. Ctrl-C stops watching; the backfill goes on in Temporal.`;
}

function describeProgress(p: BackfillProgress): string {
  const settled = p.transferred + p.parked + p.failed + p.waiting;
  return `${settled}/${p.listingDone ? p.found : `~${p.estimatedTotal}`} settled: found ${p.found}, transferred ${p.transferred}, parked ${p.parked}, failed ${p.failed}, in flight ${p.inFlight}; ` +
    `${p.ratePerMinute}/min, ${p.etaSeconds === null ? '?' : formatDuration(p.etaSeconds)} left`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The given signal, or one that the process's Ctrl-C fires (while watching only). */
function stopSignal(given: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  if (given) return { signal: given, dispose: () => {} };
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
