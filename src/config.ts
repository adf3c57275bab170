import { randomBytes } from 'node:crypto';
import { fullAccessKeys } from './auth.js';
import type { ClientKey } from './auth.js';
import { KeysFileError, loadKeysFile } from './access/keys-file.js';
import { DEFAULT_MAX_SOCKETS, DEFAULT_TRANSPORT, TRANSPORT_NAMES } from './vendors/transport.js';
import { DEFAULT_EXECUTOR, EXECUTOR_NAMES } from './graph/executor.js';
import type { ExecutorName } from './graph/executor.js';
import type { TransportName } from './vendors/transport.js';

/**
 * Every setting, read from the environment once at start and validated with a message that names the variable.
 * Nothing else in the gateway reads `process.env`.
 */
/** Where one vendor is reached and the key it expects. Real vendors and sandboxes look the same from here. */
export interface VendorEndpoint {
  baseUrl: string;
  apiKey: string;
}

/** A vendor behind OAuth 2.0 client credentials (RFC 6749 §4.4). */
export interface OAuthVendorEndpoint {
  baseUrl: string;
  /** Where tokens come from; defaults to `<baseUrl>/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Vendors with no configuration run against their in-process sandbox. */
export interface VendorEndpoints {
  /** Base up to and including the company segment: `https://api.npretail.app/<tenant>/<environment>/<company>`. */
  channelManager: VendorEndpoint;
  /** Base including the version: `https://api.partnerportal.example.com/v1`. */
  partnerPortal: VendorEndpoint;
  /** Base including the API prefix: `https://…/api/partner`. */
  nfcTagify: VendorEndpoint;
  /** National Express Accounts: the origin the `/accounts` paths hang off; the key is its bearer token. */
  nationalExpress: VendorEndpoint;
  /** Partner Orders: the origin of `/partner/order`, with OAuth client credentials. */
  partnerOrders: OAuthVendorEndpoint;
}

export interface GatewayConfig {
  port: number;
  host: string;
  production: boolean;
  /** Client API keys accepted as `Authorization: Bearer <key>`. */
  apiKeys: string[];
  /** True when no key was configured and one was generated for this run (printed at start). */
  generatedApiKey: boolean;
  /**
   * Every accepted client key: `apiKeys` as full-access keys, then the entries of `GATEWAY_KEYS_FILE` (scopes,
   * partner bindings; possibly only hashes).
   */
  clientKeys: ClientKey[];
  /** Upper bound on one GraphQL operation's upstream work, retries included. */
  operationTimeoutMs: number;
  /**
   * Slots of the operation gate (`GATEWAY_MAX_CONCURRENT_OPERATIONS`): GraphQL operations executed at once over
   * HTTP, each taking one slot per `vendorCallsPerSlot` vendor calls it made last time; more wait their turn.
   */
  maxConcurrentOperations: number;
  /**
   * Vendor calls that weigh one slot of the operation gate (`GATEWAY_VENDOR_CALLS_PER_SLOT`, 8; 0: every operation
   * one slot). 8 lets 8 dashboards (57 calls each) run at once where 64 single orders do.
   */
  vendorCallsPerSlot: number;
  /** Upper bound on one upstream HTTP attempt. */
  vendorTimeoutMs: number;
  /**
   * How many upstream requests one loader runs at once for vendors that have no batch endpoint. 32: a page of 50
   * orders takes two rounds of calls instead of seven (a dashboard alone, 20 ms vendors: 241 → 134 ms), and
   * `vendorMaxSockets` still bounds what all operations together open.
   */
  vendorConcurrency: number;
  /** Each vendor's circuit breaker: consecutive failures that open it, and how long it stays open. */
  vendorBreaker: { failureThreshold: number; halfOpenAfterMs: number };
  /** Connections kept open to one vendor at most (`VENDOR_MAX_SOCKETS`); more calls wait for a free one. */
  vendorMaxSockets: number;
  /** The HTTP client under every vendor call (`VENDOR_TRANSPORT`): undici's `request()` (default) or node-fetch. */
  vendorTransport: TransportName;
  /** What executes an operation (`GATEWAY_EXECUTOR`): graphql-jit (default) or graphql-js. */
  graphqlExecutor: ExecutorName;
  logLevel: string;
  /** Where the embedded database and the sandboxes' state live. */
  dataDir: string;
  /** The configured vendors; a missing one runs against its sandbox (`npm start`). */
  vendors: Partial<VendorEndpoints>;
  /** NFC Tagify's published request budget per minute; the gateway paces itself to it. */
  nfcTagifyRequestsPerMinute: number;
  /** Serve GraphiQL to browsers at `/graphql`: on by default, off in production unless `GRAPHIQL=true`. */
  graphiql: boolean;
  /** Answer introspection queries: on by default, off in production unless `GRAPHQL_INTROSPECTION=true`. */
  introspection: boolean;
  /** Browser origins allowed to open subscriptions besides the gateway's own. */
  allowedOrigins: string[];
  /** Secrets PartnerPortal signs its webhooks with (several while one is being rotated). */
  partnerPortalWebhookSecrets: string[];
  /** A PostgreSQL server for the gateway's own data; embedded PGlite in `dataDir` when unset. */
  databaseUrl: string | undefined;
  /**
   * Unconfigured vendors may run against the built-in sandboxes: the default outside production; in production
   * only when `SANDBOX=true` asks for them (otherwise an unconfigured vendor stops the start, see `main.ts`).
   */
  sandbox: boolean;
}

/** The variables that configure each vendor, for a start-up error that names what is missing. */
export const VENDOR_SETTINGS: Record<keyof VendorEndpoints, { name: string; variables: readonly string[] }> =
  {
    channelManager: {
      name: 'Channel Manager',
      variables: ['CHANNEL_MANAGER_BASE_URL', 'CHANNEL_MANAGER_API_KEY'],
    },
    partnerPortal: { name: 'PartnerPortal', variables: ['PARTNERPORTAL_BASE_URL', 'PARTNERPORTAL_API_KEY'] },
    nfcTagify: { name: 'NFC Tagify', variables: ['NFC_TAGIFY_BASE_URL', 'NFC_TAGIFY_API_KEY'] },
    nationalExpress: {
      name: 'National Express',
      variables: ['NATIONAL_EXPRESS_BASE_URL', 'NATIONAL_EXPRESS_API_KEY'],
    },
    partnerOrders: {
      name: 'Partner Orders',
      variables: ['PARTNER_ORDERS_BASE_URL', 'PARTNER_ORDERS_CLIENT_ID', 'PARTNER_ORDERS_CLIENT_SECRET'],
    },
  };

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}".`);
  }
  return raw.replace(/\/+$/, '');
}

