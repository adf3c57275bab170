#!/usr/bin/env node
// partner-graph's benchmark: the gateway side by side with a GraphQL Mesh peer and a hand-written lower bound,
// against the vendor sandboxes with 0 ms and 20 ms of added latency per call. See README.md "Performance".
//
//   npm run bench                   the full run (~27 min): writes bench/results/latest.json, chart.svg, README table
//   npm run bench -- --quick        a smaller run (< 2 min): the default partner-graph, the peer and the lower
//                                   bound (no comparison variants), 20 ms vendors, 1 round, the same outputs
//   npm run bench -- --soak         the dashboard at 100 connections for 5 min: RSS start / peak / end
//   npm run bench -- --profile      the dashboard under load with --cpu-prof: the hottest functions
//   … --soak --bounded-heap         the soak with BOUNDED_HEAP_NODE_ARGS → bench/results/soak-bounded-heap.json
// Options: --rounds N, --duration S (per measured run), --fixed-rate-duration S (20; --quick: 3),
// --latencies 0,20, --scenarios floor,order,…, --no-mesh,
// --no-write (print only), --database-url postgres://… (the gateway's own data on a server instead of PGlite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureLoad, runLoad } from './lib/load.mjs';
import { startLowerBound } from './lib/lower-bound-process.mjs';
import { startMesh } from './lib/mesh.mjs';
import {
  BENCH_API_KEY,
  BOUNDED_HEAP_NODE_ARGS,
  eventLoopDelay,
  GATEWAY_DEFAULTS,
  linkPartner,
  startPartnerGraph,
} from './lib/partner-graph.mjs';
import { forkModule, stopChild } from './lib/proc.mjs';
import { label, machine, summarise, writeReport } from './lib/report.mjs';
import { FIXED_RATE, MUTATION_PARTNER, scenariosFor } from './lib/scenarios.mjs';
import { runProfile } from './lib/profile.mjs';
import { runSoak } from './lib/soak.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    'bounded-heap': { type: 'boolean', default: false },
    'profile-scenario': { type: 'string', default: 'dashboard' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'fixed-rate-duration': { type: 'string' },
    latencies: { type: 'string' },
    scenarios: { type: 'string' },
    'database-url': { type: 'string' },
    note: { type: 'string' },
    'no-mesh': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});

const plan = {
  rounds: Number(args.rounds ?? (args.quick ? 1 : 3)),
  durationSeconds: Number(args.duration ?? (args.quick ? 3 : 6)),
  warmupSeconds: args.quick ? 1 : 2,
  latencies: (args.latencies ?? (args.quick ? '20' : '0,20')).split(',').map(Number),
  connections: args.quick ? 25 : 100,
  // One dashboard makes 57 vendor calls and takes seconds at 100 connections, so a run of a few seconds would
  // count mostly its ramp-up; 25 connections keep every system saturated (the soak runs it at 100).
  dashboardConnections: 25,
  fixedRate: FIXED_RATE,
  fixedRateConnections: 10,
  // A p99 needs answers to stand on: 6 s at 50/s is 300, whose p99 is the 3 slowest, one garbage collection in
  // the wrong place; 20 s gives 1,000 (the 10 slowest). The quick run keeps its short rounds.
  fixedRateSeconds: Number(args['fixed-rate-duration'] ?? (args.quick ? 3 : 20)),
  // Never the URL itself: it may carry credentials.
  gatewayDatabase: args['database-url'] ? 'PostgreSQL server (DATABASE_URL)' : 'embedded PGlite',
  // How long the vendors must see no calls before a run (three readings this far apart): work still in flight
  // from the previous run makes calls every few ms, so the quick run's shorter wait still catches it.
  quietMs: args.quick ? 100 : 250,
};
/**
 * partner-graph with its defaults, and each comparison the README reports: the transport (node-fetch) on the
 * dashboard and the fixed rate, the executor (graphql-js) on the order, the dashboard and the fixed rate, and a
 * bounded heap (`BOUNDED_HEAP_NODE_ARGS`: its peak RSS against the memory target) on the floor, the order and the
 * dashboard.
 */
