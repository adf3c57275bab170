/**
 * A faithful stand-in for the NaviPartner Channel Manager API (`001_b214c643168c9f11.txt`) on loopback.
 * One express app and one state object per `startChannelManagerSandbox()` call, living until `close()`;
 * tests start many side by side, so nothing mutable lives at module level.
 * Where the document is silent, the choices are written down in README.md ("Sandbox").
 */
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CM_API_KEY_HEADER, CM_ORDER_STATUSES } from './contract.js';
import type {
  CmAsset,
  CmConfirmRequest,
  CmErrorBody,
  CmErrorCode,
  CmFieldError,
  CmOrder,
  CmOrderItem,
  CmOrderItemRequest,
  CmOrderRequest,
  CmOrderSummary,
  CmWallet,
} from './contract.js';
import { CHANNEL_MANAGER_CATALOGUE, findCatalogueItem } from './sandbox-catalogue.js';
import type { SandboxCatalogueItem } from './sandbox-catalogue.js';
import {
  createRequestCounter,
  jsonBody,
  keyMatcher,
  listenOnLoopback,
  saveBeforeReply,
} from '../sandbox-server.js';
import { sandboxFaults } from '../sandbox-faults.js';
import type { SandboxFaultOptions } from '../sandbox-faults.js';
import { openSandboxStore } from '../sandbox-store.js';
import { serveOpenApi } from '../sandbox-server.js';
import { channelManagerOpenApi } from './openapi.js';
import type { RunningSandbox } from '../sandbox-server.js';

export { CHANNEL_MANAGER_CATALOGUE };
export type { SandboxCatalogueItem };

export const SEEDED_PARTNER_ID = '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e';
export const SEEDED_ORDER_ID = '9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8';

export interface ChannelManagerSandboxOptions extends SandboxFaultOptions {
  apiKey: string;
  /** Default `01234567-89ab-cdef-0123-456789abcdef`, the document's tenant. */
  tenant?: string;
  /** Default `production`. */
  environment?: string;
  /** Decoded once, as express hands the path segment over: the URL carries it encoded again (`%2520`). */
  company?: string;
  /** Seed the document's example order (Issued). Default true. */
  seed?: boolean;
  /** The sandbox clock: receivedAt, issuedAt and "today" for visitDate checks. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Keep the state in this JSON file across restarts, like a real vendor's database. Default: memory only. */
  dataFile?: string;
}

export interface ChannelManagerSandbox extends RunningSandbox {
  /** origin + '/' + tenant + '/' + environment + '/' + encodeURIComponent(company): the base a client appends '/channelManager...' to */
  baseUrl: string;
  /**
   * Forgets every order of one partner, Issued ones included, as a vendor's retention job would; answers how
   * many. For a load harness that books thousands of orders and wants the vendor back at its seeded size
   * between runs (a sandbox holding them all grows its heap, and its garbage collector slows every caller).
   * Not an HTTP endpoint: the documented API has no such call.
   */
  forgetPartnerOrders(partnerId: string): number;
}

const DEFAULT_TENANT = '01234567-89ab-cdef-0123-456789abcdef';
const DEFAULT_ENVIRONMENT = 'production';
const DEFAULT_COMPANY = 'CRONUS%20International%20Ltd.';

const SCOPE = '/:tenant/:environment/:company/channelManager';

const STATUS_BY_CODE: Record<CmErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  DUPLICATE_ORDER: 409,
  INVALID_STATE: 409,
  ISSUANCE_FAILED: 422,
  INTERNAL: 500,
};

const MAX_ITEMS = 50;
const MAX_QUANTITY = 100;
const MAX_PARTNER_ID = 100;
const MAX_ORDER_REFERENCE = 50;

/** Wallet holders of one line as requested: the order shows them only once issued, and a Draft needs them at confirm. */
interface LineHolders {
  names?: string[];
  externalReferenceNumbers?: string[];
}

interface StoredOrder {
  order: CmOrder;
  holders: LineHolders[];
}

/**
 * Everything one sandbox instance remembers. Plain data (strings, numbers, a Map of plain objects) so that it can
 * be written to disk later. Removed Draft/Error orders leave the Map; Cancelled ones stay.
 */
interface SandboxState {
  orders: Map<string, StoredOrder>;
  /** Next `TM-IMPORT-` number; the seeded order holds 000123. */
  nextJobNumber: number;
  /** Next 18-digit walletReferenceNumber, as a decimal string because it exceeds Number.MAX_SAFE_INTEGER. */
  nextWalletReference: string;
  /** Next `ATF-BIL<batch>L-<n>` batch, one per issuance; the seeded order holds 010665. */
  nextTicketBatch: number;
}