/** A vendor is configured by its base URL; a base URL without its key is a start-up error. */
function vendor(env: Env, urlName: string, keyName: string): VendorEndpoint | undefined {
  const baseUrl = url(env, urlName);
  const apiKey = env[keyName]?.trim();
  if (!baseUrl && !apiKey) return undefined;
  if (!baseUrl) {
    throw new ConfigError(`${keyName} is set but ${urlName} is not: set both, or neither for the sandbox.`);
  }
  if (!apiKey)
    throw new ConfigError(`${urlName} is set but ${keyName} is not: the vendor needs its API key.`);
  return { baseUrl, apiKey };
}

function oauthVendor(env: Env): OAuthVendorEndpoint | undefined {
  const baseUrl = url(env, 'PARTNER_ORDERS_BASE_URL');
  const clientId = env.PARTNER_ORDERS_CLIENT_ID?.trim();
  const clientSecret = env.PARTNER_ORDERS_CLIENT_SECRET?.trim();
  const tokenUrl = url(env, 'PARTNER_ORDERS_TOKEN_URL');
  if (!baseUrl && !clientId && !clientSecret && !tokenUrl) return undefined;
  const missing = [
    ['PARTNER_ORDERS_BASE_URL', baseUrl],
    ['PARTNER_ORDERS_CLIENT_ID', clientId],
    ['PARTNER_ORDERS_CLIENT_SECRET', clientSecret],
  ].filter(([, value]) => !value);
  if (missing.length > 0) {
    throw new ConfigError(
      `Partner Orders is partly configured: set ${missing.map(([name]) => name).join(' and ')} too, or none for the sandbox.`,
    );
  }
  return {
    baseUrl: baseUrl!,
    tokenUrl: tokenUrl ?? `${baseUrl!}/oauth/token`,
    clientId: clientId!,
    clientSecret: clientSecret!,
  };
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}".`);
}

function definedOnly<T extends object>(value: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(
      'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded database).',
    );
  }
  return raw;
}

