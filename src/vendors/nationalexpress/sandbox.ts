/**
 * A faithful stand-in for the National Express Accounts API (second half of `000_925367e72c87abc3.txt`) on
 * loopback. One express app, one store and one rate-limit table per `startNationalExpressSandbox()` call, living
 * until `close()`; tests start many side by side, so nothing mutable lives at module level.
 * Where the document is silent, the choices are written down in README.md.
 */
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import {
  NE_ACCOUNT_STATUSES,
  NE_API_VERSION,
  NE_CODE,
  NE_CODE_TITLE,
  NE_DEFAULT_PAGE_SIZE,
  NE_HTTP_STATUS,
  NE_LINKABLE_STATUSES,
  NE_MAX_PAGE_SIZE,
  NE_MAX_TICKET_REFERENCES,
  NE_REQUEST_ID_HEADER,
  NE_TICKET_REFERENCE_PATTERN,
  NE_TRACING_HEADER,
} from './contract.js';
import type {
  NeAccount,
  NeAccountStatus,
  NeEnvelope,
  NeErrorCode,
  NeErrorTypeDef,
  NeFieldErrorCode,
  NeLinks,
  NeMeta,
  NePagination,
  NeTicketLink,
} from './contract.js';
import {
  SEEDED_ACCOUNT_COUNT,
  SEEDED_ACCOUNT_EMAIL,
  SEEDED_ACCOUNT_ID,
  SEEDED_ACCOUNTS,
  SEEDED_ACTIVE_ACCOUNT_ID,
  SEEDED_CLOSED_ACCOUNT_ID,
  SEEDED_PENDING_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_TICKET_REFERENCE,
  SEEDED_UNLINKED_TICKET_REFERENCE,
} from './sandbox-seed.js';
import {
  createRequestCounter,
  fixedWindowRateLimit,
  jsonBody,
  keyMatcher,
  listenOnLoopback,
  saveBeforeReply,
} from '../sandbox-server.js';
import type { RunningSandbox } from '../sandbox-server.js';
import { sandboxFaults } from '../sandbox-faults.js';
import type { SandboxFaultOptions } from '../sandbox-faults.js';
import { openSandboxStore } from '../sandbox-store.js';
import { serveOpenApi } from '../sandbox-server.js';
import { nationalExpressOpenApi } from './openapi.js';

export {
  SEEDED_ACCOUNT_COUNT,
  SEEDED_ACCOUNT_EMAIL,
  SEEDED_ACCOUNT_ID,
  SEEDED_ACCOUNTS,
  SEEDED_ACTIVE_ACCOUNT_ID,
  SEEDED_CLOSED_ACCOUNT_ID,
  SEEDED_PENDING_ACCOUNT_ID,
  SEEDED_SUSPENDED_ACCOUNT_ID,
  SEEDED_TICKET_REFERENCE,
  SEEDED_UNLINKED_TICKET_REFERENCE,
};

export interface NationalExpressSandboxOptions extends SandboxFaultOptions {
  /** The only bearer token accepted (`Authorization: Bearer <token>`); anything else is 100401. */
  apiKey: string;
  /** Seed the accounts and links of `sandbox-seed.ts`. Default true. Ignored when `dataFile` already exists. */
  seed?: boolean;
  /** Keep the state in this JSON file across restarts; undefined keeps it in memory only. */
  dataFile?: string;
  /** The sandbox clock: `meta.timestamp`, `linkedAt`, `updatedAt` and the rate-limit window. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Requests per token per fixed one-minute window; beyond it, 429 / 100429 with Retry-After. Default 300. */
  requestsPerMinute?: number;
  /**
   * Ticket references that exist in the ticketing system and may be linked (the gateway links Channel Manager
   * ticket reference numbers). Only asked about references of the documented format. Default: every one exists.
   */
  knownTicket?: (reference: string) => boolean;
}

