// The gateway under the dashboard load with `node --cpu-prof`: which functions the CPU time goes to.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './load.mjs';
import { stopChild } from './proc.mjs';

/**
 * Self time per function (and per package) from a .cpuprofile, hottest first, counting only the samples taken
 * within `window` (ms since the profile started): the load, not the start-up.
 */
export function hottest(profile, window, top = 30) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfSamples = new Map();
  let at = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] / 1000;
    if (at < window.fromMs || at > window.toMs) return;
    selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
    total += 1;
  });
  const byFunction = new Map();
  const byPackage = new Map();
  for (const [id, count] of selfSamples) {
    const { callFrame } = byNode.get(id);
    const url = callFrame.url.replace(/^file:\/\//, '');
    const where = url.includes('node_modules/')
      ? url
          .slice(url.lastIndexOf('node_modules/') + 13)
          .split('/')
          .slice(0, url.includes('node_modules/@') ? 2 : 1)
          .join('/')
      : url.includes('/dist/')
        ? `partner-graph ${url.slice(url.indexOf('/dist/') + 6)}`
        : url || '(native / idle / gc)';
    const name = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    const pkg = where.startsWith('partner-graph') ? 'partner-graph' : where;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
  }
  const list = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => `${((count / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  return { functions: list(byFunction), packages: list(byPackage) };
}

export async function runProfile({ name, gateway, scenario, scratch, seconds, connections, log, write }) {
  log(`profiling partner-graph under ${name} at ${connections} connections for ${seconds} s (20 ms vendors)`);
  // The profile covers the process's whole life; only the samples taken under load are counted.
  const fromMs = performance.now() - gateway.child.spawnedAt;
  const result = await runLoad({
    url: gateway.url,
    headers: gateway.headers,
    requests: scenario.requests,
    connections,
    durationSeconds: seconds,
  });
  const toMs = performance.now() - gateway.child.spawnedAt;
  log(`${result.rps.toFixed(1)} op/s, p50 ${result.p50Ms} ms, ${result.errors} errors`);
  // The profile is written when the process exits, which a gateway does once its in-flight requests are done.
  await stopChild(gateway.child, 120_000);
  const dir = join(scratch, 'profile');
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no .cpuprofile');
  const { functions, packages } = hottest(JSON.parse(readFileSync(join(dir, file), 'utf8')), {
    fromMs,
    toMs,
  });
  const text = [
    `partner-graph, ${name} at ${connections} connections, 20 ms vendors, ${seconds} s: ${result.rps.toFixed(1)} requests/s, p50 ${result.p50Ms} ms; CPU self time while under load:`,
    '',
    'Self time by package:',
    ...packages.slice(0, 15),
    '',
    'Self time by function:',
    ...functions,
    '',
  ].join('\n');
  process.stdout.write(text);
  if (write) {
    const results = new URL('../results/', import.meta.url);
    mkdirSync(results, { recursive: true });
    writeFileSync(new URL(`profile-${name}.txt`, results), text);
    log(`wrote bench/results/profile-${name}.txt`);
  }
}
