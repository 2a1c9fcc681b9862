/**
 * The pieces of the embedded default that run on this machine: the Temporal dev server (state in
 * DATA_DIR, with its Web UI) and the sandboxes with a demo company. Used by `npm start` and
 * `npm run sandbox`. Nothing here starts when the configuration points at real endpoints.
 */
import path from 'node:path';
import type { Config } from '../common/config';
import { startDevServer, type DevServer } from '../common/dev-server';
import type { Logger } from '../common/logger';
import { startTripletexSandbox, type TripletexSandbox } from '../sandbox/tripletex';

/** The employee token of the sandbox's demo company: fixed, so scripts and docs can name it. */
export const DEMO_EMPLOYEE_TOKEN = 'sandbox-demo-employee-token';
export const DEMO_SHOP_ID = 'demo-shop';

export interface TripletexSandboxInfo {
  baseUrl: string;
  consumerToken: string;
  employeeToken: string;
  companyId: number;
}

export interface RunningSandboxes {
  tripletex: TripletexSandboxInfo;
  close(): Promise<void>;
}

/** Whether the configured Tripletex URL is the local sandbox's (then `npm start` runs one). */
export function usesTripletexSandbox(config: Config): boolean {
  const url = new URL(config.TRIPLETEX_BASE_URL);
  return url.hostname === '127.0.0.1' && Number(url.port) === config.SANDBOX_TRIPLETEX_PORT;
}

/** Whether the configured Temporal address is on this machine (then `npm start` runs a dev server). */
export function usesLocalTemporal(config: Config): boolean {
  const host = config.TEMPORAL_ADDRESS.split(':')[0];
  return host === '127.0.0.1' || host === 'localhost';
}

export async function startLocalTemporal(config: Config, logger: Logger): Promise<DevServer> {
  return startDevServer({
    port: Number(config.TEMPORAL_ADDRESS.split(':')[1]),
    uiPort: config.TEMPORAL_UI_PORT,
    dbFilename: path.resolve(config.DATA_DIR, 'temporal', 'dev.db'),
    namespace: config.TEMPORAL_NAMESPACE,
    logger,
  });
}

/** Starts the Tripletex sandbox on its configured port and creates the demo company. */
export async function startSandboxes(config: Config, options: { requestLogDir?: string } = {}): Promise<RunningSandboxes> {
  const tripletex: TripletexSandbox = await startTripletexSandbox({
    port: config.SANDBOX_TRIPLETEX_PORT,
    ...(options.requestLogDir ? { requestLogPath: path.join(options.requestLogDir, 'tripletex-requests.jsonl') } : {}),
  });
  const consumerToken = await tripletex.admin.createConsumerToken(config.TRIPLETEX_CONSUMER_TOKEN);
  const company = await tripletex.admin.createCompany({ name: 'Demo Nettbutikk AS', organizationNumber: '999999999' });
  const employeeToken = await tripletex.admin.createEmployeeToken(company.companyId, { token: DEMO_EMPLOYEE_TOKEN });
  return {
    tripletex: { baseUrl: tripletex.baseUrl, consumerToken, employeeToken, companyId: company.companyId },
    close: () => tripletex.close(),
  };
}

export function temporalUiUrlForShop(config: Config, shopId: string): string {
  const query = encodeURIComponent(`ShopId="${shopId}"`);
  return `http://127.0.0.1:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${query}`;
}