export interface NationalExpressSandbox extends RunningSandbox {
  /** Where a client appends `/accounts`: the origin itself, since the document's paths start at `/accounts`. */
  baseUrl: string;
  /** Maintenance mode: every API call answers 503 with code 100503 while on (tests). */
  setMaintenance(on: boolean): void;
  /** The next `count` authenticated calls answer 500 with code 100500, as an account system failure would (tests). */
  failNext(count?: number): void;
}

const DEFAULT_REQUESTS_PER_MINUTE = 300;
const WINDOW_MS = 60_000;
/** What a maintenance answer tells callers to wait; the sandbox cannot know when a test switches it off. */
const MAINTENANCE_RETRY_AFTER_SECONDS = 30;
const MAX_BODY = '64kb';
const MAX_SEARCH = 100;
const MAX_EMAIL = 254;
const MAX_PAGE = 1_000_000;
const ACCOUNT_ID = /^NXA-\d{6}$/;
/** Printable ASCII without spaces: safe to echo in a header and in JSON. */
const TRACING_ID = /^[\x21-\x7e]{1,128}$/;
const STATE_FORMAT = 'nationalexpress-sandbox/1';

interface StoredAccount {
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName: string | null;
  status: NeAccountStatus;
  createdAt: string;
  updatedAt: string;
}

interface StoredLink {
  ticketReference: string;
  accountId: string;
  linkedAt: string;
}

/**
 * Everything one sandbox instance remembers, and all of it goes to the data file. Links are keyed by ticket
 * reference because a ticket belongs to at most one account. Rate-limit windows, maintenance and injected failures
 * are not state: a restarted vendor forgets them.
 */
interface SandboxState {
  accounts: Map<string, StoredAccount>;
  links: Map<string, StoredLink>;
}

interface SerializedState {
  format: typeof STATE_FORMAT;
  accounts: StoredAccount[];
  links: StoredLink[];
}

interface SandboxContext {
  state: SandboxState;
  now: () => Date;
  knownTicket: (reference: string) => boolean;
  /** Known only once the server listens; every href is built from it, so links follow the port after a restart. */
  origin: string;
}

/** Per-response facts every envelope needs, set by the first middleware. */
interface Locals {
  tracing: string;
}

type Handler = (req: Request, res: Response) => void;

export async function startNationalExpressSandbox(
  options: NationalExpressSandboxOptions,
): Promise<NationalExpressSandbox> {
  const seed = options.seed ?? true;
  const store = openSandboxStore<SandboxState>({
    file: options.dataFile,
    initial: () => initialState(seed),
    serialize,
    deserialize,
  });
  const ctx: SandboxContext = {
    state: store.state,
    now: options.now ?? (() => new Date()),
    knownTicket: options.knownTicket ?? (() => true),
    origin: '',
  };
  const switches = { maintenance: false, failures: 0 };

  const faults = sandboxFaults({
    ...options,
    basePath: '',
    renderError: (res, status) => sendFault(ctx, res, status),
  });
  const { middleware, counts } = createRequestCounter();
  const app = buildApp(ctx, {
    apiKey: options.apiKey,
    requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    switches,
    before: [middleware, saveBeforeReply(() => store.save())],
    faults: faults.middleware,
  });
  const running = await listenOnLoopback(app, counts, options.port ?? 0, faults);
  ctx.origin = running.origin;

  return {
    ...running,
    baseUrl: running.origin,
    setMaintenance: (on) => {
      switches.maintenance = on;
    },
    failNext: (count = 1) => {
      switches.failures = Math.max(0, Math.floor(count));
    },
  };
}

