import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../src/errors/error-code.js';
import { RateLimitedError, UpstreamUnavailableError } from '../../src/errors/gateway-errors.js';
import { maskError } from '../../src/errors/mask-error.js';

function resolverError(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['order'], originalError: original });
}

describe('maskError', () => {
  const masked: unknown[] = [];
  const ctx = { requestId: 'req-1', includeStack: false, onMasked: (error: unknown) => masked.push(error) };

  it('replaces an unexpected error with a generic message carrying the request id, and logs the original', () => {
    const original = new TypeError('secret vendor body {"apiKey":"k-123"}');
    const error = resolverError(original);
    const formatted = maskError(
      {
        message: error.message,
        path: ['order'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] },
      },
      error,
      ctx,
    );
    assert.deepEqual(formatted, {
      message: 'Internal server error (request id req-1).',
      path: ['order'],
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId: 'req-1' },
    });
    assert.equal(masked.at(-1), original);
  });

  it('lets our own errors through, without a stack', () => {
    const original = new RateLimitedError('NFC Tagify', 30);
    const error = resolverError(original);
    const formatted = maskError(
      {
        message: original.message,
        path: ['x'],
        extensions: { ...original.extensions, stacktrace: ['at x'] },
      },
      error,
      ctx,
    );
    assert.equal(formatted.message, 'NFC Tagify is rate limiting requests; retry in 30 s.');
    assert.deepEqual(formatted.extensions, {
      vendor: 'NFC Tagify',
      retryAfterSeconds: 30,
      code: 'RATE_LIMITED',
    });
    const unavailable = new UpstreamUnavailableError('Channel Manager', 'timed out after 5000 ms');
    assert.equal(
      maskError({ message: unavailable.message }, resolverError(unavailable), ctx).message,
      unavailable.message,
    );
  });

  it('lets graphql-js request errors through', () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const formatted = maskError(
      { message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      error,
      ctx,
    );
    assert.equal(formatted.message, error.message);
  });
});
