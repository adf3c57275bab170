import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GRAPHIQL_BOOT_SCRIPT, GRAPHIQL_PAGE_STYLE } from './graphiql-boot.js';

/**
 * What the GraphiQL page loads, every byte from our own dependencies: no CDN, no build step.
 *
 * Why these files: `graphiql` 3.x is the last line that ships a ready-made UMD bundle (`graphiql.min.js`, with
 * graphql-js, CodeMirror 5 and its fonts inlined as data: URIs) next to a plain stylesheet. It expects React and
 * ReactDOM as globals, which React 18 still ships as UMD builds (React 19 and GraphiQL 4+/5 dropped them, and
 * GraphiQL 5 needs Monaco's workers bundled by esbuild/Vite). graphql-ws ships a UMD client too, so the page's own
 * subscription client is the same library the server speaks. Pinned in package.json; the versions below are
 * read from the installed packages so the asset URLs change when they do.
 */
export interface GraphiqlAsset {
  /** URL path under the router, content-addressed: `/graphiql/assets/<hash>/<name>`. */
  path: string;
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

export interface GraphiqlAssets {
  scripts: GraphiqlAsset[];
  styles: GraphiqlAsset[];
  byPath: Map<string, GraphiqlAsset>;
}

export const ASSET_PREFIX = '/graphiql/assets';

const require = createRequire(import.meta.url);

/** A file inside an installed package, found through its package.json (which every package here exports). */
function packageFile(packageName: string, file: string): Buffer {
  return readFileSync(join(dirname(require.resolve(`${packageName}/package.json`)), file));
}

function asset(name: string, contentType: string, body: Buffer): GraphiqlAsset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return {
    path: `${ASSET_PREFIX}/${hash}/${name}`,
    contentType,
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${hash}"`,
  };
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Reads and compresses the assets once (about 1.5 MB, 0.3 MB gzipped); held for the life of the process. */
export function loadGraphiqlAssets(): GraphiqlAssets {
  // Order matters: each UMD script reads the globals the ones before it defined.
  const scripts = [
    asset('react.production.min.js', JS, packageFile('react', 'umd/react.production.min.js')),
    asset('react-dom.production.min.js', JS, packageFile('react-dom', 'umd/react-dom.production.min.js')),
    asset('graphql-ws.min.js', JS, packageFile('graphql-ws', 'umd/graphql-ws.min.js')),
    asset('graphiql.min.js', JS, stripSourceMapComment(packageFile('graphiql', 'graphiql.min.js'))),
    asset('partner-graph-graphiql.js', JS, Buffer.from(GRAPHIQL_BOOT_SCRIPT, 'utf8')),
  ];
  const styles = [
    asset('graphiql.min.css', CSS, packageFile('graphiql', 'graphiql.min.css')),
    asset('partner-graph-graphiql.css', CSS, Buffer.from(GRAPHIQL_PAGE_STYLE, 'utf8')),
  ];
  return {
    scripts,
    styles,
    byPath: new Map([...scripts, ...styles].map((entry) => [entry.path, entry])),
  };
}

/** The map it names is not served: without this, opening devtools would log a 404 for it. */
function stripSourceMapComment(body: Buffer): Buffer {
  return Buffer.from(body.toString('utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), 'utf8');
}
