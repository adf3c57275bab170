import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { runMainToExit, startMain, stopMain } from './support/main-process.js';

const KEY = 'production-client-key-0123456789';

describe('NODE_ENV=production and the sandboxes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-graph-production-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const production = { NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, DATA_DIR: dataDir };

  it('sandboxes are the default outside production only; SANDBOX says otherwise either way', () => {
    assert.equal(loadConfig({}).sandbox, true);
    assert.equal(loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY }).sandbox, false);
    assert.equal(
      loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: KEY, SANDBOX: 'true' }).sandbox,
      true,
    );
    assert.equal(loadConfig({ SANDBOX: 'false' }).sandbox, false);
    assert.throws(() => loadConfig({ SANDBOX: 'yes please' }), /SANDBOX must be true or false/);
  });

  it('refuses to start with unconfigured vendors, naming each and its variables', async () => {
    const { code, output } = await runMainToExit({
      ...production,
      CHANNEL_MANAGER_BASE_URL: 'https://api.npretail.app/t/e/c',
      CHANNEL_MANAGER_API_KEY: 'cm-production-key-0123456789',
    });
    assert.equal(code, 1, output);
    assert.match(output, /configuration error: NODE_ENV=production needs every vendor configured/);
    assert.match(output, /SANDBOX=true/);
    assert.match(output, /PartnerPortal: set PARTNERPORTAL_BASE_URL, PARTNERPORTAL_API_KEY/);
    assert.match(output, /NFC Tagify: set NFC_TAGIFY_BASE_URL, NFC_TAGIFY_API_KEY/);
    assert.match(output, /National Express: set NATIONAL_EXPRESS_BASE_URL, NATIONAL_EXPRESS_API_KEY/);
    assert.match(
      output,
      /Partner Orders: set PARTNER_ORDERS_BASE_URL, PARTNER_ORDERS_CLIENT_ID, PARTNER_ORDERS_CLIENT_SECRET/,
    );
    // The configured vendor is not among the missing, and no key is repeated back.
    assert.doesNotMatch(output, /Channel Manager: set|CHANNEL_MANAGER_API_KEY/);
    assert.equal(output.includes('cm-production-key-0123456789'), false);
    assert.equal(output.includes(KEY), false);
  });

  it('starts with SANDBOX=true, and its log says which vendors are sandboxed', async () => {
    const started = await startMain({ ...production, SANDBOX: 'true' });
    try {
      const warning = started
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string; sandboxes?: string[] })
        .find((line) => line.msg.startsWith('SANDBOX=true'));
      assert.ok(warning, started.output());
      assert.equal(warning.level, 40);
      assert.deepEqual(warning.sandboxes, [
        'channelManager',
        'partnerPortal',
        'nfcTagify',
        'nationalExpress',
        'partnerOrders',
      ]);
      assert.match(
        warning.msg,
        /Channel Manager, PartnerPortal, NFC Tagify, National Express, Partner Orders/,
      );
      const response = await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query: '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { status } }' }),
      });
      assert.deepEqual(await response.json(), { data: { order: { status: 'ISSUED' } } });
    } finally {
      assert.equal(await stopMain(started), 0);
    }
  });
});
