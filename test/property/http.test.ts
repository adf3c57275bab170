import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { assertCleanAnswer, send } from './answers.js';

/**
 * Arbitrary HTTP around a GraphQL request: methods, content types, accept headers, authorization headers,
 * encodings and bodies. Seeded: fast-check prints the seed and path of a failure.
 */

const VALID = JSON.stringify({ query: '{ __typename }' });
// What an HTTP header may carry (RFC 9110 field-value: visible ASCII, space, obs-text; no DEL).
const latin1 = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code === 0x7f ? 0x20 : code)),
});

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/json; charset=latin1',
    'application/graphql-response+json',
    'application/graphql',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ),
  latin1,
);
const accept = fc.oneof(
  fc.constantFrom(
    '*/*',
    'application/json',
    'application/graphql-response+json',
    'application/graphql-response+json, application/json;q=0.9',
    'text/html',
    'image/png',
    'application/json;q=0',
  ),
  latin1,
);
const authorization = fc.oneof(
  { arbitrary: fc.constant(`Bearer ${TEST_API_KEY}`), weight: 4 },
  fc.constantFrom(
    `bearer ${TEST_API_KEY}`,
    `Bearer  ${TEST_API_KEY}`,
    'Bearer',
    'Basic dXNlcjpwYXNz',
    TEST_API_KEY,
  ),
  latin1.map((text) => `Bearer ${text}`),
  fc.nat({ max: 12_000 }).map((length) => `Bearer ${'k'.repeat(length)}`),
);
const body = fc.oneof(
  { arbitrary: fc.constant(VALID), weight: 3 },
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '42',
    '"{ __typename }"',
    JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    JSON.stringify({ query: 42 }),
    JSON.stringify({ query: '{ __typename }', variables: 'x' }),
    JSON.stringify({ query: '{ __typename }', variables: [1] }),
    JSON.stringify({ query: '{ __typename }', operationName: 7 }),
    JSON.stringify({
      query: '{ __typename }',
      extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } },
    }),
    JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    '{"query":"{ __typename }"}\u0000',
    '\uFEFF{"query":"{ __typename }"}',
  ),
  fc.string(),
  fc.json(),
);

describe('arbitrary HTTP requests at /graphql', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ seed: true });
  });
  after(async () => {
    await stack.close();
  });

  it('never a 5xx or a stack; refusals are JSON with a code, with the spec’s status codes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.option(contentType, { nil: undefined }),
        fc.option(accept, { nil: undefined }),
        fc.option(authorization, { nil: undefined }),
        body,
        fc.constantFrom('identity', 'gzip', 'gzip-garbage', 'br'),
        async (method, type, acceptHeader, auth, text, encoding) => {
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (acceptHeader !== undefined) headers.accept = acceptHeader;
          if (auth !== undefined) headers.authorization = auth;
          let raw: Buffer | string | undefined = text;
          let path = '/graphql';
          if (method === 'GET') {
            path = `/graphql?query=${encodeURIComponent(text)}`;
            raw = undefined;
          } else if (encoding !== 'identity') {
            headers['content-encoding'] = encoding === 'gzip-garbage' ? 'gzip' : encoding;
            raw = encoding === 'gzip' ? gzipSync(text) : Buffer.from(text);
          }
          const context = JSON.stringify({ method, headers, encoding, body: text.slice(0, 200) });
          const answer = await send(stack.origin, {
            method,
            path,
            headers,
            ...(raw === undefined ? {} : { body: raw }),
          });
          const parsed = assertCleanAnswer(answer, context);
          const authorised =
            auth === `Bearer ${TEST_API_KEY}` ||
            auth === `bearer ${TEST_API_KEY}` ||
            auth === `Bearer  ${TEST_API_KEY}`;
          const browser = method === 'GET' && /text\/html/.test(acceptHeader ?? '');
          // OPTIONS is answered (with what is allowed, no data) before any key is asked for.
          if (
            !authorised &&
            !browser &&
            method !== 'OPTIONS' &&
            answer.status !== 404 &&
            answer.status !== 405
          ) {
            assert.equal(answer.status, 401, context);
            assert.equal(parsed?.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', context);
          }
          if (
            answer.status >= 400 &&
            answer.status !== 404 &&
            answer.status !== 405 &&
            answer.status !== 406
          ) {
            assert.ok(
              parsed,
              `a refusal is JSON: ${context}\n→ ${answer.status} ${answer.text.slice(0, 200)}`,
            );
          }
          if (
            authorised &&
            method === 'POST' &&
            text === VALID &&
            encoding !== 'gzip-garbage' &&
            encoding !== 'br'
          ) {
            if (/^application\/json/i.test(type ?? '') && acceptHeader === undefined) {
              assert.equal(answer.status, 200, context);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a body over the 1 MB limit is 413, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_050_000, max: 1_500_000 }), fc.boolean(), async (size, json) => {
        const text = json
          ? JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(size) } })
          : 'y'.repeat(size);
        const answer = await send(stack.origin, {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
          body: text,
        });
        const parsed = assertCleanAnswer(answer, `${size} bytes`);
        assert.equal(answer.status, 413);
        assert.match(parsed?.errors?.[0]?.message ?? '', /1 MB/);
      }),
      { numRuns: 4 },
    );
  });

  it('batched requests are refused with 400, however many operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (count) => {
        const answer = await send(stack.origin, {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
          body: JSON.stringify(Array.from({ length: count }, () => ({ query: '{ __typename }' }))),
        });
        const parsed = assertCleanAnswer(answer, `${count} operations`);
        assert.equal(answer.status, 400);
        assert.match(parsed?.errors?.[0]?.message ?? '', /batch/i);
      }),
      { numRuns: 5 },
    );
  });
});
