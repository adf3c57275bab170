// The peer: GraphQL Mesh composes the sandboxes' own OpenAPI 3.1 documents (served at /openapi.json) into a
// supergraph, and Hive Gateway serves it, in its own process, in production mode. This is what a team would get
// from the same vendor contracts without writing a gateway.
import { execFile } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, startNode, waitForHttp } from './proc.mjs';
import { writeMeshQueries } from './mesh-queries.mjs';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const SUBGRAPHS = {
  channelManager: 'ChannelManager',
  partnerPortal: 'PartnerPortal',
  nfcTagify: 'NfcTagify',
  nationalExpress: 'NationalExpress',
  partnerOrders: 'PartnerOrders',
};

const PREFIXES = {
  channelManager: 'cm_',
  partnerPortal: 'pp_',
  nfcTagify: 'nt_',
  nationalExpress: 'ne_',
  partnerOrders: 'po_',
};

/** Partner Orders takes OAuth client credentials: the peer is given one long-lived token, fetched here. */
async function partnerOrdersToken(endpoint) {
  const response = await fetch(endpoint.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: endpoint.clientId,
      client_secret: endpoint.clientSecret,
    }),
  });
  const body = await response.json();
  if (!body.access_token) throw new Error(`Partner Orders gave no token: HTTP ${response.status}`);
  return body.access_token;
}

export async function startMesh({ endpoints, fixtures, log }) {
  // Inside bench/ (git-ignored), so the generated config resolves bench/node_modules like any module here.
  const dir = fileURLToPath(new URL('../.mesh/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  // Only the vendors whose sandbox serves its document can be composed; the others are reported missing.
  const missing = [];
  for (const [vendor, url] of Object.entries(fixtures.openapi)) {
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) missing.push(`${vendor} (GET /openapi.json: HTTP ${response.status})`);
  }
  if (missing.length === Object.keys(fixtures.openapi).length)
    throw new Error('no sandbox serves /openapi.json');
  const headers = {
    channelManager: { 'x-np-api-key': endpoints.channelManager.apiKey },
    partnerPortal: { authorization: `Bearer ${endpoints.partnerPortal.apiKey}` },
    nfcTagify: { authorization: `Bearer ${endpoints.nfcTagify.apiKey}` },
    nationalExpress: { authorization: `Bearer ${endpoints.nationalExpress.apiKey}` },
    partnerOrders: missing.some((entry) => entry.startsWith('partnerOrders '))
      ? {}
      : { authorization: `Bearer ${await partnerOrdersToken(endpoints.partnerOrders)}` },
  };
  const subgraphs = Object.entries(SUBGRAPHS)
    .filter(([vendor]) => !missing.some((entry) => entry.startsWith(`${vendor} `)))
    .map(
      ([vendor, name]) =>
        // Vendors share type and operation names (Order, listOrders): each gets a prefix, as Mesh's docs advise.
        `    { sourceHandler: loadOpenAPISubgraph(${JSON.stringify(name)}, ${JSON.stringify({
          source: fixtures.openapi[vendor],
          endpoint: endpoints[vendor].baseUrl,
          operationHeaders: headers[vendor],
        })}), transforms: [createPrefixTransform({ value: '${PREFIXES[vendor]}', includeRootOperations: true })] },`,
    );
  writeFileSync(
    join(dir, 'mesh.config.mjs'),
    [
      "import { createPrefixTransform, defineConfig } from '@graphql-mesh/compose-cli';",
      "import { loadOpenAPISubgraph } from '@omnigraph/openapi';",
      'export const composeConfig = defineConfig({',
      '  subgraphs: [',
      ...subgraphs,
      '  ],',
      '});',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  try {
    await run(
      join(BIN, 'mesh-compose'),
      ['-c', join(dir, 'mesh.config.mjs'), '-o', join(dir, 'supergraph.graphql')],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        maxBuffer: 16 * 2 ** 20,
      },
    );
  } catch (error) {
    throw new Error(`mesh-compose failed: ${(error.stderr || error.stdout || error.message).slice(-2000)}`);
  }
  log(`mesh-compose: supergraph in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const unavailable = {};
  try {
    await writeMeshQueries({ supergraphPath: join(dir, 'supergraph.graphql'), endpoints, fixtures });
  } catch (error) {
    unavailable.dashboard = error.message;
  }
  if (missing.length > 0) log(`mesh: composed without ${missing.join(', ')}`);

  const port = await freePort();
  const child = startNode(
    [
      join(BIN, '../@graphql-hive/gateway/dist/bin.js'),
      'supergraph',
      join(dir, 'supergraph.graphql'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { env: { NODE_ENV: 'production' }, cwd: dir, name: 'mesh (hive-gateway)' },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${origin}/healthcheck`);
  return { child, origin, url: `${origin}/graphql`, headers: {}, missing, unavailable };
}
