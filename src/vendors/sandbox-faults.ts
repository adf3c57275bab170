/**
 * Fault injection for every sandbox: latency, 5xx/429 bursts, timeouts, connection resets, lost responses and
 * malformed JSON, per route and as a rate. One `sandboxFaults()` per sandbox instance, living as long as its app;
 * its middleware is mounted before the vendor's own behaviour (rate limit, key check, body parsing, routes), so an
 * injected refusal costs the caller nothing at the vendor. Tests drive it in process (`setFaults`) or over HTTP
 * through the control route `/__sandbox/faults`, which exists only when the sandbox was started with
 * `faultControl: true`. README: "Sandbox fault injection".
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { match } from 'path-to-regexp';
import type { MatchFunction } from 'path-to-regexp';
import { countRequestNow, excludeFromCounts, rawBody } from './sandbox-server.js';

export interface FaultRule {
  /** Which requests: `'POST /orders'`, `'GET /orders/:id'` (Express route syntax, matched against the request
   *  method and path relative to the sandbox's base URL), or omitted/'*' for every request. */
  route?: string;
  /** Probability 0..1 that a matching request is hit (default 1). Use a seeded PRNG option so tests are repeatable. */
  rate?: number;
  /** Only the next N matching requests are hit (a burst); then the rule is spent. Omitted: unlimited. */
  count?: number;
  latencyMs?: number; // delay before handling (combines with the others)
  status?: number; // answer this status (5xx or 429) in the vendor's own error body shape;
  retryAfterSeconds?: number; //   with Retry-After when given (429/503)
  timeout?: boolean; // accept, never answer (until the client gives up / the sandbox closes)
  reset?: boolean; // destroy the socket before the handler runs (nothing committed)
  lostResponse?: boolean; // run the handler (the write commits), then destroy the socket instead of replying
  malformed?: boolean; // let the handler run, then replace its 2xx body with malformed JSON (truncated)
}

/** A rule as the sandbox holds it: `remaining` is what is left of `count` (absent: unlimited; 0: spent). */
export interface ActiveFaultRule extends FaultRule {
  remaining?: number;
}

/** What every sandbox accepts at start. */
export interface SandboxFaultOptions {
  /** Rules in force from the first request. */
  faults?: FaultRule[];
  /** Serve `PUT|GET|DELETE /__sandbox/faults` (tests only). Default false: those paths do not exist. */
  faultControl?: boolean;
  /** Seed of the generator that decides `rate`; the same seed and requests give the same hits. Default random. */
  faultSeed?: number;
}

/** What every running sandbox offers in process. */
export interface FaultControls {
  /** Replaces the rules; `seed` restarts the generator that decides `rate`. Throws FaultRulesError on a bad rule. */
  setFaults(rules: FaultRule[], seed?: number): void;
  clearFaults(): void;
  /** The rules in force, with what is left of their counts. */
  faults(): ActiveFaultRule[];
}

export const FAULT_CONTROL_PATH = '/__sandbox/faults';

/** Renders an injected status in the vendor's own error body (and sends it). */
export type FaultErrorRenderer = (res: Response, status: number) => void;

export interface SandboxFaults extends FaultControls {
  middleware: RequestHandler;
}

/** A rule set that cannot be applied: every problem, each naming the field and the rule it breaks. */
export class FaultRulesError extends Error {
  constructor(readonly details: { field: string; message: string }[]) {
    const [first] = details;
    const more = details.length - 1;
    super(
      `${first?.field ?? 'rules'} ${first?.message ?? 'is invalid'}` +
        (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''),
    );
    this.name = 'FaultRulesError';
  }
}

interface CompiledRule {
  rule: ActiveFaultRule;
  method?: string;
  matches: (path: string) => boolean;
}

const RULE_KEYS: readonly (keyof FaultRule)[] = [
  'route',
  'rate',
  'count',
  'latencyMs',
  'status',
  'retryAfterSeconds',
  'timeout',
  'reset',
  'lostResponse',
  'malformed',
];
const OUTCOMES = ['status', 'timeout', 'reset', 'lostResponse', 'malformed'] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const MAX_LATENCY_MS = 60_000;

/**
 * One sandbox's faults. `basePath` is the path part of the sandbox's base URL (`/v1`, `/api/partner`, '' …): rule
 * routes are relative to it, and a path outside it (a manifest link at the origin) is matched whole.
 */
