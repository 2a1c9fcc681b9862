/**
 * `npm run chaos`, shortened: a few hundred orders through faults in both sandboxes (bursts of 429
 * included), a worker SIGKILLed and restarted a few times, and the Temporal server SIGKILLed and
 * restarted on its database while orders' webhooks arrive. Behaviour only: every order
 * ends with exactly one invoice of the right amount, counted from the Tripletex sandbox's state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../common/temporal-cli';
import type { ChaosResult } from '../../bench/chaos';

function runChaos(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // The test run's workflow bundle, so the chaos run does not bundle again. Its worker and
  // receiver log into the run's LOG_FILE at its level, so the leak scan reads them too.
  const env = { ...process.env, ...(process.env.TEST_WORKFLOW_BUNDLE ? { TEMPORAL_WORKFLOW_BUNDLE: process.env.TEST_WORKFLOW_BUNDLE } : {}) };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench/chaos.ts'), ...args], { cwd: REPO_ROOT, timeout: 290_000, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

test('under faults, worker kills and a Temporal server crash, every order gets exactly one invoice', { timeout: 600_000 }, async () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'chaos-')), 'chaos.json');
  // 200 orders placed over 10 s, the server crashed halfway; two worker kills early, so the
  // 2-minute start-to-close timeouts of the attempts they strand overlap; 45 s of faults; then
  // what is under way settles without them.
  const run = await runChaos([
    '--orders', '200', '--orders-per-second', '20', '--kill-every', '6', '--max-kills', '2', '--server-down', '2',
    '--burst-rate', '0.01', '--burst-ms', '500', '--chaos-seconds', '45', '--out', out, '--json',
  ]);
  assert.equal(run.code, 0, `${run.stdout.slice(-4_000)}\n${run.stderr.slice(-4_000)}`);
  const lines = run.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as ChaosResult;
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).orders, result.orders, 'the JSON file holds the same result');

  assert.equal(result.pass, true);
  assert.ok(result.orders > 150, `most of the 200 generated orders are sales, not credit orders (${result.orders})`);
  assert.equal(result.invoices, result.orders);
  assert.equal(result.duplicates, 0);
  assert.equal(result.missing, 0);
  assert.equal(result.amountMismatches, 0);
  assert.deepEqual(result.wrong, []);

  // The chaos did happen.
  assert.ok(result.kills.worker >= 1, 'the worker was SIGKILLed');
  assert.ok(result.kills.worker <= 2, '--max-kills holds');
  assert.equal(result.kills.temporalServer, 1);
  assert.ok((result.kills.temporalServerDownSeconds ?? 0) > 0, 'the Temporal server was down while orders were placed');
  // Webhooks that meet the outage may be refused (then Mystore delivers them again) or ride it
  // out on the Temporal client's own retries: the receiver needs only the server, so a refused
  // webhook is not guaranteed; that none was lost is the exactly-once count above.
  for (const api of ['tripletex', 'mystore'] as const) {
    const injected = Object.values(result.faults[api]).reduce((sum, n) => sum + n, 0);
    assert.ok(injected > 0, `faults were injected into the ${api} sandbox`);
  }
  assert.ok((result.faults.tripletex.http429Burst ?? 0) + (result.faults.mystore.http429Burst ?? 0) > 0, 'bursts of 429 were injected');
  assert.ok(result.retries.activitiesRetried > 0, 'activities were retried');
});
