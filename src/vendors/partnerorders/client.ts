import type { OAuthVendorEndpoint } from '../../config.js';
import { UpstreamRejectedError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { OutcomeUnknownError } from '../http.js';
import type { CallScope, VendorCall, VendorHttp, VendorResponse } from '../http.js';
import { PO_ORDER_PATH, PO_PREVIEW_PATH, PO_SCOPES } from './contract.js';
import type {
  PoErrorBody,
  PoErrorCode,
  PoFieldError,
  PoOrderRequest,
  PoPreviewResponse,
  PoSubmitResponse,
} from './contract.js';
import { TokenManager } from './token.js';
import type { IssuedToken } from './token.js';
import { isInt, isRecord, isTimestamp } from '../json-shape.js';

/**
 * A 4xx answer of Partner Orders about the order body we sent (400 `invalid_payload`/`invalid_request`, 404
 * `not_found` naming a plan). Carries the vendor's details so the commands can name the input fields; its
 * message is never shown to clients as is.
 */
export class PartnerOrdersRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: PoErrorCode | 'unknown',
    readonly vendorMessage: string,
    readonly details: PoFieldError[],
  ) {
    super(`Partner Orders answered HTTP ${status} ${code}`);
  }
}

/**
 * A submit the vendor answered 502: its billing provider failed and, as its document says, nothing was created
 * or charged. Still UPSTREAM_UNAVAILABLE to the client, who retries with the same idempotency key.
 */
export class SubmitNotCreatedError extends UpstreamUnavailableError {
  readonly nothingCreated = true;
}

/**
 * VendorHttp reports a 5xx to a call it may not repeat as an OutcomeUnknownError whose reason is `HTTP <status>`;
 * the message is the only place that status survives (see the README's "Client" section).
 */

/**
 * One typed method per Partner Orders call, through the shared VendorHttp, with OAuth 2.0 client-credentials
 * tokens. One instance per configured vendor, shared by all requests: the token cache is the only state, and it
 * belongs to the gateway's client id, not to any caller.
 */
export class PartnerOrdersClient {
  private readonly tokens: TokenManager;
  private readonly tokenPath: string;

  constructor(
    private readonly http: VendorHttp,
    private readonly endpoint: OAuthVendorEndpoint,
  ) {
    this.tokenPath = tokenPathOf(endpoint);
    this.tokens = new TokenManager({
      fetchToken: (scope) => this.fetchToken(scope),
      rejectedTwice: () =>
        new UpstreamRejectedError(this.http.vendorName, 401, 'a freshly issued access token was refused'),
    });
  }

  /** Prices an order without placing it. Safe to repeat (it changes nothing), so a 502 is retried. */
  async preview(request: PoOrderRequest, scope: CallScope): Promise<PoPreviewResponse> {
    const response = await this.send(
      { operation: 'previewOrder', method: 'POST', path: PO_PREVIEW_PATH, body: request, idempotent: true },
      scope,
    );
    const body = this.answer(response, 'previewOrder');
    if (!isPreview(body)) {
      throw response.badResponse('previewOrder did not answer a priced preview');
    }
    return body;
  }

  /**
   * Places an order. Not idempotent: the vendor makes a new order (and charge) for every POST and does not
   * deduplicate, so VendorHttp never repeats it once it may have arrived. A 502 is a SubmitNotCreatedError; any
   * other lost answer an OutcomeUnknownError. Exactly-once is the commands' job (the idempotency record).
   */
  async submit(request: PoOrderRequest, scope: CallScope): Promise<PoSubmitResponse> {
    let response: VendorResponse;
    try {
      response = await this.send(
        { operation: 'submitOrder', method: 'POST', path: PO_ORDER_PATH, body: request },
        scope,
      );
    } catch (error) {
      if (error instanceof OutcomeUnknownError && error.status === 502) {
        throw new SubmitNotCreatedError(this.http.vendorName, 'HTTP 502, nothing was created');
      }
      throw error;
    }
    const body = this.answer(response, 'submitOrder');
    if (!isSubmitted(body)) {
      throw response.badResponse('submitOrder did not answer the new order');
    }
    return body;
  }

  /**
   * An API call with the cached bearer token. A 401 `invalid_token` (expired early, revoked, the vendor
   * restarted) means the vendor checked nothing else yet: the call is replayed once with a new token, a POST
   * included.
   */
  private send(call: VendorCall, scope: CallScope): Promise<VendorResponse> {
    return this.tokens.authorized(
      scope,
      (token) => this.http.call({ ...call, headers: { authorization: `Bearer ${token}` } }, scope),
      (response) => response.status === 401 && errorCode(response.body) === 'invalid_token',
    );
  }

