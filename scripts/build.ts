/**
 * `npm run build`: the service as the image runs it, in dist/: the worker, the webhook receiver,
 * the codec server and the operator's CLI compiled to JavaScript (scripts/compile.ts), run with
 * plain `node`, and the workflows bundled beforehand (dist/workflow-bundle.js, for
 * TEMPORAL_WORKFLOW_BUNDLE: the compiled worker cannot bundle them). Without tsx and webpack's
 * bundling at start, the worker idles in less memory (BENCHMARKS.md, Memory).
 *
 * Usage: npm run build   (tsx scripts/build.ts)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../common/temporal-cli';
import { heavyPackagesIn, writeWorkflowBundle } from '../worker/workflow-bundle';
import { compile, type CompileEntry } from './compile';

const DIST = path.join(REPO_ROOT, 'dist');

/** What the image runs (Dockerfile, docker-compose.yml): dist/<out>.js. */
const ENTRY_POINTS: CompileEntry[] = [
  { source: 'worker/main.ts', out: 'worker/main' },
  { source: 'client/webhook-receiver-main.ts', out: 'client/webhook-receiver-main' },
  { source: 'client/codec-server-main.ts', out: 'client/codec-server-main' },
  // Operators run the CLI inside a worker container (README, Deployment).
  { source: 'client/cli.ts', out: 'client/cli' },
];

async function main(): Promise<void> {
  const files = await compile(DIST, ENTRY_POINTS);
  const bundle = await writeWorkflowBundle(path.join(DIST, 'workflow-bundle.js'));
  const code = readFileSync(bundle, 'utf8');
  const carried = heavyPackagesIn(code);
  if (carried.length > 0) {
    throw new Error(`the workflow bundle carries ${carried.join(', ')}: a module workflows import (workflows/, domain/, common/) imports it; move what needs it out of that module`);
  }
  files.push(bundle);
  for (const file of files) console.log(path.relative(REPO_ROOT, file));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