interface SandboxContext {
  state: SandboxState;
  /**
   * The natural key's index (partnerId + sellToOrderReference → orderId), as a vendor's unique index would
   * be: a create checks for a duplicate without reading every order. Derived from `state.orders`, never saved.
   */
  references: Map<string, string>;
  now: () => Date;
  /** Known only once the server listens; manifest URLs are built from it. */
  origin: string;
}

type Handler = (req: Request, res: Response) => void;

export async function startChannelManagerSandbox(
  options: ChannelManagerSandboxOptions,
): Promise<ChannelManagerSandbox> {
  const tenant = options.tenant ?? DEFAULT_TENANT;
  const environment = options.environment ?? DEFAULT_ENVIRONMENT;
  const company = options.company ?? DEFAULT_COMPANY;
  const fresh = (): SandboxState => ({
    orders: new Map(),
    nextJobNumber: 124,
    nextWalletReference: '141234529930210328',
    nextTicketBatch: 10666,
  });
  let seeded = false;
  const store = openSandboxStore<SandboxState>({
    file: options.dataFile,
    initial: () => {
      seeded = options.seed ?? true;
      return fresh();
    },
    serialize: (state) => ({ ...state, orders: [...state.orders.values()] }),
    deserialize: (data) => {
      const saved = data as Omit<SandboxState, 'orders'> & { orders: StoredOrder[] };
      return { ...saved, orders: new Map(saved.orders.map((stored) => [stored.order.orderId, stored])) };
    },
  });
  const ctx: SandboxContext = {
    state: store.state,
    references: new Map(
      [...store.state.orders.values()].map(({ order }) => [
        referenceKey(order.partnerId, order.sellToOrderReference),
        order.orderId,
      ]),
    ),
    now: options.now ?? (() => new Date()),
    origin: '',
  };
  // A new vendor is seeded once; a restored one already holds the seed and everything written since.
  if (seeded) {
    seedDocumentExample(ctx);
    store.save();
  }

  const basePath = ['', tenant, environment, company].map((part) => encodeURIComponent(part)).join('/');
  const faults = sandboxFaults({ ...options, basePath, renderError: sendFault });
  const { middleware, counts } = createRequestCounter();
  const app = buildApp(ctx, { apiKey: options.apiKey, tenant, environment, company }, [
    middleware,
    saveBeforeReply(() => store.save()),
    faults.middleware,
  ]);
  const running = await listenOnLoopback(app, counts, options.port ?? 0, faults);
  ctx.origin = running.origin;

  const forgetPartnerOrders = (partnerId: string): number => {
    let forgotten = 0;
    for (const { order } of ctx.state.orders.values()) {
      if (order.partnerId !== partnerId) continue;
      removeOrder(ctx, order);
      forgotten += 1;
    }
    if (forgotten > 0) store.save();
    return forgotten;
  };
  return { ...running, baseUrl: `${running.origin}${basePath}`, forgetPartnerOrders };
}

function buildApp(
  ctx: SandboxContext,
  scope: { apiKey: string; tenant: string; environment: string; company: string },
  before: RequestHandler[],
): Express {
  const app = express();
  serveOpenApi(app, (origin) => channelManagerOpenApi(origin, scope));
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(...before);

  const keyMatches = keyMatcher(scope.apiKey);

  const inScope: RequestHandler = (req, res, next) => {
    if (
      param(req, 'tenant') !== scope.tenant ||
      param(req, 'environment') !== scope.environment ||
      param(req, 'company') !== scope.company
    ) {
      sendError(res, 'NOT_FOUND', 'Unknown tenant, environment or company');
      return;
    }
    next();
  };

  const authenticated: RequestHandler = (req, res, next) => {
    const presented = req.get(CM_API_KEY_HEADER);
    if (presented === undefined || presented === '') {
      sendError(res, 'UNAUTHORIZED', `Missing ${CM_API_KEY_HEADER} header`);
      return;
    }
    if (!keyMatches(presented)) {
      sendError(res, 'UNAUTHORIZED', 'Invalid API key');
      return;
    }
    next();
  };

  // Read after the key check so an unauthenticated caller learns nothing from body errors. Any content type is
  // read as JSON since the vendor speaks nothing else; parsed here so that an empty body is "no object", not {}.
  const body = jsonBody({
    malformed: (res) => sendValidation(res, [{ field: 'body', message: 'must be well-formed JSON' }]),
  });

  const guarded = (...handlers: (RequestHandler | RequestHandler[])[]): RequestHandler[] => [
    inScope,
    authenticated,
    ...handlers.flat(),
  ];

  // Registered before `/:orderId` so that `orders` is never taken for an order id.
  app.get(`${SCOPE}/orders/:partnerId`, ...guarded(listOrdersByPartner(ctx)));
  app.post(SCOPE, ...guarded(body, createOrder(ctx)));
  app.get(`${SCOPE}/:orderId`, ...guarded(getOrder(ctx)));
  app.post(`${SCOPE}/:orderId/confirm`, ...guarded(body, confirmOrder(ctx)));
  app.put(`${SCOPE}/:orderId`, ...guarded(body, replaceOrder(ctx)));
  app.delete(`${SCOPE}/:orderId`, ...guarded(deleteOrder(ctx)));

  // Shareable links, like the vendor's manifests host: no key.
  app.get('/manifests/orders/:orderId/manifest.pdf', orderManifest(ctx));
  app.get('/manifests/wallets/:walletId/manifest.pdf', walletManifest(ctx));

  app.use((_req: Request, res: Response) => {
    sendError(res, 'NOT_FOUND', 'No such route');
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: unknown } | null)?.type;
    const status = (err as { status?: unknown } | null)?.status;
    if (type === 'entity.too.large') {
      sendValidation(res, [{ field: 'body', message: 'must not exceed 1 MB' }]);
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      sendValidation(res, [
        { field: 'request', message: 'could not be read (malformed URL encoding or body)' },
      ]);
    } else if (!res.headersSent) {
      sendError(res, 'INTERNAL', 'Internal error');
    }
  });

  return app;
}

