import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeysFileError, parseKeysFile } from '../../src/access/keys-file.js';
import { ApiKeyAuthenticator } from '../../src/auth.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const KEY = 'keys-file-secret-key-0123456789';
const OTHER = 'keys-file-other-key-0123456789';
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The message of the error `parseKeysFile` throws for these entries; it must never carry a key. */
function problem(entries: unknown): string {
  const text = typeof entries === 'string' ? entries : JSON.stringify(entries);
  try {
    parseKeysFile(text);
  } catch (error) {
    assert.ok(error instanceof KeysFileError, String(error));
    assert.ok(!error.message.includes(KEY), `the message echoes the key: ${error.message}`);
    assert.ok(!error.message.includes(sha256(KEY)), `the message echoes the hash: ${error.message}`);
    return error.message;
  }
  assert.fail(`no error for ${text}`);
}

describe('GATEWAY_KEYS_FILE parsing', () => {
  it('reads keys and hashes with their names, scopes and partners; a hash-only entry authenticates its key', () => {
    const keys = parseKeysFile(
      JSON.stringify([
        { key: KEY, name: 'full', scopes: ['read', 'write'] },
        {
          sha256: sha256(OTHER).toUpperCase(),
          name: 'bound',
          scopes: ['read'],
          partners: ['ptn_a', 'ptn_b'],
        },
      ]),
    );
    const authenticator = new ApiKeyAuthenticator(keys);
    assert.deepEqual(authenticator.authenticate(`Bearer ${KEY}`), {
      keyId: sha256(KEY).slice(0, 12),
      name: 'full',
      scopes: ['read', 'write'],
      partners: undefined,
    });
    assert.deepEqual(authenticator.authenticate(`Bearer ${OTHER}`), {
      keyId: sha256(OTHER).slice(0, 12),
      name: 'bound',
      scopes: ['read'],
      partners: ['ptn_a', 'ptn_b'],
    });
    // The hash is what is stored, not a key: presenting it is no login.
    assert.equal(authenticator.authenticate(`Bearer ${sha256(OTHER)}`), undefined);
    assert.equal(authenticator.authenticate('Bearer keys-file-wrong-key-0123456789'), undefined);
  });

  it('names the entry, the field and the rule for every broken entry, never echoing a key', () => {
    const ok = { key: KEY, name: 'ok', scopes: ['read'] };
    const cases: [unknown, RegExp][] = [
      ['not json', /^GATEWAY_KEYS_FILE is not valid JSON\.$/],
      [`[{"key": "${KEY}", "name": }]`, /^GATEWAY_KEYS_FILE is not valid JSON\.$/],
      [{ key: KEY }, /must hold a JSON array/],
      [[], /holds no keys/],
      [[ok, 'x'], /^GATEWAY_KEYS_FILE\[1\] must be an object\./],
      [[{ ...ok, scope: ['read'] }], /^GATEWAY_KEYS_FILE\[0\]\.scope is not a known field/],
      [[{ key: KEY, scopes: ['read'] }], /^GATEWAY_KEYS_FILE\[0\]\.name is required/],
      [[{ ...ok, name: '  ' }], /^GATEWAY_KEYS_FILE\[0\]\.name is required/],
      [
        [{ name: 'n', scopes: ['read'] }],
        /^GATEWAY_KEYS_FILE\[0\] \(key "n"\) must have exactly one of "key" and "sha256", not neither/,
      ],
      [
        [{ ...ok, sha256: sha256(KEY) }],
        /^GATEWAY_KEYS_FILE\[0\] \(key "ok"\) must have exactly one of "key" and "sha256", not both/,
      ],
      [
        [{ ...ok, key: 'short' }],
        /^GATEWAY_KEYS_FILE\[0\]\.key \(key "ok"\) must be a string of at least 16 characters/,
      ],
      [
        [{ name: 'h', sha256: 'abc', scopes: ['read'] }],
        /^GATEWAY_KEYS_FILE\[0\]\.sha256 \(key "h"\) must be the SHA-256 of the key as 64 hexadecimal digits/,
      ],
      [
        [{ name: 'h', sha256: `${sha256(KEY).slice(0, 63)}g`, scopes: ['read'] }],
        /\[0\]\.sha256 .*64 hexadecimal digits/,
      ],
      [
        [{ ...ok, scopes: [] }],
        /^GATEWAY_KEYS_FILE\[0\]\.scopes \(key "ok"\) is required: a non-empty list of read, write/,
      ],
      [
        [{ ...ok, scopes: ['read', 'admin'] }],
        /^GATEWAY_KEYS_FILE\[0\]\.scopes\[1\] \(key "ok"\) is not a known scope \(known: read, write\)/,
      ],
      [
        [{ ...ok, scopes: ['read', 'read'] }],
        /^GATEWAY_KEYS_FILE\[0\]\.scopes \(key "ok"\) must name each scope at most once/,
      ],
      [
        [{ ...ok, partners: [] }],
        /^GATEWAY_KEYS_FILE\[0\]\.partners \(key "ok"\) must be a non-empty list .*omit it for all partners/,
      ],
      [
        [{ ...ok, partners: ['ptn_a', 7] }],
        /^GATEWAY_KEYS_FILE\[0\]\.partners\[1\] \(key "ok"\) must be a PartnerPortal partner id/,
      ],
      [
        [{ ...ok, partners: ['ptn_a', 'ptn_a'] }],
        /\.partners \(key "ok"\) must name each partner at most once/,
      ],
      [[ok, { ...ok, key: OTHER }], /^GATEWAY_KEYS_FILE\[1\]\.name: "ok" is already the name of entry 0/],
      [
        [ok, { name: 'again', sha256: sha256(KEY), scopes: ['write'] }],
        /^GATEWAY_KEYS_FILE\[1\] \(key "again"\) is the same key as entry 0/,
      ],
    ];
    for (const [entries, expected] of cases) {
      assert.match(problem(entries), expected, JSON.stringify(entries));
    }
  });
});

