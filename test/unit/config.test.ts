import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEV_PAYLOAD_ENCRYPTION_KEY, loadConfig } from '../../common/config';

test('an empty environment gives the embedded default', () => {
  const config = loadConfig({});
  assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(config.TRIPLETEX_BASE_URL, 'http://127.0.0.1:8701/v2');
  assert.equal(config.TRIPLETEX_TIMEOUT_MS, 30_000);
});

test('a wrong value fails with the name of the variable', () => {
  assert.throws(() => loadConfig({ TRIPLETEX_TIMEOUT_MS: 'soon', TEMPORAL_ADDRESS: 'localhost' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /TRIPLETEX_TIMEOUT_MS/);
    assert.match(error.message, /TEMPORAL_ADDRESS: must be host:port/);
    return true;
  });
});

test('without PAYLOAD_ENCRYPTION_KEY, a remote endpoint is refused, naming the variable', () => {
  for (const env of [{ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2' }, { MYSTORE_BASE_URL: 'https://api.mystore.no' }, { MYSTORE_BASE_URL: 'http://127.evil.example' }]) {
    assert.throws(() => loadConfig(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PAYLOAD_ENCRYPTION_KEY: must be set .*when an endpoint is not local/);
      return true;
    });
  }
  // The embedded default needs no key: it is generated in DATA_DIR when a codec is made.
  assert.equal(loadConfig({}).PAYLOAD_ENCRYPTION_KEY, undefined);
  assert.equal(loadConfig({ MYSTORE_BASE_URL: 'http://localhost:8702' }).PAYLOAD_ENCRYPTION_KEY, undefined);
});

test('PAYLOAD_ENCRYPTION_KEY_ID alone, or malformed PAYLOAD_DECRYPTION_KEYS, are refused', () => {
  assert.throws(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY_ID: 'k2' }), /PAYLOAD_ENCRYPTION_KEY_ID: names PAYLOAD_ENCRYPTION_KEY, which is not set/);
  const key = Buffer.alloc(32, 7).toString('base64');
  assert.equal(loadConfig({ PAYLOAD_DECRYPTION_KEYS: `k1:${key}, k0:${key}` }).PAYLOAD_DECRYPTION_KEYS, `k1:${key}, k0:${key}`);
  for (const bad of ['k1', `:${key}`, `k1:${Buffer.alloc(16).toString('base64')}`, `k 1:${key}`]) {
    assert.throws(() => loadConfig({ PAYLOAD_DECRYPTION_KEYS: bad }), /PAYLOAD_DECRYPTION_KEYS: must be comma-separated id:base64 pairs/, bad);
  }
});

test('the codec server off loopback needs CODEC_SERVER_TOKEN', () => {
  assert.throws(() => loadConfig({ CODEC_SERVER_HOST: '0.0.0.0' }), /CODEC_SERVER_TOKEN: must be set when CODEC_SERVER_HOST \(0\.0\.0\.0\) is not loopback/);
  assert.equal(loadConfig({ CODEC_SERVER_HOST: '0.0.0.0', CODEC_SERVER_TOKEN: 'a-long-enough-token-1234' }).CODEC_SERVER_HOST, '0.0.0.0');
  assert.equal(loadConfig({ CODEC_SERVER_HOST: '::1' }).CODEC_SERVER_TOKEN, undefined);
  assert.throws(() => loadConfig({ CODEC_SERVER_TOKEN: 'short' }), /CODEC_SERVER_TOKEN: must be at least 16 characters/);
});

test('the development encryption key is refused with real endpoints', () => {
  assert.throws(() => loadConfig({ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2', PAYLOAD_ENCRYPTION_KEY: DEV_PAYLOAD_ENCRYPTION_KEY }), /PAYLOAD_ENCRYPTION_KEY: the built-in development key/);
  const key = Buffer.alloc(32, 7).toString('base64');
  assert.notEqual(key, DEV_PAYLOAD_ENCRYPTION_KEY);
  assert.equal(loadConfig({ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2', PAYLOAD_ENCRYPTION_KEY: key }).TRIPLETEX_BASE_URL, 'https://tripletex.no/v2');
});

test('a key that is not 32 bytes is refused', () => {
  assert.throws(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }), /PAYLOAD_ENCRYPTION_KEY: must be base64 of exactly 32 bytes/);
});
