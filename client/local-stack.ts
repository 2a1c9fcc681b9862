/**
 * The pieces of the embedded default that run on this machine: the Temporal dev server (state in
 * DATA_DIR, with its Web UI) and the sandboxes with a demo company. Used by `npm start` and
 * `npm run sandbox`. Nothing here starts when the configuration points at real endpoints.
 */
import path from 'node:path';
import type { Config } from '../common/config';
import { createWorker } from '../worker/create-worker';
import type { OnboardingState } from '../workflows';
import { runOnboard } from './commands/onboard-command';
import { startDevServer, type DevServer } from '../common/dev-server';
import type { Logger } from '../common/logger';
import { startTripletexSandbox, type TripletexSandbox } from '../sandbox/tripletex';
import { startMystoreSandbox, type MystoreSandbox } from '../sandbox/mystore';
import { createMystoreClient } from '../activities/mystore/mystore-client';
import { MystoreWebhookTopics } from '../activities/mystore/mystore-api-assumptions';
import { createLogger } from '../common/logger';

/** The employee token of the sandbox's demo company: fixed, so scripts and docs can name it. */
export const DEMO_EMPLOYEE_TOKEN = 'sandbox-demo-employee-token';
export const DEMO_SHOP_ID = 'demo-shop';

export interface TripletexSandboxInfo {
  baseUrl: string;
  consumerToken: string;
  employeeToken: string;
  companyId: number;
  /** The demo company's incoming payment types. */
  paymentTypes: Array<{ id: number; description: string }>;
}

export interface MystoreSandboxInfo {
  baseUrl: string;
  shop: string;
  token: string;
  /** Where the demo shop's order webhooks go (the webhook receiver). */
  webhookUrl: string;
  /** The secret of the demo shop's `orders/update` webhook. */
  webhookSecret: string;
  /** Every registered webhook's secret by topic (each Mystore webhook has its own). */
  webhookSecrets: Record<string, string>;
}

export interface RunningSandboxes {
  tripletex: TripletexSandboxInfo;
  mystore: MystoreSandboxInfo;
  /** The sandboxes themselves, for seeding demo orders. */
  servers: { tripletex: TripletexSandbox; mystore: MystoreSandbox };
  close(): Promise<void>;
}

/** Whether the configured Tripletex URL is the local sandbox's (then `npm start` runs one). */
export function usesTripletexSandbox(config: Config): boolean {
  const url = new URL(config.TRIPLETEX_BASE_URL);
  return url.hostname === '127.0.0.1' && Number(url.port) === config.SANDBOX_TRIPLETEX_PORT;
}

/** Whether the configured Mystore URL is the local sandbox's. */
export function usesMystoreSandbox(config: Config): boolean {
  const url = new URL(config.MYSTORE_BASE_URL);
  return url.hostname === '127.0.0.1' && Number(url.port) === config.SANDBOX_MYSTORE_PORT;
}

/** Whether the configured Temporal address is on this machine (then `npm start` runs a dev server). */
export function usesLocalTemporal(config: Config): boolean {
  const host = config.TEMPORAL_ADDRESS.split(':')[0];
  return host === '127.0.0.1' || host === 'localhost';
}

export async function startLocalTemporal(config: Config, logger: Logger, uiCodecEndpoint?: string): Promise<DevServer> {
  return startDevServer({
    port: Number(config.TEMPORAL_ADDRESS.split(':')[1]),
    uiPort: config.TEMPORAL_UI_PORT,
    ...(uiCodecEndpoint ? { uiCodecEndpoint } : {}),
    dbFilename: path.resolve(config.DATA_DIR, 'temporal', 'dev.db'),
    namespace: config.TEMPORAL_NAMESPACE,
    logger,
  });
}

/**
 * Starts both sandboxes on their configured ports: the Tripletex one with the demo company, the
 * Mystore one with the demo shop, a token, and its order webhooks registered (through the
 * sandbox's API, as onboarding does) to the webhook receiver's local address.
 */
