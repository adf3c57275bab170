import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { ErrorCode } from './error-code.js';
import { GatewayError } from './gateway-errors.js';

/** Codes Apollo Server and graphql-js assign to errors about the request itself; safe to show as they are. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** graphql-js's "Did you mean …" hint: in production it would spell out the schema to someone guessing at it. */
const FIELD_SUGGESTION = / ?Did you mean .+\?$/;

export interface MaskContext {
  /** Production: drop graphql-js's field suggestions from messages. */
  hideSuggestions?: boolean;
  /** Called with every error that is replaced, so it lands in the log with the request id. */
  onMasked(error: unknown): void;
  requestId?: string;
  includeStack: boolean;
}

/**
 * The one masking rule: our own GatewayErrors and graphql-js's request errors pass; everything else (a vendor
 * body in an exception, a TypeError, a driver error) becomes a generic message carrying the request id, and
 * the original goes to the log only. Stacks never leave, even outside production.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  ctx: MaskContext,
): GraphQLFormattedError {
  if (ctx.hideSuggestions && FIELD_SUGGESTION.test(formatted.message)) {
    const message = formatted.message.replace(FIELD_SUGGESTION, '');
    return maskError({ ...formatted, message }, error, { ...ctx, hideSuggestions: false });
  }
  const original = unwrapResolverError(error);
  if (original instanceof GatewayError) return stripStack(formatted);
  if (original instanceof ArgumentValidationError) {
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code: ErrorCode.BAD_USER_INPUT,
        validationErrors: original.extensions.validationErrors,
      },
    };
  }
  // Errors about the request itself (parse, validation, variable coercion) happen before any resolver runs, so
  // they carry no path; their messages are graphql-js's own and name the offending part of the request.
  const code = formatted.extensions?.code;
  if (!formatted.path && typeof code === 'string' && REQUEST_ERROR_CODES.has(code))
    return stripStack(formatted);
  // Apollo refuses some requests with a plain GraphQLError carrying only an HTTP 4xx status (a persisted query
  // whose sha256Hash does not match its query): a refusal of the request, not a failure of ours.
  if (!formatted.path && isRefusalWithHttpStatus(original)) {
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'BAD_REQUEST' },
    };
  }
  ctx.onMasked(original);
  return {
    message: `Internal server error${ctx.requestId ? ` (request id ${ctx.requestId})` : ''}.`,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    },
  };
}

function isRefusalWithHttpStatus(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function stripStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
