// `npm run bench` installs the harness's own dependencies (autocannon, the Mesh peer) from the committed lockfile,
// on first use and again whenever that lockfile has changed since (a pull that adds a harness dependency); the
// product's dependencies never include them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
const lockfile = new URL('package-lock.json', import.meta.url);
const installedFrom = new URL('node_modules/.installed-lock-sha256', import.meta.url);
const wanted = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
const installed = existsSync(installedFrom) ? readFileSync(installedFrom, 'utf8').trim() : undefined;
if (installed !== wanted) {
  process.stderr.write('bench: installing the harness dependencies (npm ci --prefix bench)\n');
  execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  writeFileSync(installedFrom, `${wanted}\n`);
}
