// partner-graph as a deployment runs it: its own process, production mode, vendors configured through the
// ordinary environment variables with the sandboxes' URLs and keys.
import { fileURLToPath } from 'node:url';
import { freePort, startNode, waitForHttp } from './proc.mjs';

const MAIN = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));
const dist = new URL('../../dist/src/', import.meta.url);
const { DEFAULT_TRANSPORT } = await import(new URL('vendors/transport.js', dist).href);
const { DEFAULT_EXECUTOR } = await import(new URL('graph/executor.js', dist).href);

/** The gateway's own defaults, read from the build under test: the rows the comparisons are measured against. */
export const GATEWAY_DEFAULTS = { transport: DEFAULT_TRANSPORT, executor: DEFAULT_EXECUTOR };

/**
 * Node's options for a deployment that bounds the gateway's heap (README "Running in production"): the setting that
 * holds 150 MB with dashboards at 100 connections. Left to itself V8 sizes the old generation from the machine's
 * memory and, on a large machine, lets garbage reach about four times the live heap between full collections; with
 * an old generation of 256 MB it collects at ~1.3 times, and a young generation of 2 × 2 MB instead of 2 × 16 MB
 * takes ~30 MB off the resident set (2 × 4 MB held the dashboard at 100 connections to 150 MB in a fresh process,
 * not in one that had served the floor and the order first: 151–157 MB; 2 × 2 MB: 140–151).
 */
export const BOUNDED_HEAP_NODE_ARGS = ['--max-old-space-size=256', '--max-semi-space-size=2'];

/** The client key every partner-graph (and the lower bound) of a bench run is started with. */
export const BENCH_API_KEY = 'bench-client-key-0123456789abcdef';

export async function startPartnerGraph({
  endpoints,
  dataDir,
  databaseUrl,
  apiKey,
  transport = GATEWAY_DEFAULTS.transport,
  executor = GATEWAY_DEFAULTS.executor,
  // 'bounded': started with BOUNDED_HEAP_NODE_ARGS; Node's own heap sizing otherwise.
  heap,
  cpuProfDir,
  // Another build's entry point (comparing two builds of the gateway on the same sandboxes).
  main = MAIN,
  // Node options and environment of a variant (comparing settings on the same sandboxes).
  nodeArgs = [],
  extraEnv = {},
}) {
  const port = await freePort();
  const { channelManager, partnerPortal, nfcTagify, nationalExpress, partnerOrders } = endpoints;
  const env = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEWAY_API_KEYS: apiKey,
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    // A PostgreSQL server instead of the embedded database (whose memory then counts in the gateway's RSS).
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    VENDOR_TRANSPORT: transport,
    GATEWAY_EXECUTOR: executor,
    // The gateway paces itself to NFC Tagify's published 60 a minute; the bench sandbox allows more.
    NFC_TAGIFY_REQUESTS_PER_MINUTE: '100000',
    CHANNEL_MANAGER_BASE_URL: channelManager.baseUrl,
    CHANNEL_MANAGER_API_KEY: channelManager.apiKey,
    PARTNERPORTAL_BASE_URL: partnerPortal.baseUrl,
    PARTNERPORTAL_API_KEY: partnerPortal.apiKey,
    NFC_TAGIFY_BASE_URL: nfcTagify.baseUrl,
    NFC_TAGIFY_API_KEY: nfcTagify.apiKey,
    NATIONAL_EXPRESS_BASE_URL: nationalExpress.baseUrl,
    NATIONAL_EXPRESS_API_KEY: nationalExpress.apiKey,
    PARTNER_ORDERS_BASE_URL: partnerOrders.baseUrl,
    PARTNER_ORDERS_TOKEN_URL: partnerOrders.tokenUrl,
    PARTNER_ORDERS_CLIENT_ID: partnerOrders.clientId,
    PARTNER_ORDERS_CLIENT_SECRET: partnerOrders.clientSecret,
    ...extraEnv,
  };
  const nodeOptions = [...(heap === 'bounded' ? BOUNDED_HEAP_NODE_ARGS : []), ...nodeArgs];
  const args = [...nodeOptions, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), main];
  const child = startNode(args, { env, name: `partner-graph (${transport}, ${executor})` });
  const origin = `http://127.0.0.1:${port}`;
  // A new embedded database takes a few seconds to initialise, far more on a busy machine.
  await waitForHttp(child, `${origin}/healthz`, 240_000);
  return {
    child,
    origin,
    url: `${origin}/graphql`,
    headers: { authorization: `Bearer ${apiKey}` },
    nodeArgs: nodeOptions,
  };
}

/**
 * The dashboard partner's Channel Manager link is the gateway's own data: set it through the API, as an operator
 * would (kept in the gateway's database, so once per data directory is enough).
 */
export async function linkPartner(system, partnerId, channelManagerPartnerId) {
  const response = await fetch(system.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...system.headers },
    body: JSON.stringify({
      query: `mutation ($id: ID!, $cm: ID!) { linkPartner(id: $id, links: { channelManagerPartnerId: $cm }) {
        partner { id links { channelManagerPartnerId } } userErrors { field message code } } }`,
      variables: { id: partnerId, cm: channelManagerPartnerId },
    }),
  });
  const body = await response.json();
  const payload = body.data?.linkPartner;
  if (
    body.errors ||
    payload?.userErrors?.length ||
    payload?.partner?.links?.channelManagerPartnerId !== channelManagerPartnerId
  ) {
    throw new Error(`linking the dashboard partner failed: ${JSON.stringify(body)}`);
  }
}

/** The gateway's event-loop delay (prom-client default metrics), in ms. */
export async function eventLoopDelay(system) {
  const text = await (await fetch(`${system.origin}/metrics`, { headers: system.headers })).text();
  const read = (name) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return {
    p50: read('nodejs_eventloop_lag_p50_seconds'),
    p99: read('nodejs_eventloop_lag_p99_seconds'),
    max: read('nodejs_eventloop_lag_max_seconds'),
  };
}