// ---------------------------------------------------------------------------------------------------------------
// Route handlers

function createOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const checked = validateOrderRequest(req.body as unknown);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const request = checked.request;
    // A removed Draft/Error has left the Map and so frees its reference; a Cancelled order keeps it.
    const existingId = ctx.references.get(referenceKey(request.partnerId, request.sellToOrderReference));
    const existing = existingId === undefined ? undefined : ctx.state.orders.get(existingId);
    if (existing) {
      sendError(
        res,
        'DUPLICATE_ORDER',
        `An order with sellToOrderReference ${request.sellToOrderReference} already exists for this partner`,
        { orderId: existing.order.orderId },
      );
      return;
    }

    const stored: StoredOrder = {
      order: {
        orderId: randomUUID(),
        status: 'Draft',
        statusMessage: '',
        partnerId: request.partnerId,
        sellToOrderReference: request.sellToOrderReference,
        receivedAt: isoSeconds(ctx.now()),
        items: [],
      },
      holders: [],
    };
    applyRequest(stored, request, request.paymentReference);
    addOrder(ctx, stored);

    if (stored.order.paymentReference !== undefined && !issue(ctx, stored)) {
      sendIssuanceFailed(res, stored.order);
      return;
    }
    res.status(201).json(orderView(stored.order, ctx.origin));
  };
}

function getOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = findOrder(ctx, req, res);
    if (stored) res.json(orderView(stored.order, ctx.origin));
  };
}

function confirmOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = findOrder(ctx, req, res);
    if (!stored) return;
    const checked = validateConfirmRequest(req.body as unknown);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    const order = stored.order;
    if (order.status === 'Issued') {
      // The document: confirming an Issued order is a no-op. Its paymentReference stays the one it was issued with.
      res.json(orderView(order, ctx.origin));
      return;
    }
    if (order.status !== 'Draft') {
      sendInvalidState(res, order, 'confirmed');
      return;
    }
    order.paymentReference = checked.request.paymentReference;
    if (!issue(ctx, stored)) {
      sendIssuanceFailed(res, order);
      return;
    }
    res.json(orderView(order, ctx.origin));
  };
}

function replaceOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = findOrder(ctx, req, res);
    if (!stored) return;
    const order = stored.order;
    const checked = validateOrderRequest(req.body as unknown, order);
    if ('details' in checked) {
      sendValidation(res, checked.details);
      return;
    }
    if (order.status !== 'Draft' && order.status !== 'Error') {
      sendInvalidState(res, order, 'replaced');
      return;
    }
    const request = checked.request;
    // The document's replace example omits paymentReference yet answers Issued with PAY-987654: an omitted
    // paymentReference keeps the one the order already had.
    const paymentReference = request.paymentReference ?? order.paymentReference;
    tearDown(order);
    applyRequest(stored, request, paymentReference);
    order.status = 'Draft';
    order.statusMessage = '';

    if (paymentReference !== undefined && !issue(ctx, stored)) {
      sendIssuanceFailed(res, order);
      return;
    }
    res.json(orderView(order, ctx.origin));
  };
}

function deleteOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = findOrder(ctx, req, res);
    if (!stored) return;
    const order = stored.order;
    if (order.status === 'Draft' || order.status === 'Error') {
      removeOrder(ctx, order);
      res.status(204).end();
      return;
    }
    if (order.status === 'Issued') {
      tearDown(order);
      order.status = 'Cancelled';
      order.statusMessage = '';
    }
    res.json(orderView(order, ctx.origin));
  };
}

