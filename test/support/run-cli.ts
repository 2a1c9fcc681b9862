/** Runs `npm run cli -- …` as an operator would: a separate process, its own environment. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../common/temporal-cli';

export interface CliRun { code: number; stdout: string; stderr: string }

export function runCli(args: string[], extraEnv: Record<string, string>, stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'client/cli.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...extraEnv, LOG_LEVEL: 'silent' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}
