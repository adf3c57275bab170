import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig, VENDOR_SETTINGS } from './config.js';
import type { GatewayConfig, VendorEndpoints } from './config.js';
import { createLogger } from './logger.js';
import { startGateway } from './server.js';
import { openStore } from './store/store.js';
import type { RunningSandboxes, VendorName } from './vendors/sandboxes.js';

const VENDORS: readonly VendorName[] = [
  'channelManager',
  'partnerPortal',
  'nfcTagify',
  'nationalExpress',
  'partnerOrders',
];

/**
 * What V8 was given for its heap and, in a container, the memory limit it was sized from (README: Running in
 * production): an operator sees at start-up whether the heap is bounded, and by what.
 */
function memoryBudget(): { heapLimitMB: number; memoryLimitMB?: number } {
  const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);
  const heapLimitMB = mb(getHeapStatistics().heap_size_limit);
  // Node 20 answers 2^64 where nothing limits the process, later versions 0.
  const limit = process.constrainedMemory();
  return limit > 0 && limit < totalmem() ? { heapLimitMB, memoryLimitMB: mb(limit) } : { heapLimitMB };
}

/**
 * `npm start`: the gateway, plus an in-process sandbox for every vendor that has no base URL configured. The
 * gateway gets the sandboxes' URLs and keys exactly as it would a real vendor's.
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  let missing: VendorName[];
  try {
    config = loadConfig();
    missing = VENDORS.filter((vendor) => !config.vendors[vendor]);
    if (missing.length > 0 && !config.sandbox) throw unconfiguredVendors(config, missing);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`partner-graph: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  if (config.production && missing.length > 0) {
    logger.warn(
      { sandboxes: missing },
      `SANDBOX=true: ${missing.map((vendor) => VENDOR_SETTINGS[vendor].name).join(', ')} run against the built-in sandboxes, not the real vendors`,
    );
  }
  // The sandboxes' code is loaded only when one is needed: a gateway with every vendor configured never holds it.
  const sandboxModule = missing.length > 0 ? await import('./vendors/sandboxes.js') : undefined;
  const sandboxes: RunningSandboxes = sandboxModule
    ? await sandboxModule.startSandboxes({ vendors: missing, dataDir: config.dataDir })
    : { endpoints: {}, close: () => Promise.resolve() };
  for (const vendor of missing) {
    logger.info(
      { vendor, baseUrl: sandboxes.endpoints[vendor]?.baseUrl },
      `${vendor}: not configured, using its sandbox`,
    );
  }
  const vendors = { ...sandboxes.endpoints, ...config.vendors } as VendorEndpoints;

  const store = await openStore(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
  );
  logger.info({ database: store.kind }, 'store ready');
  if (sandboxModule && sandboxes.partnerPortal && sandboxes.channelManager) {
    await sandboxModule.seedSandboxLinks(store);
  }

  // The sandbox sends webhooks like the vendor would: signed with a secret both sides know, to this gateway.
  const webhookSecrets =
    config.partnerPortalWebhookSecrets.length > 0 || !sandboxes.partnerPortal
      ? config.partnerPortalWebhookSecrets
      : [randomBytes(24).toString('base64url')];
  const gateway = await startGateway({ config, logger, vendors, store, webhookSecrets });
  sandboxes.partnerPortal?.configureWebhooks({
    url: `http://127.0.0.1:${gateway.port}/webhooks/partnerportal`,
    secrets: webhookSecrets,
  });
  logger.info({ url: `${gateway.origin}/graphql`, ...memoryBudget() }, 'partner-graph listening');

  // The banner is for the person at the terminal; the generated key is printed here, never logged.
  const lines = [
    '',
    `  partner-graph is running`,
    `  GraphQL:  ${gateway.origin}/graphql`,
    `  Health:   ${gateway.origin}/healthz   Metrics: ${gateway.origin}/metrics`,
    config.generatedApiKey
      ? `  API key:  ${config.apiKeys[0]}   (generated for this run; set GATEWAY_API_KEYS to choose your own)`
      : `  API key:  one of GATEWAY_API_KEYS`,
    `  Vendors:  ${VENDORS.map((vendor) => `${vendor} ${missing.includes(vendor) ? '(sandbox)' : '(configured)'}`).join(', ')}`,
    `  Data:     ${store.kind === 'pglite' ? join(config.dataDir, 'pglite') : 'DATABASE_URL'}`,
    `  Try:      curl -s ${gateway.origin}/graphql -H 'authorization: Bearer <key>' -H 'content-type: application/json' \\`,
    `              -d '{"query":"{ order(id: \\"9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8\\") { id status } }"}'`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await gateway.close();
    await store.close();
    await sandboxes.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** A production gateway never falls back to a sandbox by itself: say which vendor lacks which variables. */
function unconfiguredVendors(config: GatewayConfig, missing: readonly VendorName[]): ConfigError {
  const why = config.production ? 'NODE_ENV=production' : 'SANDBOX=false';
  const lines = missing.map((vendor) => {
    const { name, variables } = VENDOR_SETTINGS[vendor];
    return `${name}: set ${variables.join(', ')}`;
  });
  return new ConfigError(
    `${why} needs every vendor configured, or SANDBOX=true to run unconfigured ones against the built-in sandboxes. Not configured: ${lines.join('; ')}.`,
  );
}

await main();
