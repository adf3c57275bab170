// From the measured samples to the summary (bench/results/latest.json), the chart (bench/results/chart.svg) and
// the README's results table, all drawn from the same summary.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { BOUNDED_HEAP_NODE_ARGS, GATEWAY_DEFAULTS } from './partner-graph.mjs';

const RESULTS = new URL('../results/', import.meta.url);
const README = new URL('../../README.md', import.meta.url);
export const BEGIN = '<!-- bench:results:begin (written by npm run bench; do not edit by hand) -->';
export const END = '<!-- bench:results:end -->';

export function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    node: process.version,
  };
}

/** The median of the values that are numbers (the mean of the middle two for an even count); null for none. */
export const median = (values) => {
  const sorted = values.filter((v) => v !== null && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 2) =>
  value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits));
/** A ratio of two throughputs, or null when either run had too few answers to mean anything. */
const ratio = (a, b) => (a && b && !a.fewSamples && !b.fewSamples && b.rps > 0 ? round(a.rps / b.rps) : null);

/**
 * Medians over rounds per scenario, system (and partner-graph's transport and executor) and vendor latency;
 * spread is the rounds' min–max.
 */
export function summarise({ machine, plan, samples, notes }) {
  const groups = new Map();
  for (const sample of samples) {
    const key = [
      sample.scenario,
      sample.system,
      sample.transport ?? '',
      sample.executor ?? '',
      sample.heap ?? '',
      sample.vendorLatencyMs,
    ].join('|');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(sample);
  }
  const results = [...groups.values()].map((group) => {
    const first = group[0];
    const rps = group.map((s) => s.rps);
    return {
      scenario: first.scenario,
      system: first.system,
      ...(first.transport ? { transport: first.transport } : {}),
      ...(first.executor ? { executor: first.executor } : {}),
      ...(first.heap ? { heap: first.heap } : {}),
      vendorLatencyMs: first.vendorLatencyMs,
      rps: round(median(rps), 1),
      rpsSpread: [round(Math.min(...rps), 1), round(Math.max(...rps), 1)],
      p50Ms: round(median(group.map((s) => s.p50Ms))),
      p99Ms: round(median(group.map((s) => s.p99Ms))),
      errors: group.reduce((total, s) => total + s.errors, 0),
      upstreamCallsPerOp: round(median(group.map((s) => s.upstreamCallsPerOp))),
      cpuMsPerOp: round(median(group.map((s) => s.cpuMsPerOp))),
      rssMB: round(Math.max(...group.map((s) => s.rssMB)), 1),
      eventLoopP99Ms: round(median(group.map((s) => s.eventLoopP99Ms))),
      ...(group.some((s) => s.fewSamples) ? { fewSamples: true } : {}),
    };
  });
  return {
    machine,
    date: new Date().toISOString(),
    rounds: plan.rounds,
    plan,
    headline: headline(results),
    notes,
    results,
  };
}

/** partner-graph's defaults; the other variants are the comparisons. */
const DEFAULTS = GATEWAY_DEFAULTS;

const find = (results, scenario, system, latency, variant = {}) =>
  results.find(
    (r) =>
      r.scenario === scenario &&
      r.system === system &&
      r.vendorLatencyMs === latency &&
      (system !== 'partner-graph' ||
        (r.transport === (variant.transport ?? DEFAULTS.transport) &&
          (r.executor ?? DEFAULTS.executor) === (variant.executor ?? DEFAULTS.executor) &&
          (r.heap ?? null) === (variant.heap ?? null))),
  );

/**
 * The figures the issue asks about: ours/peer throughput, added latency over the lower bound, the transports,
 * the executors, and peak RSS with a bounded heap against the defaults.
 */
