import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { ASSET_PREFIX, loadGraphiqlAssets } from './graphiql-assets.js';
import { GRAPHIQL_CSP, renderGraphiqlPage } from './graphiql-page.js';

export interface GraphiqlRouterOptions {
  /** Off: the router answers nothing and loads nothing (production default, see `GRAPHIQL`). */
  enabled: boolean;
  /**
   * A key to pre-fill into the Headers editor (the embedded default's generated key). Only handed to browsers
   * on this machine (a loopback peer): with `HOST=0.0.0.0` the page is reachable from the network, and there
   * it shows the empty template instead.
   */
  apiKeyForPrefill?: string;
  title?: string;
}

/** The GraphQL media types a client may ask for; a browser's Accept prefers text/html over all of them. */
const NEGOTIATED = ['application/graphql-response+json', 'application/json', 'text/html'];

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * GraphiQL for browsers at `GET /graphql` (Accept preferring text/html), and the files it loads under
 * `/graphiql/assets/<hash>/<name>`, all from our own node_modules. Mount it before the API-key check: the page
 * and its assets are public, every GraphQL request the page makes carries the key from its Headers editor.
 * Anything else (POST, GET asking for JSON, WebSocket upgrades) passes through untouched.
 */
export function graphiqlRouter(options: GraphiqlRouterOptions): Router {
  const router = express.Router();
  if (!options.enabled) return router;

  // Read once here, at start: a missing package fails the start, not the first browser.
  const assets = loadGraphiqlAssets();
  const title = options.title ?? 'partner-graph · GraphiQL';
  const withKey = renderGraphiqlPage(assets, {
    title,
    ...(options.apiKeyForPrefill ? { apiKey: options.apiKeyForPrefill } : {}),
  });
  const withoutKey = renderGraphiqlPage(assets, { title });

  router.get('/graphql', (req: Request, res: Response, next: NextFunction) => {
    // The same URL answers JSON to API clients, so caches must keep the two apart.
    res.vary('Accept');
    if (req.accepts(NEGOTIATED) !== 'text/html') {
      next();
      return;
    }
    res.set({
      'content-type': 'text/html; charset=utf-8',
      // The page may carry a key: never stored, never shared by a cache.
      'cache-control': 'no-store',
      'content-security-policy': GRAPHIQL_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    res.send(isLoopbackAddress(req.socket.remoteAddress) ? withKey : withoutKey);
  });

  router.get(`${ASSET_PREFIX}/:hash/:name`, (req: Request, res: Response, next: NextFunction) => {
    const asset = assets.byPath.get(req.path);
    if (!asset) {
      next();
      return;
    }
    // Content-addressed URLs: a new version is a new URL, so a copy may be kept for good.
    res.set({
      'content-type': asset.contentType,
      'cache-control': IMMUTABLE,
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
    });
    res.vary('Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('content-encoding', 'gzip');
      res.send(asset.gzipped);
      return;
    }
    res.send(asset.body);
  });

  return router;
}
