import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to port 4000, a generated key and the sandbox', () => {
    const config = loadConfig({});
    assert.equal(config.port, 4000);
    assert.equal(config.generatedApiKey, true);
    assert.equal(config.apiKeys.length, 1);
    assert.deepEqual(config.vendors, {});
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.nfcTagifyRequestsPerMinute, 60);
    // Upstream calls one loader runs at once, and connections to one vendor (see README, Performance).
    assert.equal(config.vendorConcurrency, 32);
    assert.equal(config.vendorMaxSockets, 128);
  });

  it('refuses to start in production without client keys', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /GATEWAY_API_KEYS/);
        return true;
      },
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: 'a-long-enough-key-1, another-long-key-2',
    });
    assert.deepEqual(config.apiKeys, ['a-long-enough-key-1', 'another-long-key-2']);
  });

  it('names the variable that is wrong or missing', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be an integer/);
    assert.throws(() => loadConfig({ GATEWAY_API_KEYS: 'short' }), /at least 16 characters/);
    assert.throws(
      () => loadConfig({ CHANNEL_MANAGER_BASE_URL: 'ftp://x' }),
      /CHANNEL_MANAGER_BASE_URL must be an http/,
    );
    assert.throws(
      () => loadConfig({ CHANNEL_MANAGER_BASE_URL: 'https://api.npretail.app/t/production/c' }),
      /CHANNEL_MANAGER_API_KEY/,
    );
    assert.throws(() => loadConfig({ CHANNEL_MANAGER_API_KEY: 'k' }), /CHANNEL_MANAGER_BASE_URL/);
    assert.throws(
      () => loadConfig({ PARTNERPORTAL_BASE_URL: 'https://pp.example/v1' }),
      /PARTNERPORTAL_API_KEY/,
    );
    assert.throws(() => loadConfig({ NFC_TAGIFY_API_KEY: 'k' }), /NFC_TAGIFY_BASE_URL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must be a postgres/);
    assert.throws(
      () => loadConfig({ PARTNER_ORDERS_BASE_URL: 'https://po.example', PARTNER_ORDERS_CLIENT_ID: 'id' }),
      /PARTNER_ORDERS_CLIENT_SECRET/,
    );
    assert.throws(
      () => loadConfig({ NFC_TAGIFY_REQUESTS_PER_MINUTE: '0' }),
      /NFC_TAGIFY_REQUESTS_PER_MINUTE/,
    );
  });

  it('turns GraphiQL off in production unless asked, and checks allowed origins', () => {
    assert.equal(loadConfig({}).graphiql, true);
    assert.equal(
      loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'a-long-enough-key-1' }).graphiql,
      false,
    );
    assert.equal(
      loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'a-long-enough-key-1', GRAPHIQL: 'true' })
        .graphiql,
      true,
    );
    assert.throws(() => loadConfig({ GRAPHIQL: 'maybe' }), /GRAPHIQL must be true or false/);
    assert.deepEqual(
      loadConfig({ GATEWAY_ALLOWED_ORIGINS: 'https://app.example.com/, http://localhost:5173' })
        .allowedOrigins,
      ['https://app.example.com', 'http://localhost:5173'],
    );
    assert.throws(() => loadConfig({ GATEWAY_ALLOWED_ORIGINS: 'app.example.com' }), /not an origin/);
  });

  it('takes OAuth client credentials for Partner Orders, with the token URL defaulting under the base', () => {
    const config = loadConfig({
      PARTNER_ORDERS_BASE_URL: 'https://po.example/',
      PARTNER_ORDERS_CLIENT_ID: 'client',
      PARTNER_ORDERS_CLIENT_SECRET: 'secret',
    });
    assert.deepEqual(config.vendors.partnerOrders, {
      baseUrl: 'https://po.example',
      tokenUrl: 'https://po.example/oauth/token',
      clientId: 'client',
      clientSecret: 'secret',
    });
  });

  it('takes a real vendor when both URL and key are set, without a trailing slash', () => {
    const config = loadConfig({
      CHANNEL_MANAGER_BASE_URL: 'https://api.npretail.app/t/production/CRONUS%2520International%2520Ltd./',
      CHANNEL_MANAGER_API_KEY: 'vendor-key',
    });
    assert.deepEqual(config.vendors.channelManager, {
      baseUrl: 'https://api.npretail.app/t/production/CRONUS%2520International%2520Ltd.',
      apiKey: 'vendor-key',
    });
  });
});
