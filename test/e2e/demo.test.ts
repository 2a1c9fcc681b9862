/**
 * `npm run demo -- --orders N --fault-rate R --json` as a script runs it: its own servers,
 * faults of every kind, and a last stdout line counted from the Tripletex sandbox's own state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../common/temporal-cli';

function runDemo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'client/demo.ts'), ...args], { cwd: REPO_ROOT, timeout: 240_000, env: process.env }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

test('the demo turns every order into exactly one invoice under faults, and records both request logs', async () => {
  const record = mkdtempSync(path.join(os.tmpdir(), 'demo-record-'));
  const run = await runDemo(['--orders', '15', '--fault-rate', '0.2', '--record', record, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
  assert.deepEqual(Object.keys(result).sort(), ['amountMismatches', 'duplicates', 'invoices', 'missing', 'mystoreRequests', 'needsAttention', 'orders', 'seconds', 'tripletexRequests', 'tripletexRequestsPerOrder'].sort());
  assert.equal(result.invoices, result.orders);
  assert.equal(result.duplicates, 0);
  assert.equal(result.missing, 0);
  assert.equal(result.amountMismatches, 0);
  for (const name of ['tripletex-requests.jsonl', 'mystore-requests.jsonl']) {
    assert.ok(existsSync(path.join(record, name)), `${name} written`);
    const first = JSON.parse(readFileSync(path.join(record, name), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    for (const key of ['time', 'method', 'path', 'query', 'requestBody', 'status', 'responseBody']) assert.ok(key in first, `${name} line has ${key}`);
  }
  assert.match(readFileSync(path.join(record, 'tripletex-requests.jsonl'), 'utf8'), /"fault":"/, 'faults were injected');
});

test('bad arguments are named', async () => {
  const run = await runDemo(['--orders', '0']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /--orders: --orders must be at least 1/);
});
