/**
 * Determinism guard: every history recorded in test/fixtures/histories/ (by
 * `npm run record-histories`) must replay against today's workflow code without a
 * nondeterminism error. Payloads in them are encrypted with the development key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DEV_PAYLOAD_ENCRYPTION_KEY } from '../../common/config';
import { createDataConverter } from '../../common/payload-codec';
import { WORKFLOWS_PATH } from '../../worker/create-worker';
import { HISTORIES_DIR } from '../support/record-history';

const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json')).sort();

test('there are recorded histories to replay', () => {
  assert.ok(files.length > 0, `no histories in ${HISTORIES_DIR}; run npm run record-histories`);
});

const bundlePath = process.env.TEST_WORKFLOW_BUNDLE;
const workflowSource = bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } } : { workflowsPath: WORKFLOWS_PATH };

for (const file of files) {
  test(`replays ${file}`, async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await Worker.runReplayHistory(
      { ...workflowSource, dataConverter: createDataConverter({ PAYLOAD_ENCRYPTION_KEY: DEV_PAYLOAD_ENCRYPTION_KEY, PAYLOAD_ENCRYPTION_KEY_ID: 'dev' }) },
      history,
      path.basename(file, '.json'),
    );
  });
}