describe('GATEWAY_KEYS_FILE in the configuration', () => {
  let dir: string;
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'keys-file-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds the file keys to GATEWAY_API_KEYS (full access), and is enough on its own in production', () => {
    const path = file(
      'keys.json',
      JSON.stringify([{ sha256: sha256(KEY), name: 'hash-only', scopes: ['read'] }]),
    );
    const both = loadConfig({ GATEWAY_API_KEYS: OTHER, GATEWAY_KEYS_FILE: path });
    assert.deepEqual(
      both.clientKeys.map((key) => [key.name, key.scopes, key.partners]),
      [
        ['GATEWAY_API_KEYS[0]', ['read', 'write'], undefined],
        ['hash-only', ['read'], undefined],
      ],
    );
    assert.equal(both.generatedApiKey, false);
    const alone = loadConfig({ NODE_ENV: 'production', GATEWAY_KEYS_FILE: path });
    assert.equal(alone.generatedApiKey, false);
    assert.deepEqual(alone.apiKeys, []);
    assert.equal(new ApiKeyAuthenticator(alone.clientKeys).authenticate(`Bearer ${KEY}`)?.name, 'hash-only');
  });

  it('stops the start with the variable, the entry and the rule, and never the key', () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [
        { GATEWAY_KEYS_FILE: join(dir, 'missing.json') },
        /^GATEWAY_KEYS_FILE: cannot read ".*missing\.json" \(ENOENT\)\.$/,
      ],
      [
        { GATEWAY_KEYS_FILE: file('broken.json', `[{"key": "${KEY}",]`) },
        /^GATEWAY_KEYS_FILE is not valid JSON\.$/,
      ],
      [
        {
          GATEWAY_KEYS_FILE: file('scope.json', JSON.stringify([{ key: KEY, name: 'k', scopes: ['admin'] }])),
        },
        /^GATEWAY_KEYS_FILE\[0\]\.scopes\[0\] \(key "k"\) is not a known scope/,
      ],
      [
        {
          GATEWAY_API_KEYS: KEY,
          GATEWAY_KEYS_FILE: file(
            'twice.json',
            JSON.stringify([{ sha256: sha256(KEY), name: 'twice', scopes: ['read'] }]),
          ),
        },
        /^GATEWAY_KEYS_FILE\[0\] \(key "twice"\) is also in GATEWAY_API_KEYS/,
      ],
      [{ NODE_ENV: 'production' }, /GATEWAY_API_KEYS or GATEWAY_KEYS_FILE must give at least one client key/],
    ];
    for (const [env, expected] of refusals) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, expected);
          assert.ok(!error.message.includes(KEY) && !error.message.includes(sha256(KEY)), error.message);
          return true;
        },
        JSON.stringify(env),
      );
    }
  });
});
