import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { graphiqlRouter, isLoopbackAddress } from '../../src/graphiql/graphiql-router.js';
import type { GraphiqlRouterOptions } from '../../src/graphiql/graphiql-router.js';

const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const KEY = 'pg_dev_prefill-key-0123456789';

/**
 * Every absolute URL the served bytes may contain, each with why it is not "an outside URL the page uses":
 * nothing here is ever fetched (the CSP would refuse it anyway). Anything else found fails the test, so a
 * package bump that brings a CDN, a font host or a tracker in is caught here.
 */
const INERT_URLS: Record<string, string> = {
  'http://www.w3.org/2000/svg': 'XML namespace name (React and GraphiQL create SVG elements in it)',
  'http://www.w3.org/1999/xlink': 'XML namespace name (react-dom)',
  'http://www.w3.org/1999/xhtml': 'XML namespace name (react-dom)',
  'http://www.w3.org/1998/Math/MathML': 'XML namespace name (react-dom)',
  'http://www.w3.org/XML/1998/namespace': 'XML namespace name (react-dom)',
  'https://reactjs.org/docs/error-decoder.html?invariant=': 'text of a minified React error message',
  'https://commonmark.org/': 'text of graphql-js @deprecated description',
  'https://en.wikipedia.org/wiki/IEEE_floating_point': 'text of graphql-js Float description',
  'https://github.com/graphql/graphiql/blob/master/examples/graphiql-cdn/index.html#L49':
    'text of a GraphiQL error message',
  'https://github.com/graphql/graphiql':
    "the default logo's link; we render our own logo instead (the browser test checks it is absent)",
  'https://codemirror.net/5/doc/manual.html#keymaps': 'a link in the short-keys dialog, opened only on click',
  'https://github.com/jonschlinkert': 'licence comment',
  'https://github.com/jonschlinkert/get-value': 'licence comment',
  'https://github.com/jonschlinkert/is-primitive': 'licence comment',
  'https://github.com/jonschlinkert/isobject': 'licence comment',
  'https://github.com/jonschlinkert/set-value': 'licence comment',
};

/** `http(s)://` followed by a host; bare prefixes (`"http://"+url` in linkify) name no host and fetch nothing. */
const ABSOLUTE_URL = /https?:\/\/[a-z0-9][^\s"'`<>()\\,;{}[\]]*/gi;

const packageFile = (name: string, file: string): Buffer =>
  readFileSync(join(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)), file));

interface Local {
  origin: string;
  server: Server;
}

/** The router in front of a stand-in for the gateway's authenticated /graphql, which marks what reached it. */
async function start(options: GraphiqlRouterOptions): Promise<Local> {
  const app = express();
  app.use(graphiqlRouter(options));
  app.use('/graphql', (req, res) => {
    res.status(401).json({ reachedGateway: true, method: req.method });
  });
  app.use((_req, res) => {
    res.status(404).json({ notFound: true });
  });
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(local: Local): Promise<void> {
  local.server.close();
  local.server.closeAllConnections();
  await once(local.server, 'close');
}

const getPage = (origin: string, accept = BROWSER_ACCEPT) =>
  fetch(`${origin}/graphql`, { headers: { accept } });

function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)].map((match) => match[1]!);
}

function settingsOf(html: string): { title: string; apiKey: string | null; defaultQuery: string } {
  const match = /<script type="application\/json" id="graphiql-settings">(.*?)<\/script>/s.exec(html);
  assert.ok(match?.[1], 'the page carries its settings block');
  return JSON.parse(match[1]) as { title: string; apiKey: string | null; defaultQuery: string };
}

