/**
 * A faithful stand-in for the Partner Orders API (`003_7b0d463ce3cba079.txt`, `004_b114480f1449d0b4.txt`) on
 * loopback: an OAuth 2.0 client-credentials token endpoint, order submit and order preview.
 * One express app, one store and one token table per `startPartnerOrdersSandbox()` call, living until `close()`;
 * tests start many side by side, so nothing mutable lives at module level.
 * Where the documents are silent, the choices are written down in README.md.
 */
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  PO_HTTP_STATUS_BY_CODE,
  PO_MAX_EMAIL,
  PO_MAX_EXTERNAL_ID,
  PO_MAX_LINES,
  PO_MAX_NAME,
  PO_MAX_QUANTITY,
  PO_ORDER_PATH,
  PO_PLANS_PATH,
  PO_PREVIEW_PATH,
  PO_REALM,
  PO_SCOPE_PREVIEW,
  PO_SCOPE_SUBMIT,
  PO_SCOPES,
  PO_TOKEN_PATH,
  PO_TOKEN_STATUS_BY_ERROR,
} from './contract.js';
import type {
  PoBillingScheduleEntry,
  PoErrorBody,
  PoErrorCode,
  PoFieldError,
  PoOrderLine,
  PoOrderRequest,
  PoPlan,
  PoPlanList,
  PoPreviewLineItem,
  PoPreviewResponse,
  PoScope,
  PoSubmitResponse,
  PoTokenErrorBody,
  PoTokenErrorCode,
  PoTokenResponse,
} from './contract.js';
import {
  BASIC_MONTHLY_PLAN_ID,
  DOC_CUSTOMER_EMAIL,
  DOC_ORDER_ID,
  DOC_OWNER,
  PLANS,
  PRO_MONTHLY_PLAN_ID,
  PRO_YEARLY_PLAN_ID,
  SEEDED_ORDER_IDS,
  TEAM_MONTHLY_PLAN_ID,
  findPlan,
  seedOrders,
} from './sandbox-seed.js';
import type { SandboxOrderRecord } from './sandbox-seed.js';
import {
  createRequestCounter,
  listenOnLoopback,
  parseJsonBody,
  rawBody,
  saveBeforeReply,
} from '../sandbox-server.js';
import type { RunningSandbox } from '../sandbox-server.js';
import { sandboxFaults } from '../sandbox-faults.js';
import type { SandboxFaultOptions } from '../sandbox-faults.js';
import { openSandboxStore } from '../sandbox-store.js';
import { serveOpenApi } from '../sandbox-server.js';
import { partnerOrdersOpenApi } from './openapi.js';
import type { SandboxStore } from '../sandbox-store.js';

export {
  BASIC_MONTHLY_PLAN_ID,
  DOC_CUSTOMER_EMAIL,
  DOC_ORDER_ID,
  DOC_OWNER,
  PLANS,
  PRO_MONTHLY_PLAN_ID,
  PRO_YEARLY_PLAN_ID,
  SEEDED_ORDER_IDS,
  TEAM_MONTHLY_PLAN_ID,
};
export type { SandboxOrderRecord };

export interface PartnerOrdersSandboxClient {
  clientId: string;
  clientSecret: string;
  /** What this client may be granted; a subset of `PO_SCOPES`. */
  scopes: string[];
}

export interface PartnerOrdersSandboxOptions extends SandboxFaultOptions {
  /** OAuth clients (one per partner organisation). At least one. */
  clients: PartnerOrdersSandboxClient[];
  /** Seed two past orders for the first client. Default true; never applied to a restored file. */
  seed?: boolean;
  /** Persist orders and customer identities in this JSON file; tokens stay in memory. Default: memory only. */
  dataFile?: string;
  /** The sandbox clock: token expiry, order `created_at`, and "today" for billing schedules. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Lifetime of an access token. Default 300. */
  tokenTtlSeconds?: number;
}