export function sandboxFaults(options: {
  basePath: string;
  renderError: FaultErrorRenderer;
  faults?: FaultRule[];
  faultControl?: boolean;
  faultSeed?: number;
}): SandboxFaults {
  let compiled: CompiledRule[] = [];
  let random = mulberry32(options.faultSeed ?? randomSeed());
  const setFaults = (rules: FaultRule[], seed?: number): void => {
    if (seed !== undefined) checkSeed(seed, 'seed');
    compiled = compileRules(rules);
    if (seed !== undefined) random = mulberry32(seed);
  };
  const clearFaults = (): void => {
    compiled = [];
  };
  const faults = (): ActiveFaultRule[] => compiled.map((entry) => ({ ...entry.rule }));
  setFaults(options.faults ?? []);

  // Patterns of the vendor's routes, read from the app once its routes exist (on the first faulted request).
  let vendorRoutes: { method: string; pattern: string; matches: MatchFunction<object> }[] | undefined;
  const vendorRouteOf = (req: Request): string | undefined => {
    vendorRoutes ??= routesOf(req.app);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    return vendorRoutes.find((route) => route.method === method && route.matches(req.path) !== false)
      ?.pattern;
  };

  const control = controlRoute({ set: setFaults, clear: clearFaults, list: faults });

  const middleware: RequestHandler = (req, res, next) => {
    if (options.faultControl === true && req.path === FAULT_CONTROL_PATH) {
      control(req, res, next);
      return;
    }
    const path = relativePath(req.path, options.basePath);
    const hits = compiled.filter((entry) => {
      const { rule } = entry;
      if (rule.remaining === 0) return false;
      if (entry.method !== undefined && entry.method !== req.method) return false;
      if (!entry.matches(path)) return false;
      if (rule.rate !== undefined && rule.rate < 1 && !(random() < rule.rate)) return false;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      return true;
    });
    if (hits.length === 0) {
      next();
      return;
    }
    const latencyMs = hits.reduce((sum, entry) => sum + (entry.rule.latencyMs ?? 0), 0);
    const outcome = hits.find((entry) => OUTCOMES.some((kind) => entry.rule[kind] !== undefined))?.rule;
    const act = (): void => {
      // The caller may have given up during the latency: nothing is left to answer or to run.
      if (req.socket.destroyed) return;
      applyOutcome(req, res, next, outcome, { renderError: options.renderError, vendorRouteOf });
    };
    if (latencyMs > 0) setTimeout(act, latencyMs);
    else act();
  };

  return { middleware, setFaults, clearFaults, faults };
}

function applyOutcome(
  req: Request,
  res: Response,
  next: NextFunction,
  rule: FaultRule | undefined,
  how: { renderError: FaultErrorRenderer; vendorRouteOf: (req: Request) => string | undefined },
): void {
  // Requests answered here never reach the router: the counter is told which vendor route they were for.
  const countAtVendorRoute = (): void => countRequestNow(res, how.vendorRouteOf(req));
  if (rule?.status !== undefined) {
    if (rule.retryAfterSeconds !== undefined) res.set('retry-after', String(rule.retryAfterSeconds));
    countAtVendorRoute();
    how.renderError(res, rule.status);
    return;
  }
  if (rule?.timeout === true) {
    // Accepted and never answered; the connection ends when the client gives up or the sandbox closes.
    countAtVendorRoute();
    return;
  }
  if (rule?.reset === true) {
    countAtVendorRoute();
    req.socket.resetAndDestroy();
    return;
  }
  if (rule?.lostResponse === true) {
    hookEnd(res, (end) => {
      // Headers are written first so a sandbox that persists before replying (saveBeforeReply) still does:
      // the write is committed, only its answer is lost.
      if (!res.headersSent) res.writeHead(res.statusCode);
      countRequestNow(res, undefined);
      req.socket.destroy();
      void end;
    });
  } else if (rule?.malformed === true) {
    hookEnd(res, (end, chunk) => {
      if (res.statusCode < 200 || res.statusCode >= 300 || chunk === undefined) {
        end(chunk);
        return;
      }
      const broken = malformedJson(chunk.toString('utf8'));
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(broken));
      end(broken);
    });
  }
  next();
}

