import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative, resolve } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';

/** The repository root: this file runs as dist/test/client/codegen.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GENERATED = join(ROOT, 'src/client/generated');

/** What `generate(…, false)` answers per output file (typed loosely upstream). */
interface GeneratedFile {
  filename: string;
  content: string;
}

describe('the committed typed client', () => {
  it('is what `npm run codegen` generates from schema/schema.graphql and schema/operations/ now', async () => {
    // The same codegen.yml the script reads, generated in memory: no formatter runs in either place.
    const { config } = await loadCodegenConfig({ configFilePath: join(ROOT, 'codegen.yml') });
    const outputs = (await generate({ ...config, cwd: ROOT, silent: true }, false)) as GeneratedFile[];
    const expected = new Map(
      outputs.map((output) => [relative(GENERATED, resolve(ROOT, output.filename)), output.content]),
    );
    assert.ok(expected.has('graphql.ts'), `unexpected outputs: ${[...expected.keys()].join(', ')}`);

    const committed = new Map<string, string>();
    for (const name of await readdir(GENERATED)) {
      committed.set(name, await readFile(join(GENERATED, name), 'utf8'));
    }
    const stale = [...new Set([...expected.keys(), ...committed.keys()])]
      .filter((name) => expected.get(name) !== committed.get(name))
      .sort();
    assert.deepEqual(stale, [], `src/client/generated/ is stale (${stale.join(', ')}): run npm run codegen`);
  });
});