export interface PartnerOrdersSandbox extends RunningSandbox {
  /** The vendor's origin; the client appends `/oauth/token`, `/partner/order`, … to it. */
  baseUrl: string;
  /**
   * Tests: the next `count` preview/submit calls that reach the billing provider (valid, authorised requests)
   * answer 502 as a failing provider would, and change nothing. `on` limits them to one operation.
   */
  injectBillingFailures(count: number, on?: 'preview' | 'submit' | 'both'): void;
  /** Tests: revoke every token issued so far; the next call with one gets 401 invalid_token. */
  revokeTokens(): void;
  /** Requests to the token endpoint so far, whatever their outcome. */
  tokenRequests(): number;
  /** Submitted orders as stored, seed included, oldest first (copies). */
  orders(): readonly SandboxOrderRecord[];
}

export const DEFAULT_TOKEN_TTL_SECONDS = 300;
/** UK VAT, applied on top of every plan price by the Stripe plugin's tax settings. */
export const TAX_RATE_PERCENT = 20;

const REFERENCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** RFC 6750 §2.1 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

interface Client {
  clientId: string;
  secretDigest: Buffer;
  scopes: PoScope[];
}

interface IssuedToken {
  clientId: string;
  scopes: PoScope[];
  expiresAtMs: number;
}

/** What a restart on the same dataFile keeps, like the vendor's database. */
interface SandboxState {
  orders: SandboxOrderRecord[];
  /** Lower-cased customer email → owner identity id. */
  owners: Map<string, string>;
}

interface SerializedState {
  version: 1;
  orders: SandboxOrderRecord[];
  owners: [string, string][];
}

type BillingCall = 'preview' | 'submit';
type FailureTarget = BillingCall | 'both';

interface SandboxContext {
  store: SandboxStore<SandboxState>;
  clients: Client[];
  now: () => Date;
  tokenTtlSeconds: number;
  /** Access token → grant. In memory only: a restart signs everyone out, which a client must survive anyway. */
  tokens: Map<string, IssuedToken>;
  /** Injected billing failures, consumed first-match in the order they were injected. */
  failures: FailureTarget[];
  tokenRequests: number;
  /** The grant of a request in flight; entries go with their request. */
  grantOf: WeakMap<Request, IssuedToken>;
}

type Handler = (req: Request, res: Response) => void;

