/**
 * Core's long-workflow-task warning is expected while a transfer's local activities wait for a
 * rate limit, so it is logged at info; every other warning stays a warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { temporalLogLevel } from '../../worker/runtime-logger';

test('the long-workflow-task warning is info; other warnings and errors keep their level', () => {
  assert.equal(temporalLogLevel({ level: 'WARN', message: '[TMPRL1104] run:18:1 Workflow task duration exceeded 5 seconds.' }), 'INFO');
  assert.equal(temporalLogLevel({ level: 'WARN', message: '[TMPRL1100] Nondeterminism error' }), 'WARN');
  assert.equal(temporalLogLevel({ level: 'ERROR', message: '[TMPRL1104] something else' }), 'ERROR');
});
