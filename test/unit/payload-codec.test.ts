import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError, DEV_PAYLOAD_ENCRYPTION_KEY } from '../../common/config';
import { AesGcmPayloadCodec, UnknownEncryptionKeyError, createPayloadCodec, resolvePayloadKey } from '../../common/payload-codec';
import { REPO_ROOT } from '../../common/temporal-cli';

const key = Buffer.alloc(32, 1).toString('base64');

test('payloads are encrypted (no plain text) and decrypt to the original', async () => {
  const codec = new AesGcmPayloadCodec('k1', { k1: key });
  const original = defaultPayloadConverter.toPayload({ tripletexEmployeeToken: 'very-secret-token', email: 'ola@example.no' });
  const [encoded] = await codec.encode([original]);
  assert.ok(encoded);
  const bytes = Buffer.from(encoded.data!).toString('latin1');
  assert.ok(!bytes.includes('very-secret-token'));
  assert.ok(!bytes.includes('ola@example.no'));
  const [decoded] = await codec.decode([encoded]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { tripletexEmployeeToken: 'very-secret-token', email: 'ola@example.no' });
});

test('old payloads stay readable after a key rotation; an unknown key id is named', async () => {
  const oldCodec = new AesGcmPayloadCodec('k1', { k1: key });
  const [encoded] = await oldCodec.encode([defaultPayloadConverter.toPayload('hello')]);
  const rotated = new AesGcmPayloadCodec('k2', { k1: key, k2: Buffer.alloc(32, 2).toString('base64') });
  assert.equal(defaultPayloadConverter.fromPayload((await rotated.decode([encoded!]))[0]!), 'hello');
  const stranger = new AesGcmPayloadCodec('k3', { k3: Buffer.alloc(32, 3).toString('base64') });
  await assert.rejects(stranger.decode([encoded!]), UnknownEncryptionKeyError);
});

test('a tampered payload is rejected', async () => {
  const codec = new AesGcmPayloadCodec('k1', { k1: key });
  const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('amount: 100')]);
  const data = Buffer.from(encoded!.data!);
  data.writeUInt8(data.readUInt8(data.length - 20) ^ 1, data.length - 20);
  await assert.rejects(codec.decode([{ ...encoded!, data }]));
});

// The key of the embedded default: generated once in DATA_DIR, kept private, one per folder.

function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'payload-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'data');
}

const embedded = (dataDir: string) => ({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION_KEY: undefined, PAYLOAD_ENCRYPTION_KEY_ID: undefined, TRIPLETEX_BASE_URL: 'http://127.0.0.1:8701/v2', MYSTORE_BASE_URL: 'http://127.0.0.1:8702' });

test('without PAYLOAD_ENCRYPTION_KEY, a key is generated once in DATA_DIR (0600, folder 0700) and reused', async () => {
  const dataDir = freshDataDir();
  const first = resolvePayloadKey(embedded(dataDir));
  assert.equal(first.source, 'generated-file');
  assert.equal(first.currentKeyId, 'local');
  const keyFile = path.join(dataDir, 'payload-encryption.key');
  const stored = readFileSync(keyFile, 'utf8').trim();
  assert.equal(Buffer.from(stored, 'base64').length, 32);
  assert.deepEqual(first.keys, { local: stored, dev: DEV_PAYLOAD_ENCRYPTION_KEY }, 'local data from before generated keys stays readable with the public development key');
  assert.notEqual(stored, DEV_PAYLOAD_ENCRYPTION_KEY);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(dataDir), ['payload-encryption.key'], 'no temp file is left behind');

  // A second start (another process, a restart) reads the same key; what one encrypts, the other reads.
  const second = resolvePayloadKey(embedded(dataDir));
  assert.deepEqual(second, first);
  const [encoded] = await createPayloadCodec(embedded(dataDir)).encode([defaultPayloadConverter.toPayload('kept')]);
  assert.equal(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString(), 'local');
  assert.equal(defaultPayloadConverter.fromPayload((await createPayloadCodec(embedded(dataDir)).decode([encoded!]))[0]!), 'kept');

  // Its id may be named in DATA_DIR/payload-encryption.key-id.
  writeFileSync(path.join(dataDir, 'payload-encryption.key-id'), 'laptop-2026\n');
  assert.equal(resolvePayloadKey(embedded(dataDir)).currentKeyId, 'laptop-2026');
});

