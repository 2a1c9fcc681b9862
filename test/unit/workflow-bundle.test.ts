/**
 * The workflow bundle carries no package the sandbox would evaluate again for every cached
 * workflow at great cost (zod: about 0.5 MB each, BENCHMARKS.md, Memory). The test run's shared
 * bundle is checked when there is one; run alone, the file bundles the workflows itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { heavyPackagesIn, writeWorkflowBundle } from '../../worker/workflow-bundle';

test('the workflow bundle carries no zod', async () => {
  const file = process.env.TEST_WORKFLOW_BUNDLE ?? (await writeWorkflowBundle(path.join(mkdtempSync(path.join(os.tmpdir(), 'bundle-')), 'workflow-bundle.js')));
  const code = readFileSync(file, 'utf8');
  assert.ok(code.includes('transferOrder'), 'the bundle holds the workflows');
  assert.deepEqual(heavyPackagesIn(code), [], 'a module the workflows import (workflows/, domain/, common/) imports it: move what needs it out of that module');
  assert.deepEqual(heavyPackagesIn(`${code}\n/***/ "./node_modules/zod/v4/index.js":`), ['zod'], 'the check sees a bundled zod');
});
