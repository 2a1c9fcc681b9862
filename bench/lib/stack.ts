/**
 * The whole product on this machine for one benchmark, started fresh and stopped after it: a
 * Temporal dev server (in memory), both sandboxes in this process (so their admin API can seed
 * orders, set rate limits and count), and the worker in a child process (bench/lib/worker-child.ts)
 * whose RSS and CPU are its own. Each shop gets a Tripletex company of its own and is onboarded
 * from keys to go-live exactly as `npm start` onboards the demo shop; its reconciliation Schedule
 * is then deleted, so no scheduled run lands in the middle of a measurement.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import type { Client } from '@temporalio/client';
import { createMystoreClient } from '../../activities/mystore/mystore-client';
import { runOnboard } from '../../client/commands/onboard-command';
import { loadConfig, type Config } from '../../common/config';
import { startDevServer, type DevServer } from '../../common/dev-server';
import { shopWorkflowId } from '../../common/ids';
import { createLogger } from '../../common/logger';
import { deleteReconciliationSchedule } from '../../common/reconciliation-schedule';
import { connectTemporalClient } from '../../common/temporal-client';
import { startMystoreSandbox, type MystoreSandbox } from '../../sandbox/mystore';
import { startTripletexSandbox, type TripletexSandbox } from '../../sandbox/tripletex';
import type { WorkerTuning } from '../../worker/create-worker';
import type { ShopRecord } from '../../workflows/shop-workflow';
import { childPidNamed } from './report';
import type { WorkerChildOptions } from './worker-child';

const WORKER_CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

/** A Mystore pacing limit so high it never paces: for benchmarks where Mystore is not limited. */
export const UNPACED_PER_MINUTE = 6_000_000;

export interface BenchShop {
  shopId: string;
  companyId: number;
  employeeToken: string;
  mystoreToken: string;
  /** The shop's record as onboarding saved it in its `shop-<id>` workflow. */
  record: ShopRecord;
}

