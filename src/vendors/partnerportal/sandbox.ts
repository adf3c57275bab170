/**
 * A faithful stand-in for the PartnerPortal API (first half of `000_925367e72c87abc3.txt`) on loopback.
 * One express app, one store and one rate-limit table per `startPartnerPortalSandbox()` call, living until
 * `close()`; tests start many side by side, so nothing mutable lives at module level.
 * Where the document is silent, the choices are written down in README.md.
 */
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { randomBytes } from 'node:crypto';
import {
  PP_BASE_PATH,
  PP_CLIENT_REQUEST_ID_HEADER,
  PP_DEFAULT_LIMIT,
  PP_ERROR_STATUS,
  PP_MAX_FILTER_VALUES,
  PP_MAX_LIMIT,
  PP_ORDER_STATUSES,
  PP_REQUEST_ID_HEADER,
} from './contract.js';
import type {
  PpCreateOrderRequest,
  PpCreatePartnerRequest,
  PpErrorBody,
  PpErrorCode,
  PpFieldError,
  PpList,
  PpMoney,
  PpOrder,
  PpOrderLine,
  PpOrderStatus,
  PpPartner,
  PpPartnerEventData,
  PpPing,
  PpPricing,
  PpProduct,
  PpWebhookEvent,
} from './contract.js';
import {
  SEEDED_ORDERS,
  SEEDED_PARTNER_COUNT,
  SEEDED_PARTNER_EXTERNAL_ID,
  SEEDED_PARTNER_ID,
  SEEDED_PRODUCT_IDS,
  seedCatalogue,
  seedOrders,
  seedPartners,
} from './sandbox-seed.js';
import type { SeedProduct } from './sandbox-seed.js';
import {
  createRequestCounter,
  fixedWindowRateLimit,
  jsonBody,
  keyMatcher,
  listenOnLoopback,
} from '../sandbox-server.js';
import type { RunningSandbox } from '../sandbox-server.js';
import { sandboxFaults } from '../sandbox-faults.js';
import type { SandboxFaultOptions } from '../sandbox-faults.js';
import { openSandboxStore } from '../sandbox-store.js';
import type { SandboxStore } from '../sandbox-store.js';
import { serveOpenApi } from '../sandbox-server.js';
import { partnerPortalOpenApi } from './openapi.js';
import { createWebhookSender } from './webhook-sender.js';
import type {
  PpWebhookAttempt,
  PpWebhookDeadLetter,
  PpWebhookFaults,
  PpWebhookSender,
  PpWebhookTarget,
} from './webhook-sender.js';

export type { PpWebhookAttempt, PpWebhookDeadLetter, PpWebhookFaults, PpWebhookTarget };

export {
  SEEDED_ORDERS,
  SEEDED_PARTNER_COUNT,
  SEEDED_PARTNER_EXTERNAL_ID,
  SEEDED_PARTNER_ID,
  SEEDED_PRODUCT_IDS,
};

export interface PartnerPortalSandboxOptions extends SandboxFaultOptions {
  /** The only key accepted as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** Seed ACME-001, 24 more partners and ACME's orders (the catalogue is always there). Default true. */
  seed?: boolean;
  /** Keep the state in this JSON file across restarts; undefined keeps it in memory only. */
  dataFile?: string;
  /** The sandbox clock: timestamps, ids and the rate-limit window. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Requests per key per fixed one-minute window. Default 600. */
  rateLimitPerMinute?: number;
  /**
   * Called after each change is stored, with the webhook payload (whether or not it is delivered). Exceptions
   * thrown here are swallowed.
   */
  onEvent?: (event: PpWebhookEvent) => void;
  /** Deliver every event, signed, to this endpoint (README "Webhooks"). Without it nothing is sent. */
  webhooks?: PpWebhookTarget;
  /**
   * Minutes after `created_at` at which the warehouse moves an order created through the API to processing,
   * shipped and delivered, each move an `order.updated`. Default 2, 30, 120; false: orders move only by PATCH.
   */
  fulfilmentMinutes?: PpFulfilmentMinutes | false;
  /** How often (real milliseconds) the warehouse looks at the sandbox clock for moves due. Default 1000. */
  fulfilmentTickMs?: number;
}

export interface PpFulfilmentMinutes {
  processing: number;
  shipped: number;
  delivered: number;
}

export interface PartnerPortalSandbox extends RunningSandbox {
  /** origin + '/v1': the base a client appends '/partners' etc. to. */
  baseUrl: string;
  /** Events recorded so far, oldest first (at most the last 1000). */
  events(): PpWebhookEvent[];
  /**
   * Starts (or retargets) webhook delivery for events from now on; undefined stops sending new ones (deliveries
   * under way finish). For a subscriber whose URL is known only after the sandbox started.
   */
  configureWebhooks(target: PpWebhookTarget | undefined): void;
  /** Deterministic delivery faults for tests: duplicate or reorder the next N events (`PpWebhookFaults`). */
  setWebhookFaults(faults: PpWebhookFaults): void;
  /** Every delivery attempt so far, oldest first. */
  webhookDeliveries(): PpWebhookAttempt[];
  /** Deliveries given up after `maxAttempts`. */
  deadLetters(): PpWebhookDeadLetter[];
  /** Resolves once no delivery is held, in flight or waiting for a retry. */
  flushWebhooks(): Promise<void>;
  /**
   * Makes every fulfilment move due by the sandbox clock now, as the ticker would, and answers the events it
   * recorded. With an injected clock, tests move the clock and call this.
   */
  advance(): Promise<PpWebhookEvent[]>;
}

export const DEFAULT_FULFILMENT_MINUTES: Readonly<PpFulfilmentMinutes> = Object.freeze({
  processing: 2,
  shipped: 30,
  delivered: 120,
});

