import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { GraphQLArgument } from 'graphql';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildGraphSchema, printGraphSchema } from '../../src/graph/schema.js';

/** Apollo Federation's own plumbing, added by `@apollo/subgraph` with no descriptions of ours to give. */
const FEDERATION_TYPES = new Set([
  '_Any',
  '_Entity',
  '_Service',
  'federation__FieldSet',
  'link__Import',
  'link__Purpose',
]);
const FEDERATION_QUERY_FIELDS = new Set(['_entities', '_service']);

describe('the schema', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema` after changing the graph)', async () => {
    const committed = await readFile('schema/schema.graphql', 'utf8');
    assert.equal(printGraphSchema(await buildGraphSchema()), committed);
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = await buildGraphSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || FEDERATION_TYPES.has(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        const fields = Object.values<{
          name: string;
          description?: string | null;
          args?: readonly GraphQLArgument[];
        }>(type.getFields());
        for (const field of fields) {
          if (type.name === 'Query' && FEDERATION_QUERY_FIELDS.has(field.name)) continue;
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args ?? []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('reads plain fields straight off their objects: only field resolvers run code per field', async () => {
    // type-graphql otherwise wraps every plain field in a resolver of its own (two allocations per field and value),
    // which also keeps graphql-jit from compiling the field to a property read: `simpleResolvers` on every object
    // type. On the dashboard (thousands of fields) that was 15% of the gateway's CPU.
    const storage = getMetadataStorage();
    assert.deepEqual(
      storage.objectTypes.filter((type) => type.simpleResolvers !== true).map((type) => type.name),
      [],
      'object types without simpleResolvers: true',
    );
    const schema = await buildGraphSchema();
    const nameOf = new Map<unknown, string>(storage.objectTypes.map((type) => [type.target, type.name]));
    const fieldResolvers = new Set(
      storage.fieldResolvers.map(
        (resolver) => `${nameOf.get(resolver.getObjectType?.())}.${resolver.schemaName}`,
      ),
    );
    const withCode: string[] = [];
    let plain = 0;
    for (const { name } of storage.objectTypes) {
      const type = schema.getType(name);
      assert.ok(isObjectType(type), `${name} is in the schema`);
      for (const field of Object.values(type.getFields())) {
        if (field.resolve === undefined) plain += 1;
        else if (!fieldResolvers.has(`${name}.${field.name}`)) withCode.push(`${name}.${field.name}`);
      }
    }
    assert.deepEqual(withCode, [], 'plain fields with a resolver');
    assert.ok(plain > 100, `expected the plain fields to read straight off their objects, saw ${plain}`);
  });
});
