/**
 * A Tripletex sandbox for one test file, with a demo company and tokens. Its request log is kept,
 * and when the file's tests are done every logged request and response is validated against
 * Tripletex's real OpenAPI spec: a test that drives the sandbox is also a contract test.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTripletexSandbox, type TripletexSandbox } from '../../sandbox/tripletex';
import { validateRequestLog } from '../contract/request-log';

export type SandboxOptions = Parameters<typeof startTripletexSandbox>[0];

export interface TripletexSandboxForTest {
  sandbox: TripletexSandbox;
  requestLogPath: string;
  consumerToken: string;
  /** Environment overrides that point the app at this sandbox. */
  env: Record<string, string>;
}

export async function startTripletexSandboxForTest(options: SandboxOptions = {}): Promise<TripletexSandboxForTest> {
  const logDir = process.env.TEST_REQUEST_LOG_DIR ?? path.join(os.tmpdir(), 'mystore-tripletex-test-logs');
  mkdirSync(logDir, { recursive: true });
  const requestLogPath = path.join(logDir, `tripletex-${randomUUID()}.jsonl`);
  const sandbox = await startTripletexSandbox({ ...options, port: 0, requestLogPath });
  const consumerToken = await sandbox.admin.createConsumerToken(`consumer-${randomUUID()}`);
  after(async () => {
    await sandbox.close();
    const violations = await validateRequestLog(requestLogPath);
    assert.deepEqual(violations, [], `sandbox traffic that does not match Tripletex's OpenAPI spec (${requestLogPath})`);
  });
  return {
    sandbox,
    requestLogPath,
    consumerToken,
    env: { TRIPLETEX_BASE_URL: sandbox.baseUrl, TRIPLETEX_CONSUMER_TOKEN: consumerToken },
  };
}
