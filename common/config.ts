/**
 * Every environment variable the service reads, in one zod schema. Each has a default that
 * serves the embedded default (local Temporal dev server + sandboxes), so a fresh checkout
 * runs without any configuration. A wrong value fails at start with the variable's name.
 */
import { z } from 'zod';

/**
 * The AES-256 key of the TEST RUN only (id `dev`): scripts/run-tests.ts hands it to the test
 * processes, because the histories in test/fixtures/histories/ were recorded with it. It is
 * public (it stands in this repository), so it is refused with anything but loopback endpoints,
 * and nothing uses it by default: without PAYLOAD_ENCRYPTION_KEY, the embedded default uses a key
 * generated once in DATA_DIR (see resolvePayloadKey in common/payload-codec.ts).
 */
export const DEV_PAYLOAD_ENCRYPTION_KEY = 'bXlzdG9yZS10cmlwbGV0ZXgtZGV2LWtleS0zMi1ieXQ=';

/** The consumer token the Tripletex sandbox's demo company accepts (see client/sandbox.ts). */
export const SANDBOX_CONSUMER_TOKEN = 'sandbox-consumer-token';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const aesKey = z.string().refine((value) => Buffer.from(value, 'base64').length === 32, 'must be base64 of exactly 32 bytes');
const KEY_ID = /^[A-Za-z0-9._-]+$/;

/** `id:base64,id:base64` → [[id, base64], …]; undefined when the text is malformed. */
export function parseDecryptionKeys(value: string): Array<[string, string]> | undefined {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const parsed: Array<[string, string]> = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    if (colon <= 0 || !KEY_ID.test(id) || Buffer.from(key, 'base64').length !== 32) return undefined;
    parsed.push([id, key]);
  }
  return parsed;
}

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

