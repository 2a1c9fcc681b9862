/**
 * Routes the Temporal SDK's own log lines (worker, workflow and activity context loggers, and
 * the native core's, forwarded) into pino, so every log line of the process has one format and
 * one redaction.
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../common/logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

let installed = false;

/** Installs the Temporal Runtime once per process; later calls are no-ops (the Runtime is a singleton). */
export function installTemporalRuntimeLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  const temporalLogger = logger.child({ component: 'temporal' });
  const level = logger.level === 'trace' ? 'TRACE' : logger.level === 'debug' ? 'DEBUG' : logger.level === 'info' ? 'INFO' : logger.level === 'warn' ? 'WARN' : 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      temporalLogger[PINO_LEVEL[entry.level]](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: level === 'TRACE' ? 'DEBUG' : 'WARN' }) },
    },
  });
}
