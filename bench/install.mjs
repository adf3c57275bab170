// `npm run bench` installs the harness's own dependencies (autocannon, the Mesh peer) on first use, from the
// committed lockfile; the product's dependencies never include them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
if (!existsSync(new URL('node_modules/.package-lock.json', import.meta.url))) {
  process.stderr.write('bench: installing the harness dependencies (npm ci --prefix bench)\n');
  execFileSync('npm', ['ci', '--prefix', bench, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
