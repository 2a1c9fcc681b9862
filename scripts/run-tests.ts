/**
 * `npm test` after typecheck and lint: starts ONE Temporal dev server for the whole run, bundles
 * the workflows once, then runs every test file under test/ with Node's test runner. Each test
 * uses its own task queue on the shared server. Stops the server whatever happens.
 *
 * The test files run with LOG_LEVEL=debug and every log line appended to LOG_FILE (TAP stays on
 * stdout), with the test run's payload key (the one test/fixtures/histories/ was recorded with).
 * Then, whatever their result, a second `node --test` runs the leak scan
 * (test/leaks/no-plain-secrets.test.ts) against the same server: every history, fetched without
 * the codec, and that log file must hold no token, e-mail or customer name in plain text. The
 * scan also fails when the first run failed, so its summary, the last line of the run, tells the
 * truth; the exit code fails if either run failed.
 *
 * Usage: tsx scripts/run-tests.ts [file-or-folder ...]   (default: test/)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEV_PAYLOAD_ENCRYPTION_KEY } from '../common/config';
import { startDevServer } from '../common/dev-server';
import { REPO_ROOT } from '../common/temporal-cli';
import { writeWorkflowBundle } from '../worker/workflow-bundle';

const LEAK_SCAN = path.join(REPO_ROOT, 'test', 'leaks', 'no-plain-secrets.test.ts');

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

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let interrupted = false;

/** Runs test files with Node's runner: TAP on stdout, and a copy in `tapFile` for the final count. */
function runNodeTests(files: string[], env: NodeJS.ProcessEnv, tapFile: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=tap', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
    { stdio: 'inherit', cwd: REPO_ROOT, env },
  );
  const stop = () => {
    interrupted = true;
    child.kill('SIGINT');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
}

/** The `# pass N` / `# fail N` totals of a TAP file (zeros when the run never wrote it). */
function tapCounts(tapFile: string): { pass: number; fail: number } {
  if (!existsSync(tapFile)) return { pass: 0, fail: 0 };
  const tap = readFileSync(tapFile, 'utf8');
  const total = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  return { pass: total('pass'), fail: total('fail') + total('cancelled') };
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2);
  // The leak scan runs on its own, after every other file (see above).
  const files = (targets.length ? targets : ['test']).flatMap((target) => testFiles(path.resolve(REPO_ROOT, target))).filter((file) => file !== LEAK_SCAN);
  if (files.length === 0) {
    console.error('No test files found.');
    return 1;
  }

  // One folder per run (several runs may share a checkout); those of finished runs are removed.
  const runsDir = path.join(REPO_ROOT, '.tmp', 'test-runs');
  mkdirSync(runsDir, { recursive: true });
  for (const entry of readdirSync(runsDir)) if (!isRunning(Number(entry))) rmSync(path.join(runsDir, entry), { recursive: true, force: true });
  const tmpDir = path.join(runsDir, String(process.pid));
  mkdirSync(path.join(tmpDir, 'request-logs'), { recursive: true });
  const logFile = path.join(tmpDir, 'run.log');

  console.log('Starting the Temporal dev server for the test run...');
  const server = await startDevServer({ readyTimeoutMs: 60_000 });
  try {
    const bundlePath = await writeWorkflowBundle(path.join(tmpDir, 'workflow-bundle.js'));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEST_WORKFLOW_BUNDLE: bundlePath,
      TEST_REQUEST_LOG_DIR: path.join(tmpDir, 'request-logs'),
      // Everything a debug run logs goes to the file the leak scan reads (trace if asked for).
      LOG_LEVEL: process.env.LOG_LEVEL === 'trace' ? 'trace' : 'debug',
      LOG_FILE: logFile,
      // The test run's key: the recorded histories were encrypted with it. Never a default.
      PAYLOAD_ENCRYPTION_KEY: DEV_PAYLOAD_ENCRYPTION_KEY,
      PAYLOAD_ENCRYPTION_KEY_ID: 'dev',
    };
    const testsTap = path.join(tmpDir, 'tests.tap');
    const scanTap = path.join(tmpDir, 'leak-scan.tap');
    const testsCode = await runNodeTests(files, env, testsTap);
    if (interrupted) return testsCode || 130;
    // The scan itself logs nothing into the file it reads.
    const { LOG_FILE: _scanned, ...scanEnv } = env;
    const scanCode = await runNodeTests([LEAK_SCAN], { ...scanEnv, LOG_LEVEL: 'silent', LEAK_SCAN_LOG_FILE: logFile, LEAK_SCAN_PREVIOUS_EXIT_CODE: String(testsCode), LEAK_SCAN_WHOLE_SUITE: targets.length === 0 ? '1' : '0' }, scanTap);
    if (scanCode !== 0) console.error(`The run's log lines: ${logFile}`);
    // One closing line for the whole run (both invocations), in the plain form CI reads.
    const counts = [testsTap, scanTap].map(tapCounts);
    const passed = counts.reduce((sum, count) => sum + count.pass, 0);
    const failed = counts.reduce((sum, count) => sum + count.fail, 0);
    console.log(`\nall: ${passed} passed, ${failed} failed`);
    return testsCode !== 0 ? testsCode : scanCode;
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
