import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { testWsClient, wsUrl } from '../support/graphql-ws-client.js';
import { assertCleanAnswer, longString, send } from './answers.js';
import type { GraphQLBody } from './answers.js';

/** Malformed, truncated, unknown and hostile documents, over HTTP and graphql-ws. Seeded: fast-check prints it. */

function exampleOperations(dir = 'schema/operations'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return exampleOperations(path);
    return name.endsWith('.graphql') ? [readFileSync(path, 'utf8')] : [];
  });
}

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '!',
  '$',
  '...',
  '@',
  '=',
  '|',
  '&',
  ',',
  '#',
  '\n',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'true',
  'null',
  'include',
  'skip',
  'if',
  'order',
  'orders',
  'partners',
  'partner',
  'first',
  'after',
  'id',
  'nodes',
  'edges',
  '__typename',
  '__schema',
  '"str"',
  '"""block"""',
  '"unterminated',
  '123',
  '-1',
  '1e999',
  '0.5',
  'x',
  'Query',
  'Int',
  'ID',
  '\u0000',
  '\uFEFF',
  '💥',
  'é',
];
const NAME = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/);

describe('arbitrary GraphQL documents', () => {
  let stack: TestStack;
  let examples: string[];
  before(async () => {
    stack = await startStack({ seed: true });
    examples = exampleOperations().filter((source) => !/^\s*subscription/m.test(source));
  });
  after(async () => {
    await stack.close();
  });

  const post = async (query: unknown, context: string): Promise<GraphQLBody> => {
    const answer = await send(stack.origin, {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ query }),
    });
    const body = assertCleanAnswer(answer, context);
    assert.ok(body, `a JSON answer: ${context}`);
    return body;
  };

  it('random token soup: parse or validation errors with a location, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), async (tokens) => {
        const source = tokens.join(' ');
        const body = await post(source, source);
        for (const error of body.errors ?? []) {
          if (error.extensions?.code === 'GRAPHQL_PARSE_FAILED') assert.match(error.message, /Syntax Error/);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('truncated example operations name where the syntax broke', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), async (which, at) => {
        const full = examples[which % examples.length]!;
        const source = full.slice(0, at % full.length);
        const body = await post(source, source);
        const [error] = body.errors ?? [];
        assert.ok(error, `a truncated document is refused: ${source}`);
        assert.match(
          error.message,
          /Syntax Error|Unknown|must have|Cannot|Expected|not defined|required|non-empty `query`/i,
        );
      }),
      { numRuns: 80 },
    );
  });

  it('unknown fields and arguments are refused by name', async () => {
    await fc.assert(
      fc.asyncProperty(NAME, NAME, fc.boolean(), async (field, arg, asArgument) => {
        fc.pre(!['order', 'orders', 'partner', 'partners', 'id', 'first', 'after'].includes(field));
        const source = asArgument
          ? `{ partners(first: 1, ${arg}: 1) { nodes { id } } }`
          : `{ partners(first: 1) { nodes { id ${field} } } }`;
        fc.pre(!asArgument || !['first', 'after', 'filter'].includes(arg));
        const body = await post(source, source);
        assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', source);
        assert.ok(body.errors?.[0]?.message.includes(`"${asArgument ? arg : field}"`), source);
      }),
      { numRuns: 40 },
    );
  });

  it('fragment cycles are refused, naming a fragment of the cycle', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(NAME, { minLength: 1, maxLength: 6 }), async (names) => {
        const fragments = names
          .map(
            (name, index) =>
              `fragment ${name} on Query { __typename ...${names[(index + 1) % names.length]} }`,
          )
          .join('\n');
        const source = `{ ...${names[0]} }\n${fragments}`;
        const body = await post(source, source);
        assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', source);
        assert.ok(
          body.errors?.some((error) => /Cannot spread fragment/.test(error.message)),
          JSON.stringify(body),
        );
      }),
      { numRuns: 20 },
    );
  });

  it('huge and odd strings as arguments: refused or not found, never a crash', async () => {
    const odd = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.nat({ max: 300_000 }).map((length) => longString('é', length)),
      fc.constantFrom('../../etc/passwd', '%00', '%2e%2e%2f', '?x=1&y=2', '#frag', 'a/b', '\\', ' '),
    );
    await fc.assert(
      fc.asyncProperty(
        odd,
        fc.constantFrom('order', 'partner', 'portalOrder', 'cardOrder', 'account', 'product'),
        async (value, field) => {
          const source = `query ($id: ID!) { ${field}(id: $id) { __typename } }`;
          const answer = await send(stack.origin, {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
            body: JSON.stringify({ query: source, variables: { id: value } }),
          });
          assertCleanAnswer(answer, `${field} with ${String(value).slice(0, 80)} (${value.length} chars)`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('over graphql-ws too: arbitrary documents are refused with a message, never an internal error', async () => {
    const client = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((tokens) => tokens.join(' ')),
            fc.tuple(fc.nat(), fc.nat()).map(([which, at]) => {
              const full = examples[which % examples.length]!;
              return full.slice(0, at % full.length);
            }),
          ),
          async (source) => {
            const subscription = client.subscribe(source);
            const outcome = await Promise.race([
              subscription.take(1, 10_000).then((results) => ({ results })),
              subscription.ended.then((ended) => ({ ended })),
            ]);
            const text = JSON.stringify(outcome);
            assert.doesNotMatch(text, /INTERNAL_SERVER_ERROR|\n\s+at |node_modules|stacktrace/, text);
            if ('ended' in outcome && outcome.ended.error !== undefined) {
              const errors = outcome.ended.error as { message?: string; extensions?: { code?: string } }[];
              if (Array.isArray(errors)) {
                for (const error of errors) assert.ok(error.message && error.extensions?.code, text);
              }
            }
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await client.close();
    }
  });
});