const DEFAULT_RATE_LIMIT = 600;
const DEFAULT_TICK_MS = 1000;
const MINUTE_MS = 60_000;
const WINDOW_MS = 60_000;
const MAX_EVENTS = 1000;
const MAX_BODY = '1mb';

const MAX_EXTERNAL_ID = 64;
const MAX_NAME = 200;
const MAX_EMAIL = 254;
const MAX_REFERENCE = 100;
const MAX_LINES = 50;
const MAX_QUANTITY = 10_000;
const PHONE_DIGITS = { min: 7, max: 15 };

/**
 * Forward moves, skipping allowed (a warehouse may ship without ever reporting processing); cancelling only before
 * shipping. delivered and cancelled are final.
 */
const NEXT_STATUSES: Readonly<Record<PpOrderStatus, readonly PpOrderStatus[]>> = {
  pending: ['processing', 'shipped', 'delivered', 'cancelled'],
  processing: ['shipped', 'delivered', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/**
 * Everything one sandbox instance remembers, and all of it is written to the data file: plain objects in Maps
 * keyed by id, plus the id sequence. Rate-limit windows are not state: a restarted vendor forgets them.
 */
interface SandboxState {
  partners: Map<string, PpPartner>;
  orders: Map<string, PpOrder>;
  products: Map<string, SeedProduct>;
  /** Orders the ULID's middle part within a millisecond; never reused, even across restarts. */
  nextSequence: number;
  events: PpWebhookEvent[];
  /** Orders created through the API that the warehouse has yet to deliver (seeded orders are a fixed picture). */
  fulfilling: Set<string>;
}

interface SandboxContext {
  store: SandboxStore<SandboxState>;
  now: () => Date;
  onEvent: ((event: PpWebhookEvent) => void) | undefined;
  /** Hands a stored event to the webhook sender, when delivery is on. */
  deliver: (event: PpWebhookEvent) => void;
  minutes: PpFulfilmentMinutes | undefined;
}

type Handler = (req: Request, res: Response) => void;

export async function startPartnerPortalSandbox(
  options: PartnerPortalSandboxOptions,
): Promise<PartnerPortalSandbox> {
  const now = options.now ?? (() => new Date());
  const seed = options.seed ?? true;
  const minutes = options.fulfilmentMinutes === false ? undefined : checkMinutes(options.fulfilmentMinutes);
  const tickMs = options.fulfilmentTickMs ?? DEFAULT_TICK_MS;
  if (!Number.isInteger(tickMs) || tickMs < 1) {
    throw new TypeError('fulfilmentTickMs must be a positive integer');
  }

  // Created on first use and kept until close(), so deliveries under way survive a retarget or a stop.
  let sender: PpWebhookSender | undefined;
  let delivering = false;
  const configureWebhooks = (target: PpWebhookTarget | undefined): void => {
    if (target === undefined) {
      delivering = false;
      return;
    }
    if (sender) sender.configure(target);
    else sender = createWebhookSender({ target, now });
    delivering = true;
  };
  configureWebhooks(options.webhooks);

  const store = openSandboxStore<SandboxState>({
    file: options.dataFile,
    initial: () => initialState(seed),
    serialize,
    deserialize,
  });

  const ctx: SandboxContext = {
    store,
    now,
    onEvent: options.onEvent,
    deliver: (event) => {
      if (delivering) sender?.send(event);
    },
    minutes,
  };

  const faults = sandboxFaults({ ...options, basePath: PP_BASE_PATH, renderError: sendFault });
  const { middleware, counts } = createRequestCounter();
  const app = buildApp(ctx, options.apiKey, options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT, [
    middleware,
    faults.middleware,
  ]);
  const running = await listenOnLoopback(app, counts, options.port ?? 0, faults);

  // The warehouse: moves due orders (and sends their events) even when nobody asks. Unref'd so that it never keeps
  // a process alive on its own. A timer has no caller to answer: a failed save (a full disk) must not crash the
  // process, and the next write saves the whole state anyway.
  const ticker = setInterval(() => {
    try {
      advanceFulfilment(ctx);
    } catch {
      // Nothing to answer; see above.
    }
  }, tickMs);
  ticker.unref();
  let closing: Promise<void> | undefined;

  return {
    ...running,
    baseUrl: `${running.origin}${PP_BASE_PATH}`,
    events: () => store.state.events.map((event) => structuredClone(event)),
    configureWebhooks,
    setWebhookFaults: (faults) => {
      if (!sender) throw new Error('setWebhookFaults: webhooks are not configured');
      sender.setFaults(faults);
    },
    webhookDeliveries: () => sender?.deliveries() ?? [],
    deadLetters: () => sender?.deadLetters() ?? [],
    flushWebhooks: () => sender?.flush() ?? Promise.resolve(),
    advance: () => Promise.resolve(advanceFulfilment(ctx)),
    // Idempotent: a test's own close and its cleanup may both call it.
    close: () => {
      closing ??= (async () => {
        clearInterval(ticker);
        sender?.close();
        await running.close();
      })();
      return closing;
    },
  };
}

/** A misconfigured warehouse fails at start, not at its first tick. */
function checkMinutes(minutes: PpFulfilmentMinutes = DEFAULT_FULFILMENT_MINUTES): PpFulfilmentMinutes {
  const { processing, shipped, delivered } = minutes;
  const ordered = 0 <= processing && processing <= shipped && shipped <= delivered;
  if (![processing, shipped, delivered].every(Number.isFinite) || !ordered) {
    throw new TypeError('fulfilmentMinutes must satisfy 0 <= processing <= shipped <= delivered');
  }
  return { processing, shipped, delivered };
}

function buildApp(
  ctx: SandboxContext,
  apiKey: string,
  rateLimit: number,
  [counter, faults]: [RequestHandler, RequestHandler],
): Express {
  const app = express();
  serveOpenApi(app, partnerPortalOpenApi);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(counter);

  // First, so that every answer (401, 404 and 429 included) carries the ids.
  app.use((req, res, next) => {
    res.set(PP_REQUEST_ID_HEADER, `req_${ulid(ctx.now().getTime(), randomBase32(6))}`);
    const clientId = req.get(PP_CLIENT_REQUEST_ID_HEADER);
    if (clientId !== undefined && /^[\x21-\x7e]{1,200}$/.test(clientId)) {
      res.set(PP_CLIENT_REQUEST_ID_HEADER, clientId);
    }
    next();
  });

  // Injected faults come before the vendor's rate limit and key check (src/vendors/README.md).
  app.use(faults);

  app.use(rateLimiter(ctx, rateLimit));

  // Applies to unknown routes too: without a key, a caller learns nothing about which paths exist.
  const keyMatches = keyMatcher(apiKey);
  app.use((req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      sendError(res, 'unauthorized', 'Missing Authorization header; send Authorization: Bearer <API key>');
      return;
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match || !keyMatches(match[1] ?? '')) {
      sendError(res, 'unauthorized', 'Invalid API key');
      return;
    }
    next();
  });

  // A request never sees an order behind the clock, whether or not the ticker has run since a move fell due.
  app.use((_req, _res, next) => {
    advanceFulfilment(ctx);
    next();
  });

  // Read after the key check so an unauthenticated caller learns nothing from body errors; parsed here so that an
  // empty body is "no object", not {}, and a non-JSON content type is named rather than silently ignored.
  const body = jsonBody({
    notJson: (res) => sendValidation(res, [{ field: 'content-type', message: 'must be application/json' }]),
    malformed: (res) => sendValidation(res, [{ field: 'body', message: 'is not well-formed JSON' }]),
  });

  const v1 = PP_BASE_PATH;
  app.get(`${v1}/ping`, ping(ctx));
  app.get(`${v1}/partners`, listPartners(ctx));
  app.post(`${v1}/partners`, ...body, createPartner(ctx));
  app.get(`${v1}/partners/:id`, getPartner(ctx));
  app.patch(`${v1}/partners/:id`, ...body, updatePartner(ctx));
  app.get(`${v1}/products`, listProducts(ctx));
  app.get(`${v1}/products/:id`, getProduct(ctx));
  app.get(`${v1}/pricing`, listPricing(ctx));
  app.get(`${v1}/orders`, listOrders(ctx));
  app.post(`${v1}/orders`, ...body, createOrder(ctx));
  app.get(`${v1}/orders/:id`, getOrder(ctx));
  app.patch(`${v1}/orders/:id`, ...body, updateOrder(ctx));

  app.use((req: Request, res: Response) => {
    sendError(res, 'not_found', `No route ${req.method} ${req.path}`);
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: unknown } | null)?.type;
    const status = (err as { status?: unknown } | null)?.status;
    if (res.headersSent) return;
    if (type === 'entity.too.large') {
      sendValidation(res, [{ field: 'body', message: `must not exceed ${MAX_BODY.toUpperCase()}` }]);
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      sendValidation(res, [{ field: 'request', message: 'could not be read (malformed encoding or body)' }]);
    } else {
      sendError(res, 'internal_error', 'Internal error; retry, and contact support if it persists');
    }
  });

  return app;
}