export const configSchema = z
  .object({
    /** host:port of the Temporal frontend. The embedded default starts a dev server there. */
    TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
    /** Temporal namespace for every workflow of this service. */
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** Task queue the worker polls and the clients start workflows on. */
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('mystore-tripletex'),
    /** Port of the dev server's Web UI (embedded default only). */
    TEMPORAL_UI_PORT: port.default(8233),
    /** Folder where the embedded dev server keeps its SQLite database, so state survives a restart. */
    DATA_DIR: z.string().min(1).default('.data'),
    /** Path of the Temporal CLI binary; scripts/ensure-temporal-cli.sh finds or builds one when unset. */
    TEMPORAL_CLI: z.string().optional(),
    /**
     * Path of a workflow bundle made beforehand (worker/workflow-bundle.ts), which the worker loads
     * instead of bundling workflows/ when it starts: a restart then takes seconds, not tens of them.
     */
    TEMPORAL_WORKFLOW_BUNDLE: z.string().min(1).optional(),

    /** Tripletex API v2 base URL, ending in /v2. Production: https://tripletex.no/v2. */
    TRIPLETEX_BASE_URL: httpUrl.default('http://127.0.0.1:8701/v2'),
    /** The integration's consumer token, issued by Tripletex when API access is approved. */
    TRIPLETEX_CONSUMER_TOKEN: z.string().min(1).default(SANDBOX_CONSUMER_TOKEN),
    /** Per-request timeout for Tripletex calls, in milliseconds. */
    TRIPLETEX_TIMEOUT_MS: positiveInt.default(30_000),
    /** Days a Tripletex session token is created for (it expires at midnight on the last day). */
    TRIPLETEX_SESSION_DAYS: z.coerce.number().int().min(1).max(30).default(1),

    /** Mystore API base URL (shops live under /shops/{shop}/). */
    MYSTORE_BASE_URL: httpUrl.default('http://127.0.0.1:8702'),
    /** Calls a minute allowed per Mystore token; Mystore documents about 120. */
    MYSTORE_RATE_LIMIT_PER_MINUTE: positiveInt.default(120),
    /** Per-request timeout for Mystore calls, in milliseconds (a webhook read must finish well inside an activity). */
    MYSTORE_TIMEOUT_MS: positiveInt.default(30_000),

    /** Port of the Tripletex sandbox (embedded default, tests, demo). */
    SANDBOX_TRIPLETEX_PORT: port.default(8701),
    /** Port of the Mystore sandbox (embedded default, tests, demo). */
    SANDBOX_MYSTORE_PORT: port.default(8702),
    /**
     * Port of the webhook receiver (POST /webhooks/mystore/:shop). The sandbox's demo shop
     * registers its order webhooks to this port on 127.0.0.1.
     */
    WEBHOOK_PORT: port.default(8703),
    /**
     * The receiver's public base URL, where onboarding registers each shop's Mystore webhooks
     * (`<url>/webhooks/mystore/<shop>`). Default: http://127.0.0.1:WEBHOOK_PORT.
     */
    WEBHOOK_PUBLIC_URL: httpUrl.optional(),

    /** trace | debug | info | warn | error | fatal | silent. */
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

    /**
     * Base64 of 32 random bytes: the AES-256-GCM key of the payload codec that keeps tokens and
     * personal data out of Temporal history. Generate one with `openssl rand -base64 32`. When
     * unset (embedded default only: every endpoint on loopback), a key generated once in
     * DATA_DIR/payload-encryption.key is used.
     */
    PAYLOAD_ENCRYPTION_KEY: aesKey.optional(),
    /**
     * Older keys that may still be needed to decrypt history (rotation): `id:base64,id:base64`.
     * New payloads are always encrypted with the current key.
     */
    PAYLOAD_DECRYPTION_KEYS: z
      .string()
      .optional()
      .refine((value) => value === undefined || parseDecryptionKeys(value) !== undefined, 'must be comma-separated id:base64 pairs, each key base64 of exactly 32 bytes (ids: letters, digits, . _ -)'),
    /** Port of the codec server that lets the Temporal UI decrypt payloads for operators. */
    CODEC_SERVER_PORT: port.default(8704),
    /** Address the codec server listens on; keep it private (loopback, or behind the UI's sign-in). */
    CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * The Temporal UI origins (comma-separated) allowed to ask the codec server to decrypt;
     * default the local UI, http://127.0.0.1:TEMPORAL_UI_PORT and http://localhost:TEMPORAL_UI_PORT.
     */
    CODEC_SERVER_ALLOWED_ORIGINS: z
      .string()
      .optional()
      .refine((value) => value === undefined || value.split(',').every((origin) => /^https?:\/\/[^/\s]+$/.test(origin.trim())), 'must be comma-separated origins such as https://temporal.example.com'),
    /**
     * Optional bearer token the codec server demands on every /decode and /encode request;
     * required when CODEC_SERVER_HOST is not loopback.
     */
    CODEC_SERVER_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -base64 32)').optional(),
    /**
     * Names PAYLOAD_ENCRYPTION_KEY in each encrypted payload, so keys can be rotated without losing
     * old history. Default `dev` (what it always was) with an explicit key; the generated key's id
     * comes from DATA_DIR/payload-encryption.key-id, else `local`.
     */
    PAYLOAD_ENCRYPTION_KEY_ID: z.string().regex(KEY_ID, 'letters, digits, . _ - only').optional(),
    /** When set, every process appends its log lines to this file instead of writing them to stdout. */
    LOG_FILE: z.string().min(1).optional(),
  })
  .superRefine((config, ctx) => {
    const remote = [config.TRIPLETEX_BASE_URL, config.MYSTORE_BASE_URL].filter((url) => !isLoopbackUrl(url));
    if (remote.length > 0 && config.PAYLOAD_ENCRYPTION_KEY === undefined) {
      // The generated key lives on one machine's disk; a real deployment needs a key it manages.
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEY'],
        message: `must be set (openssl rand -base64 32) when an endpoint is not local (${remote.join(', ')}); the key generated in DATA_DIR is only for the embedded default`,
      });
    }
    if (remote.length > 0 && config.PAYLOAD_ENCRYPTION_KEY === DEV_PAYLOAD_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEY'],
        message: 'the built-in development key may only be used with local sandboxes; set a key of your own (openssl rand -base64 32)',
      });
    }
    if (config.PAYLOAD_ENCRYPTION_KEY_ID !== undefined && config.PAYLOAD_ENCRYPTION_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEY_ID'],
        message: 'names PAYLOAD_ENCRYPTION_KEY, which is not set; the generated key takes its id from DATA_DIR/payload-encryption.key-id',
      });
    }
    if (!isLoopbackHost(config.CODEC_SERVER_HOST) && config.CODEC_SERVER_TOKEN === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CODEC_SERVER_TOKEN'],
        message: `must be set when CODEC_SERVER_HOST (${config.CODEC_SERVER_HOST}) is not loopback: anyone who can reach the codec server could decrypt history`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Thrown when an environment variable has a value the service cannot use. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Pure and synchronous: it reads no files. The payload key of the
 * embedded default (generated once in DATA_DIR when PAYLOAD_ENCRYPTION_KEY is unset) is resolved
 * separately, by resolvePayloadKey in common/payload-codec.ts, when a codec is made: so unit
 * tests, `--help` and config errors never touch the disk, and only processes that encrypt or
 * decrypt create the key file.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  return parsed.data;
}

export function isLoopbackUrl(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}

/** localhost, 127.x.x.x or ::1 (with or without brackets). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
