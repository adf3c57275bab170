#!/usr/bin/env node
// A/B: two partner-graphs on one set of sandboxes, one scenario, alternating runs (A B, B A, …), medians. How the
// README's "A/B" figures were measured: two builds (a change against its parent), or one build with different
// Node options or settings.
//
//   npm run bench:ab -- --scenario dashboard --b-node-args="--max-semi-space-size=32"
//   npm run bench:ab -- --scenario floor --connections 100 --a-main ../parent/dist/src/main.js
//   npm run bench:ab -- --scenario order --b-env GATEWAY_MAX_CONCURRENT_OPERATIONS=32
// Options: --scenario floor|order|dashboard|mutation (order), --latency MS (20), --rounds N (6), --duration S (6),
// --connections N (25), --a-main / --b-main PATH (this build's dist/src/main.js), --a-node-args="…" /
// --b-node-args="…" (with the `=`: the value starts with a dash), --a-env / --b-env KEY=VALUE,…, --database-url
// postgres://… (the gateways' own data; PGlite otherwise).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureLoad, runLoad } from './lib/load.mjs';
import { BENCH_API_KEY, linkPartner, startPartnerGraph } from './lib/partner-graph.mjs';
import { forkModule, stopChild } from './lib/proc.mjs';
import { median } from './lib/report.mjs';
import { MUTATION_PARTNER, scenariosFor } from './lib/scenarios.mjs';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'order' },
    latency: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '6' },
    connections: { type: 'string', default: '25' },
    'a-main': { type: 'string' },
    'b-main': { type: 'string' },
    'a-node-args': { type: 'string', default: '' },
    'b-node-args': { type: 'string', default: '' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'database-url': { type: 'string' },
  },
});
const envOf = (text) =>
  Object.fromEntries(
    text
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--a-env / --b-env take KEY=VALUE pairs, got "${pair}"`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
const scratch = mkdtempSync(join(tmpdir(), 'partner-graph-ab-'));
const children = [];

try {
  const host = forkModule(new URL('./lib/sandbox-host.mjs', import.meta.url), 'sandboxes');
  children.push(host);
  const { endpoints, fixtures } = await host.next('ready');
  const scenario = scenariosFor('partner-graph', fixtures)[args.scenario];
  if (!scenario) throw new Error(`no scenario "${args.scenario}" (floor, order, dashboard, mutation)`);
  const systems = [];
  for (const name of ['a', 'b']) {
    const main = args[`${name}-main`];
    const gateway = await startPartnerGraph({
      endpoints,
      dataDir: join(scratch, name),
      databaseUrl: args['database-url'],
      apiKey: BENCH_API_KEY,
      ...(main ? { main: resolve(main) } : {}),
      nodeArgs: args[`${name}-node-args`].split(' ').filter(Boolean),
      extraEnv: envOf(args[`${name}-env`]),
    });
    children.push(gateway.child);
    await linkPartner(gateway, fixtures.partnerId, fixtures.channelManagerPartnerId);
    systems.push({ name: name.toUpperCase(), gateway, rows: [] });
  }
  const answer = await host.request({ type: 'latency', ms: Number(args.latency) });
  if (answer.error) throw new Error(`cannot set the vendor latency: ${answer.error}`);
  const load = (system, durationSeconds) => ({
    url: system.gateway.url,
    headers: system.gateway.headers,
    requests: scenario.requests,
    connections: Number(args.connections),
    durationSeconds,
  });
  for (const system of systems) await runLoad(load(system, 3));
  for (let round = 0; round < Number(args.rounds); round += 1) {
    for (const system of round % 2 ? [...systems].reverse() : systems) {
      // Lets work the load generator gave up on drain before the next run.
      await new Promise((settle) => setTimeout(settle, 1000));
      // The mutation pair books thousands of orders a run; every run starts from the seeded vendor again.
      await host.request({ type: 'forget', partnerId: MUTATION_PARTNER });
      const { result, rps, cpuMsPerOp, peakRssMB } = await measureLoad(
        system.gateway.child.pid,
        load(system, Number(args.duration)),
        scenario.opsPerCycle,
      );
      const row = { rps, p50: result.p50Ms, p99: result.p99Ms, errors: result.errors, cpuMsPerOp, peakRssMB };
      system.rows.push(row);
      process.stdout.write(
        `${system.name} round ${round + 1}: ${row.rps.toFixed(1)} op/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ` +
          `${row.errors} errors, ${row.cpuMsPerOp.toFixed(2)} CPU ms/op, peak ${row.peakRssMB.toFixed(0)} MB\n`,
      );
    }
  }
  const medians = systems.map(({ name, rows }) => {
    const of = (key) => median(rows.map((row) => row[key]));
    const rps = rows.map((row) => row.rps);
    process.stdout.write(
      `${name} median: ${of('rps').toFixed(1)} op/s (${Math.min(...rps).toFixed(1)}–${Math.max(...rps).toFixed(1)}), ` +
        `p50 ${of('p50')} ms, p99 ${of('p99')} ms, ${rows.reduce((sum, row) => sum + row.errors, 0)} errors, ` +
        `${of('cpuMsPerOp').toFixed(2)} CPU ms/op, peak RSS ${of('peakRssMB').toFixed(0)} MB\n`,
    );
    return of('rps');
  });
  process.stdout.write(`B/A throughput: ${(medians[1] / medians[0]).toFixed(3)}×\n`);
} finally {
  await Promise.allSettled(children.map((child) => stopChild(child)));
  rmSync(scratch, { recursive: true, force: true });
}