test('processes starting at once on a fresh DATA_DIR all end with the same key', async () => {
  const dataDir = freshDataDir();
  const startAt = Date.now() + 2500;
  const codecModule = pathToFileURL(path.join(REPO_ROOT, 'common', 'payload-codec.ts')).href;
  const script = `const { readOrCreateGeneratedKey } = await import(${JSON.stringify(codecModule)});
    while (Date.now() < ${startAt}) await new Promise((resolve) => setTimeout(resolve, 1));
    process.stdout.write(readOrCreateGeneratedKey(${JSON.stringify(dataDir)}).key);`;
  const run = () => new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  const keys = await Promise.all(Array.from({ length: 6 }, run));
  const stored = readFileSync(path.join(dataDir, 'payload-encryption.key'), 'utf8').trim();
  assert.deepEqual(new Set(keys), new Set([stored]));
  assert.deepEqual(readdirSync(dataDir), ['payload-encryption.key'], 'no temp file is left behind');
});

test('with a remote endpoint, the generated key is refused: PAYLOAD_ENCRYPTION_KEY must be set', () => {
  const dataDir = freshDataDir();
  for (const remote of [{ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2' }, { MYSTORE_BASE_URL: 'https://api.mystore.no' }]) {
    assert.throws(() => resolvePayloadKey({ ...embedded(dataDir), ...remote }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PAYLOAD_ENCRYPTION_KEY: must be set/);
      return true;
    });
  }
  assert.equal(existsSync(dataDir), false, 'nothing was generated');
  // An explicit key is used as is, and nothing is written.
  const key = Buffer.alloc(32, 9).toString('base64');
  assert.deepEqual(resolvePayloadKey({ ...embedded(dataDir), TRIPLETEX_BASE_URL: 'https://tripletex.no/v2', PAYLOAD_ENCRYPTION_KEY: key, PAYLOAD_ENCRYPTION_KEY_ID: 'k1' }), { currentKeyId: 'k1', keys: { k1: key }, source: 'environment' });
  assert.equal(existsSync(dataDir), false);
});

test('PAYLOAD_DECRYPTION_KEYS keep history written with older keys readable; a clashing id is refused', async () => {
  const dataDir = freshDataDir();
  const k1 = Buffer.alloc(32, 1).toString('base64');
  const k2 = Buffer.alloc(32, 2).toString('base64');
  const [old] = await createPayloadCodec({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION_KEY: k1, PAYLOAD_ENCRYPTION_KEY_ID: 'k1' }).encode([defaultPayloadConverter.toPayload('from k1')]);
  const rotated = createPayloadCodec({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION_KEY: k2, PAYLOAD_ENCRYPTION_KEY_ID: 'k2', PAYLOAD_DECRYPTION_KEYS: `k1:${k1},k0:${Buffer.alloc(32, 3).toString('base64')}` });
  assert.equal(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!), 'from k1');
  const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('new')]);
  assert.equal(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString(), 'k2');
  await assert.rejects(createPayloadCodec({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION_KEY: k2, PAYLOAD_ENCRYPTION_KEY_ID: 'k2' }).decode([old!]), UnknownEncryptionKeyError);
  assert.throws(() => resolvePayloadKey({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION_KEY: k2, PAYLOAD_ENCRYPTION_KEY_ID: 'k1', PAYLOAD_DECRYPTION_KEYS: `k1:${k1}` }), /PAYLOAD_DECRYPTION_KEYS: key id "k1" is also the current key's id/);
});
