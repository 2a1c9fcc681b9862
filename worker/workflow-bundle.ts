/**
 * The workflow code bundled once, ahead of the workers that run it: the test run shares one
 * bundle between every test file, the chaos run's worker, restarted every few seconds, loads
 * it (TEMPORAL_WORKFLOW_BUNDLE) instead of bundling workflows/ again at each start, and
 * `npm run build` writes the image's (dist/workflow-bundle.js), which the compiled worker needs.
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

/**
 * Packages the workflow bundle must not carry. The workflow sandbox evaluates every module a
 * workflow imports once per workflow in the worker's cache: zod, reached through a shared module
 * (common/ids.ts once), cost about 0.5 MB a cached workflow, 150 MiB live in the workflow thread
 * with 200 cached against 41 MiB without it (BENCHMARKS.md, Memory).
 */
const NOT_IN_WORKFLOWS = ['zod'];

/** The packages of NOT_IN_WORKFLOWS that a bundle's code carries (empty when none). */
export function heavyPackagesIn(bundleCode: string): string[] {
  return NOT_IN_WORKFLOWS.filter((name) => bundleCode.includes(`/node_modules/${name}/`));
}
