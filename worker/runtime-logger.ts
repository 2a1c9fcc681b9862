/**
 * Routes the Temporal SDK's own log lines (worker, workflow and activity context loggers, and
 * the native core's, forwarded) into pino, so every log line of the process has one format and
 * one redaction.
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../common/logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Core's "workflow task duration exceeded 5 seconds" (TMPRL1104): a transfer's local activities
 * run inside its workflow task, so while one waits for the API's rate limit (a backfill at
 * Mystore's 600 a minute) the task lasts longer, heartbeated by core, as designed: one warning
 * per transfer every few seconds would bury the warnings that matter. Logged at info instead.
 */
const EXPECTED_LONG_WORKFLOW_TASK = '[TMPRL1104]';

/** The level a core log line is written at. */
export function temporalLogLevel(entry: Pick<LogEntry, 'level' | 'message'>): keyof typeof PINO_LEVEL {
  return entry.level === 'WARN' && entry.message.startsWith(EXPECTED_LONG_WORKFLOW_TASK) ? 'INFO' : entry.level;
}

let installed = false;

/** Installs the Temporal Runtime once per process; later calls are no-ops (the Runtime is a singleton). */
export function installTemporalRuntimeLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  const temporalLogger = logger.child({ component: 'temporal' });
  const level = logger.level === 'trace' ? 'TRACE' : logger.level === 'debug' ? 'DEBUG' : logger.level === 'info' ? 'INFO' : logger.level === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      temporalLogger[PINO_LEVEL[temporalLogLevel(entry)]](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === 'TRACE' ? 'DEBUG' : 'WARN' }) },
    },
  });
}