/**
 * A fixed window per presented key, aligned to the clock's minute. Counted before authentication so that a flood
 * with a wrong key is limited too; a refused request does not use up the window.
 */
function rateLimiter(ctx: SandboxContext, limit: number): RequestHandler {
  return fixedWindowRateLimit({
    limit,
    windowMs: WINDOW_MS,
    now: ctx.now,
    refuse: (res, retryAfter) =>
      sendError(
        res,
        'rate_limited',
        `Rate limit of ${limit} requests per minute exceeded; retry after ${retryAfter} seconds`,
      ),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Route handlers

function ping(ctx: SandboxContext): Handler {
  return (_req, res) => {
    const body: PpPing = { ok: true, time: isoSeconds(ctx.now()) };
    res.json(body);
  };
}

function listPartners(ctx: SandboxContext): Handler {
  return (req, res) => {
    const query = new QueryReader(req);
    const externalId = query.single('external_id');
    const ids = query.csv('ids');
    const page = readPage(query, 'partners', ids !== undefined);
    if (query.details.length > 0 || page === undefined) {
      sendValidation(res, query.details);
      return;
    }
    const wanted = ids && new Set(ids);
    const matches = [...ctx.store.state.partners.values()].filter(
      (partner) =>
        (externalId === undefined || partner.external_id === externalId) &&
        (wanted === undefined || wanted.has(partner.id)),
    );
    res.json(paginate(matches, page, 'partners', partnerView));
  };
}

function createPartner(ctx: SandboxContext): Handler {
  return (req, res) => {
    const checked = validateCreatePartner(req.body as unknown);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const request = checked.request;
    const state = ctx.store.state;
    const existing = [...state.partners.values()].find((p) => p.external_id === request.external_id);
    if (existing) {
      sendError(res, 'conflict', `A partner with external_id ${request.external_id} already exists`, {
        field: 'external_id',
        existing_id: existing.id,
      });
      return;
    }
    const at = ctx.now();
    const partner: PpPartner = {
      id: nextId(ctx, 'ptn', at),
      external_id: request.external_id,
      name: request.name,
      email: request.email ?? null,
      phone: request.phone ?? null,
      created_at: isoSeconds(at),
      updated_at: isoSeconds(at),
    };
    state.partners.set(partner.id, partner);
    // The document lists no partner.created: a new partner is announced as partner.updated, its fields set.
    const changed: PpPartnerEventData['changed'] = ['name'];
    if (partner.email !== null) changed.push('email');
    if (partner.phone !== null) changed.push('phone');
    commit(ctx, [
      {
        id: nextId(ctx, 'evt', at),
        type: 'partner.updated',
        created_at: isoSeconds(at),
        data: { partner_id: partner.id, external_id: partner.external_id, changed },
      },
    ]);
    res.status(201).json(partnerView(partner));
  };
}

function getPartner(ctx: SandboxContext): Handler {
  return (req, res) => {
    const partner = findPartner(ctx, req, res);
    if (partner) res.json(partnerView(partner));
  };
}

function updatePartner(ctx: SandboxContext): Handler {
  return (req, res) => {
    const partner = findPartner(ctx, req, res);
    if (!partner) return;
    const checked = validateUpdatePartner(req.body as unknown, partner);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const changed: PpPartnerEventData['changed'] = [];
    for (const field of ['name', 'email', 'phone'] as const) {
      const value = checked.request[field];
      if (value === undefined || value === partner[field]) continue;
      changed.push(field);
    }
    if (changed.length === 0) {
      // Nothing changed, nothing stored and no event: a retried PATCH answers like the first one.
      res.json(partnerView(partner));
      return;
    }
    const at = ctx.now();
    if (checked.request.name !== undefined) partner.name = checked.request.name;
    if (checked.request.email !== undefined) partner.email = checked.request.email;
    if (checked.request.phone !== undefined) partner.phone = checked.request.phone;
    partner.updated_at = isoSeconds(at);
    commit(ctx, [
      {
        id: nextId(ctx, 'evt', at),
        type: 'partner.updated',
        created_at: isoSeconds(at),
        data: { partner_id: partner.id, external_id: partner.external_id, changed },
      },
    ]);
    res.json(partnerView(partner));
  };
}

function listProducts(ctx: SandboxContext): Handler {
  return (req, res) => {
    const query = new QueryReader(req);
    const ids = query.csv('ids');
    const skus = query.csv('skus');
    const active = query.boolean('active');
    const page = readPage(query, 'products', ids !== undefined || skus !== undefined);
    if (query.details.length > 0 || page === undefined) {
      sendValidation(res, query.details);
      return;
    }
    const wantedIds = ids && new Set(ids);
    const wantedSkus = skus && new Set(skus);
    const matches = [...ctx.store.state.products.values()]
      .map((stored) => stored.product)
      .filter(
        (product) =>
          (wantedIds === undefined || wantedIds.has(product.id)) &&
          (wantedSkus === undefined || wantedSkus.has(product.sku)) &&
          (active === undefined || product.active === active),
      );
    res.json(paginate(matches, page, 'products', productView));
  };
}

function getProduct(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = ctx.store.state.products.get(param(req, 'id'));
    if (!stored) {
      sendError(res, 'not_found', `No product ${param(req, 'id')}`);
      return;
    }
    res.json(productView(stored.product));
  };
}

function listPricing(ctx: SandboxContext): Handler {
  return (req, res) => {
    const query = new QueryReader(req);
    const productIds = query.csv('product_ids');
    const skus = query.csv('skus');
    const page = readPage(query, 'pricing', productIds !== undefined || skus !== undefined);
    if (query.details.length > 0 || page === undefined) {
      sendValidation(res, query.details);
      return;
    }
    const wantedIds = productIds && new Set(productIds);
    const wantedSkus = skus && new Set(skus);
    // Inactive products cannot be ordered, so they have no price to quote.
    const matches = [...ctx.store.state.products.values()].filter(
      ({ product }) =>
        product.active &&
        (wantedIds === undefined || wantedIds.has(product.id)) &&
        (wantedSkus === undefined || wantedSkus.has(product.sku)),
    );
    const list = paginate(
      matches.map((stored) => ({ ...stored, id: stored.product.id, created_at: stored.product.created_at })),
      page,
      'pricing',
      pricingView,
    );
    res.json(list);
  };
}

function listOrders(ctx: SandboxContext): Handler {
  return (req, res) => {
    const query = new QueryReader(req);
    const partnerId = query.single('partner_id');
    const status = query.single('status');
    if (status !== undefined && !isOrderStatus(status)) {
      query.details.push({ field: 'status', message: `must be one of ${PP_ORDER_STATUSES.join(', ')}` });
    }
    const reference = query.single('external_reference');
    const ids = query.csv('ids');
    const page = readPage(query, 'orders', ids !== undefined);
    if (query.details.length > 0 || page === undefined) {
      sendValidation(res, query.details);
      return;
    }
    const wanted = ids && new Set(ids);
    const matches = [...ctx.store.state.orders.values()].filter(
      (order) =>
        (partnerId === undefined || order.partner_id === partnerId) &&
        (status === undefined || order.status === status) &&
        (reference === undefined || order.external_reference === reference) &&
        (wanted === undefined || wanted.has(order.id)),
    );
    res.json(paginate(matches, page, 'orders', orderView));
  };
}

function createOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const state = ctx.store.state;
    const checked = validateCreateOrder(req.body as unknown, state);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const request = checked.request;
    const existing = [...state.orders.values()].find(
      (order) =>
        order.partner_id === request.partner_id && order.external_reference === request.external_reference,
    );
    if (existing) {
      sendError(
        res,
        'conflict',
        `Partner ${request.partner_id} already has an order with external_reference ${request.external_reference}`,
        { field: 'external_reference', existing_id: existing.id },
      );
      return;
    }
    const at = ctx.now();
    const order = buildOrder(state, {
      id: nextId(ctx, 'ord', at),
      ...request,
      status: 'pending',
      created_at: isoSeconds(at),
      updated_at: isoSeconds(at),
    });
    state.orders.set(order.id, order);
    // Queued even with the warehouse off, so a restart with it on picks the order up.
    state.fulfilling.add(order.id);
    commit(ctx, [orderEvent(ctx, 'order.created', order, at)]);
    res.status(201).json(orderView(order));
  };
}

function getOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const order = findOrder(ctx, req, res);
    if (order) res.json(orderView(order));
  };
}

function updateOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const order = findOrder(ctx, req, res);
    if (!order) return;
    const checked = validateUpdateOrder(req.body as unknown);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const target = checked.request.status;
    if (target === order.status) {
      // Idempotent, so that a PATCH retried after a lost answer does not turn into a conflict.
      res.json(orderView(order));
      return;
    }
    if (!NEXT_STATUSES[order.status].includes(target)) {
      const allowed = NEXT_STATUSES[order.status];
      sendError(
        res,
        'conflict',
        `Order ${order.id} is ${order.status} and cannot move to ${target}` +
          (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ` (${order.status} is final)`),
        { field: 'status', current_status: order.status },
      );
      return;
    }
    const at = ctx.now();
    const previous = order.status;
    order.status = target;
    order.updated_at = isoSeconds(at);
    commit(ctx, [orderEvent(ctx, 'order.updated', order, at, previous)]);
    res.json(orderView(order));
  };
}

/** Route parameters this sandbox declares are single path segments; express decodes them once. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function findPartner(ctx: SandboxContext, req: Request, res: Response): PpPartner | undefined {
  const partner = ctx.store.state.partners.get(param(req, 'id'));
  if (!partner) sendError(res, 'not_found', `No partner ${param(req, 'id')}`);
  return partner;
}

function findOrder(ctx: SandboxContext, req: Request, res: Response): PpOrder | undefined {
  const order = ctx.store.state.orders.get(param(req, 'id'));
  if (!order) sendError(res, 'not_found', `No order ${param(req, 'id')}`);
  return order;
}

// ---------------------------------------------------------------------------------------------------------------
// State, events and persistence

/**
 * Stores the change (and its events) before anyone hears of it, like a vendor that commits and then notifies:
 * an event never describes a change a restart would lose.
 */