  /** `POST <tokenUrl>`: client credentials in HTTP Basic, each part form-encoded first (RFC 6749 §2.3.1). */
  private async fetchToken(scope: CallScope): Promise<IssuedToken> {
    const { clientId, clientSecret } = this.endpoint;
    const basic = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`, 'utf8').toString(
      'base64',
    );
    const response = await this.http.call(
      {
        // Contains `token`, so /metrics tells token traffic apart from orders.
        operation: 'oauthToken',
        method: 'POST',
        path: this.tokenPath,
        form: { grant_type: 'client_credentials', scope: PO_SCOPES.join(' ') },
        headers: { authorization: `Basic ${basic}` },
        // Asking again only issues another token.
        idempotent: true,
      },
      scope,
    );
    const body = response.body as Partial<Record<string, unknown>> | undefined;
    if (response.status !== 200) {
      // Our own credentials or request refused: a configuration problem of the gateway, never a user's.
      throw new UpstreamRejectedError(
        this.http.vendorName,
        response.status,
        `the token endpoint answered ${errorCode(body) ?? 'an error'}`,
      );
    }
    if (
      typeof body?.access_token !== 'string' ||
      body.access_token === '' ||
      typeof body.token_type !== 'string' ||
      body.token_type.toLowerCase() !== 'bearer' ||
      typeof body.expires_in !== 'number' ||
      !(body.expires_in > 0)
    ) {
      throw response.badResponse('the token endpoint did not answer a bearer token');
    }
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
  }

  /** The body of a 200; an error answer becomes the matching error. */
  private answer(response: VendorResponse, operation: string): unknown {
    if (response.status === 200) return response.body;
    const body = response.body as Partial<PoErrorBody> | undefined;
    const code = errorCode(body);
    const details = Array.isArray(body?.details) ? body.details.filter(isFieldError) : [];
    const aboutTheOrder =
      (response.status === 400 &&
        (code === 'invalid_payload' || (code === 'invalid_request' && details.length > 0))) ||
      (response.status === 404 && code === 'not_found' && details.length > 0);
    if (aboutTheOrder) {
      throw new PartnerOrdersRequestError(
        response.status,
        code ?? 'unknown',
        typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`,
        details,
      );
    }
    // 401/403 (our token or its scopes), a malformed Authorization header, an unknown route: the gateway's
    // problem, not the client's request.
    throw new UpstreamRejectedError(
      this.http.vendorName,
      response.status,
      `${operation}: ${code ?? 'error'}`,
    );
  }
}

function tokenPathOf(endpoint: OAuthVendorEndpoint): string {
  if (!endpoint.tokenUrl.startsWith(`${endpoint.baseUrl}/`)) {
    // VendorHttp reaches one base URL; a token endpoint elsewhere needs its own VendorHttp (see the README).
    throw new Error('PARTNER_ORDERS_TOKEN_URL must lie under PARTNER_ORDERS_BASE_URL.');
  }
  return endpoint.tokenUrl.slice(endpoint.baseUrl.length);
}

/** `application/x-www-form-urlencoded`, as RFC 6749 Appendix B asks of Basic credentials (space is `+`). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The `error` word of an error body; only a code-like word, as it may end up in a client's error message. */
function errorCode(body: unknown): PoErrorCode | undefined {
  const code = isRecord(body) ? body.error : undefined;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? (code as PoErrorCode) : undefined;
}

function isFieldError(value: unknown): value is PoFieldError {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}

/** Enough of the shape to map safely. An unknown status word is accepted here (the mapper reads it as pending). */
export function isSubmitted(value: unknown): value is PoSubmitResponse {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.order_reference === 'string' &&
    typeof value.status === 'string' &&
    (value.external_id === null || typeof value.external_id === 'string') &&
    typeof value.subscriptionReference === 'string' &&
    typeof value.owner === 'string'
  );
}

const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Only the Stripe plugin's shape is read: another billing provider's preview is unreadable, not guessed at. */
function isPreview(value: unknown): value is PoPreviewResponse {
  return (
    isRecord(value) &&
    value.billing_provider === 'stripe' &&
    typeof value.currency === 'string' &&
    isAmount(value.subtotal) &&
    isAmount(value.tax) &&
    isAmount(value.total) &&
    typeof value.tax_rate === 'number' &&
    Array.isArray(value.line_items) &&
    value.line_items.every(
      (line) =>
        isRecord(line) &&
        typeof line.plan_id === 'string' &&
        typeof line.description === 'string' &&
        isInt(line.quantity) &&
        isAmount(line.unit_amount) &&
        isAmount(line.amount) &&
        isAmount(line.tax) &&
        (line.interval === 'month' || line.interval === 'year'),
    ) &&
    Array.isArray(value.billing_schedule) &&
    value.billing_schedule.every(
      (entry) => isRecord(entry) && isTimestamp(entry.date) && isAmount(entry.amount),
    )
  );
}
