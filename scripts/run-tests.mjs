// Runs every compiled test file with node's own runner. Node 20 takes directories, Node 22+ takes globs, so
// the file list is built here and handed over explicitly: the same command works on 20, 22 and 24.
// Afterwards it scans every log the tests' gateways wrote for every secret they were given (test/support/
// test-artifacts.ts records both, test/support/secret-scan.ts compares them): a leak fails the run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = 'dist/test';
const only = process.argv.slice(2);
const artifacts = resolve(process.env.TEST_ARTIFACTS_DIR ?? join(projectRoot, 'test-artifacts'));

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = collect(root)
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${root}${only.length ? ` matching ${only.join(', ')}` : ''}`);
  process.exit(1);
}

const { clearArtifacts, scanArtifacts } = await import(join(projectRoot, 'dist/test/support/secret-scan.js'));
clearArtifacts(artifacts);

const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test', TEST_ARTIFACTS_DIR: artifacts },
  },
);

const scan = scanArtifacts(artifacts);
if (scan.findings.length > 0) {
  console.error(`\nsecret scan: ${scan.findings.length} secret(s) found in the captured logs:`);
  for (const finding of scan.findings) {
    console.error(`  ${finding.kind} (${finding.form}) in ${relative(process.cwd(), finding.logFile)}`);
  }
} else {
  console.log(`\nsecret scan: ${scan.secrets} recorded secrets, none in ${scan.logFiles} captured logs`);
}
process.exit(scan.findings.length > 0 ? 1 : (result.status ?? 1));
