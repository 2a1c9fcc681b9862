/** LOG_FILE: every logger of a process appends to the file instead of stdout, redaction intact. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../common/logger';

const dir = mkdtempSync(path.join(tmpdir(), 'log-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('with a file, lines at every level are appended there (the folder is created), tokens redacted', () => {
  const file = path.join(dir, 'logs', 'run.log');
  const first = createLogger({ level: 'debug', name: 'worker', file });
  first.debug({ path: '/orders/1', authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' }, 'Mystore response');
  first.info({ url: 'http://127.0.0.1:8701/v2/token/session/:create?consumerToken=abc&employeeToken=def' }, 'session');
  // A second logger on the same file (tests make one per worker) appends too.
  createLogger({ level: 'trace', name: 'test', file }).trace('trace line');
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(lines.map((line) => [line.level, line.msg]), [[20, 'Mystore response'], [30, 'session'], [10, 'trace line']]);
  assert.equal(lines[0]!.authorization, '[REDACTED]');
  assert.equal(lines[1]!.url, 'http://127.0.0.1:8701/v2/token/session/:create?consumerToken=[REDACTED]&employeeToken=[REDACTED]');
});

test('an existing file is appended to, not truncated; LOG_FILE in the environment is the default', () => {
  const file = path.join(dir, 'existing.log');
  writeFileSync(file, '{"msg":"before"}\n');
  const previous = process.env.LOG_FILE;
  process.env.LOG_FILE = file;
  try {
    createLogger({ level: 'info' }).info('after');
  } finally {
    if (previous === undefined) delete process.env.LOG_FILE;
    else process.env.LOG_FILE = previous;
  }
  assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg), ['before', 'after']);
});