function listOrdersByPartner(ctx: SandboxContext): Handler {
  return (req, res) => {
    const details: CmFieldError[] = [];
    const query = req.query as Record<string, unknown>;
    const single = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string') {
        details.push({ field: name, message: 'must be given once, as a single value' });
        return undefined;
      }
      return value;
    };

    const status = single('status');
    if (status !== undefined && !(CM_ORDER_STATUSES as readonly string[]).includes(status)) {
      details.push({ field: 'status', message: `must be one of ${CM_ORDER_STATUSES.join(', ')}` });
    }
    const reference = single('sellToOrderReference');
    const window: { from?: number; to?: number } = {};
    for (const [name, key] of [
      ['receivedAtFrom', 'from'],
      ['receivedAtTo', 'to'],
    ] as const) {
      const value = single(name);
      if (value === undefined) continue;
      const millis = parseDateTime(value);
      if (millis === undefined) {
        details.push({
          field: name,
          message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-05-01T00:00:00Z',
        });
      } else {
        window[key] = millis;
      }
    }
    if (window.from !== undefined && window.to !== undefined && window.to < window.from) {
      details.push({ field: 'receivedAtTo', message: 'must not be before receivedAtFrom' });
    }
    if (details.length > 0) {
      sendValidation(res, details);
      return;
    }

    const partnerId = param(req, 'partnerId');
    const summaries = [...ctx.state.orders.values()]
      .map((stored) => stored.order)
      .filter((order) => {
        if (order.partnerId !== partnerId) return false;
        if (status !== undefined && order.status !== status) return false;
        if (reference !== undefined && order.sellToOrderReference !== reference) return false;
        const received = Date.parse(order.receivedAt);
        if (window.from !== undefined && received < window.from) return false;
        if (window.to !== undefined && received > window.to) return false;
        return true;
      })
      .sort(
        (a, b) =>
          Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
          (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0),
      )
      .map((order) => summaryView(order, ctx.origin));
    res.json(summaries);
  };
}

function orderManifest(ctx: SandboxContext): Handler {
  return (req, res) => {
    const stored = ctx.state.orders.get(param(req, 'orderId'));
    if (!stored || stored.order.status !== 'Issued') {
      sendError(res, 'NOT_FOUND', 'No manifest for this order');
      return;
    }
    const order = stored.order;
    const lines = [
      'NaviPartner ticket manifest',
      `Order ${order.orderId}`,
      `Reference ${order.sellToOrderReference}`,
      ...order.items.flatMap((item) =>
        item.wallets.flatMap((wallet) =>
          wallet.assets.map(
            (asset) =>
              `Line ${item.lineNo} wallet ${wallet.walletReferenceNumber}: ticket ${asset.referenceNumber}`,
          ),
        ),
      ),
    ];
    sendPdf(res, lines);
  };
}

function walletManifest(ctx: SandboxContext): Handler {
  return (req, res) => {
    const walletId = param(req, 'walletId');
    // Torn-down wallets are gone from their items, so a scan finds live wallets only.
    for (const { order } of ctx.state.orders.values()) {
      for (const item of order.items) {
        const wallet = item.wallets.find((candidate) => candidate.walletId === walletId);
        if (!wallet) continue;
        sendPdf(res, [
          'NaviPartner wallet manifest',
          `Wallet ${wallet.walletId}`,
          `Wallet reference ${wallet.walletReferenceNumber}`,
          `Order ${order.orderId}`,
          ...wallet.assets.map((asset) => `Ticket ${asset.referenceNumber} (item ${asset.itemNumber})`),
        ]);
        return;
      }
    }
    sendError(res, 'NOT_FOUND', 'No manifest for this wallet');
  };
}

/** Route parameters this sandbox declares are single path segments; express decodes them once. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function findOrder(ctx: SandboxContext, req: Request, res: Response): StoredOrder | undefined {
  const stored = ctx.state.orders.get(param(req, 'orderId'));
  if (!stored) sendError(res, 'NOT_FOUND', 'Order not found');
  return stored;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders and issuance

/** Header fields and lines from a validated body; the caller decides the paymentReference (replace may keep it). */
function applyRequest(
  stored: StoredOrder,
  request: CmOrderRequest,
  paymentReference: string | undefined,
): void {
  const order = stored.order;
  order.sellToEmail = request.sellToEmail;
  order.sellToName = request.sellToName;
  order.sellToLanguage = request.sellToLanguage;
  order.paymentReference = paymentReference;
  // The document's example repeats the header's sellTo fields on every line.
  order.items = request.items.map((item, index) => ({
    lineNo: (index + 1) * 10000,
    itemNumber: item.itemNumber,
    isPackage: false,
    quantity: item.quantity,
    visitDate: item.visitDate,
    visitTime: item.visitTime,
    wallets: [],
    sellToName: request.sellToName,
    sellToEmail: request.sellToEmail,
    sellToLanguage: request.sellToLanguage,
  }));
  stored.holders = request.items.map((item) => ({
    names: item.wallet?.names,
    externalReferenceNumbers: item.wallet?.externalReferenceNumbers,
  }));
}

