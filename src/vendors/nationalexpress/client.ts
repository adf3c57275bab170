import {
  RateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '../../errors/gateway-errors.js';
import type { Logger } from '../../logger.js';
import type { CallScope, VendorCall, VendorHttp, VendorResponse } from '../http.js';
import { NE_CODE, NE_MAX_PAGE_SIZE } from './contract.js';
import type {
  NeAccount,
  NeEnvelope,
  NeErrorTypeDef,
  NeListAccountsQuery,
  NeListTicketsQuery,
  NePagination,
  NeTicketLink,
} from './contract.js';
import { isInt, isRecord, isTimestamp } from '../json-shape.js';

/**
 * An answer of National Express about the request we sent: 100400 (with its field messages), 100404, or 100403
 * when it refuses the request's subject rather than our credentials (linking to a suspended account). Never a
 * credentials, rate-limit or server problem: those are gateway errors before they get here. `account-commands.ts`
 * and `mappers.ts` turn it into user errors; its message is never shown to clients as is.
 */
export class NationalExpressRequestError extends Error {
  constructor(
    readonly code:
      typeof NE_CODE.VALIDATION_ERROR | typeof NE_CODE.NOT_FOUND | typeof NE_CODE.AUTHORIZATION_ERROR,
    readonly vendorMessage: string,
    readonly errors: NeErrorTypeDef[],
  ) {
    super(`National Express answered ${code}`);
  }
}

/** One page of a list answer: the items and where they sit in the whole list. */
export interface NePage<T> {
  items: T[];
  pagination: NePagination;
}

/** How a link call ended: a new link (201) or the one that already existed (200, a repeat). */
export interface NeLinkOutcome {
  link: NeTicketLink;
  created: boolean;
}

const enc = encodeURIComponent;
/** Ids that `enc` leaves as no segment or a dot segment, which URL normalisation removes. */
const DOT_OR_EMPTY = /^\.{0,2}$/;

/**
 * One typed method per National Express Accounts call, through the shared VendorHttp. Stateless: one instance
 * per configured vendor, shared by all requests; per-request caching lives in `loaders.ts`.
 *
 * Every answer is the vendor's envelope, and the client decides on its `code`, not only on the HTTP status
 * (README "Client"). `meta.tracing` echoes the request id VendorHttp sends as `x-tracing-id`; given a logger, the
 * client logs it at debug with our request id, so the vendor's logs and ours meet.
 */
export class NationalExpressClient {
  constructor(
    private readonly http: VendorHttp,
    private readonly logger?: Logger,
  ) {}

  /** `GET /accounts`: one page of the filtered list, oldest first. */
  async listAccounts(query: NeListAccountsQuery, scope: CallScope): Promise<NePage<NeAccount>> {
    return this.page(
      { operation: 'listAccounts', method: 'GET', path: '/accounts', query: { ...query } },
      scope,
      isAccount,
    );
  }

  /** Null when the vendor has no such account (100404). */
  async getAccount(accountId: string, scope: CallScope): Promise<NeAccount | null> {
    // These would name the list itself once the URL is normalised (`/accounts/.` is `/accounts/`).
    if (DOT_OR_EMPTY.test(accountId)) return null;
    const call: VendorCall = { operation: 'getAccount', method: 'GET', path: `/accounts/${enc(accountId)}` };
    try {
      return this.one(await this.http.call(call, scope), call, scope, isAccount, 'an account');
    } catch (error) {
      if (error instanceof NationalExpressRequestError && error.code === NE_CODE.NOT_FOUND) return null;
      throw error;
    }
  }

  /** One page of an account's ticket links, in linking order; null when the account does not exist (100404). */
  async listTickets(
    accountId: string,
    query: NeListTicketsQuery,
    scope: CallScope,
  ): Promise<NePage<NeTicketLink> | null> {
    try {
      return await this.page(
        {
          operation: 'listTickets',
          method: 'GET',
          path: `/accounts/${enc(accountId)}/tickets`,
          query: { ...query },
        },
        scope,
        isTicketLink,
      );
    } catch (error) {
      if (error instanceof NationalExpressRequestError && error.code === NE_CODE.NOT_FOUND) return null;
      throw error;
    }
  }

  /**
   * The reverse lookup: the accounts holding any of up to 100 references, each with `matchedTicketReferences`.
   * One page of 100 holds every holder of 100 references; should a vendor page anyway, the rest are read too.
   */
  async accountsByTicketReferences(references: readonly string[], scope: CallScope): Promise<NeAccount[]> {
    const accounts: NeAccount[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.page(
        {
          operation: 'accountsByTicketReferences',
          method: 'GET',
          path: '/accounts',
          query: { ticketReferences: references.join(','), page, pageSize: NE_MAX_PAGE_SIZE },
        },
        scope,
        isMatchedAccount,
      );
      accounts.push(...answer.items);
      if (page >= answer.pagination.totalPages || answer.items.length === 0) return accounts;
    }
  }

  /**
   * `POST /accounts/{id}/tickets`. Documented as repeat-safe (a repeat answers 200 with the first link), so it
   * is retried like a GET after a timeout or a 5xx. A 100403 here is the account's status refusing the link, a
   * request error the caller turns into INVALID_STATE, not our credentials.
   */
  async linkTicket(accountId: string, ticketReference: string, scope: CallScope): Promise<NeLinkOutcome> {
    const call: VendorCall = {
      operation: 'linkTicket',
      method: 'POST',
      path: `/accounts/${enc(accountId)}/tickets`,
      body: { ticketReference },
      idempotent: true,
    };
    const response = await this.http.call(call, scope);
    const link = this.one(response, call, scope, isTicketLink, 'a ticket link', true);
    return { link, created: response.status === 201 };
  }

  /**
   * `DELETE /accounts/{id}/tickets/{ref}`: true when a link was removed, false on 100404 (not linked to this
   * account, or no such account): the caller tells those apart, and a retried unlink whose first answer was lost
   * lands on false, which is "done" too.
   */
  async unlinkTicket(accountId: string, ticketReference: string, scope: CallScope): Promise<boolean> {
    const call: VendorCall = {
      operation: 'unlinkTicket',
      method: 'DELETE',
      path: `/accounts/${enc(accountId)}/tickets/${enc(ticketReference)}`,
    };
    try {
      this.envelope(await this.http.call(call, scope), call, scope);
      return true;
    } catch (error) {
      if (error instanceof NationalExpressRequestError && error.code === NE_CODE.NOT_FOUND) return false;
      throw error;
    }
  }

  private async page<T>(
    call: VendorCall,
    scope: CallScope,
    isItem: (value: unknown) => value is T,
  ): Promise<NePage<T>> {
    const response = await this.http.call(call, scope);
    const envelope = this.envelope(response, call, scope);
    if (!Array.isArray(envelope.data) || !envelope.data.every(isItem) || !isPagination(envelope.pagination)) {
      throw response.badResponse(`${call.operation} did not answer a list`);
    }
    return { items: envelope.data, pagination: envelope.pagination };
  }

  private one<T>(
    response: VendorResponse,
    call: VendorCall,
    scope: CallScope,
    isItem: (value: unknown) => value is T,
    what: string,
    forbiddenIsRequest = false,
  ): T {
    const envelope = this.envelope(response, call, scope, forbiddenIsRequest);
    if (!isItem(envelope.data)) throw response.badResponse(`the answer is not ${what}`);
    return envelope.data;
  }

  /**
   * The envelope of a successful answer, or the error its code stands for. VendorHttp has already retried and
   * turned HTTP 429 and 5xx into RATE_LIMITED / UPSTREAM_UNAVAILABLE; what reaches here is 2xx–4xx.
   */
  private envelope(
    response: VendorResponse,
    call: VendorCall,
    scope: CallScope,
    forbiddenIsRequest = false,
  ): NeEnvelope<unknown> {
    const vendor = this.http.vendorName;
    const ok = response.status >= 200 && response.status < 300;
    const body = response.body;
    if (!isEnvelope(body)) {
      // Not the vendor talking (a proxy's page): only then does the HTTP status decide.
      if (response.status === 401 || response.status === 403) {
        throw new UpstreamRejectedError(vendor, response.status, 'the gateway is not authorised');
      }
      throw response.badResponse(`${call.operation} answered HTTP ${response.status} without an envelope`);
    }
    this.logger?.debug(
      {
        vendor: 'national_express',
        operation: call.operation,
        requestId: scope.requestId,
        tracing: body.meta.tracing ?? null,
        code: body.code,
      },
      'national express answer',
    );
    if (body.code === NE_CODE.SUCCESS) {
      if (!ok) throw response.badResponse(`code 100000 with HTTP ${response.status}`);
      return body;
    }
    if (ok) throw response.badResponse(`code ${body.code} with HTTP ${response.status}`);
    const errors = Array.isArray(body.errors) ? body.errors.filter(isErrorTypeDef) : [];
    switch (body.code) {
      case NE_CODE.VALIDATION_ERROR:
      case NE_CODE.NOT_FOUND:
        throw new NationalExpressRequestError(body.code, body.message, errors);
      case NE_CODE.AUTHORIZATION_ERROR:
        // Linking is refused by the account's status, named as ACCOUNT_NOT_LINKABLE; anything else is us.
        if (forbiddenIsRequest && errors.some((error) => error.code === 'ACCOUNT_NOT_LINKABLE')) {
          throw new NationalExpressRequestError(body.code, body.message, errors);
        }
        throw new UpstreamRejectedError(vendor, response.status, 'access to account data was denied');
      case NE_CODE.AUTHENTICATION_ERROR:
        throw new UpstreamRejectedError(vendor, response.status, 'the gateway is not authorised');
      // Codes VendorHttp would have retried had the HTTP status agreed with them.
      case NE_CODE.RATE_LIMIT_ERROR:
        throw new RateLimitedError(vendor);
      case NE_CODE.SERVER_ERROR:
      case NE_CODE.SERVICE_UNAVAILABLE:
        throw new UpstreamUnavailableError(vendor, `code ${body.code}`);
      default:
        throw response.badResponse(`unknown code ${String(body.code)}`);
    }
  }
}

/** Enough of the envelope to decide on: a numeric code, a message and the Meta block. */
function isEnvelope(value: unknown): value is NeEnvelope<unknown> {
  return (
    isRecord(value) &&
    typeof value.code === 'number' &&
    typeof value.message === 'string' &&
    'data' in value &&
    isRecord(value.meta) &&
    typeof value.meta.timestamp === 'string' &&
    (value.meta.tracing === undefined || typeof value.meta.tracing === 'string')
  );
}

function isErrorTypeDef(value: unknown): value is NeErrorTypeDef {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}

function isPagination(value: unknown): value is NePagination {
  return (
    isRecord(value) &&
    isInt(value.page) &&
    isInt(value.pageSize) &&
    isInt(value.totalItems) &&
    isInt(value.totalPages)
  );
}

function isAccount(value: unknown): value is NeAccount {
  return (
    isRecord(value) &&
    typeof value.accountId === 'string' &&
    typeof value.email === 'string' &&
    typeof value.firstName === 'string' &&
    typeof value.lastName === 'string' &&
    (value.displayName === null || typeof value.displayName === 'string') &&
    typeof value.status === 'string' &&
    isTimestamp(value.createdAt) &&
    isTimestamp(value.updatedAt) &&
    isInt(value.linkedTicketCount)
  );
}

function isMatchedAccount(value: unknown): value is NeAccount & { matchedTicketReferences: string[] } {
  return (
    isAccount(value) &&
    Array.isArray(value.matchedTicketReferences) &&
    value.matchedTicketReferences.every((reference) => typeof reference === 'string')
  );
}

function isTicketLink(value: unknown): value is NeTicketLink {
  return (
    isRecord(value) &&
    typeof value.ticketReference === 'string' &&
    typeof value.accountId === 'string' &&
    isTimestamp(value.linkedAt)
  );
}