/**
 * Replaces `res.end` once: `replace` gets the original `end` and the final chunk (as a Buffer when there is one).
 * Express sends every body (json, send, end) through `end` in one piece.
 */
function hookEnd(
  res: Response,
  replace: (end: (chunk?: string | Buffer) => void, chunk: Buffer | undefined) => void,
): void {
  const original = res.end.bind(res) as (chunk?: unknown, encoding?: unknown, callback?: unknown) => Response;
  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    res.end = original as typeof res.end;
    const body =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array
          ? Buffer.from(chunk)
          : undefined;
    const done = typeof encoding === 'function' ? encoding : callback;
    replace((replacement) => original(replacement, done), body);
    return res;
  }) as typeof res.end;
}

/** The first half of the body: an object or array cut short never parses. */
export function malformedJson(text: string): string {
  const cut = text.slice(0, Math.floor(text.length / 2));
  try {
    JSON.parse(cut);
  } catch {
    return cut;
  }
  // A scalar whose prefix still parses (or an empty body): break it for sure.
  return `${cut}{`;
}

function relativePath(path: string, basePath: string): string {
  if (basePath === '' || basePath === '/') return path;
  if (path === basePath) return '/';
  return path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : path;
}

function routesOf(app: unknown): { method: string; pattern: string; matches: MatchFunction<object> }[] {
  const stack = (app as { router?: { stack?: unknown[] } }).router?.stack ?? [];
  const routes: { method: string; pattern: string; matches: MatchFunction<object> }[] = [];
  for (const layer of stack) {
    const route = (layer as { route?: { path?: unknown; methods?: Record<string, boolean> } }).route;
    if (typeof route?.path !== 'string') continue;
    const matches = match(route.path, { decode: false, end: true, sensitive: false, trailing: true });
    for (const [method, on] of Object.entries(route.methods ?? {})) {
      if (on) routes.push({ method: method.toUpperCase(), pattern: route.path, matches });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules: checked whole before any is applied, so a bad PUT leaves the old rules in force

function compileRules(rules: unknown): CompiledRule[] {
  const problems: { field: string; message: string }[] = [];
  if (!Array.isArray(rules)) throw new FaultRulesError([{ field: 'rules', message: 'must be an array' }]);
  const compiled: CompiledRule[] = [];
  rules.forEach((value: unknown, index) => {
    const problemsBefore = problems.length;
    const at = (key: string): string => `rules[${index}].${key}`;
    const problem = (field: string, message: string): void => {
      problems.push({ field, message });
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem(`rules[${index}]`, 'must be an object');
      return;
    }
    const rule = value as Record<string, unknown>;
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.includes(key as keyof FaultRule)) {
        problem(at(key), `is not a fault rule field (known: ${RULE_KEYS.join(', ')})`);
      }
    }
    let method: string | undefined;
    let matches: (path: string) => boolean = () => true;
    if (rule.route !== undefined && rule.route !== '*') {
      const parsed = typeof rule.route === 'string' ? /^([A-Za-z]+) (\/\S*)$/.exec(rule.route) : null;
      if (!parsed || !METHODS.includes((parsed[1] ?? '').toUpperCase())) {
        problem(at('route'), `must be '*' or '<METHOD> /path' with METHOD one of ${METHODS.join(', ')}`);
      } else {
        method = (parsed[1] ?? '').toUpperCase();
        try {
          const matcher = match(parsed[2] ?? '/', {
            decode: false,
            end: true,
            sensitive: false,
            trailing: true,
          });
          matches = (path) => matcher(path) !== false;
        } catch (error) {
          problem(at('route'), `is not an Express route path: ${(error as Error).message}`);
        }
      }
    }
    const number = (key: string, check: (n: number) => boolean, rule_: string): number | undefined => {
      const n = rule[key];
      if (n === undefined) return undefined;
      if (typeof n !== 'number' || !Number.isFinite(n) || !check(n)) {
        problem(at(key), `must be ${rule_}`);
        return undefined;
      }
      return n;
    };
    const rate = number('rate', (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
    const count = number('count', (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
    const latencyMs = number(
      'latencyMs',
      (n) => n >= 0 && n <= MAX_LATENCY_MS,
      `a number of milliseconds from 0 to ${MAX_LATENCY_MS}`,
    );
    const status = number(
      'status',
      (n) => n === 429 || (Number.isInteger(n) && n >= 500 && n <= 599),
      '429 or 500-599',
    );
    const retryAfter = number(
      'retryAfterSeconds',
      (n) => Number.isInteger(n) && n >= 0,
      'a non-negative integer',
    );
    for (const key of ['timeout', 'reset', 'lostResponse', 'malformed'] as const) {
      if (rule[key] !== undefined && typeof rule[key] !== 'boolean')
        problem(at(key), 'must be true or false');
    }
    if (retryAfter !== undefined && status === undefined) {
      problem(at('retryAfterSeconds'), 'needs status (429 or 5xx): it is sent with the injected error');
    }
    const outcomes = OUTCOMES.filter((kind) => rule[kind] !== undefined && rule[kind] !== false);
    if (outcomes.length > 1) {
      problem(
        at(outcomes[1] ?? ''),
        `cannot combine with ${outcomes[0]}: a rule has one outcome (latency combines)`,
      );
    }
    if (outcomes.length === 0 && (latencyMs ?? 0) === 0 && problems.length === problemsBefore) {
      problem(
        `rules[${index}]`,
        'does nothing: give latencyMs, status, timeout, reset, lostResponse or malformed',
      );
    }
    const active: ActiveFaultRule = {};
    if (rule.route !== undefined) active.route = rule.route as string;
    if (rate !== undefined) active.rate = rate;
    if (count !== undefined) active.count = active.remaining = count;
    if (latencyMs !== undefined) active.latencyMs = latencyMs;
    if (status !== undefined) active.status = status;
    if (retryAfter !== undefined) active.retryAfterSeconds = retryAfter;
    for (const kind of ['timeout', 'reset', 'lostResponse', 'malformed'] as const) {
      if (rule[kind] === true) active[kind] = true;
    }
    compiled.push({ rule: active, ...(method === undefined ? {} : { method }), matches });
  });
  if (problems.length > 0) throw new FaultRulesError(problems);
  return compiled;
}

function checkSeed(seed: unknown, field: string): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new FaultRulesError([{ field, message: 'must be an integer from 0 to 4294967295' }]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The control route: outside the vendor (no key, no rate limit, not counted)

function controlRoute(rules: {
  set: (rules: FaultRule[], seed?: number) => void;
  clear: () => void;
  list: () => ActiveFaultRule[];
}): RequestHandler {
  const readBody = rawBody();
  const refuse = (res: Response, details: { field: string; message: string }[]): void => {
    res.status(400).json({ error: new FaultRulesError(details).message, details });
  };
  return (req, res, next) => {
    excludeFromCounts(res);
    if (req.method === 'GET') {
      res.json({ rules: rules.list() });
    } else if (req.method === 'DELETE') {
      rules.clear();
      res.status(204).end();
    } else if (req.method === 'PUT') {
      readBody(req, res, (error?: unknown) => {
        if (error) {
          next(error);
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(typeof req.body === 'string' ? req.body : '');
        } catch {
          refuse(res, [
            { field: 'body', message: 'must be JSON: { "rules": [FaultRule, …], "seed"?: number }' },
          ]);
          return;
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          refuse(res, [{ field: 'body', message: 'must be an object { "rules": [...] }' }]);
          return;
        }
        const { rules: given, seed, ...rest } = body as Record<string, unknown>;
        const unknownKey = Object.keys(rest)[0];
        if (unknownKey !== undefined) {
          refuse(res, [{ field: unknownKey, message: 'is not known (send rules and optionally seed)' }]);
          return;
        }
        try {
          if (seed !== undefined) checkSeed(seed, 'seed');
          rules.set(given as FaultRule[], seed as number | undefined);
        } catch (problem) {
          if (!(problem instanceof FaultRulesError)) throw problem;
          refuse(res, problem.details);
          return;
        }
        res.json({ rules: rules.list() });
      });
    } else {
      res.set('allow', 'GET, PUT, DELETE');
      res.status(405).json({ error: `${req.method} is not allowed on ${FAULT_CONTROL_PATH}` });
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Rate decisions: a small seeded generator, so a test that pins the seed sees the same hits every run

/** mulberry32: 32-bit state, uniform in [0, 1); plenty for deciding fault rates. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}