function commit(ctx: SandboxContext, events: PpWebhookEvent[]): void {
  const state = ctx.store.state;
  state.events.push(...events);
  if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
  ctx.store.save();
  for (const event of events) {
    try {
      ctx.onEvent?.(structuredClone(event));
    } catch {
      // A listener's failure is the listener's; the change is already stored and answered.
    }
    ctx.deliver(event);
  }
}

/** Rank in the forward flow; cancelled is off it (and final). */
const FLOW: readonly PpOrderStatus[] = ['pending', 'processing', 'shipped', 'delivered'];

/**
 * The warehouse: every order it still works on moves to each status whose time (minutes after created_at) has
 * come, one `order.updated` per step, dated when the step fell due (as a warehouse running all along would have
 * sent it), so a clock that jumps three hours yields processing, shipped, delivered in that order. Never backwards:
 * an order PATCHed ahead of its schedule waits for the schedule to pass it; cancelled and delivered leave the queue.
 * Everything due goes into one commit, so the file is written once per advance.
 */
function advanceFulfilment(ctx: SandboxContext): PpWebhookEvent[] {
  const { minutes } = ctx;
  const state = ctx.store.state;
  if (!minutes || state.fulfilling.size === 0) return [];
  const nowMs = ctx.now().getTime();
  const events: PpWebhookEvent[] = [];
  let changedQueue = false;
  for (const id of [...state.fulfilling]) {
    const order = state.orders.get(id);
    if (!order || order.status === 'cancelled' || order.status === 'delivered') {
      state.fulfilling.delete(id);
      changedQueue = true;
      continue;
    }
    const created = Date.parse(order.created_at);
    for (const step of ['processing', 'shipped', 'delivered'] as const) {
      const due = created + minutes[step] * MINUTE_MS;
      if (due > nowMs || FLOW.indexOf(step) <= FLOW.indexOf(order.status)) continue;
      // Not before the order's last change: a clock set back, or a PATCH dated after this step fell due.
      const at = new Date(Math.max(due, Date.parse(order.updated_at)));
      const previous = order.status;
      order.status = step;
      order.updated_at = isoSeconds(at);
      events.push(orderEvent(ctx, 'order.updated', order, at, previous));
    }
    if (order.status === 'delivered') {
      state.fulfilling.delete(id);
      changedQueue = true;
    }
  }
  if (events.length > 0 || changedQueue) commit(ctx, events);
  return events.map((event) => structuredClone(event));
}

function orderEvent(
  ctx: SandboxContext,
  type: 'order.created' | 'order.updated',
  order: PpOrder,
  at: Date,
  previous?: PpOrderStatus,
): PpWebhookEvent {
  return {
    id: nextId(ctx, 'evt', at),
    type,
    created_at: isoSeconds(at),
    data: compact({
      order_id: order.id,
      partner_id: order.partner_id,
      external_reference: order.external_reference,
      status: order.status,
      previous_status: previous,
    }),
  };
}

function initialState(seed: boolean): SandboxState {
  const state: SandboxState = {
    partners: new Map(),
    orders: new Map(),
    products: new Map(seedCatalogue().map((stored) => [stored.product.id, stored])),
    nextSequence: 1,
    events: [],
    fulfilling: new Set(),
  };
  if (seed) {
    for (const partner of seedPartners()) state.partners.set(partner.id, partner);
    for (const order of seedOrders()) state.orders.set(order.id, buildOrder(state, order));
  }
  return state;
}

interface SerializedState {
  format: typeof STATE_FORMAT;
  partners: PpPartner[];
  orders: PpOrder[];
  products: SeedProduct[];
  next_sequence: number;
  events: PpWebhookEvent[];
  /** Absent in files written before the warehouse existed. */
  fulfilling?: string[];
}

