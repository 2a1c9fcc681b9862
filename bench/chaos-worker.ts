/**
 * The chaos run's worker: `worker/main.ts` as a child process (so it can be SIGKILLed, as a
 * crashed machine would stop it), configured through the environment like any deployed worker,
 * and restarted at once after each kill or any exit of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { configSchema, type Config } from '../common/config';
import { REPO_ROOT } from '../common/temporal-cli';

/** The environment for a process that reads `config` (every configuration variable from it, nothing inherited that it leaves unset). */
export function environmentFor(config: Config): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(configSchema.shape)) delete env[key];
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = String(value);
  return env;
}

export interface WorkerCounts {
  /** Processes started (the first one and every restart). */
  starts: number;
  /** SIGKILLs sent. */
  kills: number;
  /** Exits nobody asked for (e.g. Temporal unreachable at start); each is followed by a restart. */
  unexpectedExits: number;
}

export class KillableWorker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  readonly counts: WorkerCounts = { starts: 0, kills: 0, unexpectedExits: 0 };

  /** `stderrFile` collects the worker's stderr (its log lines go to config.LOG_FILE). */
  constructor(private readonly config: Config, private readonly stderrFile: string) {}

  start(): void {
    if (this.stopped) return;
    const stderr = openSync(this.stderrFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'worker/main.ts')], {
      cwd: REPO_ROOT,
      env: environmentFor(this.config),
      stdio: ['ignore', 'ignore', stderr],
    });
    closeSync(stderr);
    this.child = child;
    this.counts.starts += 1;
    // Should this process die without stopping the worker, do not leave it polling.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) => child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      if (this.child === child && !this.stopped) {
        // Not killed by us: count it, and start another after a breath.
        this.counts.unexpectedExits += 1;
        this.restartTimer = setTimeout(() => this.start(), 1_000);
      }
      resolve();
    }));
  }

  /** SIGKILL, then a new worker at once. */
  async killAndRestart(): Promise<void> {
    const child = this.child;
    if (!child || this.stopped) return;
    this.child = undefined;
    const exited = this.exited;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      this.counts.kills += 1;
    }
    await exited;
    this.start();
  }

  /** SIGTERM (the worker drains), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Kills the worker every `everyMs` on average (uniformly between 0.75 and 1.25 times it, from
 * `random`) until stopped, at most `maxKills` times. Returns the function that stops it.
 */
export function killPeriodically(worker: KillableWorker, everyMs: number, random: () => number, maxKills = Number.POSITIVE_INFINITY): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let killing: Promise<void> = Promise.resolve();
  const next = () => {
    if (stopped || worker.counts.kills >= maxKills) return;
    timer = setTimeout(() => {
      killing = worker.killAndRestart().then(next);
    }, everyMs * (0.75 + random() / 2));
  };
  next();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await killing;
  };
}