/** `GATEWAY_KEYS_FILE`, when set: its keys, checked whole (a broken entry names its index and field). */
function keysFromFile(env: Env): ClientKey[] {
  const path = env.GATEWAY_KEYS_FILE?.trim();
  if (!path) return [];
  try {
    return loadKeysFile(path);
  } catch (error) {
    if (error instanceof KeysFileError) throw new ConfigError(error.message);
    throw error;
  }
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  const configuredKeys = (env.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  const tooShort = configuredKeys.find((key) => key.length < 16);
  if (tooShort !== undefined) {
    throw new ConfigError('GATEWAY_API_KEYS: every key must be at least 16 characters long.');
  }
  const keysFile = keysFromFile(env);
  if (configuredKeys.length === 0 && keysFile.length === 0 && production) {
    throw new ConfigError(
      'GATEWAY_API_KEYS or GATEWAY_KEYS_FILE must give at least one client key when NODE_ENV=production.',
    );
  }
  const generatedApiKey = configuredKeys.length === 0 && keysFile.length === 0;
  const apiKeys = generatedApiKey ? [`pg_dev_${randomBytes(18).toString('base64url')}`] : configuredKeys;
  const fullAccess = fullAccessKeys(apiKeys);
  const alsoFullAccess = keysFile.findIndex((key) =>
    fullAccess.some((full) => full.digest.equals(key.digest)),
  );
  if (alsoFullAccess !== -1) {
    throw new ConfigError(
      `GATEWAY_KEYS_FILE[${alsoFullAccess}] (key "${keysFile[alsoFullAccess]!.name}") is also in GATEWAY_API_KEYS: configure each key once.`,
    );
  }
  const clientKeys = [...fullAccess, ...keysFile];

  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    production,
    apiKeys,
    generatedApiKey,
    clientKeys,
    operationTimeoutMs: integer(env, 'GATEWAY_OPERATION_TIMEOUT_MS', 15_000, 100, 300_000),
    maxConcurrentOperations: integer(env, 'GATEWAY_MAX_CONCURRENT_OPERATIONS', 64, 1, 100_000),
    vendorCallsPerSlot: integer(env, 'GATEWAY_VENDOR_CALLS_PER_SLOT', 8, 0, 100_000),
    vendorTimeoutMs: integer(env, 'VENDOR_TIMEOUT_MS', 5_000, 50, 120_000),
    vendorConcurrency: integer(env, 'VENDOR_CONCURRENCY', 32, 1, 100),
    vendorBreaker: {
      failureThreshold: integer(env, 'VENDOR_BREAKER_FAILURES', 5, 1, 1_000),
      halfOpenAfterMs: integer(env, 'VENDOR_BREAKER_HALF_OPEN_MS', 5_000, 10, 600_000),
    },
    vendorMaxSockets: integer(env, 'VENDOR_MAX_SOCKETS', DEFAULT_MAX_SOCKETS, 1, 10_000),
    vendorTransport: oneOf(env, 'VENDOR_TRANSPORT', TRANSPORT_NAMES, DEFAULT_TRANSPORT),
    graphqlExecutor: oneOf(env, 'GATEWAY_EXECUTOR', EXECUTOR_NAMES, DEFAULT_EXECUTOR),
    logLevel: env.LOG_LEVEL?.trim() || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    dataDir: env.DATA_DIR?.trim() || './data',
    vendors: definedOnly({
      channelManager: vendor(env, 'CHANNEL_MANAGER_BASE_URL', 'CHANNEL_MANAGER_API_KEY'),
      partnerPortal: vendor(env, 'PARTNERPORTAL_BASE_URL', 'PARTNERPORTAL_API_KEY'),
      nfcTagify: vendor(env, 'NFC_TAGIFY_BASE_URL', 'NFC_TAGIFY_API_KEY'),
      nationalExpress: vendor(env, 'NATIONAL_EXPRESS_BASE_URL', 'NATIONAL_EXPRESS_API_KEY'),
      partnerOrders: oauthVendor(env),
    }),
    nfcTagifyRequestsPerMinute: integer(env, 'NFC_TAGIFY_REQUESTS_PER_MINUTE', 60, 1, 100_000),
    databaseUrl: databaseUrl(env),
    sandbox: flag(env, 'SANDBOX', !production),
    graphiql: flag(env, 'GRAPHIQL', !production),
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', !production),
    allowedOrigins: (env.GATEWAY_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter((origin) => origin.length > 0)
      .map((origin) => {
        if (!/^https?:\/\/[^/]+$/.test(origin)) {
          throw new ConfigError(
            `GATEWAY_ALLOWED_ORIGINS: "${origin}" is not an origin like https://app.example.com.`,
          );
        }
        return origin;
      }),
    partnerPortalWebhookSecrets: (env.PARTNERPORTAL_WEBHOOK_SECRET ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter((secret) => secret.length > 0),
  };
}
