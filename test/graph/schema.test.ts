import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { GraphQLArgument } from 'graphql';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { buildGraphSchema, printGraphSchema } from '../../src/graph/schema.js';

describe('the schema', () => {
  it('matches the committed schema/schema.graphql (run `npm run schema` after changing the graph)', async () => {
    const committed = await readFile('schema/schema.graphql', 'utf8');
    assert.equal(printGraphSchema(await buildGraphSchema()), committed);
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = await buildGraphSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        const fields = Object.values<{
          name: string;
          description?: string | null;
          args?: readonly GraphQLArgument[];
        }>(type.getFields());
        for (const field of fields) {
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
});
