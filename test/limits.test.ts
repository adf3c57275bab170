import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, specifiedRules, validate } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { buildGraphSchema } from '../src/graph/schema.js';
import { OPERATION_LIMITS, operationLimitRules } from '../src/graph/limits.js';
import { TEST_API_KEY, startStack } from './support/stack.js';
import type { TestStack } from './support/stack.js';
import { testWsClient, wsUrl } from './support/graphql-ws-client.js';

const OPERATIONS_DIR = 'schema/operations';

function operationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return operationFiles(path);
    return name.endsWith('.graphql') ? [path] : [];
  });
}

const ATTACKS: Record<string, { query: string; limit: RegExp }> = {
  'deep nesting': {
    query:
      '{ partners(first: 1) { nodes { ticketOrders(first: 1) { nodes { partner { ticketOrders(first: 1) { nodes { partner { ticketOrders(first: 1) { nodes { partner { ticketOrders(first: 1) { nodes { id } } } } } } } } } } } } } }',
    limit: /depth/i,
  },
  '500 aliases': {
    query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: product(id: "1") { id }`).join(' ')} }`,
    limit: /alias/i,
  },
  '1000 directives': {
    query: `{ __typename ${'@include(if: true) '.repeat(1000)} }`,
    limit: /directive/i,
  },
  '100k tokens': {
    query: `{ ${'__typename '.repeat(100_000)} }`,
    limit: /token/i,
  },
  'cost bomb': {
    query:
      '{ partners(first: 100) { nodes { id name email ticketOrders(first: 100) { nodes { id status items { id quantity wallets { id tickets { id } } } partner { id name email } } } portalOrders(first: 100) { nodes { id status } } } } }',
    limit: /cost/i,
  },
};

describe('operation limits', () => {
  let schema: GraphQLSchema;
  before(async () => {
    schema = await buildGraphSchema();
  });

  it('pass every example operation in schema/operations/', () => {
    const files = operationFiles(OPERATIONS_DIR);
    assert.ok(files.length > 20, 'the example operations are found');
    for (const file of files) {
      const document = parse(readFileSync(file, 'utf8'));
      const errors = validate(schema, document, [...specifiedRules, ...operationLimitRules()]);
      assert.deepEqual(
        errors.map((error) => error.message),
        [],
        file,
      );
    }
  });

  for (const [name, attack] of Object.entries(ATTACKS)) {
    it(`refuse ${name}, naming the limit`, () => {
      const errors = validate(schema, parse(attack.query), operationLimitRules());
      const refusal = errors.find((error) => attack.limit.test(error.message));
      assert.ok(
        refusal,
        `${name} is refused by its limit: ${errors.map((error) => error.message).join('; ')}`,
      );
      assert.equal(refusal.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
    });
  }
});

const DEEP = ATTACKS['deep nesting']!.query;

describe('operation limits over HTTP and graphql-ws', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack.close();
  });

  it('answer 400 GRAPHQL_VALIDATION_FAILED naming the limit, never an internal error', async () => {
    // 100k tokens is over the 1 MB body limit (413, tested in server.test.ts): a document that fits is sent.
    const overHttp = {
      ...ATTACKS,
      '100k tokens': {
        query: `{ ${'__typename '.repeat(OPERATION_LIMITS.maxTokens * 2)} }`,
        limit: /token/i,
      },
    };
    for (const [name, attack] of Object.entries(overHttp)) {
      const response = await stack.gql(attack.query);
      assert.equal(response.status, 400, name);
      assert.equal(response.body.data, undefined, name);
      const refusal = response.body.errors?.find((error) => attack.limit.test(error.message));
      assert.ok(refusal, `${name}: ${JSON.stringify(response.body.errors)}`);
      assert.equal(refusal.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('stop parsing a document far over the token limit', async () => {
    const response = await stack.gql(`{ ${'__typename '.repeat(OPERATION_LIMITS.maxTokens * 20)} }`);
    assert.equal(response.status, 400);
    assert.equal(response.body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    assert.match(response.body.errors?.[0]?.message ?? '', /10000 tokens/);
  });

  it('refuse `first` above 100', async () => {
    const response = await stack.gql('{ partners(first: 101) { nodes { id } } }');
    assert.equal(response.body.data ?? null, null);
    assert.match(response.body.errors?.[0]?.message ?? '', /100/);
    assert.notEqual(response.body.errors?.[0]?.extensions?.code, 'INTERNAL_SERVER_ERROR');
  });

  it('apply the same limits to graphql-ws operations', async () => {
    const ws = testWsClient(wsUrl(stack.origin), { apiKey: TEST_API_KEY });
    try {
      const subscription = ws.subscribe(DEEP);
      const { error } = await subscription.ended;
      const errors = error as { message: string; extensions?: { code?: string } }[];
      assert.ok(Array.isArray(errors), `refused with GraphQL errors: ${String(error)}`);
      const refusal = errors.find((entry) => /depth/i.test(entry.message));
      assert.ok(refusal, JSON.stringify(errors));
      assert.equal(refusal.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    } finally {
      await ws.close();
    }
  });
});

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('in production', () => {
  let production: TestStack;
  let introspecting: TestStack;
  let development: TestStack;
  before(async () => {
    production = await startStack({ env: { NODE_ENV: 'production' } });
    introspecting = await startStack({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
    development = await startStack();
  });
  after(async () => {
    await production.close();
    await introspecting.close();
    await development.close();
  });

  it('refuse introspection unless GRAPHQL_INTROSPECTION=true', async () => {
    const refused = await production.gql(INTROSPECTION);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(refused.body.errors?.[0]?.message ?? '', /introspection/i);
    const allowed = await introspecting.gql(INTROSPECTION);
    assert.deepEqual(allowed.body, { data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('refuse introspection over graphql-ws too', async () => {
    const ws = testWsClient(wsUrl(production.origin), { apiKey: TEST_API_KEY });
    try {
      const { error } = await ws.subscribe(INTROSPECTION).ended;
      assert.match(JSON.stringify(error), /introspection/i);
    } finally {
      await ws.close();
    }
  });

  it('name no field in its suggestions, and show no stack', async () => {
    const response = await production.gql('{ partnr(id: "1") { id } }');
    assert.equal(response.status, 400);
    const [error] = response.body.errors ?? [];
    assert.equal(error?.message, 'Cannot query field "partnr" on type "Query".');
    assert.equal(error?.extensions?.stacktrace, undefined);
    const suggested = await development.gql('{ partnr(id: "1") { id } }');
    assert.match(suggested.body.errors?.[0]?.message ?? '', /Did you mean "partner/);
  });

  it('name no field in its suggestions over graphql-ws either', async () => {
    const ws = testWsClient(wsUrl(production.origin), { apiKey: TEST_API_KEY });
    try {
      const { error } = await ws.subscribe('subscription { orderUpdatd { id } }').ended;
      const text = JSON.stringify(error);
      assert.match(text, /Cannot query field/);
      assert.doesNotMatch(text, /Did you mean/);
    } finally {
      await ws.close();
    }
  });
});
