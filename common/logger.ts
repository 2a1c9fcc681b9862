/**
 * pino for every log line. Redaction is configured once here, so no call site can leak a token:
 * headers, every kind of token, passwords, and tokens that ride in URLs (Tripletex's session
 * create takes the consumer and employee token as query parameters).
 */
import path from 'node:path';
import { pino, type Logger, type LoggerOptions } from 'pino';

const SECRET_KEYS = [
  'authorization', 'Authorization', 'token', 'sessionToken', 'employeeToken', 'consumerToken',
  'mystoreToken', 'tripletexEmployeeToken', 'password', 'secret', 'apiKey', 'encryptionKey', 'hmacSecret',
];

/** pino redact paths for the secret keys at the top level and up to three objects deep. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

const SECRET_QUERY_PARAMS = /([?&](?:consumerToken|employeeToken|token|sessionToken)=)[^&#]*/gi;

/** Masks tokens carried in a URL's query string, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[REDACTED]');
}

/** One append stream per log file, shared by every logger of the process (tests make many). */
const fileDestinations = new Map<string, pino.DestinationStream>();

function fileDestination(file: string): pino.DestinationStream {
  const full = path.resolve(file);
  let destination = fileDestinations.get(full);
  if (!destination) {
    // Synchronous appends, as pino's stdout default: no line is lost when the process exits, and
    // processes appending to the same file never interleave inside a line.
    destination = pino.destination({ dest: full, append: true, sync: true, mkdir: true });
    fileDestinations.set(full, destination);
  }
  return destination;
}

/**
 * A pino logger. Its lines go to `destination` when given (tests capture them), else to
 * `options.file` (LOG_FILE: appended), else to stdout. LOG_FILE is read from the environment when
 * `file` is not given, so every process (worker, CLI, codec server, tests' workers) honours it.
 */
export function createLogger(options: { level?: string; name?: string; file?: string } = {}, destination?: pino.DestinationStream): Logger {
  const file = options.file ?? (process.env.LOG_FILE || undefined);
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'mystore-tripletex',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { url: (value: unknown) => (typeof value === 'string' ? redactUrl(value) : value) },
  };
  if (destination) return pino(loggerOptions, destination);
  if (file && loggerOptions.level !== 'silent') return pino(loggerOptions, fileDestination(file));
  return pino(loggerOptions);
}

export type { Logger };