export async function startPartnerOrdersSandbox(
  options: PartnerOrdersSandboxOptions,
): Promise<PartnerOrdersSandbox> {
  const clients = checkClients(options.clients);
  const tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1) {
    throw new Error('tokenTtlSeconds must be a positive integer');
  }
  const [firstClient] = clients as [Client, ...Client[]];

  const store = openSandboxStore<SandboxState>({
    file: options.dataFile,
    initial: () => {
      const orders = (options.seed ?? true) ? seedOrders(firstClient.clientId) : [];
      const owners = new Map(orders.map((order) => [order.customer.email, order.response.owner]));
      return { orders, owners };
    },
    serialize: (state): SerializedState => ({
      version: 1,
      orders: state.orders,
      owners: [...state.owners.entries()],
    }),
    deserialize: (data) => {
      const saved = data as Partial<SerializedState> | null;
      if (saved?.version !== 1 || !Array.isArray(saved.orders) || !Array.isArray(saved.owners)) {
        throw new Error('not a Partner Orders sandbox state (version 1)');
      }
      return { orders: saved.orders, owners: new Map(saved.owners) };
    },
  });

  const ctx: SandboxContext = {
    store,
    clients,
    now: options.now ?? (() => new Date()),
    tokenTtlSeconds,
    tokens: new Map(),
    failures: [],
    tokenRequests: 0,
    grantOf: new WeakMap(),
  };
  const faults = sandboxFaults({ ...options, basePath: '', renderError: sendFault });
  const { middleware, counts } = createRequestCounter();
  const app = buildApp(ctx, [middleware, saveBeforeReply(() => store.save()), faults.middleware]);
  const running = await listenOnLoopback(app, counts, options.port ?? 0, faults);

  return {
    ...running,
    baseUrl: running.origin,
    injectBillingFailures(count, on = 'both') {
      if (!Number.isInteger(count) || count < 0) throw new Error('count must be a non-negative integer');
      for (let i = 0; i < count; i += 1) ctx.failures.push(on);
    },
    revokeTokens() {
      ctx.tokens.clear();
    },
    tokenRequests: () => ctx.tokenRequests,
    orders: () => structuredClone(ctx.store.state.orders),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Options: a misconfigured sandbox fails at start, not on the first request

function checkClients(clients: PartnerOrdersSandboxClient[]): Client[] {
  if (clients.length === 0) throw new Error('Partner Orders sandbox needs at least one OAuth client');
  const ids = new Set<string>();
  return clients.map((client) => {
    if (client.clientId === '' || client.clientSecret === '') {
      throw new Error('Partner Orders sandbox clients need a non-empty clientId and clientSecret');
    }
    if (ids.has(client.clientId)) throw new Error(`Duplicate clientId ${client.clientId}`);
    ids.add(client.clientId);
    const scopes = PO_SCOPES.filter((scope) => client.scopes.includes(scope));
    const unknown = client.scopes.filter((scope) => !PO_SCOPES.some((known) => known === scope));
    if (unknown.length > 0) {
      throw new Error(
        `Unknown scope ${unknown.join(', ')} for ${client.clientId}; known: ${PO_SCOPES.join(', ')}`,
      );
    }
    return { clientId: client.clientId, secretDigest: sha256(client.clientSecret), scopes };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// App

function buildApp(ctx: SandboxContext, before: RequestHandler[]): Express {
  const app = express();
  serveOpenApi(app, partnerOrdersOpenApi);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(...before);

  // Any content type is read as text: the token endpoint checks its own, and the API speaks only JSON.
  const readBody = rawBody();

  const bearer = (scope: PoScope | undefined): RequestHandler => {
    return (req, res, next) => {
      const header = req.get('authorization');
      // RFC 6750 §3.1: a request without credentials gets a bare challenge, no error code.
      if (header === undefined || !/^Bearer(\s|$)/i.test(header.trim())) {
        sendBearerError(res, 'unauthorized', 'Missing bearer token; send "Authorization: Bearer <token>"');
        return;
      }
      const match = BEARER.exec(header.trim());
      if (!match) {
        sendBearerError(res, 'invalid_request', 'Malformed Authorization header');
        return;
      }
      const grant = ctx.tokens.get(match[1] ?? '');
      if (!grant) {
        sendBearerError(res, 'invalid_token', 'The access token is unknown or has been revoked');
        return;
      }
      if (ctx.now().getTime() >= grant.expiresAtMs) {
        ctx.tokens.delete(match[1] ?? '');
        sendBearerError(res, 'invalid_token', 'The access token has expired');
        return;
      }
      if (scope !== undefined && !grant.scopes.includes(scope)) {
        sendBearerError(res, 'insufficient_scope', `This call requires the scope ${scope}`, scope);
        return;
      }
      ctx.grantOf.set(req, grant);
      next();
    };
  };

  // Parsed after the token check so an unauthenticated caller learns nothing from body errors; an empty body is
  // "no object", not {}.
  const parseJson = parseJsonBody({
    malformed: (res) => sendInvalidPayload(res, [{ field: 'body', message: 'must be well-formed JSON' }]),
  });

  app.post(PO_TOKEN_PATH, readBody, issueToken(ctx));
  app.post(PO_PREVIEW_PATH, bearer(PO_SCOPE_PREVIEW), readBody, parseJson, previewOrder(ctx));
  app.post(PO_ORDER_PATH, bearer(PO_SCOPE_SUBMIT), readBody, parseJson, submitOrder(ctx));
  app.get(PO_PLANS_PATH, bearer(undefined), listPlans());

  app.use((_req: Request, res: Response) => {
    sendError(res, 'not_found', 'Not found: no such route');
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: unknown } | null)?.type;
    const status = (err as { status?: unknown } | null)?.status;
    if (res.headersSent) return;
    const isToken = req.path === PO_TOKEN_PATH;
    if (type === 'entity.too.large') {
      if (isToken) sendTokenError(res, 'invalid_request', 'The request body must not exceed 1 MB');
      else sendInvalidPayload(res, [{ field: 'body', message: 'must not exceed 1 MB' }]);
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      if (isToken) sendTokenError(res, 'invalid_request', 'The request could not be read');
      else sendInvalidPayload(res, [{ field: 'body', message: 'could not be read' }]);
    } else {
      sendError(res, 'internal_error', 'Internal error');
    }
  });

  return app;
}

// ---------------------------------------------------------------------------------------------------------------
// Token endpoint (RFC 6749 §4.4, errors §5.2)

function issueToken(ctx: SandboxContext): Handler {
  return (req, res) => {
    ctx.tokenRequests += 1;
    const contentType = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      sendTokenError(res, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
      return;
    }
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    // RFC 6749 §3.2: parameters must not be included more than once.
    const repeated = [...new Set(form.keys())].filter((name) => form.getAll(name).length > 1);
    if (repeated.length > 0) {
      sendTokenError(res, 'invalid_request', `Parameter ${repeated.join(', ')} is repeated`);
      return;
    }

    const basic = readBasicCredentials(req.get('authorization'));
    if (basic === 'malformed') {
      sendTokenError(res, 'invalid_request', 'Malformed Basic credentials');
      return;
    }
    const bodyId = form.get('client_id');
    const bodySecret = form.get('client_secret');
    // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
    if (basic && (bodyId !== null || bodySecret !== null)) {
      sendTokenError(
        res,
        'invalid_request',
        'Use either HTTP Basic or client_id/client_secret in the body, not both',
      );
      return;
    }
    const credentials =
      basic ?? (bodyId !== null && bodySecret !== null ? { id: bodyId, secret: bodySecret } : null);
    const client = credentials ? authenticateClient(ctx, credentials.id, credentials.secret) : undefined;
    if (!client) {
      sendTokenError(res, 'invalid_client', 'Client authentication failed');
      return;
    }

    const grantType = form.get('grant_type');
    if (grantType === null || grantType === '') {
      sendTokenError(res, 'invalid_request', 'grant_type is required');
      return;
    }
    if (grantType !== 'client_credentials') {
      sendTokenError(res, 'unsupported_grant_type', `Only grant_type=client_credentials is supported`);
      return;
    }

    const requested = (form.get('scope') ?? '').split(' ').filter((name) => name !== '');
    const notAllowed = requested.filter((name) => !client.scopes.some((scope) => scope === name));
    if (notAllowed.length > 0) {
      sendTokenError(
        res,
        'invalid_scope',
        `Scope ${notAllowed.join(' ')} is unknown or not granted to this client; it may request ${client.scopes.join(' ')}`,
      );
      return;
    }
    const scopes =
      requested.length === 0 ? client.scopes : client.scopes.filter((s) => requested.includes(s));

    const accessToken = randomBytes(32).toString('base64url');
    ctx.tokens.set(accessToken, {
      clientId: client.clientId,
      scopes,
      expiresAtMs: ctx.now().getTime() + ctx.tokenTtlSeconds * 1000,
    });
    const body: PoTokenResponse = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ctx.tokenTtlSeconds,
      scope: scopes.join(' '),
    };
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache').status(200).json(body);
  };
}

/** Undefined when there is no Basic header; RFC 6749 §2.3.1 form-encodes id and secret before base64. */
function readBasicCredentials(
  header: string | undefined,
): { id: string; secret: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header.trim());
  if (!match) return /^Basic(\s|$)/i.test(header.trim()) ? 'malformed' : undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const formDecode = (text: string): string => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/** Every client's digest is compared, match or not, so timing says nothing about which id exists. */
function authenticateClient(ctx: SandboxContext, id: string, secret: string): Client | undefined {
  const digest = sha256(secret);
  let found: Client | undefined;
  for (const client of ctx.clients) {
    const secretMatches = timingSafeEqual(digest, client.secretDigest);
    if (secretMatches && client.clientId === id && found === undefined) found = client;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// API routes

function listPlans(): Handler {
  return (_req, res) => {
    const body: PoPlanList = { plans: PLANS.map((plan) => ({ ...plan })) };
    res.json(body);
  };
}

function previewOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const priced = priceRequest(req.body as unknown, res);
    if (!priced) return;
    if (takeBillingFailure(ctx, 'preview')) {
      sendBillingFailure(res);
      return;
    }
    res.json(preview(priced, ctx.now()));
  };
}

function submitOrder(ctx: SandboxContext): Handler {
  return (req, res) => {
    const priced = priceRequest(req.body as unknown, res);
    if (!priced) return;
    // The vendor rolls back when the provider fails: nothing below has run, so no order, owner or reference.
    if (takeBillingFailure(ctx, 'submit')) {
      sendBillingFailure(res);
      return;
    }
    const { state } = ctx.store;
    const grant = grantOf(ctx, req);
    const { request } = priced;
    const emailKey = request.customer.email.toLowerCase();
    let owner = state.owners.get(emailKey);
    if (owner === undefined) {
      owner = uniqueValue(
        () => `id-${randomBytes(16).toString('hex')}`,
        (id) => [...state.owners.values()].includes(id),
      );
      state.owners.set(emailKey, owner);
    }
    const response: PoSubmitResponse = {
      id: uniqueValue(
        () => `order-${randomBytes(16).toString('hex')}`,
        (id) => state.orders.some((order) => order.response.id === id),
      ),
      order_reference: uniqueValue(reference, (ref) =>
        state.orders.some((order) => order.response.order_reference === ref),
      ),
      status: 'complete',
      external_id: request.external_id ?? null,
      subscriptionReference: uniqueValue(reference, (ref) =>
        state.orders.some((order) => order.response.subscriptionReference === ref),
      ),
      owner,
    };
    const totals = preview(priced, ctx.now());
    state.orders.push({
      response,
      client_id: grant.clientId,
      customer: compact({ email: request.customer.email, name: request.customer.name }),
      lines: request.lines.map((line) => ({ plan_id: line.plan_id, quantity: line.quantity })),
      currency: totals.currency,
      total: totals.total,
      created_at: isoSeconds(ctx.now()),
    });
    // saveBeforeReply writes the file before this answer leaves.
    res.json(response);
  };
}

function grantOf(ctx: SandboxContext, req: Request): IssuedToken {
  const grant = ctx.grantOf.get(req);
  if (!grant) throw new Error('route reached without a token');
  return grant;
}

function takeBillingFailure(ctx: SandboxContext, call: BillingCall): boolean {
  const index = ctx.failures.findIndex((target) => target === 'both' || target === call);
  if (index < 0) return false;
  ctx.failures.splice(index, 1);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Pricing, as the Stripe plugin computes it

interface PricedRequest {
  request: PoOrderRequest;
  plans: PoPlan[];
}

/** Validates and resolves plans; answers 400/404 itself and returns undefined when the request cannot be priced. */
function priceRequest(body: unknown, res: Response): PricedRequest | undefined {
  const checked = validateOrderRequest(body);
  if ('details' in checked) {
    sendInvalidPayload(res, checked.details);
    return undefined;
  }
  const { request } = checked;
  const missing: PoFieldError[] = [];
  const plans: PoPlan[] = [];
  request.lines.forEach((line, index) => {
    const plan = findPlan(line.plan_id);
    if (plan) plans.push(plan);
    else missing.push({ field: `lines[${index}].plan_id`, message: `plan ${line.plan_id} does not exist` });
  });
  if (missing.length > 0) {
    const ids = request.lines.filter((line) => !findPlan(line.plan_id)).map((line) => line.plan_id);
    sendError(res, 'not_found', `Not found: plan ${ids.join(', ')} does not exist`, missing);
    return undefined;
  }
  const currencies = [...new Set(plans.map((plan) => plan.currency))];
  const problems: PoFieldError[] = [];
  if (currencies.length > 1) {
    problems.push({ field: 'lines', message: `plans must share one currency, got ${currencies.join(', ')}` });
  } else if (request.currency !== undefined && request.currency !== currencies[0]) {
    problems.push({
      field: 'currency',
      message: `must be ${currencies[0]}, the currency of the plans ordered`,
    });
  }
  if (problems.length > 0) {
    sendInvalidPayload(res, problems);
    return undefined;
  }
  return { request, plans };
}

function preview({ request, plans }: PricedRequest, now: Date): PoPreviewResponse {
  const lineItems = request.lines.map((line, index): PoPreviewLineItem => {
    const plan = plans[index] as PoPlan;
    const amount = plan.unit_amount * line.quantity;
    return {
      plan_id: plan.plan_id,
      description: `${line.quantity} × ${plan.name} (at ${plan.currency} ${majorUnits(plan.unit_amount)} / ${plan.interval})`,
      quantity: line.quantity,
      unit_amount: plan.unit_amount,
      amount,
      // Integer arithmetic, half up: amounts are never negative.
      tax: Math.floor((amount * TAX_RATE_PERCENT + 50) / 100),
      interval: plan.interval,
    };
  });
  const due = new Map<string, number>();
  for (const item of lineItems) {
    const charges = item.interval === 'month' ? 12 : 1;
    for (let k = 0; k < charges; k += 1) {
      const date = isoDate(addMonths(now, item.interval === 'month' ? k : 12 * k));
      due.set(date, (due.get(date) ?? 0) + item.amount + item.tax);
    }
  }
  const schedule: PoBillingScheduleEntry[] = [...due.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, amount]) => ({ date, amount }));
  const subtotal = lineItems.reduce((sum, item) => sum + item.amount, 0);
  const tax = lineItems.reduce((sum, item) => sum + item.tax, 0);
  return {
    billing_provider: 'stripe',
    currency: (plans[0] as PoPlan).currency,
    subtotal,
    tax,
    total: subtotal + tax,
    tax_rate: TAX_RATE_PERCENT,
    line_items: lineItems,
    billing_schedule: schedule,
  };
}

