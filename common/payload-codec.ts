/**
 * AES-256-GCM payload codec: every payload the client or worker hands Temporal (workflow inputs
 * such as an employee token, activity results with customers' names and e-mails) is encrypted
 * before it leaves the process, so Temporal's history never holds them in plain text. The key id
 * rides in each payload's metadata, so a key can be rotated while old histories stay readable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';
import { ConfigError, DEV_PAYLOAD_ENCRYPTION_KEY, isLoopbackUrl, parseDecryptionKeys, type Config } from './config';

// @temporalio/proto is CommonJS; its named exports are not visible to ESM imports.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

const ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a payload was encrypted with a key this process does not have. */
export class UnknownEncryptionKeyError extends ValueError {
  constructor(keyId: string) {
    super(`Payload was encrypted with key "${keyId}", which this process does not have. Add it to the keys the codec knows (see PAYLOAD_ENCRYPTION_KEY_ID).`);
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  /**
   * @param currentKeyId the key new payloads are encrypted with
   * @param keys every key id → base64 key this process may need to decrypt with
   */
  constructor(private readonly currentKeyId: string, keys: Record<string, string>) {
    this.keys = new Map(Object.entries(keys).map(([id, base64]) => [id, Buffer.from(base64, 'base64')]));
    const current = this.keys.get(currentKeyId);
    if (!current || current.length !== 32) throw new ValueError(`Encryption key "${currentKeyId}" must be 32 bytes of base64`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const plain = ProtoPayload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.currentKeyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.keys.get(keyId);
      if (!key) throw new UnknownEncryptionKeyError(keyId);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return ProtoPayload.decode(plain);
    });
  }
}

/** Where the build (scripts/build.ts) writes the failure converter, relative to dist/. */
export const BUILT_FAILURE_CONVERTER = 'common/failure-converter.cjs';

/**
 * This module's sibling that the worker, its bundle and every client load as failure converter.
 * The SDK require()s it by path, so the compiled processes need it as JavaScript: from source
 * (tsx) it is failure-converter.ts beside this file; in the build this module is inlined into an
 * entry point one folder below dist/ (dist/worker/main.js...), and the converter is compiled to
 * BUILT_FAILURE_CONVERTER (CommonJS, which any Node 20 can require).
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(import.meta.url.endsWith('.ts')
  ? new URL('./failure-converter.ts', import.meta.url)
  : new URL(`../${BUILT_FAILURE_CONVERTER}`, import.meta.url));

/** What a codec needs from the configuration. */
export type PayloadKeyConfig = Pick<Config, 'PAYLOAD_ENCRYPTION_KEY' | 'PAYLOAD_ENCRYPTION_KEY_ID'> &
  Partial<Pick<Config, 'PAYLOAD_DECRYPTION_KEYS' | 'DATA_DIR' | 'TRIPLETEX_BASE_URL' | 'MYSTORE_BASE_URL'>>;

/** The key new payloads are encrypted with, and every key this process may decrypt with. */
export interface PayloadKeys {
  currentKeyId: string;
  keys: Record<string, string>;
  /** Where the current key came from: the environment, or the file generated in DATA_DIR. */
  source: 'environment' | 'generated-file';
}

export const GENERATED_KEY_FILE = 'payload-encryption.key';
export const GENERATED_KEY_ID_FILE = 'payload-encryption.key-id';
/** The generated key's id when DATA_DIR/payload-encryption.key-id does not name one. */
export const GENERATED_KEY_DEFAULT_ID = 'local';

/**
 * The payload keys: PAYLOAD_ENCRYPTION_KEY (id PAYLOAD_ENCRYPTION_KEY_ID, default `dev`) when set;
 * otherwise, for the embedded default only, the key in DATA_DIR/payload-encryption.key, generated
 * there on first use. Plus PAYLOAD_DECRYPTION_KEYS, for history written with older keys.
 */
