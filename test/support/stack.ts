import 'reflect-metadata';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import type { VendorEndpoints } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startGateway } from '../../src/server.js';
import type { RunningGateway } from '../../src/server.js';
import { openStore } from '../../src/store/store.js';
import { pgliteTemplate } from './pglite-template.js';
import { captureLog, credentialRecordingTransport, secretsInEnv } from './test-artifacts.js';
import type { Store } from '../../src/store/store.js';
import type { ChannelManagerSandbox } from '../../src/vendors/navipartner/sandbox.js';
import type { NfcTagifySandbox } from '../../src/vendors/nfctagify/sandbox.js';
import type { NationalExpressSandbox } from '../../src/vendors/nationalexpress/sandbox.js';
import type { PartnerOrdersSandbox } from '../../src/vendors/partnerorders/sandbox.js';
import type { PartnerPortalSandbox } from '../../src/vendors/partnerportal/sandbox.js';
import { seedSandboxLinks, startSandboxes } from '../../src/vendors/sandboxes.js';
import type { SandboxesOptions } from '../../src/vendors/sandboxes.js';
import { createTransport } from '../../src/vendors/transport.js';
import type { Transport } from '../../src/vendors/transport.js';

export const TEST_API_KEY = 'test-client-key-0123456789';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  body: {
    data?: TData | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
  headers: Headers;
}

/** The real gateway over HTTP against the real sandboxes, all on loopback port 0. One per test file. */
export interface TestStack {
  graphqlUrl: string;
  origin: string;
  gateway: RunningGateway;
  store: Store;
  channelManager: ChannelManagerSandbox;
  partnerPortal: PartnerPortalSandbox;
  nfcTagify: NfcTagifySandbox;
  nationalExpress: NationalExpressSandbox;
  partnerOrders: PartnerOrdersSandbox;
  /** The endpoints (URLs and keys) the gateway was given. */
  endpoints: VendorEndpoints;
  /** Every log line the gateway wrote, for secret checks. */
  logs: string[];
  gql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  /** Stops the gateway only, keeping the store and sandboxes (for restart tests use `restartGateway`). */
  close(): Promise<void>;
}

export interface StackOptions {
  seed?: boolean;
  now?: () => Date;
  env?: Record<string, string>;
  /** Wraps the gateway's real transport, to inject faults between the gateway and the sandboxes. */
  wrapTransport?: (transport: Transport) => Transport;
  /** Sandbox overrides (rate limits, fulfilment timing, …). */
  sandboxes?: Pick<
    SandboxesOptions,
    'channelManager' | 'partnerPortal' | 'nfcTagify' | 'nationalExpress' | 'partnerOrders'
  >;
  /** Replace what the gateway is told about a vendor (e.g. a wrong key). */
  endpointOverrides?: (sandboxes: Partial<VendorEndpoints>) => Partial<VendorEndpoints>;
  /** A PostgreSQL server instead of in-memory PGlite. */
  databaseUrl?: string;
  /** An already open store (restart tests); the stack then leaves it open on close. */
  store?: Store;
  /** Browser origins allowed to open subscription WebSockets (`GatewayOptions.allowedOrigins`). */
  allowedOrigins?: readonly string[];
  /**
   * PartnerPortal's webhooks signed with this secret and sent to the gateway's receiver (which is given the
   * secret), retried quickly: vendor changes then reach the event inbox as they would in production.
   */
  partnerPortalWebhookSecret?: string;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const seed = options.seed ?? false;
  const sandboxes = await startSandboxes({
    vendors: ['channelManager', 'partnerPortal', 'nfcTagify', 'nationalExpress', 'partnerOrders'],
    seed,
    faultControl: true,
    ...(options.now ? { now: options.now } : {}),
    ...options.sandboxes,
  });
  const ownStore = !options.store;
  let store: Store;
  try {
    store =
      options.store ??
      (await openStore(
        options.databaseUrl
          ? { databaseUrl: options.databaseUrl }
          : { pgliteTemplate: await pgliteTemplate() },
      ));
    if (seed) await seedSandboxLinks(store);
  } catch (error) {
    // Listening sandboxes would keep the test process alive after the failure.
    await sandboxes.close();
    throw error;
  }
  const logs: string[] = [];
  // Also kept in test-artifacts/ with the secrets below, for the secret scan over the whole suite.
  const capture = captureLog('stack');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      logs.push(text);
      capture.write(text);
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    GATEWAY_API_KEYS: TEST_API_KEY,
    ...(options.partnerPortalWebhookSecret
      ? { PARTNERPORTAL_WEBHOOK_SECRET: options.partnerPortalWebhookSecret }
      : {}),
    ...options.env,
  });
  const endpoints = {
    ...sandboxes.endpoints,
    ...options.endpointOverrides?.(sandboxes.endpoints),
  } as VendorEndpoints;
  capture.recordSecrets([
    ...config.apiKeys.map((value) => ({ kind: 'client API key', value })),
    ...config.partnerPortalWebhookSecrets.map((value) => ({ kind: 'PartnerPortal webhook secret', value })),
    ...secretsInEnv(options.env ?? {}),
    ...(Object.entries(endpoints) as [string, VendorEndpoints[keyof VendorEndpoints]][]).flatMap(
      ([vendor, endpoint]) =>
        'apiKey' in endpoint
          ? [{ kind: `${vendor} API key`, value: endpoint.apiKey }]
          : [{ kind: `${vendor} client secret`, value: endpoint.clientSecret }],
    ),
  ]);
  const transport = credentialRecordingTransport(createTransport(), capture);
  const gateway = await startGateway({
    config,
    logger: createLogger('debug', sink),
    vendors: endpoints,
    store,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    transport: options.wrapTransport ? options.wrapTransport(transport) : transport,
  });
  const graphqlUrl = `${gateway.origin}/graphql`;
  if (options.partnerPortalWebhookSecret) {
    sandboxes.partnerPortal!.configureWebhooks({
      url: `${gateway.origin}/webhooks/partnerportal`,
      secrets: [options.partnerPortalWebhookSecret],
      backoffMs: 20,
    });
  }
  return {
    graphqlUrl,
    origin: gateway.origin,
    gateway,
    store,
    channelManager: sandboxes.channelManager!,
    partnerPortal: sandboxes.partnerPortal!,
    nfcTagify: sandboxes.nfcTagify!,
    nationalExpress: sandboxes.nationalExpress!,
    partnerOrders: sandboxes.partnerOrders!,
    endpoints,
    logs,
    async gql<TData>(
      query: string,
      variables?: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}`, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return {
        status: response.status,
        body: (await response.json()) as GraphQLResponse<TData>['body'],
        headers: response.headers,
      };
    },
    async close() {
      await gateway.close();
      capture.close();
      if (ownStore) await store.close();
      await sandboxes.close();
    },
  };
}

/** A date `days` from today, `YYYY-MM-DD` (issuance refuses visit dates in the past). */
export function daysFromNow(days: number, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
