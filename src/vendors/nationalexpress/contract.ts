/**
 * National Express Accounts wire types, exactly the vendor's JSON (second half of `000_925367e72c87abc3.txt`).
 * Shared by the client and the sandbox; neither one's logic lives here.
 * The document gives only `GET /accounts` "with filtering and pagination", the response codes, field-specific
 * validation messages (ErrorTypeDef), HATEOAS links and the Meta block `{ timestamp, version, tracing }`. Every
 * other path, parameter, field name and limit is our design, written down in README.md.
 */

/** `meta.version` of this contract. */
export const NE_API_VERSION = '1.0';

/**
 * The caller's tracing id: sent on the request, echoed in `meta.tracing` and in this response header. When it is
 * absent, `x-request-id` is taken instead; when both are absent (or unusable) the vendor makes one up.
 */
export const NE_TRACING_HEADER = 'x-tracing-id';
/** Accepted as the tracing id when `x-tracing-id` is not sent (what most gateways already forward). */
export const NE_REQUEST_ID_HEADER = 'x-request-id';

/** Paging: `page` from 1, `pageSize` 1–100, default 20 (100 when `ticketReferences` is given). */
export const NE_DEFAULT_PAGE_SIZE = 20;
export const NE_MAX_PAGE_SIZE = 100;
/** Most references one `ticketReferences` lookup may carry: the batch size for the gateway's loader. */
export const NE_MAX_TICKET_REFERENCES = 100;

/**
 * A ticket reference as the vendor accepts it: 6–40 upper-case letters and digits in hyphen-separated groups,
 * e.g. the Channel Manager's `ATF-BIL010665L-3`. Case matters; nothing is normalised.
 */
