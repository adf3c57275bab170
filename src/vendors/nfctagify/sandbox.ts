/**
 * A faithful stand-in for the NFC Tagify Partner API (`002_b857fd50220a5ab8.txt`) on loopback.
 * One express app, one store and one set of rate-limit windows per `startNfcTagifySandbox()` call, living until
 * `close()`; tests start many side by side, so nothing mutable lives at module level.
 * Where the document is silent or says [NEEDS VERIFICATION], the choices are written down in README.md.
 */
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import {
  NT_BASE_PATH,
  NT_DEFAULT_PER_PAGE,
  NT_HTTP_STATUS_BY_CODE,
  NT_MAX_PER_PAGE,
  NT_MAX_QUANTITY,
  NT_ORDER_STATUSES,
} from './contract.js';
import type {
  NtCreateOrderRequest,
  NtCreatedOrder,
  NtErrorBody,
  NtErrorCode,
  NtFieldError,
  NtOrder,
  NtOrderStatus,
  NtPage,
  NtPrice,
  NtProduct,
  NtShipping,
  NtSuccess,
} from './contract.js';
import {
  DOC_PRODUCT_ID,
  KEY_FOB_PRODUCT_ID,
  NFC_TAGIFY_CATALOGUE,
  PREMIUM_METAL_PRODUCT_ID,
  SEEDED_CUSTOMER_REFERENCES,
  SEEDED_ORDER_IDS,
  STICKER_PACK_PRODUCT_ID,
  WRISTBAND_PRODUCT_ID,
  findCatalogueProduct,
  isoSeconds,
  seedOrders,
  trackingNumber,
} from './sandbox-seed.js';
import type { FulfilmentMinutes, NfcTagifyCatalogueProduct, SandboxOrderRecord } from './sandbox-seed.js';
import { createRequestCounter, jsonBody, listenOnLoopback } from '../sandbox-server.js';
import type { RunningSandbox } from '../sandbox-server.js';
import { sandboxFaults } from '../sandbox-faults.js';
import type { SandboxFaultOptions } from '../sandbox-faults.js';
import { openSandboxStore } from '../sandbox-store.js';
import { serveOpenApi } from '../sandbox-server.js';
import { nfcTagifyOpenApi } from './openapi.js';
import type { SandboxStore } from '../sandbox-store.js';

export {
  DOC_PRODUCT_ID,
  KEY_FOB_PRODUCT_ID,
  NFC_TAGIFY_CATALOGUE,
  PREMIUM_METAL_PRODUCT_ID,
  SEEDED_CUSTOMER_REFERENCES,
  SEEDED_ORDER_IDS,
  STICKER_PACK_PRODUCT_ID,
  WRISTBAND_PRODUCT_ID,
};
export type { FulfilmentMinutes, NfcTagifyCatalogueProduct };

export interface NfcTagifySandboxAccount {
  apiKey: string;
  accountId: string;
  /** Unit price per product_id for this account only; products without one cost the standard price. */
  priceOverrides?: Record<string, number>;
}

export interface NfcTagifySandboxOptions extends SandboxFaultOptions {
  /** Accounts: each API key is one partner account, with optional per-product price overrides. At least one. */
  accounts: NfcTagifySandboxAccount[];
  /** Seed the catalogue's order history for the first account. Default true; never applied to a restored file. */
  seed?: boolean;
  /** Persist orders and daily counters in this JSON file; undefined keeps them in memory only. */
  dataFile?: string;
  /** The sandbox clock: created_at, status progression, rate-limit windows and the UTC day. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Per account, fixed one-minute windows. Default 60. */
  requestsPerMinute?: number;
  /** Accepted orders per account per UTC day. Default 500. */
  ordersPerDay?: number;
  /** Minutes after creation at which an order becomes processing / dispatched / delivered. */
  fulfilmentMinutes?: FulfilmentMinutes;
}