export async function startSandboxes(config: Config, options: { requestLogDir?: string; firstOrderId?: number; seed?: number } = {}): Promise<RunningSandboxes> {
  const logPath = (name: string) => (options.requestLogDir ? { requestLogPath: path.join(options.requestLogDir, name) } : {});
  const seed = options.seed !== undefined ? { seed: options.seed } : {};
  const tripletex = await startTripletexSandbox({ port: config.SANDBOX_TRIPLETEX_PORT, ...logPath('tripletex-requests.jsonl'), ...seed });
  const mystore = await startMystoreSandbox({ port: config.SANDBOX_MYSTORE_PORT, rateLimitPerMinute: config.MYSTORE_RATE_LIMIT_PER_MINUTE, ...logPath('mystore-requests.jsonl'), ...seed });
  try {
    const consumerToken = tripletex.admin.createConsumerToken(config.TRIPLETEX_CONSUMER_TOKEN);
    const company = tripletex.admin.createCompany({ name: 'Demo Nettbutikk AS', organizationNumber: '999999999' });
    const employeeToken = tripletex.admin.createEmployeeToken(company.companyId, { token: DEMO_EMPLOYEE_TOKEN });

    mystore.admin.createShop({ shop: DEMO_SHOP_ID, storeName: 'Demo Nettbutikk', ...(options.firstOrderId !== undefined ? { firstOrderId: options.firstOrderId } : {}) });
    const mystoreToken = mystore.admin.createToken(DEMO_SHOP_ID);
    const webhookUrl = `http://127.0.0.1:${config.WEBHOOK_PORT}/webhooks/mystore/${DEMO_SHOP_ID}`;
    const demoShop = createMystoreClient({ baseUrl: mystore.baseUrl, shop: DEMO_SHOP_ID, token: mystoreToken, logger: createLogger({ level: 'silent' }) });
    const webhookSecrets: Record<string, string> = {};
    for (const topic of MystoreWebhookTopics) webhookSecrets[topic] = (await demoShop.registerWebhook({ topic, address: webhookUrl })).secret;

    return {
      tripletex: { baseUrl: tripletex.baseUrl, consumerToken, employeeToken, companyId: company.companyId, paymentTypes: company.paymentTypes },
      mystore: { baseUrl: mystore.baseUrl, shop: DEMO_SHOP_ID, token: mystoreToken, webhookUrl, webhookSecret: webhookSecrets['orders/update']!, webhookSecrets },
      servers: { tripletex, mystore },
      close: async () => {
        await Promise.all([tripletex.close(), mystore.close()]);
      },
    };
  } catch (error) {
    await Promise.all([tripletex.close(), mystore.close()]);
    throw error;
  }
}

export function temporalUiUrlForShop(config: Config, shopId: string): string {
  const query = encodeURIComponent(`ShopId="${shopId}"`);
  return `http://127.0.0.1:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${query}`;
}

/** A worker running in this process (npm start, the demo); `stop()` drains it and closes its connections. */
export async function startWorkerInProcess(config: Config, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const { worker, connection } = await createWorker({ config, logger: logger.child({ component: 'worker' }) });
  const running = worker.run();
  return {
    stop: async () => {
      // The SDK already begins a shutdown on SIGINT/SIGTERM; shutting down twice throws.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/**
 * Onboards the sandboxes' demo shop from keys to go-live. Demo mode accepts the suggested payment
 * mapping and confirms the number series on the merchant's behalf.
 */
export async function onboardDemoShop(config: Config, sandboxes: RunningSandboxes): Promise<OnboardingState> {
  const { state } = await runOnboard(config, {
    shop: DEMO_SHOP_ID,
    tripletexEmployeeToken: sandboxes.tripletex.employeeToken,
    mystoreShop: sandboxes.mystore.shop,
    mystoreToken: sandboxes.mystore.token,
    acceptSuggestedMapping: true,
    confirmNumbering: true,
    json: false,
  });
  return state;
}
