// Starts the lower bound (lower-bound.mjs) as its own process, like the other systems.
import { fileURLToPath } from 'node:url';
import { freePort, startNode, waitForHttp } from './proc.mjs';

export async function startLowerBound({ endpoints, fixtures, apiKey }) {
  const port = await freePort();
  const child = startNode([fileURLToPath(new URL('./lower-bound.mjs', import.meta.url))], {
    env: {
      BENCH_LOWER_BOUND: JSON.stringify({ port, apiKey, endpoints }),
      BENCH_CM_PARTNER: fixtures.channelManagerPartnerId,
    },
    name: 'lower bound',
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${origin}/healthz`);
  return { child, origin, url: `${origin}/graphql`, headers: { authorization: `Bearer ${apiKey}` } };
}