const STATE_FORMAT = 'partnerportal-sandbox/1';

function serialize(state: SandboxState): SerializedState {
  return {
    format: STATE_FORMAT,
    partners: [...state.partners.values()],
    orders: [...state.orders.values()],
    products: [...state.products.values()],
    next_sequence: state.nextSequence,
    events: state.events,
    fulfilling: [...state.fulfilling],
  };
}

/** Trusts the file's records (the sandbox wrote them) but refuses a file that is not ours at all. */
function deserialize(data: unknown): SandboxState {
  const file = data as Partial<SerializedState> | null;
  if (
    !isObject(file) ||
    file.format !== STATE_FORMAT ||
    !Array.isArray(file.partners) ||
    !Array.isArray(file.orders) ||
    !Array.isArray(file.products) ||
    !Array.isArray(file.events) ||
    typeof file.next_sequence !== 'number'
  ) {
    throw new Error(`not a ${STATE_FORMAT} state file`);
  }
  // An older file: the warehouse takes on every live order that was not seeded.
  const seeded = new Set(SEEDED_ORDERS.map((order) => order.id));
  const fulfilling = Array.isArray(file.fulfilling)
    ? file.fulfilling
    : file.orders
        .filter(
          (order) => !seeded.has(order.id) && order.status !== 'cancelled' && order.status !== 'delivered',
        )
        .map((order) => order.id);
  return {
    partners: new Map(file.partners.map((partner) => [partner.id, partner])),
    orders: new Map(file.orders.map((order) => [order.id, order])),
    products: new Map(file.products.map((stored) => [stored.product.id, stored])),
    nextSequence: file.next_sequence,
    events: file.events,
    fulfilling: new Set(fulfilling),
  };
}

/** Prices the lines now, with tiers; a validated request guarantees every product exists. */
function buildOrder(
  state: SandboxState,
  fields: Omit<PpOrder, 'lines' | 'total'> & { lines: PpCreateOrderRequest['lines'] },
): PpOrder {
  const lines: PpOrderLine[] = fields.lines.map(({ product_id, quantity }) => {
    const stored = state.products.get(product_id);
    if (!stored) throw new Error(`Order line names unknown product ${product_id}`);
    const { product } = stored;
    const unit = unitPrice(stored, quantity);
    return {
      product_id,
      sku: product.sku,
      name: product.name,
      quantity,
      unit_price: { amount: unit, currency: product.price.currency },
      line_total: { amount: unit * quantity, currency: product.price.currency },
    };
  });
  const currency = lines[0]?.unit_price.currency ?? 'DKK';
  return {
    id: fields.id,
    partner_id: fields.partner_id,
    external_reference: fields.external_reference,
    status: fields.status,
    lines,
    total: { amount: lines.reduce((sum, line) => sum + line.line_total.amount, 0), currency },
    created_at: fields.created_at,
    updated_at: fields.updated_at,
  };
}

/** The highest tier the quantity reaches, else the base price. */
function unitPrice(stored: SeedProduct, quantity: number): number {
  let price = stored.product.price.amount;
  let reached = 0;
  for (const tier of stored.tiers) {
    if (quantity >= tier.min_quantity && tier.min_quantity >= reached) {
      price = tier.unit_price;
      reached = tier.min_quantity;
    }
  }
  return price;
}

