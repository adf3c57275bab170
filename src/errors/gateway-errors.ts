import { GraphQLError } from 'graphql';
import { ErrorCode } from './error-code.js';

/**
 * Every error we raise on purpose extends GraphQLError with a code from `ErrorCode`. The masking rule in
 * `mask-error.ts` lets exactly these through; anything else becomes a generic INTERNAL_SERVER_ERROR.
 * Messages must be written for a client: never a vendor body, a key or a stack.
 */
export abstract class GatewayError extends GraphQLError {
  protected constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class UnauthenticatedError extends GatewayError {
  constructor(message = 'A valid API key is required: send `Authorization: Bearer <key>`.') {
    super(message, ErrorCode.UNAUTHENTICATED);
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message: string) {
    super(message, ErrorCode.FORBIDDEN);
  }
}

export class BadUserInputError extends GatewayError {
  constructor(message: string, field?: string) {
    super(message, ErrorCode.BAD_USER_INPUT, field ? { field } : {});
  }
}

/** The vendor asked us to slow down and our retry budget could not wait long enough. */
export class RateLimitedError extends GatewayError {
  readonly retryAfterSeconds: number | undefined;
  constructor(vendor: string, retryAfterSeconds?: number) {
    super(
      retryAfterSeconds === undefined
        ? `${vendor} is rate limiting requests; retry later.`
        : `${vendor} is rate limiting requests; retry in ${retryAfterSeconds} s.`,
      ErrorCode.RATE_LIMITED,
      { vendor, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Timeouts, refused connections and 5xx answers that outlived the retries. */
export class UpstreamUnavailableError extends GatewayError {
  constructor(vendor: string, reason: string) {
    super(`${vendor} is unavailable (${reason}).`, ErrorCode.UPSTREAM_UNAVAILABLE, { vendor });
  }
}

/** The vendor answered something that is not what its contract promises (bad JSON, wrong shape). */
export class UpstreamBadResponseError extends GatewayError {
  constructor(vendor: string, reason: string) {
    super(
      `${vendor} sent a response the gateway could not understand (${reason}).`,
      ErrorCode.UPSTREAM_BAD_RESPONSE,
      {
        vendor,
      },
    );
  }
}

/** The vendor refused a request in a way no user error describes (e.g. our credentials were rejected). */
export class UpstreamRejectedError extends GatewayError {
  constructor(vendor: string, status: number, reason: string) {
    super(`${vendor} rejected the request (HTTP ${status}: ${reason}).`, ErrorCode.UPSTREAM_REJECTED, {
      vendor,
      status,
    });
  }
}
