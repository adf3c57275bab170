// The dashboard at 100 connections for minutes on end: does the gateway's memory settle or keep growing?
import { writeFileSync, mkdirSync } from 'node:fs';
import { runLoad } from './load.mjs';
import { procStats } from './proc.mjs';
import { median } from './report.mjs';

/** Writes `bench/results/<file>`, with the Node options the gateway was started with. */
export async function runSoak({ gateway, scenario, minutes, connections, log, write, file = 'soak.json' }) {
  const pid = gateway.child.pid;
  // One minute's warm-up fills the caches and JIT; growth is measured from there.
  const warmupSeconds = Math.min(60, Math.max(10, minutes * 12));
  log(`soak: ${warmupSeconds} s warm-up, then ${minutes} min of the dashboard at ${connections} connections`);
  await runLoad({
    url: gateway.url,
    headers: gateway.headers,
    requests: scenario.requests,
    connections,
    durationSeconds: warmupSeconds,
  });
  const samples = [];
  const sample = () => samples.push({ at: Date.now(), rssMB: procStats(pid).rssMB });
  sample();
  const timer = setInterval(sample, 5_000);
  const result = await runLoad({
    url: gateway.url,
    headers: gateway.headers,
    requests: scenario.requests,
    connections,
    durationSeconds: minutes * 60,
  });
  clearInterval(timer);
  sample();
  const start = samples[0].rssMB;
  const end = samples.at(-1).rssMB;
  const peak = Math.max(...samples.map((s) => s.rssMB));
  // One sample of a garbage-collected heap is a point on a sawtooth: the first and last minutes' medians, and
  // the least-squares slope over the whole run, say more about growth than the first and last samples alone.
  const perMinute = Math.round(60_000 / 5_000);
  const firstMinute = median(samples.slice(0, perMinute).map((s) => s.rssMB));
  const lastMinute = median(samples.slice(-perMinute).map((s) => s.rssMB));
  const slope = leastSquaresSlope(samples.map((s) => [(s.at - samples[0].at) / 60_000, s.rssMB]));
  const summary = {
    date: new Date().toISOString(),
    minutes,
    connections,
    vendorLatencyMs: 20,
    nodeArgs: gateway.nodeArgs,
    rps: Number(result.rps.toFixed(1)),
    errors: result.errors,
    rssStartMB: Number(start.toFixed(1)),
    rssPeakMB: Number(peak.toFixed(1)),
    rssEndMB: Number(end.toFixed(1)),
    growthPercent: Number((((end - start) / start) * 100).toFixed(1)),
    firstMinuteMedianMB: Number(firstMinute.toFixed(1)),
    lastMinuteMedianMB: Number(lastMinute.toFixed(1)),
    medianGrowthPercent: Number((((lastMinute - firstMinute) / firstMinute) * 100).toFixed(1)),
    slopeMBPerMinute: Number(slope.toFixed(2)),
    peakProcessRssMB: Number(procStats(pid).peakRssMB.toFixed(1)),
    samples: samples.map((s) => Number(s.rssMB.toFixed(1))),
  };
  process.stdout.write(`${JSON.stringify({ ...summary, samples: undefined }, null, 2)}\n`);
  if (write) {
    const results = new URL('../results/', import.meta.url);
    mkdirSync(results, { recursive: true });
    writeFileSync(new URL(file, results), `${JSON.stringify(summary, null, 2)}\n`);
    log(`wrote bench/results/${file}`);
  }
}

/** The slope of the least-squares line through `[x, y]` points. */
function leastSquaresSlope(points) {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
