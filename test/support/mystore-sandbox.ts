/**
 * A Mystore sandbox for one test file, with a shop and a token, closed when the file's tests end.
 */
import { after } from 'node:test';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMystoreSandbox, type MystoreSandbox } from '../../sandbox/mystore';

export interface MystoreSandboxForTest {
  sandbox: MystoreSandbox;
  requestLogPath: string;
  /** Environment overrides that point the app at this sandbox, unthrottled. */
  env: Record<string, string>;
}

export async function startMystoreSandboxForTest(options: Parameters<typeof startMystoreSandbox>[0] = {}): Promise<MystoreSandboxForTest> {
  const logDir = process.env.TEST_REQUEST_LOG_DIR ?? path.join(os.tmpdir(), 'mystore-tripletex-test-logs');
  mkdirSync(logDir, { recursive: true });
  const requestLogPath = path.join(logDir, `mystore-${randomUUID()}.jsonl`);
  const sandbox = await startMystoreSandbox({ rateLimitPerMinute: null, ...options, port: 0, requestLogPath });
  after(() => sandbox.close());
  return { sandbox, requestLogPath, env: { MYSTORE_BASE_URL: sandbox.baseUrl, MYSTORE_RATE_LIMIT_PER_MINUTE: '100000' } };
}