// ---------------------------------------------------------------------------------------------------------------
// Ids: prefix + ULID (the document's `evt_01HXYZ...` and `req_01HXYZ...` are ULIDs)

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeBase32(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function randomBase32(length: number): string {
  return [...randomBytes(length)].map((byte) => CROCKFORD.charAt(byte % 32)).join('');
}

/** 10 characters of milliseconds, then the rest: 26 characters in all. */
function ulid(ms: number, suffix: string): string {
  return encodeBase32(Math.max(0, ms), 10) + suffix + randomBase32(16 - suffix.length);
}

/**
 * The persisted sequence sits right after the time, so ids of one millisecond sort in creation order: `id` breaks
 * `created_at` ties in every list.
 */
function nextId(ctx: SandboxContext, prefix: 'ptn' | 'ord' | 'evt', at: Date): string {
  const state = ctx.store.state;
  const sequence = state.nextSequence;
  state.nextSequence += 1;
  return `${prefix}_${ulid(at.getTime(), encodeBase32(sequence, 6))}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Lists: one envelope, one cursor format, one order (created_at, then id)

type ListKind = 'partners' | 'products' | 'pricing' | 'orders';

interface Page {
  limit: number;
  after: { created_at: string; id: string } | undefined;
}

/** Reads query parameters, collecting every problem under the parameter's name. */
class QueryReader {
  readonly details: PpFieldError[] = [];
  private readonly query: Record<string, unknown>;

  constructor(req: Request) {
    this.query = req.query;
  }

  single(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.details.push({ field: name, message: 'must be given once, as a single value' });
      return undefined;
    }
    return value;
  }

  /** `a,b,c`: 1–100 non-empty entries, blanks around commas ignored. */
  csv(name: string): string[] | undefined {
    const value = this.single(name);
    if (value === undefined) return undefined;
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.some((entry) => entry === '')) {
      this.details.push({ field: name, message: 'must be a comma-separated list without empty entries' });
      return undefined;
    }
    if (entries.length > PP_MAX_FILTER_VALUES) {
      this.details.push({ field: name, message: `must have at most ${PP_MAX_FILTER_VALUES} entries` });
      return undefined;
    }
    return entries;
  }

  boolean(name: string): boolean | undefined {
    const value = this.single(name);
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    this.details.push({ field: name, message: 'must be true or false' });
    return undefined;
  }
}

/** A batch filter raises the default limit to the maximum, so one call answers every id it names. */
function readPage(query: QueryReader, kind: ListKind, batch: boolean): Page | undefined {
  const rawLimit = query.single('limit');
  let limit = batch ? PP_MAX_LIMIT : PP_DEFAULT_LIMIT;
  let ok = true;
  if (rawLimit !== undefined) {
    if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > PP_MAX_LIMIT) {
      query.details.push({ field: 'limit', message: `must be an integer from 1 to ${PP_MAX_LIMIT}` });
      ok = false;
    } else {
      limit = Number(rawLimit);
    }
  }
  const rawCursor = query.single('cursor');
  let after: Page['after'];
  if (rawCursor !== undefined) {
    after = decodeCursor(rawCursor, kind);
    if (after === undefined) {
      query.details.push({ field: 'cursor', message: 'is not a cursor this list handed out' });
      ok = false;
    }
  }
  return ok ? { limit, after } : undefined;
}

/**
 * The cursor names the last item of the page, not an offset, so pages neither skip nor repeat items when others
 * are created meanwhile. It also names its list, so a partners cursor is refused by orders.
 */
function encodeCursor(kind: ListKind, item: { created_at: string; id: string }): string {
  return Buffer.from(JSON.stringify({ k: kind, t: item.created_at, i: item.id }), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string, kind: ListKind): Page['after'] {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      !isObject(parsed) ||
      parsed.k !== kind ||
      typeof parsed.t !== 'string' ||
      typeof parsed.i !== 'string'
    ) {
      return undefined;
    }
    return { created_at: parsed.t, id: parsed.i };
  } catch {
    return undefined;
  }
}

function compareKeys(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function paginate<T extends { created_at: string; id: string }, V>(
  matches: T[],
  page: Page,
  kind: ListKind,
  view: (item: T) => V,
): PpList<V> {
  const sorted = [...matches].sort(compareKeys);
  const after = page.after;
  const rest = after === undefined ? sorted : sorted.filter((item) => compareKeys(item, after) > 0);
  const slice = rest.slice(0, page.limit);
  const hasMore = rest.length > slice.length;
  const last = slice[slice.length - 1];
  return {
    data: slice.map(view),
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? encodeCursor(kind, last) : null,
    total_count: sorted.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Wire views: keys in a fixed order, copies so that callers never hold live state

function partnerView(partner: PpPartner): PpPartner {
  return {
    id: partner.id,
    external_id: partner.external_id,
    name: partner.name,
    email: partner.email,
    phone: partner.phone,
    created_at: partner.created_at,
    updated_at: partner.updated_at,
  };
}

function productView(product: PpProduct): PpProduct {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: { ...product.price },
    min_quantity: product.min_quantity,
    active: product.active,
    created_at: product.created_at,
    updated_at: product.updated_at,
  };
}

function pricingView(stored: SeedProduct): PpPricing {
  const { product } = stored;
  const tiers = [...stored.tiers]
    .sort((a, b) => a.min_quantity - b.min_quantity)
    .map((tier) => ({ ...tier }));
  return compact({
    product_id: product.id,
    sku: product.sku,
    currency: product.price.currency,
    unit_price: product.price.amount,
    tiers: tiers.length > 0 ? tiers : undefined,
  });
}

function orderView(order: PpOrder): PpOrder {
  const money = (value: PpMoney): PpMoney => ({ amount: value.amount, currency: value.currency });
  return {
    id: order.id,
    partner_id: order.partner_id,
    external_reference: order.external_reference,
    status: order.status,
    lines: order.lines.map((line) => ({
      product_id: line.product_id,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unit_price: money(line.unit_price),
      line_total: money(line.line_total),
    })),
    total: money(order.total),
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every problem is reported at once, each under its JSON path

type Checked<T> = { request: T } | { details: PpFieldError[] };
type Problem = (field: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOrderStatus(value: string): value is PpOrderStatus {
  return (PP_ORDER_STATUSES as readonly string[]).includes(value);
}

function collector(): { details: PpFieldError[]; problem: Problem } {
  const details: PpFieldError[] = [];
  return { details, problem: (field, message) => details.push({ field, message }) };
}

function validateCreatePartner(body: unknown): Checked<PpCreatePartnerRequest> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const { details, problem } = collector();
  const externalId = externalIdOf(body.external_id, problem);
  const name = nameOf(body.name, problem);
  const email = contactOf(body.email, 'email', problem);
  const phone = contactOf(body.phone, 'phone', problem);
  if (details.length > 0 || externalId === undefined || name === undefined) return { details };
  return { request: { external_id: externalId, name, email: email ?? null, phone: phone ?? null } };
}

/** undefined in the result means "leave as is"; null clears. */
function validateUpdatePartner(
  body: unknown,
  partner: PpPartner,
): Checked<{ name?: string; email?: string | null; phone?: string | null }> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const { details, problem } = collector();
  if (body.external_id !== undefined && body.external_id !== partner.external_id) {
    problem('external_id', 'is immutable; create a new partner for a new external_id');
  }
  const name = body.name === undefined ? undefined : nameOf(body.name, problem);
  const email = contactOf(body.email, 'email', problem);
  const phone = contactOf(body.phone, 'phone', problem);
  if (details.length > 0) return { details };
  return { request: compact({ name, email, phone }) };
}

function externalIdOf(value: unknown, problem: Problem): string | undefined {
  if (value === undefined || value === null) {
    problem('external_id', 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || !new RegExp(`^[A-Za-z0-9._-]{1,${MAX_EXTERNAL_ID}}$`).test(value)) {
    problem('external_id', `must be 1–${MAX_EXTERNAL_ID} characters of A–Z, a–z, 0–9, '.', '_' or '-'`);
    return undefined;
  }
  return value;
}

function nameOf(value: unknown, problem: Problem): string | undefined {
  if (value === undefined || value === null) {
    problem('name', 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME) {
    problem('name', `must be a non-blank string of at most ${MAX_NAME} characters`);
    return undefined;
  }
  return value;
}

/** Absent stays undefined, null stays null (it clears on PATCH and means "none" on create). */
function contactOf(value: unknown, field: 'email' | 'phone', problem: Problem): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') {
    problem(field, 'must be a string or null');
    return undefined;
  }
  if (field === 'email') {
    if (value.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      problem('email', 'is not valid');
      return undefined;
    }
    return value;
  }
  const digits = value.replace(/\D/g, '').length;
  if (!/^\+?\d[\d -]*\d$/.test(value) || digits < PHONE_DIGITS.min || digits > PHONE_DIGITS.max) {
    problem(
      'phone',
      `is not valid: use digits, spaces and hyphens with an optional leading +, ` +
        `${PHONE_DIGITS.min}–${PHONE_DIGITS.max} digits in all`,
    );
    return undefined;
  }
  return value;
}

/** Product and partner references are checked here too: Stripe-like, a dangling reference is a 400 on its field. */
function validateCreateOrder(body: unknown, state: SandboxState): Checked<PpCreateOrderRequest> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const { details, problem } = collector();

  let partnerId: string | undefined;
  if (typeof body.partner_id !== 'string' || body.partner_id === '') {
    problem('partner_id', 'is required (a partner id)');
  } else if (!state.partners.has(body.partner_id)) {
    problem('partner_id', `does not match any partner (no partner ${body.partner_id})`);
  } else {
    partnerId = body.partner_id;
  }

  let reference: string | undefined;
  const rawReference = body.external_reference;
  if (typeof rawReference !== 'string' || rawReference.trim() === '' || rawReference.length > MAX_REFERENCE) {
    problem('external_reference', `must be a non-blank string of at most ${MAX_REFERENCE} characters`);
  } else {
    reference = rawReference;
  }

  const lines: PpCreateOrderRequest['lines'] = [];
  const currencies = new Set<string>();
  if (!Array.isArray(body.lines) || body.lines.length === 0) {
    problem('lines', 'must be a non-empty array');
  } else if (body.lines.length > MAX_LINES) {
    problem('lines', `must have at most ${MAX_LINES} entries`);
  } else {
    (body.lines as unknown[]).forEach((raw, index) => {
      const at = `lines[${index}]`;
      if (!isObject(raw)) {
        problem(at, 'must be an object');
        return;
      }
      let stored: SeedProduct | undefined;
      if (typeof raw.product_id !== 'string' || raw.product_id === '') {
        problem(`${at}.product_id`, 'is required (a product id)');
      } else {
        stored = state.products.get(raw.product_id);
        if (!stored) problem(`${at}.product_id`, `does not match any product (no product ${raw.product_id})`);
        else if (!stored.product.active) problem(`${at}.product_id`, `is not active (${stored.product.sku})`);
      }
      const quantity = raw.quantity;
      const least = stored?.product.min_quantity ?? 1;
      if (
        typeof quantity !== 'number' ||
        !Number.isInteger(quantity) ||
        quantity < 1 ||
        quantity > MAX_QUANTITY
      ) {
        problem(`${at}.quantity`, `must be an integer from 1 to ${MAX_QUANTITY}`);
      } else if (quantity < least) {
        problem(
          `${at}.quantity`,
          `must be at least ${least}, the min_quantity of ${stored?.product.sku ?? ''}`,
        );
      } else if (stored?.product.active) {
        lines.push({ product_id: stored.product.id, quantity });
        currencies.add(stored.product.price.currency);
      }
    });
    if (currencies.size > 1) problem('lines', 'must all be priced in one currency');
  }

  if (details.length > 0 || partnerId === undefined || reference === undefined) return { details };
  return { request: { partner_id: partnerId, external_reference: reference, lines } };
}

function validateUpdateOrder(body: unknown): Checked<{ status: PpOrderStatus }> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const { details, problem } = collector();
  for (const field of ['partner_id', 'external_reference', 'lines'] as const) {
    if (body[field] !== undefined) problem(field, 'cannot be changed; only status can');
  }
  const status = body.status;
  if (typeof status !== 'string' || !isOrderStatus(status)) {
    problem('status', `must be one of ${PP_ORDER_STATUSES.join(', ')}`);
  }
  if (details.length > 0 || typeof status !== 'string' || !isOrderStatus(status)) return { details };
  return { request: { status } };
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

function requestIdOf(res: Response): string {
  const value = res.getHeader(PP_REQUEST_ID_HEADER);
  return typeof value === 'string' ? value : '';
}

function sendError(
  res: Response,
  code: PpErrorCode,
  message: string,
  extra: Omit<PpErrorBody['error'], 'code' | 'message' | 'request_id'> = {},
  status = PP_ERROR_STATUS[code],
): void {
  const body: PpErrorBody = { error: { code, message, request_id: requestIdOf(res), ...extra } };
  res.status(status).json(body);
}

/** An injected 5xx or 429 (src/vendors/README.md). */
function sendFault(res: Response, status: number): void {
  if (status === 429) sendError(res, 'rate_limited', 'Too many requests; retry later', {}, status);
  else
    sendError(res, 'internal_error', 'Internal error; retry, and contact support if it persists', {}, status);
}

/** The message follows the document's example, `email is not valid`, and counts what else is wrong. */
function sendValidation(res: Response, details: PpFieldError[]): void {
  const [first] = details;
  const more = details.length - 1;
  const message = first
    ? `${first.field} ${first.message}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    : 'Invalid request';
  sendError(res, 'validation_error', message, compact({ field: first?.field, details }));
}

/** `YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
