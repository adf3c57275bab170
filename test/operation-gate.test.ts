import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { ConfigError, loadConfig } from '../src/config.js';
import { createMetrics } from '../src/metrics.js';
import { operationGate } from '../src/operation-gate.js';
import type { Transport } from '../src/vendors/transport.js';
import { eventually } from './support/graphql-ws-client.js';
import { startStack } from './support/stack.js';
import type { TestStack } from './support/stack.js';

/** An app behind the gate whose handler answers only when the test says so, recording who got in, in order. */
async function gatedApp(limit: number, maxWaitMs: number) {
  const metrics = createMetrics();
  const admitted: string[] = [];
  const held = new Map<string, () => void>();
  const app = express();
  app.use(operationGate({ limit, maxWaitMs, metrics }));
  app.use((req, res) => {
    admitted.push(req.path);
    held.set(req.path, () => res.json({ path: req.path }));
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gauge = async (name: 'operationsRunning' | 'operationsWaiting'): Promise<number> =>
    (await metrics[name].get()).values[0]?.value ?? 0;
  return {
    admitted,
    metrics,
    gauge,
    send: (path: string, signal?: AbortSignal) => fetch(`${base}${path}`, signal ? { signal } : {}),
    release: (path: string) => {
      const answer = held.get(path);
      assert.ok(answer, `${path} is not running`);
      answer();
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('operation gate', () => {
  it('runs at most `limit` operations; the rest wait and are let in first come, first served', async () => {
    const app = await gatedApp(2, 10_000);
    try {
      const answers = ['/a', '/b', '/c', '/d'].map((path) => app.send(path));
      await eventually(async () => (await app.gauge('operationsWaiting')) === 2, 'two waiting');
      assert.deepEqual(app.admitted, ['/a', '/b']);
      assert.equal(await app.gauge('operationsRunning'), 2);

      app.release('/b');
      await eventually(() => app.admitted.length === 3, 'the first in line let in');
      assert.deepEqual(app.admitted, ['/a', '/b', '/c']);
      app.release('/a');
      await eventually(() => app.admitted.length === 4, 'the next let in');
      app.release('/c');
      app.release('/d');
      const bodies = await Promise.all(answers.map(async (answer) => (await answer).json()));
      assert.deepEqual(bodies, [{ path: '/a' }, { path: '/b' }, { path: '/c' }, { path: '/d' }]);
      await eventually(async () => (await app.gauge('operationsRunning')) === 0, 'all done');
      assert.equal(await app.gauge('operationsWaiting'), 0);
    } finally {
      app.close();
    }
  });

  it('drops a client that hangs up while waiting: it never runs, and the next in line gets its place', async () => {
    const app = await gatedApp(1, 10_000);
    try {
      const first = app.send('/first');
      await eventually(() => app.admitted.length === 1, 'the first running');
      const gone = new AbortController();
      const abandoned = app.send('/abandoned', gone.signal).catch((error: unknown) => error);
      const next = app.send('/next');
      await eventually(async () => (await app.gauge('operationsWaiting')) === 2, 'two waiting');
      gone.abort();
      assert.ok((await abandoned) instanceof Error);
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'the abandoned one left');

      app.release('/first');
      await eventually(() => app.admitted.length === 2, 'the next let in');
      app.release('/next');
      assert.deepEqual(await (await next).json(), { path: '/next' });
      assert.deepEqual(await (await first).json(), { path: '/first' });
      assert.deepEqual(app.admitted, ['/first', '/next']);
    } finally {
      app.close();
    }
  });

  it('answers 503 RATE_LIMITED with Retry-After to one that waited longer than allowed, without running it', async () => {
    const app = await gatedApp(1, 150);
    try {
      const first = app.send('/first');
      await eventually(() => app.admitted.length === 1, 'the first running');
      const late = await app.send('/late');
      assert.equal(late.status, 503);
      assert.equal(late.headers.get('retry-after'), '1');
      const body = (await late.json()) as { errors: { message: string; extensions: { code: string } }[] };
      assert.equal(body.errors[0]?.extensions.code, 'RATE_LIMITED');
      assert.match(body.errors[0]?.message ?? '', /at capacity \(1 operations running/);
      assert.equal((await app.metrics.operationsShed.get()).values[0]?.value, 1);
      assert.equal(await app.gauge('operationsWaiting'), 0);

      app.release('/first');
      assert.equal((await first).status, 200);
      assert.deepEqual(app.admitted, ['/first']);
    } finally {
      app.close();
    }
  });

  it('reads GATEWAY_MAX_CONCURRENT_OPERATIONS (default 64) and refuses a value below 1, naming it', () => {
    assert.equal(loadConfig({}).maxConcurrentOperations, 64);
    assert.equal(loadConfig({ GATEWAY_MAX_CONCURRENT_OPERATIONS: '4' }).maxConcurrentOperations, 4);
    assert.throws(
      () => loadConfig({ GATEWAY_MAX_CONCURRENT_OPERATIONS: '0' }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.includes('GATEWAY_MAX_CONCURRENT_OPERATIONS'),
    );
  });
});

describe('operation gate in the gateway', () => {
  let stack: TestStack;
  /** Vendor calls held until the test lets them go; the most ever in flight at once. */
  const heldCalls: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;

  before(async () => {
    stack = await startStack({
      seed: true,
      env: { GATEWAY_MAX_CONCURRENT_OPERATIONS: '1' },
      wrapTransport: (transport): Transport => ({
        async send(request) {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise<void>((resolve) => heldCalls.push(resolve));
          try {
            return await transport.send(request);
          } finally {
            inFlight -= 1;
          }
        },
        close: () => transport.close(),
      }),
    });
  });
  after(async () => {
    await stack.close();
  });

  it('holds the second operation back until the first is answered; both then succeed', async () => {
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${stack.origin}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    };
    const query = '{ partners(first: 1) { nodes { id } } }';
    const one = stack.gql(query);
    const two = stack.gql(query);
    await eventually(() => heldCalls.length === 1, 'the first operation calling its vendor');
    await eventually(async () => (await metric('gateway_operations_waiting')) === 1, 'one waiting');
    assert.equal(await metric('gateway_operations_running'), 1);
    assert.equal(heldCalls.length, 1, 'the waiting operation has not called any vendor');

    heldCalls.shift()!();
    await eventually(() => heldCalls.length === 1, 'the second operation let in');
    heldCalls.shift()!();
    const answers = await Promise.all([one, two]);
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.errors, undefined);
    }
    assert.equal(mostInFlight, 1);
  });
});