function headline(results) {
  const lines = [];
  const latencies = [...new Set(results.map((r) => r.vendorLatencyMs))];
  for (const latency of latencies) {
    for (const scenario of ['floor', 'order', 'dashboard', 'mutation']) {
      const ours = find(results, scenario, 'partner-graph', latency);
      const mesh = find(results, scenario, 'mesh', latency);
      const lower = find(results, scenario, 'lower-bound', latency);
      if (!ours) continue;
      lines.push({
        vendorLatencyMs: latency,
        scenario,
        oursOverMesh: ratio(ours, mesh),
        oursOverLowerBound: ratio(ours, lower),
      });
    }
    const ours = find(results, 'fixed-rate', 'partner-graph', latency);
    const lower = find(results, 'fixed-rate', 'lower-bound', latency);
    if (ours && lower && !ours.fewSamples && !lower.fewSamples) {
      lines.push({
        vendorLatencyMs: latency,
        scenario: 'fixed-rate',
        addedP50Ms: round(ours.p50Ms - lower.p50Ms),
        addedP99Ms: round(ours.p99Ms - lower.p99Ms),
      });
    }
    const defaultDash = find(results, 'dashboard', 'partner-graph', latency);
    const fetchDash = find(results, 'dashboard', 'partner-graph', latency, { transport: 'node-fetch' });
    if (fetchDash && defaultDash) {
      lines.push({
        vendorLatencyMs: latency,
        scenario: 'dashboard',
        undiciOverNodeFetch: ratio(defaultDash, fetchDash),
      });
    }
    for (const scenario of ['order', 'dashboard']) {
      const jit = find(results, scenario, 'partner-graph', latency);
      const js = find(results, scenario, 'partner-graph', latency, { executor: 'graphql-js' });
      if (jit && js) {
        lines.push({ vendorLatencyMs: latency, scenario, jitOverGraphqlJs: ratio(jit, js) });
      }
    }
    for (const scenario of ['floor', 'order', 'dashboard']) {
      const defaults = find(results, scenario, 'partner-graph', latency);
      const bounded = find(results, scenario, 'partner-graph', latency, { heap: 'bounded' });
      if (defaults && bounded) {
        lines.push({
          vendorLatencyMs: latency,
          scenario,
          boundedHeap: {
            rssMB: bounded.rssMB,
            defaultsRssMB: defaults.rssMB,
            throughputOverDefaults: ratio(bounded, defaults),
          },
        });
      }
    }
  }
  return lines;
}