function buildApp(
  ctx: SandboxContext,
  config: {
    apiKey: string;
    requestsPerMinute: number;
    switches: { maintenance: boolean; failures: number };
    before: RequestHandler[];
    faults: RequestHandler;
  },
): Express {
  const app = express();
  serveOpenApi(app, nationalExpressOpenApi);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(...config.before);

  // First, so that every answer (401, 429, 503 and unknown routes included) carries the caller's tracing id.
  app.use((req, res, next) => {
    const sent = [req.get(NE_TRACING_HEADER), req.get(NE_REQUEST_ID_HEADER)].find(
      (value) => value !== undefined && TRACING_ID.test(value),
    );
    const locals: Locals = { tracing: sent ?? randomUUID() };
    res.locals.ne = locals;
    res.set(NE_TRACING_HEADER, locals.tracing);
    next();
  });

  // Injected faults come before maintenance, the rate limit and the token check (src/vendors/README.md).
  app.use(config.faults);

  // Before the token check: a service down for maintenance cannot check tokens either.
  app.use((_req, res, next) => {
    if (!config.switches.maintenance) {
      next();
      return;
    }
    res.set('retry-after', String(MAINTENANCE_RETRY_AFTER_SECONDS));
    sendError(ctx, res, NE_CODE.SERVICE_UNAVAILABLE, 'Account service maintenance; retry later');
  });

  app.use(rateLimiter(ctx, config.requestsPerMinute));

  // Applies to unknown routes too: without a token, a caller learns nothing about which paths exist.
  const keyMatches = keyMatcher(config.apiKey);
  app.use((req, res, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (!match || !keyMatches(match[1] ?? '')) {
      res.set('www-authenticate', 'Bearer');
      sendError(ctx, res, NE_CODE.AUTHENTICATION_ERROR, 'Invalid or missing bearer token');
      return;
    }
    next();
  });

  app.use((_req, res, next) => {
    if (config.switches.failures <= 0) {
      next();
      return;
    }
    config.switches.failures -= 1;
    sendError(ctx, res, NE_CODE.SERVER_ERROR, 'Account management system failure; retry');
  });

  // Read after the token check so an unauthenticated caller learns nothing from body errors; parsed here so that
  // an empty body is "no object", not {}, and a non-JSON content type is named rather than silently ignored.
  const body = jsonBody({
    notJson: (res) =>
      sendValidation(ctx, res, [
        { field: 'Content-Type', message: 'must be application/json', code: 'UNSUPPORTED_MEDIA_TYPE' },
      ]),
    malformed: (res) =>
      sendValidation(ctx, res, [
        { field: 'body', message: 'is not well-formed JSON', code: 'MALFORMED_JSON' },
      ]),
  });

  app.get('/accounts', listAccounts(ctx));
  app.get('/accounts/:accountId', getAccount(ctx));
  app.get('/accounts/:accountId/tickets', listTickets(ctx));
  app.post('/accounts/:accountId/tickets', ...body, linkTicket(ctx));
  app.get('/accounts/:accountId/tickets/:ticketReference', getTicket(ctx));
  app.delete('/accounts/:accountId/tickets/:ticketReference', unlinkTicket(ctx));

  app.use((req: Request, res: Response) => {
    sendError(ctx, res, NE_CODE.NOT_FOUND, `No route ${req.method} ${req.path}`);
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const type = (err as { type?: unknown } | null)?.type;
    const status = (err as { status?: unknown } | null)?.status;
    if (type === 'entity.too.large') {
      sendValidation(ctx, res, [
        { field: 'body', message: `must not exceed ${MAX_BODY.toUpperCase()}`, code: 'OUT_OF_RANGE' },
      ]);
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      sendValidation(ctx, res, [
        { field: 'body', message: 'could not be read (malformed encoding or body)', code: 'INVALID_FORMAT' },
      ]);
    } else {
      sendError(ctx, res, NE_CODE.SERVER_ERROR, 'Account management system failure; retry');
    }
  });

  return app;
}

/**
 * A fixed window per presented token, aligned to the clock's minute. Counted before authentication so that a
 * flood with a wrong token is limited too; a refused request does not use up the window.
 */
