/**
 * Records a finished workflow's history as JSON (the Temporal CLI's own format) into
 * test/fixtures/histories/, when the test run is asked to (RECORD_HISTORIES=1, see
 * `npm run record-histories`). The replay test then replays every recorded history against the
 * current workflow code, so a change that breaks old histories fails the tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../common/config';
import { findTemporalCli, REPO_ROOT } from '../../common/temporal-cli';

export const HISTORIES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'histories');

export function recordHistoryIfAsked(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>, workflowId: string, name: string): void {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const json = execFileSync(findTemporalCli(), [
    'workflow', 'show', '--workflow-id', workflowId, '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '--output', 'json',
  ], { encoding: 'utf8' });
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), json);
}