export const NE_TICKET_REFERENCE_PATTERN = /^(?=.{6,40}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

// ---------------------------------------------------------------------------------------------------------------
// Response codes (the document's "Response Code Standards") and the HTTP status each is answered with

export const NE_CODE = Object.freeze({
  SUCCESS: 100000,
  VALIDATION_ERROR: 100400,
  AUTHENTICATION_ERROR: 100401,
  AUTHORIZATION_ERROR: 100403,
  NOT_FOUND: 100404,
  RATE_LIMIT_ERROR: 100429,
  SERVER_ERROR: 100500,
  SERVICE_UNAVAILABLE: 100503,
} as const);

export type NeResponseCode = (typeof NE_CODE)[keyof typeof NE_CODE];
export type NeErrorCode = Exclude<NeResponseCode, typeof NE_CODE.SUCCESS>;

/** 100000 is 200, or 201 when a link was created; every other code is its last three digits. */
export const NE_HTTP_STATUS: Readonly<Record<NeResponseCode, number>> = Object.freeze({
  100000: 200,
  100400: 400,
  100401: 401,
  100403: 403,
  100404: 404,
  100429: 429,
  100500: 500,
  100503: 503,
});

/** The document's name for each code; an envelope's `message` starts with it. */
export const NE_CODE_TITLE: Readonly<Record<NeResponseCode, string>> = Object.freeze({
  100000: 'Success',
  100400: 'Validation Error',
  100401: 'Authentication Error',
  100403: 'Authorization Error',
  100404: 'Not Found',
  100429: 'Rate Limit Error',
  100500: 'Server Error',
  100503: 'Service Unavailable',
});

// ---------------------------------------------------------------------------------------------------------------
// Envelope: Meta, HATEOAS links, ErrorTypeDef

/** The document's Meta schema. */
export interface NeMeta {
  /** When the vendor answered, ISO-8601 UTC with milliseconds. */
  timestamp: string;
  /** `1.0`. */
  version: string;
  /** Optional in the document; the sandbox always sends it (the caller's id, or one it made up). */
  tracing?: string;
}

export type NeLinkMethod = 'GET' | 'POST' | 'DELETE';

/** One HATEOAS link. `href` is absolute. */
export interface NeLink {
  href: string;
  /** Absent means GET. */
  method?: NeLinkMethod;
  /** The href holds an RFC 6570 `{placeholder}` the caller fills in. */
  templated?: boolean;
}

/** Links by relation name (`self`, `next`, `tickets`, …). Open-ended: clients ignore relations they do not know. */
export type NeLinks = Record<string, NeLink>;

/** Field-level codes the sandbox sends in `ErrorTypeDef.code`. The vendor may add more; clients must accept any. */
export type NeFieldErrorCode =
  | 'REQUIRED'
  | 'INVALID_FORMAT'
  | 'INVALID_VALUE'
  | 'OUT_OF_RANGE'
  | 'REPEATED'
  | 'TOO_MANY'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNKNOWN_TICKET'
  | 'TICKET_LINKED_TO_ANOTHER_ACCOUNT'
  | 'ACCOUNT_NOT_LINKABLE';

/** The document's ErrorTypeDef: one field-specific message. */
export interface NeErrorTypeDef {
  /**
   * A body field (`ticketReference`), a query parameter (`pageSize`), a path parameter (`accountId`), or `body` /
   * `Content-Type` for the request as a whole.
   */
  field: string;
  message: string;
  /** One of `NeFieldErrorCode` from the sandbox; typed wider because the vendor may add codes. */
  code?: string;
}

/** Paging of a list answer. */
export interface NePagination {
  /** 1-based; may lie beyond `totalPages`, and then `data` is empty. */
  page: number;
  pageSize: number;
  totalItems: number;
  /** 0 when nothing matches. */
  totalPages: number;
}

/** Every answer, success or error, is this envelope. */
export interface NeEnvelope<TData> {
  code: NeResponseCode;
  /** `<title>` for 100000, `<title>: <detail>` for errors. */
  message: string;
  /** null on every error, and on a successful unlink. */
  data: TData | null;
  /** 100400: every problem found. 100403 on linking: the one rule that refused it. Absent otherwise. */
  errors?: NeErrorTypeDef[];
  /** Lists only. */
  pagination?: NePagination;
  meta: NeMeta;
  /** Links of the answer itself: `self`, plus `first`/`prev`/`next`/`last` on lists. */
  links: NeLinks;
}

export interface NeSuccess<TData> extends NeEnvelope<TData> {
  code: typeof NE_CODE.SUCCESS;
  data: TData;
}

export interface NeErrorEnvelope extends NeEnvelope<never> {
  code: NeErrorCode;
  data: null;
}

export type NeList<TItem> = NeSuccess<TItem[]> & { pagination: NePagination };

// ---------------------------------------------------------------------------------------------------------------
// Accounts

export type NeAccountStatus = 'active' | 'suspended' | 'closed' | 'pending';
export const NE_ACCOUNT_STATUSES: readonly NeAccountStatus[] = ['active', 'suspended', 'closed', 'pending'];
/** Statuses whose accounts may have tickets linked; any status may have them unlinked. */
export const NE_LINKABLE_STATUSES: readonly NeAccountStatus[] = ['active', 'pending'];

export interface NeAccount {
  /** `NXA-` + 6 digits. */
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The name the customer chose to be greeted by; null when they chose none. */
  displayName: string | null;
  status: NeAccountStatus;
  /** `YYYY-MM-DDTHH:MM:SSZ`. */
  createdAt: string;
  /** Moves when a ticket is linked or unlinked, too. */
  updatedAt: string;
  linkedTicketCount: number;
  /**
   * Only in answers to `GET /accounts?ticketReferences=…`: which of the asked references this account holds, in
   * linking order.
   */
  matchedTicketReferences?: string[];
  /** `self`, `tickets`, `unlink` (templated) and, while the status allows linking, `link`. */
  links: NeLinks;
}

/** `GET /accounts` query. Filters combine with AND; each parameter may be given once. */
export interface NeListAccountsQuery {
  /** Exact, case-insensitive. */
  email?: string;
  status?: NeAccountStatus;
  /** 1–100 characters; case-insensitive substring of first, last, display or full name, or email. */
  search?: string;
  /** Comma-separated, 1–100 references: accounts holding any of them (the reverse lookup). */
  ticketReferences?: string;
  page?: number;
  pageSize?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Ticket links

/** One ticket linked to an account. A ticket is linked to at most one account at a time. */
export interface NeTicketLink {
  ticketReference: string;
  accountId: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`; a repeated link keeps the first one's. */
  linkedAt: string;
  /** `self`, `account`, `unlink`. */
  links: NeLinks;
}

/** `POST /accounts/{accountId}/tickets`. */
export interface NeLinkTicketRequest {
  ticketReference: string;
}

/** `GET /accounts/{accountId}/tickets` query. */
export interface NeListTicketsQuery {
  page?: number;
  pageSize?: number;
}