function rateLimiter(ctx: SandboxContext, limit: number): RequestHandler {
  return fixedWindowRateLimit({
    limit,
    windowMs: WINDOW_MS,
    now: ctx.now,
    refuse: (res, retryAfter) =>
      sendError(
        ctx,
        res,
        NE_CODE.RATE_LIMIT_ERROR,
        `Too many account requests: ${limit} per minute; retry after ${retryAfter} seconds`,
      ),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Route handlers

function listAccounts(ctx: SandboxContext): Handler {
  return (req, res) => {
    const query = new QueryReader(req);
    const email = query.single('email');
    if (email !== undefined && (email.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+$/.test(email))) {
      query.problem('email', 'must be an email address', 'INVALID_FORMAT');
    }
    const status = query.single('status');
    if (status !== undefined && !isAccountStatus(status)) {
      query.problem('status', `must be one of ${NE_ACCOUNT_STATUSES.join(', ')}`, 'INVALID_VALUE');
    }
    const search = query.single('search');
    if (search !== undefined && (search.trim() === '' || search.length > MAX_SEARCH)) {
      query.problem('search', `must be 1 to ${MAX_SEARCH} characters, not only blanks`, 'OUT_OF_RANGE');
    }
    const references = query.references('ticketReferences');
    const page = query.page(references !== undefined ? NE_MAX_PAGE_SIZE : NE_DEFAULT_PAGE_SIZE);
    if (query.errors.length > 0 || page === undefined) {
      sendValidation(ctx, res, query.errors);
      return;
    }

    const wanted = references && new Set(references);
    const needle = search?.trim().toLowerCase();
    const holders = new Map<string, string[]>();
    if (wanted) {
      for (const link of sortedLinks(ctx)) {
        if (!wanted.has(link.ticketReference)) continue;
        holders.set(link.accountId, [...(holders.get(link.accountId) ?? []), link.ticketReference]);
      }
    }
    const matches = [...ctx.state.accounts.values()]
      .filter(
        (account) =>
          (email === undefined || account.email === email.toLowerCase()) &&
          (status === undefined || account.status === status) &&
          (needle === undefined || searchText(account).includes(needle)) &&
          (wanted === undefined || holders.has(account.accountId)),
      )
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.accountId, b.accountId));

    const filters = new URLSearchParams();
    if (email !== undefined) filters.set('email', email);
    if (status !== undefined) filters.set('status', status);
    if (search !== undefined) filters.set('search', search);
    if (references !== undefined) filters.set('ticketReferences', [...new Set(references)].join(','));
    sendPage(ctx, res, '/accounts', filters, matches, page, (account) => {
      const matched = holders.get(account.accountId);
      return accountView(ctx, account, matched);
    });
  };
}

function getAccount(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = findAccount(ctx, req, res);
    if (!account) return;
    const view = accountView(ctx, account);
    sendSuccess(ctx, res, view, view.links);
  };
}

function listTickets(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = findAccount(ctx, req, res);
    if (!account) return;
    const query = new QueryReader(req);
    const page = query.page(NE_DEFAULT_PAGE_SIZE);
    if (query.errors.length > 0 || page === undefined) {
      sendValidation(ctx, res, query.errors);
      return;
    }
    const links = sortedLinks(ctx).filter((link) => link.accountId === account.accountId);
    const extra: NeLinks = { account: { href: accountHref(ctx, account.accountId) } };
    if (isLinkable(account.status)) {
      extra.link = { href: ticketsHref(ctx, account.accountId), method: 'POST' };
    }
    sendPage(
      ctx,
      res,
      `/accounts/${encodeURIComponent(account.accountId)}/tickets`,
      new URLSearchParams(),
      links,
      page,
      (link) => ticketView(ctx, link),
      extra,
    );
  };
}