export function resolvePayloadKey(config: PayloadKeyConfig): PayloadKeys {
  let current: { id: string; key: string; source: PayloadKeys['source'] };
  if (config.PAYLOAD_ENCRYPTION_KEY !== undefined) {
    current = { id: config.PAYLOAD_ENCRYPTION_KEY_ID ?? 'dev', key: config.PAYLOAD_ENCRYPTION_KEY, source: 'environment' };
  } else {
    // loadConfig refuses this already; checked again for configs put together by hand.
    const remote = [config.TRIPLETEX_BASE_URL, config.MYSTORE_BASE_URL].filter((url): url is string => url !== undefined && !isLoopbackUrl(url));
    if (remote.length > 0) {
      throw new ConfigError([`PAYLOAD_ENCRYPTION_KEY: must be set (openssl rand -base64 32) when an endpoint is not local (${remote.join(', ')}); the key generated in DATA_DIR is only for the embedded default`]);
    }
    const dataDir = path.resolve(config.DATA_DIR ?? '.data');
    current = { ...readOrCreateGeneratedKey(dataDir), source: 'generated-file' };
  }
  const keys: Record<string, string> = { [current.id]: current.key };
  if (current.source === 'generated-file' && keys.dev === undefined) {
    // Local data written before the embedded default generated its own key used the public
    // development key: still readable, never written with. (It protects nothing anyway.)
    keys.dev = DEV_PAYLOAD_ENCRYPTION_KEY;
  }
  for (const [id, key] of config.PAYLOAD_DECRYPTION_KEYS ? (parseDecryptionKeys(config.PAYLOAD_DECRYPTION_KEYS) ?? []) : []) {
    const known = keys[id];
    if (known !== undefined && !Buffer.from(known, 'base64').equals(Buffer.from(key, 'base64'))) {
      throw new ConfigError([`PAYLOAD_DECRYPTION_KEYS: key id "${id}" is also the current key's id, with a different key; give each key its own id`]);
    }
    keys[id] = key;
  }
  return { currentKeyId: current.id, keys, source: current.source };
}

/**
 * Reads DATA_DIR/payload-encryption.key, or creates it: 32 random bytes in base64, mode 0600, in
 * a folder created with mode 0700. The file appears atomically and only once: the key is written
 * to a temp file, which is then hard-linked to the final name. link(2), unlike rename(2), fails
 * when the name exists, so of two processes starting at once exactly one wins and the other
 * re-reads the winner's key (a rename would let the second silently replace the first's key
 * after the first had started encrypting with it).
 */
export function readOrCreateGeneratedKey(dataDir: string): { id: string; key: string } {
  const keyFile = path.join(dataDir, GENERATED_KEY_FILE);
  const id = readKeyId(dataDir);
  const existing = readKeyFile(keyFile);
  if (existing !== undefined) return { id, key: existing };

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = path.join(dataDir, `.${GENERATED_KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, keyFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      // Another process won the race: use its key.
    } else if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      // A filesystem without hard links: rename, after a last look (a narrower race window).
      if (!existsSync(keyFile)) renameSync(temp, keyFile);
    } else {
      throw error;
    }
  } finally {
    rmSync(temp, { force: true });
  }
  const key = readKeyFile(keyFile);
  if (key === undefined) throw new ConfigError([`PAYLOAD_ENCRYPTION_KEY: ${keyFile} does not hold base64 of exactly 32 bytes; fix or delete it, or set PAYLOAD_ENCRYPTION_KEY`]);
  return { id, key };
}

function readKeyFile(keyFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (Buffer.from(text, 'base64').length !== 32) {
    throw new ConfigError([`PAYLOAD_ENCRYPTION_KEY: ${keyFile} does not hold base64 of exactly 32 bytes; fix or delete it, or set PAYLOAD_ENCRYPTION_KEY`]);
  }
  return text;
}

function readKeyId(dataDir: string): string {
  try {
    const id = readFileSync(path.join(dataDir, GENERATED_KEY_ID_FILE), 'utf8').trim();
    if (id !== '') return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return GENERATED_KEY_DEFAULT_ID;
}

/** The data converter of every Temporal client and worker: encrypted payloads and failures. */
export function createDataConverter(config: PayloadKeyConfig) {
  return { payloadCodecs: [createPayloadCodec(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export function createPayloadCodec(config: PayloadKeyConfig): AesGcmPayloadCodec {
  const { currentKeyId, keys } = resolvePayloadKey(config);
  return new AesGcmPayloadCodec(currentKeyId, keys);
}