/**
 * The same day of month `months` later, clamped to the month's last day, always counted from the anchor (as
 * Stripe does): Jan 31 → Feb 28 → Mar 31, never drifting to the 28th.
 */
function addMonths(anchor: Date, months: number): Date {
  const year = anchor.getUTCFullYear();
  const month = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(anchor.getUTCDate(), lastDay)));
}

function majorUnits(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every problem is reported at once, each under its JSON path

type Checked<T> = { request: T } | { details: PoFieldError[] };
type Problem = (field: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateOrderRequest(body: unknown): Checked<PoOrderRequest> {
  if (!isObject(body)) return { details: [{ field: 'body', message: 'must be a JSON object' }] };
  const details: PoFieldError[] = [];
  const problem: Problem = (field, message) => {
    details.push({ field, message });
  };

  const externalId = optionalText(body.external_id, 'external_id', PO_MAX_EXTERNAL_ID, problem);

  let email: string | undefined;
  let name: string | undefined;
  if (body.customer === undefined) {
    problem('customer', 'is required');
  } else if (!isObject(body.customer)) {
    problem('customer', 'must be an object');
  } else {
    email = requiredText(body.customer.email, 'customer.email', PO_MAX_EMAIL, problem);
    if (email !== undefined && !EMAIL.test(email)) {
      problem('customer.email', 'must be a valid email address');
      email = undefined;
    }
    name = optionalText(body.customer.name, 'customer.name', PO_MAX_NAME, problem);
  }

  const lines: PoOrderLine[] = [];
  if (body.lines === undefined) {
    problem('lines', 'is required');
  } else if (!Array.isArray(body.lines) || body.lines.length === 0) {
    problem('lines', 'must be a non-empty array');
  } else if (body.lines.length > PO_MAX_LINES) {
    problem('lines', `must have at most ${PO_MAX_LINES} entries`);
  } else {
    const seen = new Set<string>();
    (body.lines as unknown[]).forEach((raw, index) => {
      const at = `lines[${index}]`;
      if (!isObject(raw)) {
        problem(at, 'must be an object');
        return;
      }
      const planId = requiredText(raw.plan_id, `${at}.plan_id`, Infinity, problem);
      // One subscription item per plan, as Stripe requires: more seats is a larger quantity.
      if (planId !== undefined && seen.has(planId)) {
        problem(
          `${at}.plan_id`,
          `${planId} appears on an earlier line; order more seats with quantity instead`,
        );
      }
      if (planId !== undefined) seen.add(planId);
      const quantity = raw.quantity;
      const quantityOk =
        typeof quantity === 'number' &&
        Number.isInteger(quantity) &&
        quantity >= 1 &&
        quantity <= PO_MAX_QUANTITY;
      if (quantity === undefined) problem(`${at}.quantity`, 'is required');
      else if (!quantityOk) problem(`${at}.quantity`, `must be an integer from 1 to ${PO_MAX_QUANTITY}`);
      if (planId !== undefined && quantityOk) lines.push({ plan_id: planId, quantity });
    });
  }

  let currency: string | undefined;
  if (body.currency !== undefined) {
    if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) {
      problem('currency', 'must be an ISO 4217 code in upper case, e.g. GBP');
    } else {
      currency = body.currency;
    }
  }

  if (details.length > 0 || email === undefined) return { details };
  return {
    request: compact({
      external_id: externalId,
      customer: compact({ email, name }),
      lines,
      currency,
    }),
  };
}

function requiredText(
  value: unknown,
  field: string,
  maxLength: number,
  problem: Problem,
): string | undefined {
  if (value === undefined) {
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

function optionalText(
  value: unknown,
  field: string,
  maxLength: number,
  problem: Problem,
): string | undefined {
  return value === undefined ? undefined : requiredText(value, field, maxLength, problem);
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

function sendError(
  res: Response,
  code: PoErrorCode,
  message: string,
  details?: PoFieldError[],
  status = PO_HTTP_STATUS_BY_CODE[code],
): void {
  const body: PoErrorBody = details ? { error: code, message, details } : { error: code, message };
  res.status(status).json(body);
}

/** An injected 5xx or 429 (src/vendors/README.md): the documents name no rate-limit code, so 429 reads internal_error. */
function sendFault(res: Response, status: number): void {
  if (status === 502) sendError(res, 'bad_gateway', 'Bad Gateway; retry later');
  else
    sendError(
      res,
      'internal_error',
      status === 429 ? 'Too many requests; retry later' : 'Internal error',
      undefined,
      status,
    );
}

function sendInvalidPayload(res: Response, details: PoFieldError[]): void {
  const [first] = details;
  const more = details.length - 1;
  const message = first
    ? `Invalid order payload: ${first.field} ${first.message}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    : 'Invalid order payload';
  sendError(res, 'invalid_payload', message, details);
}

/** RFC 6750 §3: the challenge carries the error code, except when the request had no credentials at all. */
function sendBearerError(
  res: Response,
  code: 'unauthorized' | 'invalid_request' | 'invalid_token' | 'insufficient_scope',
  message: string,
  scope?: PoScope,
): void {
  const params = [`realm="${PO_REALM}"`];
  if (code !== 'unauthorized') params.push(`error="${code}"`, `error_description="${message}"`);
  if (scope !== undefined) params.push(`scope="${scope}"`);
  res.set('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  sendError(res, code, message);
}

function sendBillingFailure(res: Response): void {
  sendError(
    res,
    'bad_gateway',
    'Bad Gateway: the billing provider (stripe) returned an unexpected response; nothing was created or charged, retry later',
  );
}

function sendTokenError(res: Response, code: PoTokenErrorCode, description: string): void {
  if (code === 'invalid_client') res.set('WWW-Authenticate', `Basic realm="${PO_REALM}"`);
  const body: PoTokenErrorBody = { error: code, error_description: description };
  res
    .set('Cache-Control', 'no-store')
    .set('Pragma', 'no-cache')
    .status(PO_TOKEN_STATUS_BY_ERROR[code])
    .json(body);
}

// ---------------------------------------------------------------------------------------------------------------
// Ids, time, small helpers

/** 12 upper-case letters and digits, as the document's `8HK92PL401QW`. */
function reference(): string {
  return Array.from({ length: 12 }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('');
}

function uniqueValue(make: () => string, taken: (value: string) => boolean): string {
  for (;;) {
    const value = make();
    if (!taken(value)) return value;
  }
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, no milliseconds. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
