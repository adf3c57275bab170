import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import type { ChannelManagerConfig } from './config.js';
import { createLogger } from './logger.js';
import { startGateway } from './server.js';
import { startChannelManagerSandbox } from './vendors/navipartner/sandbox.js';

/**
 * `npm start`: the gateway, plus an in-process sandbox for every vendor that has no base URL configured. The
 * gateway gets the sandbox's URL and key exactly as it would a real vendor's.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`partner-graph: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const cleanups: (() => Promise<void>)[] = [];

  let channelManager: ChannelManagerConfig | undefined = config.channelManager;
  if (!channelManager) {
    const apiKey = randomBytes(24).toString('base64url');
    const sandbox = await startChannelManagerSandbox({
      apiKey,
      dataFile: join(config.dataDir, 'sandboxes', 'channel-manager.json'),
    });
    cleanups.push(() => sandbox.close());
    channelManager = { baseUrl: sandbox.baseUrl, apiKey };
    logger.info(
      { vendor: 'channel_manager', baseUrl: sandbox.baseUrl },
      'Channel Manager: no CHANNEL_MANAGER_BASE_URL, using the sandbox',
    );
  }

  const gateway = await startGateway({ config, logger, vendors: { channelManager } });
  cleanups.unshift(() => gateway.close());
  logger.info({ url: `${gateway.origin}/graphql` }, 'partner-graph listening');

  // The banner is for the person at the terminal; the generated key is printed here, never logged.
  const lines = [
    '',
    `  partner-graph is running`,
    `  GraphQL:  ${gateway.origin}/graphql`,
    `  Health:   ${gateway.origin}/healthz   Metrics: ${gateway.origin}/metrics`,
    config.generatedApiKey
      ? `  API key:  ${config.apiKeys[0]}   (generated for this run; set GATEWAY_API_KEYS to choose your own)`
      : `  API key:  one of GATEWAY_API_KEYS`,
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
    for (const cleanup of cleanups) await cleanup();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

await main();