/**
 * Destroys wallets, tickets and the manifest; their reference numbers are retired with them since the counters only
 * move on. The jobId stays: the import job did run.
 */
function tearDown(order: CmOrder): void {
  for (const item of order.items) item.wallets = [];
  delete order.manifestUrl;
}

/**
 * Issues every line or none: the first line that breaks a rule turns the order to Error with a sentence naming it.
 * Answers whether the order ended Issued.
 */
function issue(ctx: SandboxContext, stored: StoredOrder): boolean {
  const order = stored.order;
  const now = ctx.now();
  const failure = firstIssuanceProblem(order.items, isoDate(now));
  if (failure !== undefined) {
    tearDown(order);
    delete order.jobId;
    order.status = 'Error';
    order.statusMessage = failure;
    return false;
  }

  const state = ctx.state;
  const issuedAt = isoSeconds(now);
  const batch = String(state.nextTicketBatch++).padStart(6, '0');
  let ticketNumber = 1;
  order.items.forEach((item, lineIndex) => {
    const catalogueItem = findCatalogueItem(item.itemNumber) as SandboxCatalogueItem;
    const holders = stored.holders[lineIndex] ?? {};
    item.wallets = Array.from({ length: item.quantity }, (_, holderIndex) => {
      const walletId = randomUUID();
      return makeWallet({
        seqNo: holderIndex + 1,
        walletId,
        walletReferenceNumber: takeWalletReference(state),
        externalReferenceNumber: holders.externalReferenceNumbers?.[holderIndex],
        name: holders.names?.[holderIndex],
        issuedAt,
        catalogueItem,
        manifestUrl: `/manifests/wallets/${walletId}/manifest.pdf`,
        assets: [
          {
            id: randomUUID(),
            type: 'ticket',
            assetId: randomUUID(),
            referenceNumber: `ATF-BIL${batch}L-${ticketNumber++}`,
            itemNumber: item.itemNumber,
          },
        ],
      });
    });
  });
  order.status = 'Issued';
  order.statusMessage = '';
  order.jobId = `TM-IMPORT-${String(state.nextJobNumber++).padStart(6, '0')}`;
  order.manifestUrl = `/manifests/orders/${order.orderId}/manifest.pdf`;
  return true;
}

function firstIssuanceProblem(items: CmOrderItem[], today: string): string | undefined {
  for (const item of items) {
    const line = `Line ${item.lineNo}`;
    const catalogueItem = findCatalogueItem(item.itemNumber);
    if (!catalogueItem) return `${line}: item ${item.itemNumber} does not exist`;
    if (item.visitDate < today) {
      return `${line}: visitDate ${item.visitDate} of item ${item.itemNumber} is in the past (today is ${today})`;
    }
    if (item.visitTime < catalogueItem.opensAt || item.visitTime >= catalogueItem.closesAt) {
      return (
        `${line}: visitTime ${item.visitTime} is outside the bookable hours ` +
        `${catalogueItem.opensAt}-${catalogueItem.closesAt} of item ${item.itemNumber}`
      );
    }
  }
  return undefined;
}

function takeWalletReference(state: SandboxState): string {
  const reference = state.nextWalletReference;
  state.nextWalletReference = (BigInt(reference) + 1n).toString();
  return reference;
}

function makeWallet(fields: {
  seqNo: number;
  walletId: string;
  walletReferenceNumber: string;
  externalReferenceNumber: string | undefined;
  name: string | undefined;
  issuedAt: string;
  catalogueItem: SandboxCatalogueItem;
  manifestUrl: string;
  assets: CmAsset[];
}): CmWallet {
  return {
    seqNo: fields.seqNo,
    assets: fields.assets,
    walletId: fields.walletId,
    walletReferenceNumber: fields.walletReferenceNumber,
    externalReferenceNumber: fields.externalReferenceNumber,
    name: fields.name,
    issuedAt: fields.issuedAt,
    unitPriceExclVat: fields.catalogueItem.unitPriceExclVat,
    unitPriceInclVat: fields.catalogueItem.unitPriceInclVat,
    currencyCode: fields.catalogueItem.currencyCode,
    manifestUrl: fields.manifestUrl,
  };
}

/** The wire form: keys in the document's order, absent optionals left out rather than sent as null. */
/** Manifest links are stored as paths: the sandbox may come back on another port after a restart. */
function absolute(url: string | undefined, origin: string): string | undefined {
  return url?.startsWith('/') ? `${origin}${url}` : url;
}

