/**
 * The workflow code bundled once, ahead of the workers that run it: the test run shares one
 * bundle between every test file, and the chaos run's worker, restarted every few seconds, loads
 * it (TEMPORAL_WORKFLOW_BUNDLE) instead of bundling workflows/ again at each start.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../common/payload-codec';
import { WORKFLOWS_PATH } from './create-worker';

/** Bundles workflows/ (with the failure converter the data converter names) into `file`. */
export async function writeWorkflowBundle(file: string): Promise<string> {
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN') });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bundle.code);
  return file;
}

/** A bundle written by writeWorkflowBundle. */
export function readWorkflowBundle(file: string): WorkflowBundle {
  return { code: readFileSync(file, 'utf8') };
}