const GATEWAY_VARIANTS = [
  GATEWAY_DEFAULTS,
  { ...GATEWAY_DEFAULTS, transport: 'node-fetch', scenarios: ['dashboard', 'fixed-rate'] },
  { ...GATEWAY_DEFAULTS, executor: 'graphql-js', scenarios: ['order', 'dashboard', 'fixed-rate'] },
  { ...GATEWAY_DEFAULTS, heap: 'bounded', scenarios: ['floor', 'order', 'dashboard'] },
];
/** The quick run measures the gateway as deployed, against the peer and the lower bound, and no variant. */
const variants = args.quick ? [GATEWAY_DEFAULTS] : GATEWAY_VARIANTS;
/** What sets a variant apart from the defaults, as its start-up is logged. */
function describeVariant(variant) {
  if (variant.transport !== GATEWAY_DEFAULTS.transport) return `VENDOR_TRANSPORT=${variant.transport}`;
  if (variant.executor !== GATEWAY_DEFAULTS.executor) return `GATEWAY_EXECUTOR=${variant.executor}`;
  if (variant.heap === 'bounded') return `node ${BOUNDED_HEAP_NODE_ARGS.join(' ')}`;
  return `the defaults (${variant.transport}, ${variant.executor})`;
}
/** Which partner-graph a sample is, in keys and log lines. */
const variantOf = (system) =>
  system.transport
    ? `/${system.transport}/${system.executor}${system.heap ? `/heap-${system.heap}` : ''}`
    : '';
const started = Date.now();
const log = (message) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);

const children = [];
const scratch = mkdtempSync(join(tmpdir(), 'partner-graph-bench-'));
async function cleanup() {
  await Promise.allSettled(children.map((child) => stopChild(child)));
  rmSync(scratch, { recursive: true, force: true });
  // The composed supergraph carries the sandboxes' keys of this run.
  rmSync(new URL('./.mesh/', import.meta.url), { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  log("starting the sandboxes and seeding them through the vendors' APIs");
  const host = forkModule(new URL('./lib/sandbox-host.mjs', import.meta.url), 'sandboxes');
  children.push(host);
  const { endpoints, fixtures } = await host.next('ready');
  log(`seeded ${fixtures.orderIds.length} ticket orders for the dashboard partner`);
  const counts = async () => (await host.request({ type: 'counts' })).total;

  if (args.soak || args.profile) {
    const gateway = await startPartnerGraph({
      endpoints,
      dataDir: join(scratch, 'pg'),
      apiKey: BENCH_API_KEY,
      databaseUrl: args['database-url'],
      ...(args.profile ? { cpuProfDir: join(scratch, 'profile') } : {}),
      heap: args['bounded-heap'] ? 'bounded' : undefined,
    });
    children.push(gateway.child);
    await linkPartner(gateway, fixtures.partnerId, fixtures.channelManagerPartnerId);
    await setLatency(host, 20);
    const scenario = scenariosFor('partner-graph', fixtures)[
      args.soak ? 'dashboard' : args['profile-scenario']
    ];
    if (args.soak) {
      await runSoak({
        gateway,
        scenario,
        minutes: Number(args['soak-minutes']),
        connections: 100,
        log,
        write: !args['no-write'],
        file: args['bounded-heap'] ? 'soak-bounded-heap.json' : 'soak.json',
      });
    } else {
      await runProfile({
        name: args['profile-scenario'],
        connections: plan.connections,
        gateway,
        scenario,
        scratch,
        seconds: args.quick ? 15 : 30,
        log,
        write: !args['no-write'],
      });
    }
  } else {
    const systems = await startSystems({ endpoints, fixtures });
    const samples = await measure({ host, counts, systems, fixtures });
    const notes = [...(args.note ? [args.note] : []), ...systems.notes];
    const summary = summarise({ machine: machine(), plan, samples, notes });
    if (!args['no-write']) {
      await writeReport(summary);
      log('wrote bench/results/latest.json, bench/results/chart.svg and the README table');
    }
    printTable(summary);
  }
} catch (error) {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

async function setLatency(host, ms) {
  const answer = await host.request({ type: 'latency', ms });
  if (answer.error) throw new Error(`cannot set ${ms} ms vendor latency: ${answer.error}`);
  // Check it took: one timed vendor call.
  const { ms: probe } = await host.request({ type: 'probe' });
  if (probe < ms) throw new Error(`vendor latency set to ${ms} ms but a call took ${probe.toFixed(1)} ms`);
  log(`vendor latency ${ms} ms (a probe call took ${probe.toFixed(1)} ms)`);
}

/** Every system under test, started once and kept for the whole run; an idle one costs nothing. */
async function startSystems({ endpoints, fixtures }) {
  const systems = [];
  const notes = [];
  log(`starting partner-graph (NODE_ENV=production): ${variants.map(describeVariant).join('; ')}`);
  const start = async (variant) => {
    const gateway = await startPartnerGraph({
      endpoints,
      dataDir: join(scratch, `pg-${variant.transport}-${variant.executor}-${variant.heap ?? 'default'}`),
      databaseUrl: args['database-url'],
      apiKey: BENCH_API_KEY,
      transport: variant.transport,
      executor: variant.executor,
      heap: variant.heap,
    });
    children.push(gateway.child);
    await linkPartner(gateway, fixtures.partnerId, fixtures.channelManagerPartnerId);
    return { ...variant, gateway };
  };
  // Two embedded databases initialise in parallel; two gateways migrating one server's schema do not.
  const gateways = [];
  if (args['database-url']) for (const variant of variants) gateways.push(await start(variant));
  else gateways.push(...(await Promise.all(variants.map(start))));
  for (const { transport, executor, heap, scenarios, gateway } of gateways) {
    systems.push({
      system: 'partner-graph',
      transport,
      executor,
      ...(heap ? { heap } : {}),
      ...gateway,
      scenarios,
      eventLoop: () => eventLoopDelay(gateway),
    });
  }
  if (args['no-mesh']) {
    notes.push('The Mesh peer was left out of this run (--no-mesh).');
  } else {
    log("composing the sandboxes' OpenAPI documents with GraphQL Mesh and starting Hive Gateway");
    try {
      const mesh = await startMesh({ endpoints, fixtures, log });
      children.push(mesh.child);
      const left = Object.keys(mesh.unavailable);
      for (const [scenario, reason] of Object.entries(mesh.unavailable)) {
        notes.push(`Mesh: no ${scenario} in this run (${reason}).`);
      }
      if (mesh.missing.length > 0) notes.push(`Mesh composed without ${mesh.missing.join(', ')}.`);
      systems.push({
        system: 'mesh',
        ...mesh,
        scenarios: ['floor', 'order', 'dashboard', 'mutation', 'fixed-rate'].filter(
          (name) => !left.includes(name),
        ),
      });
    } catch (error) {
      notes.push(`The Mesh peer could not be started: ${error.message.split('\n')[0]}`);
      log(`mesh: ${error.message}`);
    }
  }
  log('starting the lower bound');
  const lower = await startLowerBound({ endpoints, fixtures, apiKey: BENCH_API_KEY });
  children.push(lower.child);
  systems.push({ system: 'lower-bound', ...lower });
  return Object.assign(systems, { notes });
}

/** POSTs one request body to a system and answers the parsed `data`, throwing on any error. */
async function sendOnce(system, text) {
  const response = await fetch(system.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...system.headers },
    body: text,
  });
  const answer = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw new Error(`${system.system}: HTTP ${response.status}, not JSON: ${answer.slice(0, 200)}`);
  }
  if (!response.ok || parsed.errors)
    throw new Error(`${system.system}: HTTP ${response.status} ${answer.slice(0, 400)}`);
  return parsed.data;
}