/** A row's name: partner-graph with what differs from its defaults in brackets. */
export const label = (r) => {
  if (r.system !== 'partner-graph') return r.system;
  const differs = [
    r.transport && r.transport !== DEFAULTS.transport ? r.transport : undefined,
    r.executor && r.executor !== DEFAULTS.executor ? r.executor : undefined,
    r.heap ? `heap-${r.heap}` : undefined,
  ].filter(Boolean);
  return differs.length > 0 ? `partner-graph (${differs.join(', ')})` : r.system;
};
const times = (value) => (value === null || value === undefined ? 'n/a' : `${value.toFixed(2)}×`);
const n = (value, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

/** The README table (markdown), machine, date and how to rerun. */
export function markdown(summary) {
  const { machine: m } = summary;
  const out = [
    BEGIN,
    '',
    `Measured ${summary.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu} (${m.cores} cores, ${m.memoryGB} GB), ` +
      `${m.os}, Node ${m.node}; ${summary.rounds} round(s) of ${summary.plan.durationSeconds} s per system and ` +
      `scenario, alternated, after a discarded warm-up; ${summary.plan.connections} connections ` +
      `(dashboard: ${summary.plan.dashboardConnections ?? summary.plan.connections}) ` +
      `(fixed rate: ${summary.plan.fixedRate} req/s over ${summary.plan.fixedRateConnections}` +
      (summary.plan.fixedRateSeconds ? `, ${summary.plan.fixedRateSeconds} s a round` : '') +
      '); ' +
      `partner-graph's own data in ${summary.plan.gatewayDatabase}. ` +
      'Rerun: `npm run bench` (or `npm run bench -- --quick`).',
    '',
    '![partner-graph against GraphQL Mesh and the lower bound](bench/results/chart.svg)',
    '',
  ];
  for (const line of summary.headline) {
    if (line.oursOverMesh !== undefined) {
      out.push(
        `- ${line.scenario}, ${line.vendorLatencyMs} ms vendors: partner-graph/Mesh throughput ${times(line.oursOverMesh)}, ` +
          `${line.oursOverLowerBound === null ? 'n/a' : `${(line.oursOverLowerBound * 100).toFixed(0)}%`} of the lower bound's`,
      );
    } else if (line.addedP50Ms !== undefined) {
      out.push(
        `- fixed rate, ${line.vendorLatencyMs} ms vendors: added latency over the lower bound p50 ${n(line.addedP50Ms, 2)} ms, p99 ${n(line.addedP99Ms, 2)} ms`,
      );
    } else if (line.undiciOverNodeFetch !== undefined) {
      out.push(
        `- dashboard, ${line.vendorLatencyMs} ms vendors: undici/node-fetch throughput ${times(line.undiciOverNodeFetch)}`,
      );
    } else if (line.jitOverGraphqlJs !== undefined) {
      out.push(
        `- ${line.scenario}, ${line.vendorLatencyMs} ms vendors: graphql-jit/graphql-js throughput ${times(line.jitOverGraphqlJs)}`,
      );
    } else if (line.boundedHeap !== undefined) {
      const { rssMB, defaultsRssMB, throughputOverDefaults } = line.boundedHeap;
      out.push(
        `- ${line.scenario}, ${line.vendorLatencyMs} ms vendors, heap bounded (\`${BOUNDED_HEAP_NODE_ARGS.join(' ')}\`): ` +
          `peak RSS ${n(rssMB, 0)} MB (defaults ${n(defaultsRssMB, 0)} MB), throughput ${times(throughputOverDefaults)} the defaults'`,
      );
    }
  }
  for (const note of summary.notes ?? []) out.push(`- ${note}`);
  out.push(
    '',
    '| scenario | vendor latency | system | op/s (spread) | p50 ms | p99 ms | errors | upstream calls/op | CPU ms/op | peak RSS MB | loop p99 ms |',
    '| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: |',
  );
  for (const r of summary.results) {
    out.push(
      `| ${r.scenario} | ${r.vendorLatencyMs} ms | ${label(r)} | ` +
        (r.fewSamples ? 'too few answers | ' : `${n(r.rps)} (${n(r.rpsSpread[0])}–${n(r.rpsSpread[1])}) | `) +
        `${n(r.p50Ms)} | ${n(r.p99Ms)} | ${r.errors} | ${n(r.upstreamCallsPerOp, 2)} | ${n(r.cpuMsPerOp, 2)} | ` +
        `${n(r.rssMB, 0)} | ${n(r.eventLoopP99Ms)} |`,
    );
  }
  out.push('', END);
  return out.join('\n');
}

const COLORS = {
  'partner-graph': '#2563eb',
  'partner-graph (node-fetch)': '#60a5fa',
  'partner-graph (graphql-js)': '#93c5fd',
  'partner-graph (heap-bounded)': '#1e3a8a',
  mesh: '#e11d48',
  'lower-bound': '#6b7280',
};
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * One group of bars per scenario and vendor latency: throughput (op/s, longer is better) for the load scenarios,
 * p50 latency (ms, shorter is better) for the fixed rate. Bars are scaled within their group.
 */
export function chart(summary) {
  const groups = [];
  for (const latency of [...new Set(summary.results.map((r) => r.vendorLatencyMs))]) {
    for (const scenario of ['floor', 'order', 'dashboard', 'mutation', 'fixed-rate']) {
      const rows = summary.results.filter((r) => r.scenario === scenario && r.vendorLatencyMs === latency);
      if (rows.length === 0) continue;
      const metric = scenario === 'fixed-rate' ? 'p50Ms' : 'rps';
      groups.push({
        title: `${scenario} · ${latency} ms vendors · ${metric === 'rps' ? 'op/s' : 'p50 ms'}`,
        rows,
        metric,
      });
    }
  }
  const width = 760;
  const barHeight = 16;
  const left = 190;
  const barSpace = width - left - 90;
  let y = 40;
  const parts = [
    `<text x="10" y="22" font-size="15" font-weight="bold">partner-graph vs GraphQL Mesh vs lower bound (${escape(summary.date.slice(0, 10))})</text>`,
  ];
  for (const group of groups) {
    parts.push(`<text x="10" y="${y + 12}" font-size="13" font-weight="bold">${escape(group.title)}</text>`);
    y += 18;
    const max = Math.max(...group.rows.map((r) => r[group.metric] ?? 0), 1e-9);
    for (const row of group.rows) {
      const value = row[group.metric] ?? 0;
      const w = Math.max(1, (value / max) * barSpace);
      const name = label(row);
      parts.push(
        `<text x="${left - 8}" y="${y + 12}" font-size="12" text-anchor="end">${escape(name)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[name] ?? '#999'}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 12}" font-size="12">${escape(n(value))}</text>`,
      );
      y += barHeight + 4;
    }
    y += 12;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes the README through the project's prettier, so `prettier --check .` stays green after a run. */
async function formatted(text) {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(text, { ...options, parser: 'markdown' });
}

export async function writeReport(summary) {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(new URL('latest.json', RESULTS), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(new URL('chart.svg', RESULTS), chart(summary));
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md has no results markers (${BEGIN} … ${END})`);
  writeFileSync(
    README,
    await formatted(readme.slice(0, start) + markdown(summary) + readme.slice(end + END.length)),
  );
}
