/**
 * AES-256-GCM payload codec: every payload the client or worker hands Temporal (workflow inputs
 * such as an employee token, activity results with customers' names and e-mails) is encrypted
 * before it leaves the process, so Temporal's history never holds them in plain text. The key id
 * rides in each payload's metadata, so a key can be rotated while old histories stay readable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import proto from '@temporalio/proto';

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

/** This module's sibling that the worker, its bundle and every client load as failure converter. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/** The data converter of every Temporal client and worker: encrypted payloads and failures. */
export function createDataConverter(config: { PAYLOAD_ENCRYPTION_KEY: string; PAYLOAD_ENCRYPTION_KEY_ID: string }) {
  return { payloadCodecs: [createPayloadCodec(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

export function createPayloadCodec(config: { PAYLOAD_ENCRYPTION_KEY: string; PAYLOAD_ENCRYPTION_KEY_ID: string }): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(config.PAYLOAD_ENCRYPTION_KEY_ID, { [config.PAYLOAD_ENCRYPTION_KEY_ID]: config.PAYLOAD_ENCRYPTION_KEY });
}
