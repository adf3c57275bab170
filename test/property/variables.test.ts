import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import type { GraphQLField, GraphQLInputType, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildGraphSchema } from '../../src/graph/schema.js';
import { startStack, TEST_API_KEY } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { assertCleanAnswer, longString, send } from './answers.js';

/**
 * Every query and mutation of the built schema, called with arbitrary variables of the right and of the wrong
 * shape. Reproducible: fast-check prints the seed and path of a failure (`fc.assert(…, { seed, path })`).
 */

const GARBAGE: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('NaN', 'Infinity', '-0', '1e999', '0x10', '', ' ', '\u0000', '💥', 'null', 'true'),
  fc.constantFrom(2 ** 53, -(2 ** 63), 1e308, 2 ** 31, -(2 ** 31) - 1, 0.5, -1),
  fc.double(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 3 }),
  fc.letrec<{ deep: unknown }>((tie) => ({
    deep: fc.oneof({ depthSize: 'small' }, fc.constant({}), fc.record({ nested: tie('deep') })),
  })).deep,
  fc.nat({ max: 20_000 }).map((length) => longString('x', length)),
);

/** A value of the input type (or, where `wrong` wins, something else entirely). */
function valueOf(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  const right = rightValueOf(type, depth);
  return fc.oneof({ arbitrary: right, weight: 4 }, { arbitrary: GARBAGE, weight: 1 });
}

function rightValueOf(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return rightValueOf(type.ofType, depth);
  if (isListType(type)) {
    return fc.array(valueOf(type.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
  }
  const named = getNamedType(type);
  if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((value) => value.name));
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields());
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) record[field.name] = valueOf(field.type, depth + 1);
    const required = fields.filter((field) => isNonNullType(field.type)).map((field) => field.name);
    return fc
      .tuple(
        fc.record(record, { requiredKeys: required }),
        // Fields the type does not have.
        fc.option(fc.dictionary(fc.stringMatching(/^[a-z][A-Za-z]{0,8}$/), GARBAGE, { maxKeys: 2 }), {
          freq: 4,
        }),
      )
      .map(([value, extra]) => ({ ...(extra ?? {}), ...value }));
  }
  if (isScalarType(named)) {
    switch (named.name) {
      case 'Int':
        return fc.oneof(fc.integer({ min: -5, max: 150 }), fc.integer());
      case 'Float':
        return fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: 0, max: 100 }),
        );
      case 'Boolean':
        return fc.boolean();
      case 'DateTime':
        return fc
          .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
          .map((date) => date.toISOString());
      default:
        return fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), fc.stringMatching(/^[0-9]{1,6}$/));
    }
  }
  return GARBAGE;
}

interface Operation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  document: string;
  /** Every name a message about this operation's input could use: variables, arguments, input fields. */
  names: Set<string>;
}

function inputNames(type: GraphQLInputType, names: Set<string>, seen = new Set<string>()): void {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return;
  seen.add(named.name);
  for (const field of Object.values(named.getFields())) {
    names.add(field.name);
    inputNames(field.type, names, seen);
  }
}

function operations(schema: GraphQLSchema): Operation[] {
  const roots: ['query' | 'mutation', GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  return roots.flatMap(([kind, root]) =>
    Object.values(root?.getFields() ?? {})
      .filter((field) => !field.name.startsWith('_'))
      .map((field) => {
        const names = new Set<string>();
        for (const arg of field.args) {
          names.add(arg.name);
          inputNames(arg.type, names);
        }
        const variables = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
        const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
        const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
        const document = `${kind} Fuzz${variables ? `(${variables})` : ''} { ${field.name}${
          args ? `(${args})` : ''
        }${selection} }`;
        // fast-check prints a counterexample with this: the document, not the whole field definition.
        return { kind, field, document, names, [fc.toStringMethod]: () => document };
      }),
  );
}

describe('arbitrary variables for every query and mutation', () => {
  let stack: TestStack;
  let all: Operation[];
  before(async () => {
    stack = await startStack({ seed: true });
    all = operations(await buildGraphSchema());
  });
  after(async () => {
    await stack.close();
  });

  it('never a 5xx or an internal error; a refused variable is named, with its rule', async () => {
    assert.ok(all.length > 20, 'the schema has its queries and mutations');
    const call = all.flatMap((operation) => {
      const variables: Record<string, fc.Arbitrary<unknown>> = {};
      for (const arg of operation.field.args) variables[arg.name] = valueOf(arg.type, 0);
      return [fc.tuple(fc.constant(operation), fc.record(variables, { requiredKeys: [] }))];
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(...call), async ([operation, variables]) => {
        const context = `${operation.document}\nvariables ${JSON.stringify(variables).slice(0, 400)}`;
        const answer = await send(stack.origin, {
          method: 'POST',
          path: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
          body: JSON.stringify({ query: operation.document, variables }),
        });
        const body = assertCleanAnswer(answer, context);
        assert.ok(body, `a JSON answer: ${context}`);
        for (const error of body.errors ?? []) {
          if (error.extensions?.code !== 'BAD_USER_INPUT') continue;
          // graphql-js names the variable (`Variable "$input" got invalid value …; Field "x" of required type
          // "Int!" was not provided.`); our own refusals name the argument or field.
          const named = [...operation.names].some(
            (name) => error.message.includes(`$${name}`) || error.message.includes(name),
          );
          assert.ok(named, `the message names what was wrong: ${error.message}\n${context}`);
        }
      }),
      { numRuns: 250, endOnFailure: true },
    );
  });

  it('`first` above 100 is refused as a validation error, as a literal or a variable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 101, max: 2 ** 31 - 1 }), async (first) => {
        const literal = await stack.gql(`{ partners(first: ${first}) { nodes { id } } }`);
        assert.equal(literal.status, 400);
        assert.equal(literal.body.data, undefined);
        // A large `first` may also exceed the cost limit; the page limit is named either way.
        for (const error of literal.body.errors ?? []) {
          assert.equal(error.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
        }
        assert.ok(
          literal.body.errors?.some(
            (error) => error.message === `first must be between 0 and 100, got ${first}.`,
          ),
          JSON.stringify(literal.body),
        );
        const variable = await stack.gql('query ($n: Int) { partners(first: $n) { nodes { id } } }', {
          n: first,
        });
        // `partners` is nullable (a vendor outage nulls only its own field), so the refusal nulls just that field.
        assert.equal(variable.body.data?.partners ?? null, null);
        assert.deepEqual(variable.body.errors?.[0]?.path, ['partners']);
        assert.equal(variable.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
        assert.match(variable.body.errors?.[0]?.message ?? '', /first must be between 0 and 100/);
      }),
      { numRuns: 15 },
    );
  });
});
