/**
 * Finds the Temporal CLI binary that scripts/ensure-temporal-cli.sh made available. Never
 * downloads or builds anything itself: `npm test` and `npm start` run the script first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Thrown when no Temporal CLI binary can be found. */
export class TemporalCliMissingError extends Error {
  constructor() {
    super('The Temporal CLI was not found. Run `npm run setup` (it builds or finds it), or set TEMPORAL_CLI to the path of a temporal 1.5.1 binary.');
    this.name = 'TemporalCliMissingError';
  }
}

export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI && existsSync(env.TEMPORAL_CLI)) return env.TEMPORAL_CLI;
  const recorded = path.join(REPO_ROOT, '.data', 'temporal-cli-path');
  if (existsSync(recorded)) {
    const recordedPath = readFileSync(recorded, 'utf8').trim();
    if (existsSync(recordedPath)) return recordedPath;
  }
  try {
    return execFileSync('which', ['temporal'], { encoding: 'utf8' }).trim();
  } catch {
    throw new TemporalCliMissingError();
  }
}
