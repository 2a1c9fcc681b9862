/**
 * pino for every log line. Redaction is configured once here, so no call site can leak a token:
 * headers, every kind of token, passwords, and tokens that ride in URLs (Tripletex's session
 * create takes the consumer and employee token as query parameters).
 */
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

export function createLogger(options: { level?: string; name?: string } = {}, destination?: pino.DestinationStream): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'mystore-tripletex',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { url: (value: unknown) => (typeof value === 'string' ? redactUrl(value) : value) },
  };
  return destination ? pino(loggerOptions, destination) : pino(loggerOptions);
}

export type { Logger };