/**
 * Checks, in order: the account exists (100404); the body is valid and names a ticket that exists (100400); the
 * account's status allows linking (100403); the ticket is not held by another account (100400). A ticket already
 * linked to this account answers 200 with the first link, so a retried link is harmless.
 */
function linkTicket(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = findAccount(ctx, req, res);
    if (!account) return;
    const checked = validateLinkRequest(ctx, req.body as unknown);
    if ('errors' in checked) {
      sendValidation(ctx, res, checked.errors);
      return;
    }
    const reference = checked.ticketReference;
    if (!isLinkable(account.status)) {
      sendError(
        ctx,
        res,
        NE_CODE.AUTHORIZATION_ERROR,
        `Account ${account.accountId} is ${account.status}; tickets cannot be linked to it`,
        [
          {
            field: 'accountId',
            message: `is ${account.status}; tickets can be linked to ${NE_LINKABLE_STATUSES.join(' and ')} accounts only`,
            code: 'ACCOUNT_NOT_LINKABLE',
          },
        ],
      );
      return;
    }
    const existing = ctx.state.links.get(reference);
    if (existing && existing.accountId === account.accountId) {
      const view = ticketView(ctx, existing);
      sendSuccess(ctx, res, view, view.links);
      return;
    }
    if (existing) {
      // Which account holds it is another customer's data, so the answer does not say.
      sendValidation(ctx, res, [
        {
          field: 'ticketReference',
          message: 'is already linked to another account; it must be unlinked there first',
          code: 'TICKET_LINKED_TO_ANOTHER_ACCOUNT',
        },
      ]);
      return;
    }
    const at = isoSeconds(ctx.now());
    const link: StoredLink = { ticketReference: reference, accountId: account.accountId, linkedAt: at };
    ctx.state.links.set(reference, link);
    account.updatedAt = at;
    const view = ticketView(ctx, link);
    sendSuccess(ctx, res, view, view.links, 201);
  };
}

function getTicket(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = findAccount(ctx, req, res);
    if (!account) return;
    const link = findLink(ctx, account, req, res);
    if (!link) return;
    const view = ticketView(ctx, link);
    sendSuccess(ctx, res, view, view.links);
  };
}

/** Allowed whatever the account's status: releasing a ticket never grants access to anything. */
function unlinkTicket(ctx: SandboxContext): Handler {
  return (req, res) => {
    const account = findAccount(ctx, req, res);
    if (!account) return;
    const link = findLink(ctx, account, req, res);
    if (!link) return;
    ctx.state.links.delete(link.ticketReference);
    account.updatedAt = isoSeconds(ctx.now());
    // self is the link that was: the URL this answer is about, though it now answers 100404.
    sendSuccess(ctx, res, null, {
      self: { href: `${ticketsHref(ctx, account.accountId)}/${encodeURIComponent(link.ticketReference)}` },
      account: { href: accountHref(ctx, account.accountId) },
      tickets: { href: ticketsHref(ctx, account.accountId) },
    });
  };
}

/** Route parameters this sandbox declares are single path segments; express decodes them once. */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function findAccount(ctx: SandboxContext, req: Request, res: Response): StoredAccount | undefined {
  const accountId = param(req, 'accountId');
  const account = ACCOUNT_ID.test(accountId) ? ctx.state.accounts.get(accountId) : undefined;
  if (!account) sendError(ctx, res, NE_CODE.NOT_FOUND, `Account not found: ${accountId}`);
  return account;
}

/** A link held by another account is "not linked" from this account's side: 100404, naming no other account. */
function findLink(
  ctx: SandboxContext,
  account: StoredAccount,
  req: Request,
  res: Response,
): StoredLink | undefined {
  const reference = param(req, 'ticketReference');
  const link = ctx.state.links.get(reference);
  if (link?.accountId === account.accountId) return link;
  sendError(ctx, res, NE_CODE.NOT_FOUND, `Ticket ${reference} is not linked to account ${account.accountId}`);
  return undefined;
}

