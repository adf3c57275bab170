import 'reflect-metadata';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startGateway } from '../../src/server.js';
import type { RunningGateway } from '../../src/server.js';
import { startChannelManagerSandbox } from '../../src/vendors/navipartner/sandbox.js';
import type { ChannelManagerSandbox } from '../../src/vendors/navipartner/sandbox.js';
import { createNodeFetchTransport } from '../../src/vendors/transport.js';
import type { Transport } from '../../src/vendors/transport.js';

export const TEST_API_KEY = 'test-client-key-0123456789';
export const CM_SANDBOX_KEY = 'cm-sandbox-secret-key-abcdef';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  body: {
    data?: TData | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
  headers: Headers;
}

/** The real gateway over HTTP against a real sandbox, both on loopback port 0. One per test file. */
export interface TestStack {
  graphqlUrl: string;
  origin: string;
  gateway: RunningGateway;
  channelManager: ChannelManagerSandbox;
  /** Every log line the gateway wrote, for secret checks. */
  logs: string[];
  gql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export interface StackOptions {
  seed?: boolean;
  now?: () => Date;
  env?: Record<string, string>;
  /** Wraps the gateway's real transport, to inject faults between the gateway and the sandboxes. */
  wrapTransport?: (transport: Transport) => Transport;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const channelManager = await startChannelManagerSandbox({
    apiKey: CM_SANDBOX_KEY,
    seed: options.seed ?? false,
    ...(options.now ? { now: options.now } : {}),
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    GATEWAY_API_KEYS: TEST_API_KEY,
    ...options.env,
  });
  const gateway = await startGateway({
    config,
    logger: createLogger('debug', sink),
    vendors: { channelManager: { baseUrl: channelManager.baseUrl, apiKey: CM_SANDBOX_KEY } },
    ...(options.wrapTransport ? { transport: options.wrapTransport(createNodeFetchTransport()) } : {}),
  });
  const graphqlUrl = `${gateway.origin}/graphql`;
  return {
    graphqlUrl,
    origin: gateway.origin,
    gateway,
    channelManager,
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
      await channelManager.close();
    },
  };
}

/** A date `days` from today, `YYYY-MM-DD` (issuance refuses visit dates in the past). */
export function daysFromNow(days: number, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