export interface NfcTagifySandbox extends RunningSandbox {
  /** origin + '/api/partner': the base a client appends '/products', '/orders', … to. */
  baseUrl: string;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 60;
export const DEFAULT_ORDERS_PER_DAY = 500;
export const DEFAULT_FULFILMENT_MINUTES: Readonly<FulfilmentMinutes> = Object.freeze({
  processing: 1,
  dispatched: 10,
  delivered: 60,
});

/** Sandbox-only control route (not part of the vendor API): cancels a pending or processing order. */
export const SANDBOX_CANCEL_ROUTE = '/__sandbox/orders/:order_id/cancel';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const MAX_REFERENCE = 100;
const MAX_ADDRESS_TEXT = 100;
const MAX_POSTCODE = 16;

interface Account {
  accountId: string;
  keyDigest: Buffer;
  priceOverrides: Map<string, number>;
}

/** Orders accepted by one account on one UTC day; a new day starts from zero. */
interface DailyCounter {
  day: string;
  count: number;
}

/** What a restart on the same dataFile keeps, like the vendor's database. Rate-limit windows are not in it. */
interface SandboxState {
  orders: Map<string, SandboxOrderRecord>;
  daily: Map<string, DailyCounter>;
}

interface SerializedState {
  version: 1;
  orders: SandboxOrderRecord[];
  daily: [string, DailyCounter][];
}

interface SandboxContext {
  store: SandboxStore<SandboxState>;
  accounts: Account[];
  now: () => Date;
  requestsPerMinute: number;
  ordersPerDay: number;
  minutes: FulfilmentMinutes;
  /** Per account: the current one-minute window. In memory only, as a restart of a real gateway forgets them. */
  rateWindows: Map<string, { start: number; count: number }>;
  /** The authenticated account of a request in flight; entries go with their request. */
  accountOf: WeakMap<Request, Account>;
}

type Handler = (req: Request, res: Response) => void;

export async function startNfcTagifySandbox(options: NfcTagifySandboxOptions): Promise<NfcTagifySandbox> {
  const accounts = checkAccounts(options.accounts);
  const minutes = checkMinutes(options.fulfilmentMinutes ?? DEFAULT_FULFILMENT_MINUTES);
  const requestsPerMinute = checkPositiveInteger(
    'requestsPerMinute',
    options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
  );
  const ordersPerDay = checkPositiveInteger('ordersPerDay', options.ordersPerDay ?? DEFAULT_ORDERS_PER_DAY);
  const now = options.now ?? (() => new Date());
  const [firstAccount] = accounts as [Account, ...Account[]];

  const store = openSandboxStore<SandboxState>({
    file: options.dataFile,
    initial: () => {
      const orders = new Map<string, SandboxOrderRecord>();
      if (options.seed ?? true) {
        for (const record of seedOrders(firstAccount.accountId, now(), minutes, (productId) =>
          priceFor(firstAccount, productId),
        )) {
          orders.set(record.order_id, record);
        }
      }
      return { orders, daily: new Map() };
    },
    serialize: (state): SerializedState => ({
      version: 1,
      orders: [...state.orders.values()],
      daily: [...state.daily.entries()],
    }),
    deserialize: (data) => {
      const saved = data as Partial<SerializedState> | null;
      if (saved?.version !== 1 || !Array.isArray(saved.orders) || !Array.isArray(saved.daily)) {
        throw new Error('not an NFC Tagify sandbox state (version 1)');
      }
      return {
        orders: new Map(saved.orders.map((record) => [record.order_id, record])),
        daily: new Map(saved.daily),
      };
    },
  });

  const ctx: SandboxContext = {
    store,
    accounts,
    now,
    requestsPerMinute,
    ordersPerDay,
    minutes,
    rateWindows: new Map(),
    accountOf: new WeakMap(),
  };
  const faults = sandboxFaults({ ...options, basePath: NT_BASE_PATH, renderError: sendFault });
  const { middleware, counts } = createRequestCounter();
  const app = buildApp(ctx, [middleware, faults.middleware]);
  const running = await listenOnLoopback(app, counts, options.port ?? 0, faults);
  return { ...running, baseUrl: `${running.origin}${NT_BASE_PATH}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Options: a misconfigured sandbox fails at start, not on the first request

function checkAccounts(accounts: NfcTagifySandboxAccount[]): Account[] {
  if (accounts.length === 0) throw new Error('NFC Tagify sandbox needs at least one account');
  const keys = new Set<string>();
  const ids = new Set<string>();
  return accounts.map((account) => {
    if (account.apiKey === '' || account.accountId === '') {
      throw new Error('NFC Tagify sandbox accounts need a non-empty apiKey and accountId');
    }
    if (keys.has(account.apiKey)) throw new Error(`Two accounts share an API key (${account.accountId})`);
    if (ids.has(account.accountId)) throw new Error(`Duplicate accountId ${account.accountId}`);
    keys.add(account.apiKey);
    ids.add(account.accountId);
    const overrides = new Map<string, number>();
    for (const [productId, price] of Object.entries(account.priceOverrides ?? {})) {
      if (!findCatalogueProduct(productId)) {
        throw new Error(`Price override for unknown product ${productId} (account ${account.accountId})`);
      }
      if (!Number.isFinite(price) || price < 0) {
        throw new Error(`Price override for ${productId} must be a non-negative number`);
      }
      overrides.set(productId, Math.round(price * 100) / 100);
    }
    return { accountId: account.accountId, keyDigest: sha256(account.apiKey), priceOverrides: overrides };
  });
}

function checkMinutes(minutes: FulfilmentMinutes): FulfilmentMinutes {
  const { processing, dispatched, delivered } = minutes;
  const ordered = 0 < processing && processing <= dispatched && dispatched <= delivered;
  if (![processing, dispatched, delivered].every(Number.isFinite) || !ordered) {
    throw new Error('fulfilmentMinutes must satisfy 0 < processing <= dispatched <= delivered');
  }
  return { processing, dispatched, delivered };
}

function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// App

function buildApp(ctx: SandboxContext, before: RequestHandler[]): Express {
  const app = express();
  serveOpenApi(app, nfcTagifyOpenApi);
  app.disable('x-powered-by');
  app.set('etag', false);
  // The request counter, then injected faults: before the key check and the rate limit.
  app.use(...before);

  // Every account's digest is compared, match or not, so the time taken says nothing about which key is close;
  // digests have equal length whatever the caller sends, so timingSafeEqual never throws.
  const authenticated: RequestHandler = (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      sendUnauthorized(res, 'Missing Authorization header; send "Authorization: Bearer <API key>"');
      return;
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!match) {
      sendUnauthorized(res, 'Authorization header must use the Bearer scheme');
      return;
    }
    const digest = sha256(match[1] ?? '');
    let found: Account | undefined;
    for (const account of ctx.accounts) {
      if (timingSafeEqual(digest, account.keyDigest) && found === undefined) found = account;
    }
    if (!found) {
      sendUnauthorized(res, 'Invalid API key');
      return;
    }
    ctx.accountOf.set(req, found);
    next();
  };

  // Fixed windows aligned to the clock's minutes: X-RateLimit-Reset is then the same for every request in the
  // window, and a client can sleep until it.
  const rateLimited: RequestHandler = (req, res, next) => {
    const account = accountOf(ctx, req);
    const nowMs = ctx.now().getTime();
    const start = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    let window = ctx.rateWindows.get(account.accountId);
    if (window?.start !== start) {
      window = { start, count: 0 };
      ctx.rateWindows.set(account.accountId, window);
    }
    const end = start + MINUTE_MS;
    res.set('X-RateLimit-Limit', String(ctx.requestsPerMinute));
    res.set('X-RateLimit-Reset', String(end / 1000));
    if (window.count >= ctx.requestsPerMinute) {
      res.set('X-RateLimit-Remaining', '0');
      res.set('Retry-After', String(Math.max(1, Math.ceil((end - nowMs) / 1000))));
      sendError(res, 'RATE_LIMITED', `Rate limit of ${ctx.requestsPerMinute} requests per minute exceeded`);
      return;
    }
    window.count += 1;
    res.set('X-RateLimit-Remaining', String(ctx.requestsPerMinute - window.count));
    next();
  };

  // Read after the key check so an unauthenticated caller learns nothing from body errors. Any content type is
  // read as JSON since the vendor speaks nothing else; parsed here so that an empty body is "no object", not {}.
  const body = jsonBody({
    malformed: (res) => sendValidation(res, [{ field: 'body', message: 'must be well-formed JSON' }]),
  });

  const api = (path: string): string => `${NT_BASE_PATH}${path}`;
  const vendor = [authenticated, rateLimited];

  app.get(api('/products'), ...vendor, listProducts(ctx));
  app.get(api('/products/:product_id'), ...vendor, getProduct(ctx));
  app.get(api('/pricing'), ...vendor, getPricing(ctx));
  app.post(api('/orders'), ...vendor, ...body, createOrder(ctx));
  app.get(api('/orders'), ...vendor, listOrders(ctx));
  app.get(api('/orders/:order_id'), ...vendor, getOrder(ctx));

  // Scoped by the same key so one account cannot cancel another's order, but outside the vendor's rate limit:
  // it is a test lever, not traffic the vendor would see.
  app.post(SANDBOX_CANCEL_ROUTE, authenticated, cancelOrder(ctx));

  app.use((_req: Request, res: Response) => {
    sendError(res, 'NOT_FOUND', 'No such route');
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: unknown } | null)?.type;
    const status = (err as { status?: unknown } | null)?.status;
    if (res.headersSent) return;
    if (type === 'entity.too.large') {
      sendValidation(res, [{ field: 'body', message: 'must not exceed 1 MB' }]);
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      sendValidation(res, [
        { field: 'request', message: 'could not be read (malformed URL encoding or body)' },
      ]);
    } else {
      sendError(res, 'SERVER_ERROR', 'Internal server error');
    }
  });

  return app;
}

// ---------------------------------------------------------------------------------------------------------------
// Route handlers

function listProducts(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = accountOf(ctx, req);
    sendData(
      res,
      NFC_TAGIFY_CATALOGUE.map((product) => productView(account, product)),
    );
  };
}

function getProduct(ctx: SandboxContext): Handler {
  return (req, res) => {
    const product = findCatalogueProduct(param(req, 'product_id'));
    if (!product) {
      sendError(res, 'NOT_FOUND', 'Product not found');
      return;
    }
    sendData(res, productView(accountOf(ctx, req), product));
  };
}

function getPricing(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = accountOf(ctx, req);
    const schedule = NFC_TAGIFY_CATALOGUE.map((product): NtPrice => ({
      product_id: product.product_id,
      currency: product.currency,
      standard_price: product.standard_price,
      price: priceFor(account, product.product_id),
      override: account.priceOverrides.has(product.product_id),
    }));
    sendData(res, schedule);
  };
}

function createOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = accountOf(ctx, req);
    const checked = validateCreateOrder(req.body as unknown);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    // Validation first: a malformed order is the caller's bug whatever the day's count, and fixing it should not
    // wait until midnight to be discovered.
    const now = ctx.now();
    const today = now.toISOString().slice(0, 10);
    const { state } = ctx.store;
    const counter = state.daily.get(account.accountId);
    const used = counter?.day === today ? counter.count : 0;
    if (used >= ctx.ordersPerDay) {
      const nextMidnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS;
      res.set('Retry-After', String(Math.max(1, Math.ceil((nextMidnight - now.getTime()) / 1000))));
      sendError(
        res,
        'DAILY_ORDER_LIMIT',
        `Daily order limit of ${ctx.ordersPerDay} orders reached; it resets at 00:00 UTC`,
      );
      return;
    }

    const { request, product } = checked;
    const shipping = request.shipping;
    const record: SandboxOrderRecord = {
      order_id: uniqueId('ord_', (id) => state.orders.has(id)),
      account_id: account.accountId,
      line_id: `li_${randomId()}`,
      product_id: product.product_id,
      product_name: product.name,
      unit_price: priceFor(account, product.product_id),
      currency: product.currency,
      quantity: request.quantity,
      customer_reference: request.customer_reference,
      shipping: {
        name: shipping.name,
        address_line1: shipping.address_line1,
        address_line2: shipping.address_line2 ?? null,
        city: shipping.city,
        postcode: shipping.postcode,
        country: shipping.country,
      },
      created_at: isoSeconds(now),
      cancelled_at: null,
      tracking_number: trackingNumber(randomInt(100_000_000)),
    };
    state.orders.set(record.order_id, record);
    state.daily.set(account.accountId, { day: today, count: used + 1 });
    ctx.store.save();

    const created: NtCreatedOrder = {
      order_id: record.order_id,
      status: deriveStatus(record, ctx.minutes, now.getTime()).status,
      created_at: record.created_at,
    };
    res.status(201).location(`${NT_BASE_PATH}/orders/${record.order_id}`);
    sendData(res, created);
  };
}

function getOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const record = findOwnOrder(ctx, req, res);
    if (record) sendData(res, orderView(record, ctx.minutes, ctx.now().getTime()));
  };
}

function listOrders(ctx: SandboxContext): Handler {
  return (req, res) => {
    const checked = validateListQuery(req.query);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const query = checked.request;
    const account = accountOf(ctx, req);
    const nowMs = ctx.now().getTime();
    const matching = [...ctx.store.state.orders.values()]
      .filter((record) => record.account_id === account.accountId)
      .map((record) => orderView(record, ctx.minutes, nowMs))
      .filter((order) => {
        if (query.status !== undefined && order.status !== query.status) return false;
        if (query.customerReference !== undefined && order.customer_reference !== query.customerReference) {
          return false;
        }
        const created = Date.parse(order.created_at);
        if (query.from !== undefined && created < query.from) return false;
        if (query.to !== undefined && created > query.to) return false;
        return true;
      })
      .sort(
        (a, b) =>
          Date.parse(b.created_at) - Date.parse(a.created_at) ||
          (a.order_id < b.order_id ? 1 : a.order_id > b.order_id ? -1 : 0),
      );
    const first = (query.page - 1) * query.perPage;
    const body: NtPage<NtOrder> = {
      success: true,
      data: matching.slice(first, first + query.perPage),
      meta: {
        page: query.page,
        per_page: query.perPage,
        total: matching.length,
        total_pages: Math.ceil(matching.length / query.perPage),
      },
    };
    res.json(body);
  };
}

function cancelOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const record = findOwnOrder(ctx, req, res);
    if (!record) return;
    const now = ctx.now();
    const { status } = deriveStatus(record, ctx.minutes, now.getTime());
    if (status === 'dispatched' || status === 'delivered') {
      sendError(res, 'FORBIDDEN', `Order ${record.order_id} is ${status} and can no longer be cancelled`);
      return;
    }
    // A second cancel answers the order as it is, so a retried control call is harmless.
    if (status !== 'cancelled') {
      record.cancelled_at = isoSeconds(now);
      ctx.store.save();
    }
    sendData(res, orderView(record, ctx.minutes, now.getTime()));
  };
}

/** Another account's order answers exactly like a missing one, so ids of other partners cannot be probed. */
function findOwnOrder(ctx: SandboxContext, req: Request, res: Response): SandboxOrderRecord | undefined {
  const record = ctx.store.state.orders.get(param(req, 'order_id'));
  if (!record || record.account_id !== accountOf(ctx, req).accountId) {
    sendError(res, 'NOT_FOUND', 'Order not found');
    return undefined;
  }
  return record;
}

/** Only routes behind `authenticated` call this, so the account is always there. */
function accountOf(ctx: SandboxContext, req: Request): Account {
  const account = ctx.accountOf.get(req);
  if (!account) throw new Error('route reached without authentication');
  return account;
}

/** Route parameters this sandbox declares are single path segments; express decodes them once. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Views: the wire shapes, keys in the order the document (or README.md) lists them

function priceFor(account: Account, productId: string): number {
  return account.priceOverrides.get(productId) ?? findCatalogueProduct(productId)?.standard_price ?? 0;
}

function productView(account: Account, product: NfcTagifyCatalogueProduct): NtProduct {
  return {
    product_id: product.product_id,
    name: product.name,
    description: product.description,
    price: priceFor(account, product.product_id),
    currency: product.currency,
    min_quantity: product.min_quantity,
  };
}

/**
 * Status from the clock: an order moves on at its fixed offsets after created_at unless it was cancelled, which
 * freezes it. `since` is when it entered that status (updated_at).
 */
function deriveStatus(
  record: SandboxOrderRecord,
  minutes: FulfilmentMinutes,
  nowMs: number,
): { status: NtOrderStatus; since: number } {
  const created = Date.parse(record.created_at);
  if (record.cancelled_at !== null) return { status: 'cancelled', since: Date.parse(record.cancelled_at) };
  const steps: [NtOrderStatus, number][] = [
    ['delivered', minutes.delivered],
    ['dispatched', minutes.dispatched],
    ['processing', minutes.processing],
  ];
  for (const [status, after] of steps) {
    const at = created + after * MINUTE_MS;
    if (nowMs >= at) return { status, since: at };
  }
  return { status: 'pending', since: created };
}

function orderView(record: SandboxOrderRecord, minutes: FulfilmentMinutes, nowMs: number): NtOrder {
  const { status, since } = deriveStatus(record, minutes, nowMs);
  const shipped = status === 'dispatched' || status === 'delivered';
  return {
    order_id: record.order_id,
    status,
    customer_reference: record.customer_reference,
    product_id: record.product_id,
    quantity: record.quantity,
    shipping: { ...record.shipping },
    created_at: record.created_at,
    updated_at: isoSeconds(new Date(since)),
    currency: record.currency,
    // In pence first, so 0.8 × 30 is 24, not 24.000000000000004.
    total: (Math.round(record.unit_price * 100) * record.quantity) / 100,
    tracking_number: shipped ? record.tracking_number : null,
    line_items: [
      {
        line_id: record.line_id,
        product_id: record.product_id,
        name: record.product_name,
        quantity: record.quantity,
        unit_price: record.unit_price,
        status,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every problem is reported at once, each under its dotted path

type Checked<T> = T | { details: NtFieldError[] };
type Problem = (field: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateCreateOrder(
  body: unknown,
): Checked<{ request: NtCreateOrderRequest; product: NfcTagifyCatalogueProduct }> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const details: NtFieldError[] = [];
  const problem: Problem = (field, message) => {
    details.push({ field, message });
  };

  const productId = requiredText(body.product_id, 'product_id', Infinity, problem);
  const product = productId === undefined ? undefined : findCatalogueProduct(productId);
  if (productId !== undefined && !product) {
    problem('product_id', 'must be the product_id of an available product (see GET /api/partner/products)');
  }

  const quantity = body.quantity;
  const minQuantity = product?.min_quantity ?? 1;
  let validQuantity: number | undefined;
  if (quantity === undefined || quantity === null) {
    problem('quantity', 'is required');
  } else if (typeof quantity !== 'number' || !Number.isInteger(quantity)) {
    problem('quantity', 'must be an integer');
  } else if (quantity < minQuantity) {
    problem(
      'quantity',
      product
        ? `must be at least ${minQuantity} (min_quantity of ${product.product_id})`
        : 'must be at least 1',
    );
  } else if (quantity > NT_MAX_QUANTITY) {
    problem('quantity', `must be at most ${NT_MAX_QUANTITY}`);
  } else {
    validQuantity = quantity;
  }

  const customerReference = requiredText(
    body.customer_reference,
    'customer_reference',
    MAX_REFERENCE,
    problem,
  );

  let shipping: NtShipping | undefined;
  if (body.shipping === undefined || body.shipping === null) {
    problem('shipping', 'is required');
  } else if (!isObject(body.shipping)) {
    problem('shipping', 'must be an object');
  } else {
    shipping = validateShipping(body.shipping, problem);
  }

  if (
    details.length > 0 ||
    !product ||
    validQuantity === undefined ||
    customerReference === undefined ||
    !shipping
  ) {
    return { details };
  }
  return {
    request: {
      product_id: product.product_id,
      quantity: validQuantity,
      customer_reference: customerReference,
      shipping,
    },
    product,
  };
}

function validateShipping(raw: Record<string, unknown>, problem: Problem): NtShipping | undefined {
  const name = requiredText(raw.name, 'shipping.name', MAX_ADDRESS_TEXT, problem);
  const line1 = requiredText(raw.address_line1, 'shipping.address_line1', MAX_ADDRESS_TEXT, problem);
  let line2: string | null = null;
  let line2Ok = true;
  if (raw.address_line2 !== undefined && raw.address_line2 !== null) {
    if (typeof raw.address_line2 !== 'string') {
      problem('shipping.address_line2', 'must be a string when given');
      line2Ok = false;
    } else if (raw.address_line2.length > MAX_ADDRESS_TEXT) {
      problem('shipping.address_line2', `must be at most ${MAX_ADDRESS_TEXT} characters`);
      line2Ok = false;
    } else {
      line2 = raw.address_line2;
    }
  }
  const city = requiredText(raw.city, 'shipping.city', MAX_ADDRESS_TEXT, problem);
  const postcode = requiredText(raw.postcode, 'shipping.postcode', MAX_POSTCODE, problem);
  const country = requiredText(raw.country, 'shipping.country', Infinity, problem);
  const countryOk = country !== undefined && /^[A-Z]{2}$/.test(country);
  if (country !== undefined && !countryOk) {
    problem('shipping.country', 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. GB');
  }
  if (
    name === undefined ||
    line1 === undefined ||
    !line2Ok ||
    city === undefined ||
    postcode === undefined ||
    country === undefined ||
    !countryOk
  ) {
    return undefined;
  }
  return { name, address_line1: line1, address_line2: line2, city, postcode, country };
}

function requiredText(
  value: unknown,
  field: string,
  maxLength: number,
  problem: Problem,
): string | undefined {
  if (value === undefined || value === null) {
    problem(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    problem(field, 'must be a string');
    return undefined;
  }
  if (value.trim() === '') {
    problem(field, 'must not be empty');
    return undefined;
  }
  if (value.length > maxLength) {
    problem(field, `must be at most ${maxLength} characters`);
    return undefined;
  }
  return value;
}

interface ListQuery {
  page: number;
  perPage: number;
  status?: NtOrderStatus;
  /** Inclusive bounds in epoch milliseconds. */
  from?: number;
  to?: number;
  customerReference?: string;
}

function validateListQuery(query: Record<string, unknown>): Checked<{ request: ListQuery }> {
  const details: NtFieldError[] = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      details.push({ field: name, message: 'must be given once, as a single value' });
      return undefined;
    }
    return value;
  };
  const integer = (name: string, fallback: number, max: number): number => {
    const value = single(name);
    if (value === undefined) return fallback;
    const parsed = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(parsed >= 1 && parsed <= max)) {
      details.push({
        field: name,
        message:
          max === Infinity ? 'must be an integer of at least 1' : `must be an integer from 1 to ${max}`,
      });
      return fallback;
    }
    return parsed;
  };

  const page = integer('page', 1, Infinity);
  const perPage = integer('per_page', NT_DEFAULT_PER_PAGE, NT_MAX_PER_PAGE);
  const statusValue = single('status');
  let status: NtOrderStatus | undefined;
  if (statusValue !== undefined) {
    status = NT_ORDER_STATUSES.find((candidate) => candidate === statusValue);
    if (!status) details.push({ field: 'status', message: `must be one of ${NT_ORDER_STATUSES.join(', ')}` });
  }
  const bound = (name: 'from' | 'to'): number | undefined => {
    const value = single(name);
    if (value === undefined) return undefined;
    const millis = parseBound(value, name === 'to');
    if (millis === undefined) {
      details.push({
        field: name,
        message: 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with a zone (2026-05-25T09:00:00Z)',
      });
    }
    return millis;
  };
  const from = bound('from');
  const to = bound('to');
  if (from !== undefined && to !== undefined && to < from) {
    details.push({ field: 'to', message: 'must not be before from' });
  }
  const customerReference = single('customer_reference');

  if (details.length > 0) return { details };
  return { request: { page, perPage, status, from, to, customerReference } };
}

/**
 * A date means the whole UTC day: `from` its first millisecond, `to` its last, so `to=2026-05-25` includes
 * orders placed at 23:59:59 that day. A date-time is taken as given and is inclusive too.
 */
function parseBound(value: string, endOfDay: boolean): number | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isCalendarDate(value)) return undefined;
    const start = Date.parse(`${value}T00:00:00Z`);
    return endOfDay ? start + DAY_MS - 1 : start;
  }
  const match =
    /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(
      value,
    );
  if (!match || !isCalendarDate(match[1] ?? '')) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

function sendData<TData>(res: Response, data: TData): void {
  const body: NtSuccess<TData> = { success: true, data };
  res.json(body);
}

function sendError(
  res: Response,
  code: NtErrorCode,
  message: string,
  extra: Partial<NtErrorBody> = {},
  status = NT_HTTP_STATUS_BY_CODE[code],
): void {
  const body: NtErrorBody = { success: false, error: message, code, ...extra };
  res.status(status).json(body);
}

/** An injected 5xx or 429 (src/vendors/README.md). */
function sendFault(res: Response, status: number): void {
  if (status === 429) sendError(res, 'RATE_LIMITED', 'Too many requests; retry later', {}, status);
  else sendError(res, 'SERVER_ERROR', 'Internal server error', {}, status);
}

function sendUnauthorized(res: Response, message: string): void {
  res.set('WWW-Authenticate', 'Bearer realm="NFC Tagify Partner API"');
  sendError(res, 'UNAUTHORIZED', message);
}

function sendValidation(res: Response, details: NtFieldError[]): void {
  const [first] = details;
  const more = details.length - 1;
  const message = first
    ? `Invalid request: ${first.field} ${first.message}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    : 'Invalid request';
  sendError(res, 'VALIDATION_ERROR', message, { field: first?.field, details });
}

// ---------------------------------------------------------------------------------------------------------------
// Ids

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Ten lower-case letters and digits, the style of the document's `ord_xyz789`. */
function randomId(): string {
  return Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

function uniqueId(prefix: string, taken: (id: string) => boolean): string {
  for (;;) {
    const id = `${prefix}${randomId()}`;
    if (!taken(id)) return id;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