function validateLinkRequest(
  ctx: SandboxContext,
  body: unknown,
): { ticketReference: string } | { errors: NeErrorTypeDef[] } {
  if (!isObject(body)) {
    return { errors: [{ field: 'body', message: 'must be a JSON object', code: 'INVALID_FORMAT' }] };
  }
  const reference = body.ticketReference;
  if (reference === undefined || reference === null || reference === '') {
    return { errors: [{ field: 'ticketReference', message: 'is required', code: 'REQUIRED' }] };
  }
  if (typeof reference !== 'string' || !NE_TICKET_REFERENCE_PATTERN.test(reference)) {
    return {
      errors: [
        {
          field: 'ticketReference',
          message:
            'must be 6 to 40 upper-case letters and digits in hyphen-separated groups, e.g. ATF-BIL010665L-3',
          code: 'INVALID_FORMAT',
        },
      ],
    };
  }
  if (!ctx.knownTicket(reference)) {
    return {
      errors: [
        {
          field: 'ticketReference',
          message: `does not match any ticket in the ticketing system (${reference})`,
          code: 'UNKNOWN_TICKET',
        },
      ],
    };
  }
  return { ticketReference: reference };
}

// ---------------------------------------------------------------------------------------------------------------
// Query parameters and pages

interface Page {
  page: number;
  pageSize: number;
}

/** Reads query parameters, collecting every problem under the parameter's name. */
class QueryReader {
  readonly errors: NeErrorTypeDef[] = [];
  private readonly query: Record<string, unknown>;

  constructor(req: Request) {
    this.query = req.query;
  }

  problem(field: string, message: string, code: NeFieldErrorCode): void {
    this.errors.push({ field, message, code });
  }

  single(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problem(name, 'must be given once, as a single value', 'REPEATED');
      return undefined;
    }
    return value;
  }

  /** `a,b,c`: 1–100 references of the documented format, blanks around commas ignored. */
  references(name: string): string[] | undefined {
    const value = this.single(name);
    if (value === undefined) return undefined;
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.some((entry) => entry === '')) {
      this.problem(name, 'must be a comma-separated list without empty entries', 'INVALID_FORMAT');
      return undefined;
    }
    if (entries.length > NE_MAX_TICKET_REFERENCES) {
      this.problem(name, `must have at most ${NE_MAX_TICKET_REFERENCES} entries`, 'TOO_MANY');
      return undefined;
    }
    const malformed = entries.filter((entry) => !NE_TICKET_REFERENCE_PATTERN.test(entry));
    if (malformed.length > 0) {
      this.problem(
        name,
        `has entries that are not ticket references: ${malformed.slice(0, 5).join(', ')}`,
        'INVALID_FORMAT',
      );
      return undefined;
    }
    return entries;
  }

  private integer(name: string, min: number, max: number): number | undefined | null {
    const raw = this.single(name);
    if (raw === undefined) return undefined;
    if (!/^\d{1,7}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problem(name, `must be an integer from ${min} to ${max}`, 'OUT_OF_RANGE');
      return null;
    }
    return Number(raw);
  }

  page(defaultSize: number): Page | undefined {
    const page = this.integer('page', 1, MAX_PAGE);
    const pageSize = this.integer('pageSize', 1, NE_MAX_PAGE_SIZE);
    if (page === null || pageSize === null) return undefined;
    return { page: page ?? 1, pageSize: pageSize ?? defaultSize };
  }
}

/**
 * One page of `items` (already filtered and in their final order), with `pagination` and the paging links. A page
 * past the end is an empty page, not an error, so that a client that was on the last page when items went away
 * still gets an answer it can navigate from.
 */
