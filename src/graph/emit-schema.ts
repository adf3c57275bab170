import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { buildGraphSchema, printGraphSchema } from './schema.js';

/** `npm run schema`: writes schema/schema.graphql from the code. A test fails while the file is stale. */
const sdl = printGraphSchema(await buildGraphSchema());
await mkdir('schema', { recursive: true });
await writeFile('schema/schema.graphql', sdl);
console.log(`schema/schema.graphql written (${sdl.split('\n').length} lines)`);