export interface ChildHandle {
  process: ChildProcess;
  pid: number;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface BenchStack {
  /** The configuration the worker runs with (the same the parent's client uses). */
  config: Config;
  /** The environment that configuration came from, for more child processes. */
  env: NodeJS.ProcessEnv;
  client: Client;
  tripletex: TripletexSandbox;
  mystore: MystoreSandbox;
  shops: BenchShop[];
  worker: ChildHandle;
  /** The receiver's base URL, when the worker runs one. */
  receiverUrl: string | undefined;
  /** The Temporal dev server's pid, for its CPU time. */
  temporalPid: number | undefined;
  /** Request logs (JSON lines), when asked for. */
  logs: { tripletex?: string; mystore?: string };
  /** Deletes a shop's Mystore webhooks (so generated orders arrive only through a backfill, or go elsewhere). */
  deleteWebhooks(shop: BenchShop): Promise<number>;
  /** Registers a shop's order webhooks to `address`; returns their secrets. */
  registerWebhooks(shop: BenchShop, address: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Part of the task queue's name. */
  label: string;
  shopIds: string[];
  /** Which sandboxes write request logs (JSON lines with times and statuses) to a temporary folder. */
  requestLogs?: Array<'tripletex' | 'mystore'>;
  /** Run the webhook receiver in the worker process (default true). */
  receiver?: boolean;
  /** The worker's MYSTORE_RATE_LIMIT_PER_MINUTE; default: no pacing in effect. */
  mystorePacerPerMinute?: number;
  tuning?: Partial<WorkerTuning>;
  /** A prebuilt workflow bundle for the worker (TEMPORAL_WORKFLOW_BUNDLE); default: it bundles when it starts. */
  workflowBundle?: string;
  /** V8's old-space limit for the worker process, MiB (--max-old-space-size); default Node's. */
  workerHeapMiB?: number;
  /** More environment for the worker process only (e.g. MALLOC_ARENA_MAX). */
  workerEnv?: Record<string, string>;
  /** The worker child compiled to JavaScript (bench/memory.ts --as-shipped), run with plain node; default worker-child.ts through tsx. */
  workerChild?: string;
  /** Node's flags for the worker process before the heap limit (an image's CMD may carry some). */
  workerNodeArgs?: string[];
  /** Starts the Temporal server; default an in-memory dev server (experiments pass their own). */
  startServer?: () => Promise<DevServer>;
  /** Progress lines (stderr). */
  say: (line: string) => void;
}

export async function startStack(options: StackOptions): Promise<BenchStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    options.say('Starting a Temporal dev server (in memory) and both sandboxes...');
    const server: DevServer = await (options.startServer ?? (() => startDevServer({})))();
    cleanups.push(() => server.stop());
    const wanted = new Set(options.requestLogs ?? []);
    const logDir = wanted.size > 0 ? mkdtempSync(path.join(os.tmpdir(), `bench-${options.label}-`)) : undefined;
    const logs = {
      ...(logDir && wanted.has('tripletex') ? { tripletex: path.join(logDir, 'tripletex-requests.jsonl') } : {}),
      ...(logDir && wanted.has('mystore') ? { mystore: path.join(logDir, 'mystore-requests.jsonl') } : {}),
    };
    if (logDir) cleanups.push(async () => rmSync(logDir, { recursive: true, force: true }));
    const tripletex = await startTripletexSandbox({ port: 0, ...(logs.tripletex ? { requestLogPath: logs.tripletex } : {}) });
    cleanups.push(() => tripletex.close());
    const mystore = await startMystoreSandbox({ port: 0, rateLimitPerMinute: null, ...(logs.mystore ? { requestLogPath: logs.mystore } : {}) });
    cleanups.push(() => mystore.close());

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: `bench-${options.label}-${randomUUID()}`,
      TRIPLETEX_BASE_URL: tripletex.baseUrl,
      MYSTORE_BASE_URL: mystore.baseUrl,
      MYSTORE_RATE_LIMIT_PER_MINUTE: String(options.mystorePacerPerMinute ?? UNPACED_PER_MINUTE),
      WEBHOOK_PORT: String(await getPort({ host: '127.0.0.1' })),
      // A key for this run only: nothing of it outlives the in-memory server.
      PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PAYLOAD_ENCRYPTION_KEY_ID: 'bench',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    delete env.WEBHOOK_PUBLIC_URL;
    delete env.LOG_FILE;
    if (options.workflowBundle) env.TEMPORAL_WORKFLOW_BUNDLE = options.workflowBundle;
    const config = loadConfig(env);
    tripletex.admin.createConsumerToken(config.TRIPLETEX_CONSUMER_TOKEN);

    options.say(`Starting the worker process${options.workflowBundle ? '' : ' (it bundles the workflows first)'}...`);
    const childOptions: WorkerChildOptions = { receiver: options.receiver ?? true, ...(options.tuning ? { tuning: options.tuning } : {}) };
    const { handle: worker, ready } = forkChild(options.workerChild ?? WORKER_CHILD, [JSON.stringify(childOptions)], { ...env, ...options.workerEnv }, [...options.workerNodeArgs ?? [], ...(options.workerHeapMiB ? [`--max-old-space-size=${options.workerHeapMiB}`] : [])]);
    cleanups.push(() => worker.stop());
    const { receiverUrl } = await ready as { receiverUrl?: string };
    const client = await connectTemporalClient(config);
    cleanups.push(() => client.connection.close());

    const silent = createLogger({ level: 'silent' });
    const mystoreClientFor = (shop: BenchShop) => createMystoreClient({ baseUrl: mystore.baseUrl, shop: shop.shopId, token: shop.mystoreToken, logger: silent, rateLimitPerMinute: UNPACED_PER_MINUTE });
    const shops: BenchShop[] = [];
    for (const shopId of options.shopIds) {
      options.say(`Onboarding shop "${shopId}" (its own Tripletex company)...`);
      const company = tripletex.admin.createCompany({ name: `${shopId} AS`, organizationNumber: '999999999' });
      const employeeToken = tripletex.admin.createEmployeeToken(company.companyId);
      mystore.admin.createShop({ shop: shopId, storeName: shopId });
      const mystoreToken = mystore.admin.createToken(shopId);
      const { state } = await runOnboard(config, {
        shop: shopId, tripletexEmployeeToken: employeeToken, mystoreShop: shopId, mystoreToken, acceptSuggestedMapping: true, confirmNumbering: true, json: false,
      });
      if (state.stage !== 'live') throw new Error(`onboarding of ${shopId} did not go live: ${state.nextAction ?? state.stage}`);
      await deleteReconciliationSchedule(client, shopId);
      const record = await client.workflow.getHandle(shopWorkflowId(shopId)).query<ShopRecord>('shopRecord');
      shops.push({ shopId, companyId: company.companyId, employeeToken, mystoreToken, record });
    }

    return {
      config, env, client, tripletex, mystore, shops, worker, receiverUrl, logs,
      temporalPid: childPidNamed('temporal'),
      async deleteWebhooks(shop) {
        const api = mystoreClientFor(shop);
        let deleted = 0;
        for (const hook of await api.listWebhooks()) if (await api.deleteWebhook(hook.id)) deleted += 1;
        return deleted;
      },
      async registerWebhooks(shop, address) {
        const api = mystoreClientFor(shop);
        const secrets: string[] = [];
        for (const topic of ['orders/create', 'orders/update'] as const) secrets.push((await api.registerWebhook({ topic, address })).secret);
        return secrets;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Forks an entry point with IPC: TypeScript through tsx, compiled JavaScript with plain node.
 * `ready` resolves with the first `{type: 'ready'}` message, or rejects when the child exits first.
 */
export function forkChild(entry: string, args: string[], env: NodeJS.ProcessEnv, nodeOptions: string[] = []): { handle: ChildHandle; ready: Promise<Record<string, unknown>> } {
  // BENCH_CPU_PROF_DIR: write a V8 CPU profile of each child there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = fork(entry, args, { execArgv: [...nodeOptions, ...loader, ...profile], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If this process dies first, do not leave the child behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (message && typeof message === 'object' && (message as { type?: unknown }).type === 'ready') {
        child.off('message', onMessage);
        resolve(message as Record<string, unknown>);
      }
    };
    child.on('message', onMessage);
    void exited.then((code) => reject(new Error(`${path.basename(entry)} exited with code ${code} before it was ready`)));
  });
  let stopping: Promise<void> | undefined;
  const handle: ChildHandle = {
    process: child,
    pid: child.pid!,
    exited,
    stop: (graceMs = 30_000) => (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })()),
  };
  return { handle, ready };
}