function orderView(order: CmOrder, origin: string): CmOrder {
  return compact({
    orderId: order.orderId,
    status: order.status,
    statusMessage: order.statusMessage ?? '',
    partnerId: order.partnerId,
    sellToOrderReference: order.sellToOrderReference,
    receivedAt: order.receivedAt,
    items: order.items.map((item) =>
      compact({
        lineNo: item.lineNo,
        itemNumber: item.itemNumber,
        isPackage: item.isPackage,
        quantity: item.quantity,
        visitDate: item.visitDate,
        visitTime: item.visitTime,
        wallets: item.wallets.map((wallet) =>
          compact({
            ...wallet,
            manifestUrl: absolute(wallet.manifestUrl, origin) ?? '',
            assets: wallet.assets.map((asset) => ({ ...asset })),
          }),
        ),
        sellToName: item.sellToName,
        sellToEmail: item.sellToEmail,
        sellToLanguage: item.sellToLanguage,
      }),
    ),
    sellToEmail: order.sellToEmail,
    sellToName: order.sellToName,
    sellToLanguage: order.sellToLanguage,
    paymentReference: order.paymentReference,
    jobId: order.jobId,
    manifestUrl: absolute(order.manifestUrl, origin),
  });
}

function summaryView(order: CmOrder, origin: string): CmOrderSummary {
  return compact({
    orderId: order.orderId,
    partnerId: order.partnerId,
    sellToOrderReference: order.sellToOrderReference,
    status: order.status,
    receivedAt: order.receivedAt,
    sellToEmail: order.sellToEmail,
    sellToName: order.sellToName,
    sellToLanguage: order.sellToLanguage,
    paymentReference: order.paymentReference,
    statusMessage: order.statusMessage ?? '',
    jobId: order.jobId,
    manifestUrl: absolute(order.manifestUrl, origin),
  });
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Seed: the document's example order, issued

function seedDocumentExample(ctx: SandboxContext): void {
  const docManifestUrl = 'https://manifests.npretail.app/wallets/9c6b2f4e/manifest.pdf';
  const issuedAt = '2026-05-15T09:30:05Z';
  const catalogueItem = findCatalogueItem('31001') as SandboxCatalogueItem;
  const sellTo = { sellToName: 'Jane Doe', sellToEmail: 'guest@example.com', sellToLanguage: 'ENU' };
  const secondWalletId = randomUUID();

  const order: CmOrder = {
    orderId: SEEDED_ORDER_ID,
    status: 'Issued',
    statusMessage: '',
    partnerId: SEEDED_PARTNER_ID,
    sellToOrderReference: 'PARTNER-ORDER-2026-00042',
    receivedAt: '2026-05-15T09:30:00Z',
    items: [
      {
        lineNo: 10000,
        itemNumber: '31001',
        isPackage: false,
        quantity: 2,
        visitDate: '2026-06-01',
        visitTime: '10:30:00',
        wallets: [
          makeWallet({
            seqNo: 1,
            walletId: '5a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9',
            walletReferenceNumber: '141234529930210327',
            externalReferenceNumber: 'JD-2026-001',
            name: 'Jane Doe',
            issuedAt,
            catalogueItem,
            manifestUrl: docManifestUrl,
            assets: [
              {
                id: '2c3a84c7-059f-41d3-8033-0d94e08d4b13',
                type: 'ticket',
                assetId: '3d4b95d8-16e0-42e4-9b2a-1d95f08d5c14',
                referenceNumber: 'ATF-BIL010665L-3',
                itemNumber: '31001',
              },
            ],
          }),
          makeWallet({
            seqNo: 2,
            walletId: secondWalletId,
            walletReferenceNumber: takeWalletReference(ctx.state),
            externalReferenceNumber: 'JOHN-2026-001',
            name: 'John Doe',
            issuedAt,
            catalogueItem,
            manifestUrl: `/manifests/wallets/${secondWalletId}/manifest.pdf`,
            assets: [
              {
                id: randomUUID(),
                type: 'ticket',
                assetId: randomUUID(),
                referenceNumber: 'ATF-BIL010665L-4',
                itemNumber: '31001',
              },
            ],
          }),
        ],
        ...sellTo,
      },
    ],
    sellToEmail: sellTo.sellToEmail,
    sellToName: sellTo.sellToName,
    sellToLanguage: sellTo.sellToLanguage,
    paymentReference: 'PAY-987654',
    jobId: 'TM-IMPORT-000123',
    manifestUrl: docManifestUrl,
  };
  addOrder(ctx, {
    order,
    holders: [
      { names: ['Jane Doe', 'John Doe'], externalReferenceNumbers: ['JD-2026-001', 'JOHN-2026-001'] },
    ],
  });
}

function referenceKey(partnerId: string, sellToOrderReference: string): string {
  return `${partnerId}\u0000${sellToOrderReference}`;
}

/** Takes an order out, freeing its reference (a removed Draft or Error, or a forgotten partner's). */
function removeOrder(ctx: SandboxContext, order: CmOrder): void {
  ctx.state.orders.delete(order.orderId);
  ctx.references.delete(referenceKey(order.partnerId, order.sellToOrderReference));
}

function addOrder(ctx: SandboxContext, stored: StoredOrder): void {
  ctx.state.orders.set(stored.order.orderId, stored);
  ctx.references.set(
    referenceKey(stored.order.partnerId, stored.order.sellToOrderReference),
    stored.order.orderId,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every problem is reported at once, each under its JSON path

type Checked<T> = { request: T } | { details: CmFieldError[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateOrderRequest(body: unknown, existing?: CmOrder): Checked<CmOrderRequest> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const details: CmFieldError[] = [];
  const problem = (field: string, message: string): void => {
    details.push({ field, message });
  };

  const partnerId = requiredText(body.partnerId, 'partnerId', MAX_PARTNER_ID, problem);
  const sellToOrderReference = requiredText(
    body.sellToOrderReference,
    'sellToOrderReference',
    MAX_ORDER_REFERENCE,
    problem,
  );
  if (existing && partnerId !== undefined && partnerId !== existing.partnerId) {
    problem('partnerId', 'is immutable');
  }
  if (
    existing &&
    sellToOrderReference !== undefined &&
    sellToOrderReference !== existing.sellToOrderReference
  ) {
    problem('sellToOrderReference', 'is immutable');
  }

  const items: CmOrderItemRequest[] = [];
  if (!Array.isArray(body.items) || body.items.length === 0) {
    problem('items', 'must be a non-empty array');
  } else if (body.items.length > MAX_ITEMS) {
    problem('items', `must have at most ${MAX_ITEMS} entries`);
  } else {
    (body.items as unknown[]).forEach((raw, index) => {
      const item = validateItem(raw, `items[${index}]`, problem);
      if (item) items.push(item);
    });
  }

  const sellToEmail = optionalString(body.sellToEmail, 'sellToEmail', problem);
  if (sellToEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(sellToEmail)) {
    problem('sellToEmail', 'must be a valid email address');
  }
  const sellToName = optionalString(body.sellToName, 'sellToName', problem);
  const sellToLanguage = optionalString(body.sellToLanguage, 'sellToLanguage', problem);
  if (sellToLanguage !== undefined && !/^[A-Z]{3}$/.test(sellToLanguage)) {
    problem('sellToLanguage', 'must be a three-letter upper-case language code, e.g. ENU');
  }
  const paymentReference = optionalString(body.paymentReference, 'paymentReference', problem);
  if (paymentReference !== undefined && paymentReference.trim() === '') {
    problem('paymentReference', 'must be a non-empty string when given');
  }

  if (details.length > 0 || partnerId === undefined || sellToOrderReference === undefined) return { details };
  return {
    request: {
      partnerId,
      sellToOrderReference,
      items,
      sellToEmail,
      sellToName,
      sellToLanguage,
      paymentReference,
    },
  };
}

function validateItem(
  raw: unknown,
  at: string,
  problem: (field: string, message: string) => void,
): CmOrderItemRequest | undefined {
  if (!isObject(raw)) {
    problem(at, 'must be an object');
    return undefined;
  }
  const itemNumber = requiredText(raw.itemNumber, `${at}.itemNumber`, Infinity, problem);
  const visitDate = raw.visitDate;
  if (typeof visitDate !== 'string' || !isCalendarDate(visitDate)) {
    problem(`${at}.visitDate`, 'must be a calendar date YYYY-MM-DD');
  }
  const visitTime = raw.visitTime;
  if (typeof visitTime !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(visitTime)) {
    problem(`${at}.visitTime`, 'must be a time of day HH:MM:SS');
  }
  const quantity = raw.quantity;
  const quantityOk =
    typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY;
  if (!quantityOk) problem(`${at}.quantity`, `must be an integer from 1 to ${MAX_QUANTITY}`);

  let wallet: CmOrderItemRequest['wallet'];
  if (raw.wallet !== undefined) {
    if (!isObject(raw.wallet)) {
      problem(`${at}.wallet`, 'must be an object');
    } else {
      const names = holderList(
        raw.wallet.names,
        `${at}.wallet.names`,
        true,
        quantityOk ? quantity : undefined,
        problem,
      );
      const externalReferenceNumbers = holderList(
        raw.wallet.externalReferenceNumbers,
        `${at}.wallet.externalReferenceNumbers`,
        false,
        quantityOk ? quantity : undefined,
        problem,
      );
      wallet = compact({ names, externalReferenceNumbers });
    }
  }

  if (
    itemNumber === undefined ||
    typeof visitDate !== 'string' ||
    typeof visitTime !== 'string' ||
    !quantityOk
  ) {
    return undefined;
  }
  return compact({ itemNumber, visitDate, visitTime, quantity, wallet });
}

/** One entry per ticket holder, so the list must be exactly as long as the line's quantity. */
function holderList(
  value: unknown,
  field: string,
  nonEmpty: boolean,
  quantity: number | undefined,
  problem: (field: string, message: string) => void,
): string[] | undefined {
  if (value === undefined) return undefined;
  const expected = nonEmpty ? 'non-empty strings' : 'strings';
  if (!Array.isArray(value)) {
    problem(field, `must be an array of ${expected}`);
    return undefined;
  }
  let ok = true;
  (value as unknown[]).forEach((entry, index) => {
    if (typeof entry !== 'string' || (nonEmpty && entry.trim() === '')) {
      problem(`${field}[${index}]`, `must be a ${nonEmpty ? 'non-empty string' : 'string'}`);
      ok = false;
    }
  });
  if (quantity !== undefined && value.length !== quantity) {
    problem(
      field,
      `must have exactly ${quantity} entries (one per ticket holder, as quantity), got ${value.length}`,
    );
    ok = false;
  }
  return ok ? (value as string[]) : undefined;
}

function validateConfirmRequest(body: unknown): Checked<CmConfirmRequest> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const details: CmFieldError[] = [];
  const paymentReference = requiredText(
    body.paymentReference,
    'paymentReference',
    Infinity,
    (field, message) => details.push({ field, message }),
  );
  if (paymentReference === undefined) return { details };
  return { request: { paymentReference } };
}

function requiredText(
  value: unknown,
  field: string,
  maxLength: number,
  problem: (field: string, message: string) => void,
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problem(field, 'must be a non-empty string');
    return undefined;
  }
  if (value.length > maxLength) {
    problem(field, `must be at most ${maxLength} characters`);
    return undefined;
  }
  return value;
}

function optionalString(
  value: unknown,
  field: string,
  problem: (field: string, message: string) => void,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problem(field, 'must be a string when given');
    return undefined;
  }
  return value;
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** ISO-8601 date-time with seconds optional, fraction optional and a zone required (`Z` or `±HH:MM`). */
function parseDateTime(value: string): number | undefined {
  const match =
    /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/.exec(
      value,
    );
  if (!match || !isCalendarDate(match[1] ?? '')) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

function sendError(
  res: Response,
  code: CmErrorCode,
  message: string,
  extra: Omit<CmErrorBody['error'], 'code' | 'message'> = {},
  status = STATUS_BY_CODE[code],
): void {
  const body: CmErrorBody = { error: { code, message, ...extra } };
  res.status(status).json(body);
}

/** An injected 5xx or 429 (src/vendors/README.md): the document names no rate-limit code, so both read INTERNAL. */
function sendFault(res: Response, status: number): void {
  sendError(
    res,
    'INTERNAL',
    status === 429 ? 'Too many requests; retry later' : 'Internal error',
    {},
    status,
  );
}

function sendValidation(res: Response, details: CmFieldError[]): void {
  const [first] = details;
  const more = details.length - 1;
  const message = first
    ? `Invalid request: ${first.field} ${first.message}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    : 'Invalid request';
  sendError(res, 'VALIDATION', message, { details });
}

function sendIssuanceFailed(res: Response, order: CmOrder): void {
  sendError(res, 'ISSUANCE_FAILED', order.statusMessage ?? 'Issuance failed', { orderId: order.orderId });
}

function sendInvalidState(res: Response, order: CmOrder, verb: string): void {
  sendError(res, 'INVALID_STATE', `An order in status ${order.status} cannot be ${verb}`, {
    orderId: order.orderId,
    status: order.status,
  });
}

/** A one-page PDF with Helvetica text; byte offsets are computed so that readers accept the xref table. */
function sendPdf(res: Response, lines: string[]): void {
  const escape = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
  const content =
    'BT /F1 11 Tf 50 790 Td 16 TL\n' + lines.map((line) => `(${escape(line)}) Tj T*`).join('\n') + '\nET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(pdf, 'latin1');
  pdf +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  res
    .status(200)
    .type('application/pdf')
    .set('Content-Disposition', 'inline; filename="manifest.pdf"')
    .send(Buffer.from(pdf, 'latin1'));
}

// ---------------------------------------------------------------------------------------------------------------
// Time, in the document's format

/** `YYYY-MM-DDTHH:MM:SSZ`, no milliseconds, as the document shows. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
