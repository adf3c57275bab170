import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createExpressServer } from '../express-server.js';
import type { FaultControls } from './sandbox-faults.js';

/** A vendor sandbox listening on loopback. One per sandbox instance; lives until `close()`. */
export interface RunningSandbox extends FaultControls {
  /** Origin the sandbox listens on, e.g. `http://127.0.0.1:43121`. */
  origin: string;
  port: number;
  /** Requests served so far, by `METHOD route` (the route pattern, not the concrete path). */
  requestCounts(): Record<string, number>;
  /** Total requests served so far. */
  totalRequests(): number;
  resetCounts(): void;
  /** Every route the sandbox's router serves (`/openapi.json` aside), as express patterns: checks the documents. */
  routes(): SandboxRoute[];
  close(): Promise<void>;
}

/** One route of a sandbox: an upper-case method and the express path pattern (`/v1/orders/:id`). */
export interface SandboxRoute {
  method: string;
  path: string;
}

/** Where every sandbox serves its OpenAPI document. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * Serves the sandbox's OpenAPI 3.1 document at `GET /openapi.json`. Mounted before the request counter, the rate
 * limit and the key check: the document is public, free and not counted as vendor traffic. Its server URL is the
 * origin the caller reached (so a tool fetching it can call the sandbox straight away); one rendering is kept per
 * origin, and at most a few origins (a loopback sandbox is reached as 127.0.0.1 or localhost).
 */
export function serveOpenApi(app: Express, document: (origin: string) => object): void {
  const rendered = new Map<string, string>();
  app.get(OPENAPI_PATH, (req, res) => {
    const host = req.get('host') ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`;
    const origin = `${req.protocol}://${host}`;
    let text = rendered.get(origin);
    if (text === undefined) {
      text = JSON.stringify(document(origin));
      if (rendered.size < 8) rendered.set(origin, text);
    }
    res.type('application/json').set('cache-control', 'no-cache').send(text);
  });
}

/** The routes an express app's router holds, in registration order. */
function routesOf(app: Express): SandboxRoute[] {
  const stack = (
    app.router as unknown as { stack: { route?: { path: unknown; methods: Record<string, boolean> } }[] }
  ).stack;
  return stack.flatMap((layer) => {
    const route = layer.route;
    if (!route || typeof route.path !== 'string' || route.path === OPENAPI_PATH) return [];
    const path = route.path;
    return Object.keys(route.methods)
      .filter((method) => route.methods[method] && method !== '_all')
      .map((method) => ({ method: method.toUpperCase(), path }));
  });
}

/**
 * Counts every request by its route pattern, so tests and the benchmark read upstream calls from the vendor's
 * side rather than trusting the gateway's own metrics. Install before the routes. A request counts once: when its
 * answer is sent, when its connection ends without one (a reset, a lost answer, a client giving up), or when the
 * fault middleware says so (`countRequestNow`); the fault control route is never counted (`excludeFromCounts`).
 */