function sendPage<T, V>(
  ctx: SandboxContext,
  res: Response,
  path: string,
  filters: URLSearchParams,
  items: T[],
  page: Page,
  view: (item: T) => V,
  extra: NeLinks = {},
): void {
  const totalItems = items.length;
  const totalPages = Math.ceil(totalItems / page.pageSize);
  const start = (page.page - 1) * page.pageSize;
  const data = items.slice(start, start + page.pageSize).map(view);
  const href = (n: number): string => {
    const query = new URLSearchParams(filters);
    query.set('page', String(n));
    query.set('pageSize', String(page.pageSize));
    return `${ctx.origin}${path}?${query.toString()}`;
  };
  const links: NeLinks = { self: { href: href(page.page) }, first: { href: href(1) } };
  if (page.page > 1 && totalPages > 0) links.prev = { href: href(Math.min(page.page - 1, totalPages)) };
  if (page.page < totalPages) links.next = { href: href(page.page + 1) };
  links.last = { href: href(Math.max(totalPages, 1)) };
  const pagination: NePagination = { page: page.page, pageSize: page.pageSize, totalItems, totalPages };
  sendSuccess(ctx, res, data, { ...links, ...extra }, 200, pagination);
}

// ---------------------------------------------------------------------------------------------------------------
// Wire views: keys in a fixed order, absolute hrefs, copies so that callers never hold live state

function accountHref(ctx: SandboxContext, accountId: string): string {
  return `${ctx.origin}/accounts/${encodeURIComponent(accountId)}`;
}

function ticketsHref(ctx: SandboxContext, accountId: string): string {
  return `${accountHref(ctx, accountId)}/tickets`;
}

function accountView(ctx: SandboxContext, account: StoredAccount, matched?: string[]): NeAccount {
  const self = accountHref(ctx, account.accountId);
  const links: NeLinks = {
    self: { href: self },
    tickets: { href: `${self}/tickets` },
  };
  if (isLinkable(account.status)) links.link = { href: `${self}/tickets`, method: 'POST' };
  links.unlink = { href: `${self}/tickets/{ticketReference}`, method: 'DELETE', templated: true };
  let linkedTicketCount = 0;
  for (const link of ctx.state.links.values())
    if (link.accountId === account.accountId) linkedTicketCount += 1;
  const view: NeAccount = {
    accountId: account.accountId,
    email: account.email,
    firstName: account.firstName,
    lastName: account.lastName,
    displayName: account.displayName,
    status: account.status,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    linkedTicketCount,
    links,
  };
  if (matched !== undefined) {
    // Before links, so the wire keeps links last.
    const { links: trailing, ...rest } = view;
    return { ...rest, matchedTicketReferences: [...matched], links: trailing };
  }
  return view;
}

function ticketView(ctx: SandboxContext, link: StoredLink): NeTicketLink {
  const account = accountHref(ctx, link.accountId);
  const self = `${account}/tickets/${encodeURIComponent(link.ticketReference)}`;
  return {
    ticketReference: link.ticketReference,
    accountId: link.accountId,
    linkedAt: link.linkedAt,
    links: {
      self: { href: self },
      account: { href: account },
      unlink: { href: self, method: 'DELETE' },
    },
  };
}

/** Every link, oldest first, so an account's tickets and matchedTicketReferences come in linking order. */
function sortedLinks(ctx: SandboxContext): StoredLink[] {
  return [...ctx.state.links.values()].sort(
    (a, b) => compare(a.linkedAt, b.linkedAt) || compare(a.ticketReference, b.ticketReference),
  );
}

