import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * An empty, freshly initialised PGlite cluster, made once per machine and PGlite version and cached in the temp
 * directory. initdb takes seconds; loading this takes a fraction of one, which matters when every test file
 * starts its own embedded database. Migrations still run on top, so the template never goes stale.
 */
export async function pgliteTemplate(): Promise<Blob> {
  // The package does not export its package.json; the version only names the cache file.
  const manifest = join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const file = join(tmpdir(), `partner-graph-pglite-${version}.tar`);
  if (!existsSync(file)) {
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    // Several test processes may race to make it: each writes its own file, the rename makes one win whole.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, file);
  }
  return new Blob([readFileSync(file)]);
}
