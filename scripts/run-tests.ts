/**
 * `npm test` after typecheck and lint: starts ONE Temporal dev server for the whole run, bundles
 * the workflows once, then runs every test file under test/ with Node's test runner. Each test
 * uses its own task queue on the shared server. Stops the server whatever happens.
 *
 * Usage: tsx scripts/run-tests.ts [file-or-folder ...]   (default: test/)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startDevServer } from '../common/dev-server';
import { FAILURE_CONVERTER_PATH } from '../common/payload-codec';
import { REPO_ROOT } from '../common/temporal-cli';
import { WORKFLOWS_PATH } from '../worker/create-worker';

function testFiles(target: string): string[] {
  if (statSync(target).isFile()) return [target];
  return readdirSync(target, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(full);
      return entry.name.endsWith('.test.ts') ? [full] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2);
  const files = (targets.length ? targets : ['test']).flatMap((target) => testFiles(path.resolve(REPO_ROOT, target)));
  if (files.length === 0) {
    console.error('No test files found.');
    return 1;
  }

  const tmpDir = path.join(REPO_ROOT, '.tmp', 'test-run');
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(path.join(tmpDir, 'request-logs'), { recursive: true });

  console.log('Starting the Temporal dev server for the test run...');
  const server = await startDevServer({ readyTimeoutMs: 60_000 });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN') });
    const bundlePath = path.join(tmpDir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
      {
        stdio: 'inherit',
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_NAMESPACE: server.namespace,
          TEST_WORKFLOW_BUNDLE: bundlePath,
          TEST_REQUEST_LOG_DIR: path.join(tmpDir, 'request-logs'),
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
        },
      },
    );
    const stop = () => child.kill('SIGINT');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