function searchText(account: StoredAccount): string {
  return [
    account.firstName,
    account.lastName,
    `${account.firstName} ${account.lastName}`,
    account.displayName ?? '',
    account.email,
  ]
    .join('\n')
    .toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

function localsOf(res: Response): Locals {
  const locals = (res.locals as { ne?: Locals }).ne;
  // Only reachable if a response were sent before the first middleware; generate rather than throw.
  return locals ?? { tracing: randomUUID() };
}

function meta(ctx: SandboxContext, res: Response): NeMeta {
  return { timestamp: ctx.now().toISOString(), version: NE_API_VERSION, tracing: localsOf(res).tracing };
}

function sendSuccess<T>(
  ctx: SandboxContext,
  res: Response,
  data: T,
  links: NeLinks,
  status = NE_HTTP_STATUS[NE_CODE.SUCCESS],
  pagination?: NePagination,
): void {
  const body: NeEnvelope<T> = {
    code: NE_CODE.SUCCESS,
    message: NE_CODE_TITLE[NE_CODE.SUCCESS],
    data,
    ...(pagination ? { pagination } : {}),
    meta: meta(ctx, res),
    links,
  };
  res.status(status).json(body);
}

function sendError(
  ctx: SandboxContext,
  res: Response,
  code: NeErrorCode,
  detail: string,
  errors?: NeErrorTypeDef[],
  status: number = NE_HTTP_STATUS[code],
): void {
  // The request's own URL: an error has no resource to point to, but a caller can retry exactly this.
  const self = `${ctx.origin}${res.req.originalUrl}`;
  const body: NeEnvelope<never> = {
    code,
    message: `${NE_CODE_TITLE[code]}: ${detail}`,
    data: null,
    ...(errors ? { errors } : {}),
    meta: meta(ctx, res),
    links: { self: { href: self } },
  };
  res.status(status).json(body);
}

/** An injected 5xx or 429 (src/vendors/README.md): 429 and 503 have their own codes, other 5xx 100500. */
function sendFault(ctx: SandboxContext, res: Response, status: number): void {
  if (status === 429)
    sendError(ctx, res, NE_CODE.RATE_LIMIT_ERROR, 'Too many requests; retry later', undefined, status);
  else if (status === 503)
    sendError(ctx, res, NE_CODE.SERVICE_UNAVAILABLE, 'Account service unavailable; retry later');
  else
    sendError(ctx, res, NE_CODE.SERVER_ERROR, 'Account management system failure; retry', undefined, status);
}

/** The message names the first problem and counts the rest; `errors` lists them all. */
function sendValidation(ctx: SandboxContext, res: Response, errors: NeErrorTypeDef[]): void {
  const [first] = errors;
  const more = errors.length - 1;
  const detail = first
    ? `${first.field} ${first.message}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    : 'Invalid request';
  sendError(ctx, res, NE_CODE.VALIDATION_ERROR, detail, errors);
}

// ---------------------------------------------------------------------------------------------------------------
// State and persistence

function initialState(seed: boolean): SandboxState {
  const state: SandboxState = { accounts: new Map(), links: new Map() };
  if (!seed) return state;
  for (const { tickets, ...account } of SEEDED_ACCOUNTS) {
    state.accounts.set(account.accountId, { ...account });
    for (const ticket of tickets) {
      state.links.set(ticket.ticketReference, { ...ticket, accountId: account.accountId });
    }
  }
  return state;
}

function serialize(state: SandboxState): SerializedState {
  return { format: STATE_FORMAT, accounts: [...state.accounts.values()], links: [...state.links.values()] };
}

/** Trusts the file's records (the sandbox wrote them) but refuses a file that is not ours at all. */
function deserialize(data: unknown): SandboxState {
  const file = data as Partial<SerializedState> | null;
  if (
    !isObject(file) ||
    file.format !== STATE_FORMAT ||
    !Array.isArray(file.accounts) ||
    !Array.isArray(file.links)
  ) {
    throw new Error(`not a ${STATE_FORMAT} state file`);
  }
  return {
    accounts: new Map(file.accounts.map((account) => [account.accountId, account])),
    links: new Map(file.links.map((link) => [link.ticketReference, link])),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAccountStatus(value: string): value is NeAccountStatus {
  return (NE_ACCOUNT_STATUSES as readonly string[]).includes(value);
}

function isLinkable(status: NeAccountStatus): boolean {
  return NE_LINKABLE_STATUSES.includes(status);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