/**
 * Checks each system answers each scenario correctly, that all answer the same figures, and counts the upstream
 * calls one operation makes (alone, on a quiet system: exact, unlike a count taken under load while requests are
 * in flight). partner-graph or the lower bound answering wrongly stops the run; a scenario the peer answers
 * wrongly is left out for the peer, with the reason in the report.
 */
async function verify(systems, fixtures, counts) {
  const figures = {};
  const callsPerOp = new Map();
  for (const system of systems) {
    for (const [name, scenario] of Object.entries(scenariosFor(system.system, fixtures))) {
      // The fixed rate replays the order scenario: its calls per operation are the order's.
      const wanted = system.scenarios && [
        ...system.scenarios,
        ...(system.scenarios.includes('fixed-rate') ? ['order'] : []),
      ];
      if (wanted && !wanted.includes(name)) continue;
      try {
        await quiesce(counts);
        const before = await counts();
        const result = scenario.probe
          ? await scenario.probe((text) => sendOnce(system, text))
          : scenario.check(await sendOnce(system, scenario.requests[0].body));
        if (!result) throw new Error(`${system.system} answered ${name} wrongly`);
        await quiesce(counts);
        callsPerOp.set(`${system.system}${variantOf(system)}/${name}`, (await counts()) - before);
        const expected = figures[name];
        if (expected !== undefined && expected !== JSON.stringify(result)) {
          throw new Error(
            `${system.system} answers ${name} with ${JSON.stringify(result)}, the others ${expected}`,
          );
        }
        figures[name] = JSON.stringify(result);
      } catch (error) {
        if (system.system !== 'mesh') throw error;
        const excluded = name === 'order' ? ['order', 'fixed-rate'] : [name];
        system.scenarios = (system.scenarios ?? []).filter((entry) => !excluded.includes(entry));
        systems.notes.push(`Mesh: no ${excluded.join(' / ')} (${error.message.slice(0, 300)})`);
        log(`mesh: ${name} left out: ${error.message}`);
      }
    }
  }
  for (const [name, result] of Object.entries(figures)) log(`${name}: every system answers ${result}`);
  return callsPerOp;
}