export function createRequestCounter(): {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  counts: Map<string, number>;
} {
  const counts = new Map<string, number>();
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    let counted = false;
    const count = (vendorRoute?: string): void => {
      if (counted || countingOf(res).excluded) return;
      counted = true;
      const route = (req.route as { path?: string } | undefined)?.path ?? vendorRoute ?? req.path;
      const key = `${req.method} ${req.baseUrl}${route}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    countingOf(res).countNow = count;
    res.on('finish', () => count());
    res.on('close', () => count());
    next();
  };
  return { middleware, counts };
}

interface Counting {
  excluded?: boolean;
  countNow?: (vendorRoute?: string) => void;
}

function countingOf(res: Response): Counting {
  const locals = res.locals as { sandboxCounting?: Counting };
  locals.sandboxCounting ??= {};
  return locals.sandboxCounting;
}

/** The request is the sandbox's own business (the fault control route), not traffic the vendor saw. */
export function excludeFromCounts(res: Response): void {
  countingOf(res).excluded = true;
}

/**
 * Counts the request now, under `vendorRoute` when it never reaches its route (an injected fault answers first):
 * a caller that saw a reset or is still waiting finds it counted already.
 */
export function countRequestNow(res: Response, vendorRoute: string | undefined): void {
  countingOf(res).countNow?.(vendorRoute);
}

/**
 * Persists a sandbox's state before a write's answer leaves, so an acknowledged write survives a restart. Hooks
 * `writeHead`, which every response passes through once, whatever the handler used to answer (json, end, 204).
 */
export function saveBeforeReply(save: () => void): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((...args: unknown[]) => {
      // Failed writes can change state too (an order kept as Error after a failed issuance).
      save();
      return writeHead(...args);
    }) as typeof res.writeHead;
    next();
  };
}

/** Listens on 127.0.0.1 (port 0 picks a free one) and answers once the socket is bound. */
export async function listenOnLoopback(
  app: Express,
  counts: Map<string, number>,
  port: number,
  faults: FaultControls,
): Promise<RunningSandbox> {
  const server: Server = createExpressServer(app).listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requestCounts: () => Object.fromEntries(counts),
    totalRequests: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    resetCounts: () => counts.clear(),
    setFaults: (rules, seed) => faults.setFaults(rules, seed),
    clearFaults: () => faults.clearFaults(),
    faults: () => faults.faults(),
    routes: () => routesOf(app),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * A vendor's per-key request budget: fixed windows aligned to the clock (so `x-ratelimit-reset` is the same for
 * every request of a window and a client can sleep until it), counted before authentication so that a flood with
 * a wrong key is limited too; a refused request does not use up the window. The sandbox renders the refusal in
 * its own vendor's error body.
 */
export function fixedWindowRateLimit(options: {
  limit: number;
  windowMs: number;
  now: () => Date;
  refuse: (res: Response, retryAfterSeconds: number) => void;
}): (req: Request, res: Response, next: NextFunction) => void {
  const { limit, windowMs } = options;
  const windows = new Map<string, { window: number; used: number }>();
  return (req, res, next) => {
    const nowMs = options.now().getTime();
    const window = Math.floor(nowMs / windowMs);
    const key = createHash('sha256')
      .update(req.get('authorization') ?? '')
      .digest('hex');
    let entry = windows.get(key);
    if (entry === undefined || entry.window !== window) {
      // Old windows can never be used again; dropping them keeps the table as small as one window's callers.
      for (const [other, value] of windows) if (value.window !== window) windows.delete(other);
      entry = { window, used: 0 };
      windows.set(key, entry);
    }
    const resetMs = (window + 1) * windowMs;
    const allowed = entry.used < limit;
    if (allowed) entry.used += 1;
    res.set('x-ratelimit-limit', String(limit));
    res.set('x-ratelimit-remaining', String(limit - entry.used));
    res.set('x-ratelimit-reset', String(resetMs / 1000));
    if (!allowed) {
      const retryAfter = Math.max(1, Math.ceil((resetMs - nowMs) / 1000));
      res.set('retry-after', String(retryAfter));
      options.refuse(res, retryAfter);
      return;
    }
    next();
  };
}

/** The whole body as text, whatever the content type (1 MB at most): vendors that speak only JSON read it so. */
export function rawBody(): RequestHandler {
  return express.text({ type: () => true, limit: '1mb' });
}

/**
 * Reads a JSON body after authentication (so an unauthenticated caller learns nothing from body errors). An empty
 * body becomes `undefined` ("no object", not `{}`); a body that is not JSON, or (when the vendor insists) not sent
 * as JSON, is refused in the vendor's own error shape.
 */
export interface JsonBodyRefusals {
  malformed: (res: Response) => void;
  /** When given, a non-empty body without a JSON content type is refused with this instead of read. */
  notJson?: (res: Response) => void;
}

export function jsonBody(refuse: JsonBodyRefusals): RequestHandler[] {
  return [rawBody(), parseJsonBody(refuse)];
}

/** The parsing half of `jsonBody`, for routes that read the raw body themselves first. */
export function parseJsonBody(refuse: JsonBodyRefusals): RequestHandler {
  return (req, res, next) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text.trim() === '') {
      req.body = undefined;
      next();
      return;
    }
    if (refuse.notJson && !isJsonContentType(req.get('content-type'))) {
      refuse.notJson(res);
      return;
    }
    try {
      req.body = JSON.parse(text) as unknown;
    } catch {
      refuse.malformed(res);
      return;
    }
    next();
  };
}

/** `application/json` or a `+json` type, parameters ignored. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * The vendor's key check: both sides hashed, then compared with `timingSafeEqual`. Digests have equal length
 * whatever the caller sends, so the comparison never throws and leaks neither the key nor its length.
 */
export function keyMatcher(expectedKey: string): (presented: string) => boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  const expected = digest(expectedKey);
  return (presented) => timingSafeEqual(digest(presented), expected);
}