describe('GraphiQL router over HTTP', () => {
  let local: Local;
  before(async () => {
    local = await start({ enabled: true, apiKeyForPrefill: KEY });
  });
  after(async () => {
    await stop(local);
  });

  it('serves the page to a browser, public, uncached, under a strict CSP', async () => {
    const response = await getPage(local.origin);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('vary') ?? '', /Accept/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(
      response.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = await response.text();
    assert.match(html, /<title>partner-graph · GraphiQL<\/title>/);
    assert.doesNotMatch(html, /<script>|<style|style="/, 'no inline script or style (the CSP forbids them)');
    assert.deepEqual(
      assetPaths(html).map((path) => path.replace(/^\/graphiql\/assets\/[0-9a-f]{16}\//, '')),
      [
        'graphiql.min.css',
        'partner-graph-graphiql.css',
        'react.production.min.js',
        'react-dom.production.min.js',
        'graphql-ws.min.js',
        'graphiql.min.js',
        'partner-graph-graphiql.js',
      ],
    );
  });

  it('pre-fills the key for a browser on this machine', async () => {
    const settings = settingsOf(await (await getPage(local.origin)).text());
    assert.equal(settings.apiKey, KEY);
    assert.equal(settings.title, 'partner-graph · GraphiQL');
  });

  it('leaves GraphQL requests to the gateway: POST, and GET asking for JSON or anything', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const response = await getPage(local.origin, accept);
      assert.equal(response.status, 401, accept);
      assert.deepEqual(await response.json(), { reachedGateway: true, method: 'GET' });
    }
    const post = await fetch(`${local.origin}/graphql`, {
      method: 'POST',
      headers: { accept: BROWSER_ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(post.status, 401);
    assert.deepEqual(await post.json(), { reachedGateway: true, method: 'POST' });
  });

  it('serves every asset from node_modules with its type, forever-caching and gzip', async () => {
    const html = await (await getPage(local.origin)).text();
    const expected: Record<string, { type: string; bytes?: Buffer }> = {
      'react.production.min.js': {
        type: 'text/javascript; charset=utf-8',
        bytes: packageFile('react', 'umd/react.production.min.js'),
      },
      'react-dom.production.min.js': {
        type: 'text/javascript; charset=utf-8',
        bytes: packageFile('react-dom', 'umd/react-dom.production.min.js'),
      },
      'graphql-ws.min.js': {
        type: 'text/javascript; charset=utf-8',
        bytes: packageFile('graphql-ws', 'umd/graphql-ws.min.js'),
      },
      'graphiql.min.css': {
        type: 'text/css; charset=utf-8',
        bytes: packageFile('graphiql', 'graphiql.min.css'),
      },
      'graphiql.min.js': { type: 'text/javascript; charset=utf-8' },
      'partner-graph-graphiql.js': { type: 'text/javascript; charset=utf-8' },
      'partner-graph-graphiql.css': { type: 'text/css; charset=utf-8' },
    };
    for (const path of assetPaths(html)) {
      const name = path.split('/').pop()!;
      const plain = await fetch(`${local.origin}${path}`, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers.get('content-type'), expected[name]?.type, path);
      assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable', path);
      assert.equal(plain.headers.get('content-encoding'), null, path);
      assert.match(plain.headers.get('vary') ?? '', /Accept-Encoding/, path);
      const body = Buffer.from(await plain.arrayBuffer());
      if (expected[name]?.bytes)
        assert.ok(body.equals(expected[name].bytes), `${path} is the package's file`);
      assert.ok(body.length > 0, path);

      const etag = plain.headers.get('etag');
      assert.ok(etag, path);
      // Raw, as a browser revalidates: fetch() would add `cache-control: no-cache` to a conditional request.
      const revalidated = await rawGet(`${local.origin}${path}`, { 'if-none-match': etag });
      assert.equal(revalidated.status, 304, path);

      // Node's fetch would decompress on its own: ask over a raw request to see the bytes on the wire.
      const zipped = await rawGet(`${local.origin}${path}`, { 'accept-encoding': 'gzip' });
      assert.equal(zipped.headers['content-encoding'], 'gzip', path);
      assert.ok(gunzipSync(zipped.body).equals(body), `${path} gzipped is the same file`);
    }
    // graphiql.min.js is the package's file minus the source-map comment (the map is not served).
    const graphiqlPath = assetPaths(html).find((path) => path.endsWith('/graphiql.min.js'))!;
    const served = await (await fetch(`${local.origin}${graphiqlPath}`)).text();
    assert.equal(
      served.trimEnd(),
      packageFile('graphiql', 'graphiql.min.js')
        .toString('utf8')
        .replace(/\/\/# sourceMappingURL=\S+\s*$/, '')
        .trimEnd(),
    );
    assert.doesNotMatch(served, /sourceMappingURL/);
  });

  it('leaves unknown or stale asset URLs to the rest of the app', async () => {
    for (const path of ['/graphiql/assets/0000000000000000/graphiql.min.js', '/graphiql/assets/nope']) {
      const response = await fetch(`${local.origin}${path}`);
      assert.equal(response.status, 404, path);
      assert.deepEqual(await response.json(), { notFound: true });
    }
  });

  it('names no outside host in the page or anything it loads', async () => {
    const html = await (await getPage(local.origin)).text();
    assert.deepEqual(html.match(ABSOLUTE_URL) ?? [], [], 'the page itself holds no absolute URL');
    for (const match of html.matchAll(/(?:src|href)="([^"]*)"/g)) {
      assert.match(match[1]!, /^(\/graphiql\/assets\/|data:)/, `the page loads ${match[1]} from itself`);
    }
    const unexpected: string[] = [];
    for (const path of assetPaths(html)) {
      const text = await (await fetch(`${local.origin}${path}`)).text();
      for (const url of text.match(ABSOLUTE_URL) ?? []) {
        // Our own origin would be fine; any other host has to be on the inert list above.
        if (new URL(url).origin === local.origin || url in INERT_URLS) continue;
        unexpected.push(`${path}: ${url}`);
      }
      // Stylesheets load fonts and images: those must all be data: URIs.
      for (const ref of text.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
        if (!ref[1]!.startsWith('data:')) unexpected.push(`${path}: url(${ref[1]})`);
      }
      assert.doesNotMatch(text, /@import/, `${path} imports nothing`);
    }
    assert.deepEqual(unexpected, []);
  });

  it('checks its own URL scan: an outside host is found, a bare prefix is not', () => {
    const sample = 'a "https://cdn.jsdelivr.net/npm/x.js" b e.url="http://"+e.url c //unpkg.com/y';
    assert.deepEqual(sample.match(ABSOLUTE_URL), ['https://cdn.jsdelivr.net/npm/x.js']);
  });

  it('treats only loopback peers as this machine', () => {
    for (const address of ['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1']) {
      assert.equal(isLoopbackAddress(address), true, address);
    }
    for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1', '', undefined]) {
      assert.equal(isLoopbackAddress(address), false, String(address));
    }
  });
});

describe('GraphiQL router options', () => {
  it('without a key to pre-fill, shows no key and the empty template', async () => {
    const local = await start({ enabled: true, title: 'Our </title><script>x</script> graph' });
    try {
      const html = await (await getPage(local.origin)).text();
      assert.equal(settingsOf(html).apiKey, null);
      assert.doesNotMatch(html, /pg_dev_/);
      assert.match(html, /<title>Our &lt;\/title&gt;&lt;script&gt;x&lt;\/script&gt; graph<\/title>/);
      // Inside the JSON block the title cannot close the script element either.
      assert.equal(settingsOf(html).title, 'Our </title><script>x</script> graph');
      assert.equal((html.match(/<\/script>/g) ?? []).length, 1 + assetPaths(html).filter(isScript).length);
      const bootPath = assetPaths(html).find((path) => path.endsWith('/partner-graph-graphiql.js'))!;
      const boot = await (await fetch(`${local.origin}${bootPath}`)).text();
      assert.match(boot, /Authorization: 'Bearer ' \+ \(settings\.apiKey \|\| ''\)/);
    } finally {
      await stop(local);
    }
  });

  it('disabled, passes everything through and serves no asset', async () => {
    const enabled = await start({ enabled: true });
    const paths = assetPaths(await (await getPage(enabled.origin)).text());
    await stop(enabled);

    const local = await start({ enabled: false, apiKeyForPrefill: KEY });
    try {
      const page = await getPage(local.origin);
      assert.equal(page.status, 401);
      assert.deepEqual(await page.json(), { reachedGateway: true, method: 'GET' });
      for (const path of paths) {
        assert.equal((await fetch(`${local.origin}${path}`)).status, 404, path);
      }
    } finally {
      await stop(local);
    }
  });
});

const isScript = (path: string): boolean => path.endsWith('.js');

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