async function measure({ host, counts, systems, fixtures }) {
  const samples = [];
  const scenarioNames = args.scenarios?.split(',') ?? [
    'floor',
    'order',
    'dashboard',
    'mutation',
    'fixed-rate',
  ];
  for (const latency of plan.latencies) {
    await setLatency(host, latency);
    const callsPerOp = await verify(systems, fixtures, counts);
    const warmed = new Set();
    for (let round = 1; round <= plan.rounds; round += 1) {
      for (const scenarioName of scenarioNames) {
        // A/B/A/B: each round runs every system on this scenario in turn, so drift hits all alike.
        for (const system of systems) {
          if (system.scenarios && !system.scenarios.includes(scenarioName)) continue;
          const scenarios = scenariosFor(system.system, fixtures);
          const scenario = scenarioName === 'fixed-rate' ? scenarios.order : scenarios[scenarioName];
          const load = {
            url: system.url,
            headers: system.headers,
            requests: scenario.requests,
            ...(scenarioName === 'fixed-rate'
              ? { connections: plan.fixedRateConnections, overallRate: plan.fixedRate }
              : {
                  connections: scenarioName === 'dashboard' ? plan.dashboardConnections : plan.connections,
                }),
          };
          const runLabel = `${scenarioName} ${system.system}${variantOf(system)} @${latency}ms`;
          const warmKey = runLabel;
          if (!warmed.has(warmKey)) {
            await runLoad({ ...load, durationSeconds: plan.warmupSeconds });
            warmed.add(warmKey);
          }
          await quiesce(counts);
          // The mutation pair books thousands of orders a run; every run starts from the seeded vendor again.
          await host.request({ type: 'forget', partnerId: MUTATION_PARTNER });
          const loopBefore = system.eventLoop ? await system.eventLoop() : undefined;
          const durationSeconds =
            scenarioName === 'fixed-rate' ? plan.fixedRateSeconds : plan.durationSeconds;
          const measured = await measureLoad(
            system.child.pid,
            { ...load, durationSeconds },
            scenario.opsPerCycle,
          );
          const { result } = measured;
          const loop = loopBefore && (await system.eventLoop());
          const sample = {
            scenario: scenarioName,
            system: system.system,
            ...(system.transport ? { transport: system.transport, executor: system.executor } : {}),
            ...(system.heap ? { heap: system.heap } : {}),
            vendorLatencyMs: latency,
            round,
            rps: measured.rps,
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            errors: result.errors,
            upstreamCallsPerOp:
              callsPerOp.get(
                `${system.system}${variantOf(system)}/${scenarioName === 'fixed-rate' ? 'order' : scenarioName}`,
              ) ?? null,
            cpuMsPerOp: measured.cpuMsPerOp,
            rssMB: measured.peakRssMB,
            eventLoopP99Ms: loop ? loop.p99 : null,
          };
          if (result.requests < 20) {
            sample.fewSamples = true;
            log(
              `${runLabel}: only ${result.requests} answers in ${durationSeconds} s: too few for percentiles`,
            );
          }
          samples.push(sample);
          log(
            `${runLabel} round ${round}: ${sample.rps.toFixed(1)} op/s, p50 ${sample.p50Ms} ms, p99 ${sample.p99Ms} ms, ` +
              `${sample.errors} errors, ${sample.upstreamCallsPerOp?.toFixed(2)} calls/op, ` +
              `${sample.cpuMsPerOp?.toFixed(2)} CPU ms/op, ${sample.rssMB.toFixed(0)} MB` +
              (result.sampleError ? `\n    first error: ${result.sampleError}` : ''),
          );
        }
      }
    }
  }
  return samples;
}

/**
 * Waits until the vendors see no more calls: a system may still be working off requests the load generator
 * gave up on when the previous run ended, and those calls must not count against the next run.
 */
async function quiesce(counts) {
  let last = await counts();
  for (let stable = 0, waited = 0; stable < 3 && waited * plan.quietMs < 30_000; waited += 1) {
    await new Promise((resolve) => setTimeout(resolve, plan.quietMs));
    const now = await counts();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

function printTable(summary) {
  for (const row of summary.results) {
    process.stdout.write(
      `${row.scenario.padEnd(11)} ${label(row).padEnd(28)} ` +
        `${String(row.vendorLatencyMs).padStart(3)} ms  ${row.rps.toFixed(1).padStart(8)} op/s  p50 ${String(row.p50Ms).padStart(5)}  ` +
        `p99 ${String(row.p99Ms).padStart(5)}  err ${row.errors}  calls/op ${row.upstreamCallsPerOp?.toFixed(2)}  rss ${row.rssMB.toFixed(0)} MB\n`,
    );
  }
}
