import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Request } from 'express';
import { ConfigError, loadConfig } from '../src/config.js';
import { createMetrics } from '../src/metrics.js';
import { operationGate } from '../src/operation-gate.js';
import type { Transport } from '../src/vendors/transport.js';
import { eventually } from './support/graphql-ws-client.js';
import { startStack } from './support/stack.js';
import type { TestStack } from './support/stack.js';

/**
 * An app behind the gate whose handler answers only when the test says so, recording who got in, in order. A
 * request is named by its path; a POST's body carries its operation text, and its release the vendor calls it
 * made (what the gate learns the operation's weight from).
 */
async function gatedApp(limit: number, maxWaitMs: number, callsPerSlot = 8) {
  const metrics = createMetrics();
  const admitted: string[] = [];
  const held = new Map<string, (calls?: number) => void>();
  const callsOf = new WeakMap<Request, number>();
  const app = express();
  app.use(express.json());
  app.use(
    operationGate({ limit, maxWaitMs, callsPerSlot, vendorCallsOf: (req) => callsOf.get(req), metrics }),
  );
  app.use((req, res) => {
    admitted.push(req.path);
    held.set(req.path, (calls) => {
      if (calls !== undefined) callsOf.set(req, calls);
      res.json({ path: req.path });
    });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gauge = async (
    name: 'operationsRunning' | 'operationsWaiting' | 'operationSlotsInUse',
  ): Promise<number> => (await metrics[name].get()).values[0]?.value ?? 0;
  return {
    admitted,
    metrics,
    gauge,
    send: (path: string) => fetch(`${base}${path}`),
    /** Sends a request whose client hangs up when `hangUp` is called (resolving once its fetch has failed). */
    sendAndHangUpLater: (path: string) => {
      const gone = new AbortController();
      const answer = fetch(`${base}${path}`, { signal: gone.signal }).catch((error: unknown) => error);
      return {
        hangUp: async () => {
          gone.abort();
          assert.ok((await answer) instanceof Error);
        },
      };
    },
    sendOperation: (path: string, query: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      }),
    release: (path: string, calls?: number) => {
      const answer = held.get(path);
      assert.ok(answer, `${path} is not running`);
      held.delete(path);
      answer(calls);
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A gauge of the gateway's Prometheus page. */
async function gatewayMetric(stack: TestStack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.origin}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
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
      const abandoned = app.sendAndHangUpLater('/abandoned');
      const next = app.send('/next');
      await eventually(async () => (await app.gauge('operationsWaiting')) === 2, 'two waiting');
      await abandoned.hangUp();
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

  it('keeps the slot of a client that hangs up while its operation runs until the operation answers', async () => {
    const app = await gatedApp(1, 10_000);
    try {
      const abandoned = app.sendAndHangUpLater('/abandoned');
      await eventually(() => app.admitted.length === 1, 'the first running');
      const next = app.send('/next');
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'the next waiting');
      await abandoned.hangUp();
      // The abandoned operation is still running: the gate must not start another beside it.
      await new Promise((settle) => setTimeout(settle, 300));
      assert.deepEqual(app.admitted, ['/abandoned']);
      assert.equal(await app.gauge('operationsRunning'), 1);
      assert.equal(await app.gauge('operationsWaiting'), 1);

      app.release('/abandoned');
      await eventually(() => app.admitted.length === 2, 'the next let in once the abandoned one answered');
      app.release('/next');
      assert.deepEqual(await (await next).json(), { path: '/next' });
      await eventually(async () => (await app.gauge('operationsRunning')) === 0, 'all done');
      assert.equal(await app.gauge('operationSlotsInUse'), 0);
    } finally {
      app.close();
    }
  });

  it('gives a hung-up client’s slot back at the operation timeout if its operation never answers', async () => {
    const app = await gatedApp(1, 1_500);
    try {
      const stuck = app.sendAndHangUpLater('/stuck');
      await eventually(() => app.admitted.length === 1, 'the first running');
      await stuck.hangUp();
      await new Promise((settle) => setTimeout(settle, 600));
      // Sent 0.6 s into the stuck operation: it waits until the slot comes back, ~1.5 s after that one started,
      // well inside its own 1.5 s.
      const next = app.send('/next');
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'the next waiting');
      await eventually(() => app.admitted.length === 2, 'the next let in at the stuck one’s timeout', 3_000);
      app.release('/next');
      assert.equal((await next).status, 200);
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
      assert.match(body.errors[0]?.message ?? '', /at capacity \(1 operations running on its 1 slots/);
      assert.equal((await app.metrics.operationsShed.get()).values[0]?.value, 1);
      assert.equal(await app.gauge('operationsWaiting'), 0);

      app.release('/first');
      assert.equal((await first).status, 200);
      assert.deepEqual(app.admitted, ['/first']);
    } finally {
      app.close();
    }
  });

  it('weighs an operation by the vendor calls it made last time, and keeps the line in order', async () => {
    // 4 slots, one per 2 calls: an operation that made 8 calls takes all 4; one not seen yet takes 1.
    const app = await gatedApp(4, 10_000, 2);
    const heavy = '{ dashboard }';
    const light = '{ order }';
    const settled = () => new Promise((resolve) => setTimeout(resolve, 50));
    try {
      const first = app.sendOperation('/h1', heavy);
      await eventually(() => app.admitted.length === 1, 'the heavy one running, unweighed');
      assert.equal(await app.gauge('operationSlotsInUse'), 1);
      app.release('/h1', 8);
      assert.equal((await first).status, 200);

      const answers = [app.sendOperation('/h2', heavy)];
      await eventually(() => app.admitted.length === 2, 'the heavy one running again');
      await eventually(async () => (await app.gauge('operationSlotsInUse')) === 4, 'weighed: 4 slots');
      answers.push(app.sendOperation('/l1', light));
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'the light one waiting');
      assert.deepEqual(app.admitted, ['/h1', '/h2']);

      app.release('/h2', 8);
      await eventually(() => app.admitted.length === 3, 'the light one let in');
      for (const path of ['/l2', '/l3', '/l4']) answers.push(app.sendOperation(path, light));
      await eventually(() => app.admitted.length === 6, 'four light ones running at once');
      assert.equal(await app.gauge('operationsRunning'), 4);

      // The heavy one waits for 4 free slots; a light one behind it does not overtake it.
      answers.push(app.sendOperation('/h3', heavy));
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'the heavy one waiting');
      answers.push(app.sendOperation('/l5', light));
      await eventually(async () => (await app.gauge('operationsWaiting')) === 2, 'the light one behind it');
      app.release('/l1', 1);
      await settled();
      assert.equal(app.admitted.length, 6, 'nobody let in with 3 slots in use');
      for (const path of ['/l2', '/l3', '/l4']) app.release(path, 1);
      await eventually(() => app.admitted.length === 7, 'the heavy one let in');
      await settled();
      assert.deepEqual(app.admitted.slice(6), ['/h3'], 'the light one still waits behind it');
      app.release('/h3', 8);
      await eventually(() => app.admitted.length === 8, 'the last light one let in');
      app.release('/l5', 1);
      for (const answer of answers) assert.equal((await answer).status, 200);
      assert.deepEqual(app.admitted, ['/h1', '/h2', '/l1', '/l2', '/l3', '/l4', '/h3', '/l5']);
      await eventually(async () => (await app.gauge('operationSlotsInUse')) === 0, 'all slots free');
    } finally {
      app.close();
    }
  });

  it('weighs an operation not answered yet an eighth of the gate: a burst of new ones cannot all start', async () => {
    const app = await gatedApp(16, 10_000);
    try {
      const paths = Array.from({ length: 9 }, (_, i) => `/new${i}`);
      const answers = paths.map((path) => app.sendOperation(path, '{ unknown }'));
      await eventually(async () => (await app.gauge('operationsWaiting')) === 1, 'one waiting');
      assert.equal(app.admitted.length, 8, 'eight of two slots each running');
      assert.equal(await app.gauge('operationSlotsInUse'), 16);
      // Answered with one vendor call: the text now weighs one slot, and the one waiting is let in at that.
      app.release(app.admitted[0]!, 1);
      await eventually(() => app.admitted.length === 9, 'the last let in');
      await eventually(
        async () => (await app.gauge('operationSlotsInUse')) === 15,
        'seven of two, one of one',
      );
      for (const path of app.admitted.slice(1)) app.release(path, 1);
      for (const answer of answers) assert.equal((await answer).status, 200);
    } finally {
      app.close();
    }
  });

  it('weighs every operation one slot with GATEWAY_VENDOR_CALLS_PER_SLOT=0', async () => {
    const app = await gatedApp(2, 10_000, 0);
    try {
      const first = app.sendOperation('/h1', '{ dashboard }');
      await eventually(() => app.admitted.length === 1, 'running');
      app.release('/h1', 100);
      assert.equal((await first).status, 200);
      const answers = ['/h2', '/h3'].map((path) => app.sendOperation(path, '{ dashboard }'));
      await eventually(() => app.admitted.length === 3, 'both running at once');
      assert.equal(await app.gauge('operationSlotsInUse'), 2);
      app.release('/h2');
      app.release('/h3');
      for (const answer of answers) assert.equal((await answer).status, 200);
    } finally {
      app.close();
    }
  });

  it('reads GATEWAY_VENDOR_CALLS_PER_SLOT (default 8, 0 allowed) and refuses a negative value, naming it', () => {
    assert.equal(loadConfig({}).vendorCallsPerSlot, 8);
    assert.equal(loadConfig({ GATEWAY_VENDOR_CALLS_PER_SLOT: '0' }).vendorCallsPerSlot, 0);
    assert.throws(
      () => loadConfig({ GATEWAY_VENDOR_CALLS_PER_SLOT: '-1' }),
      (error: unknown) =>
        error instanceof ConfigError && error.message.includes('GATEWAY_VENDOR_CALLS_PER_SLOT'),
    );
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
    const metric = (name: string): Promise<number> => gatewayMetric(stack, name);
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

describe('operation gate in the gateway: weights learned from vendor calls', () => {
  let stack: TestStack;
  const heldCalls: (() => void)[] = [];
  let hold = false;
  let sent = 0;

  before(async () => {
    stack = await startStack({
      seed: true,
      env: { GATEWAY_MAX_CONCURRENT_OPERATIONS: '2', GATEWAY_VENDOR_CALLS_PER_SLOT: '1' },
      wrapTransport: (transport): Transport => ({
        async send(request) {
          sent += 1;
          if (hold) await new Promise<void>((resolve) => heldCalls.push(resolve));
          return transport.send(request);
        },
        close: () => transport.close(),
      }),
    });
  });
  after(async () => {
    await stack.close();
  });

  it('weighs an operation by the calls it made: two calls take both slots, and a new one waits', async () => {
    const metric = (name: string): Promise<number> => gatewayMetric(stack, name);
    // Two vendors, one call each.
    const heavy = '{ partners(first: 1) { nodes { id } } cardOrders(first: 1) { nodes { id } } }';
    const first = await stack.gql(heavy);
    assert.equal(first.body.errors, undefined);
    assert.equal(sent, 2, 'the operation made two vendor calls');

    hold = true;
    const again = stack.gql(heavy);
    await eventually(() => heldCalls.length === 2, 'the operation calling its vendors');
    await eventually(async () => (await metric('gateway_operation_slots_in_use')) === 2, 'weighed two slots');
    const light = stack.gql('{ partners(first: 1) { nodes { name } } }');
    await eventually(async () => (await metric('gateway_operations_waiting')) === 1, 'the next one waiting');
    assert.equal(heldCalls.length, 2, 'the waiting operation has not called any vendor');

    hold = false;
    for (const release of heldCalls.splice(0)) release();
    for (const answer of await Promise.all([again, light])) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.errors, undefined);
    }
    assert.equal(await metric('gateway_operation_slots_in_use'), 0);
  });
});
