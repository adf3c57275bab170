import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';
import type { RunningSandbox } from '../../src/vendors/sandbox-server.js';
import type { Transport } from '../../src/vendors/transport.js';
import { clearFaults, setFaults } from '../support/faults.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';
import { startStack } from '../support/stack.js';
import type { StackOptions, TestStack } from '../support/stack.js';

/**
 * What goes wrong on the wire between the gateway and the vendor, for the create calls of one vendor. Mutable:
 * a test sets it, the next matching requests spend it.
 */
export interface WireFaults {
  /** The vendor carries out the next n creates, but their answers are lost as on a dropped connection. */
  loseAnswer: number;
  /** The next n creates break before the vendor sees them; the gateway cannot tell this from a lost answer. */
  loseRequest: number;
  /** Every create waits this long before it is sent: widens the window in which concurrent creates race. */
  delayMs: number;
}

export const noFaults = (): WireFaults => ({ loseAnswer: 0, loseRequest: 0, delayMs: 0 });

const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** The gateway's real transport, with `faults` applied to the requests `isCreate` picks out. */
export function faultyCreates(
  inner: Transport,
  isCreate: (method: string, url: URL) => boolean,
  faults: WireFaults,
): Transport {
  return {
    async send(request) {
      const hit = isCreate(request.method, new URL(request.url));
      if (hit && faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
      if (hit && faults.loseRequest > 0) {
        faults.loseRequest--;
        throw connectionReset();
      }
      const response = await inner.send(request);
      if (hit && faults.loseAnswer > 0) {
        faults.loseAnswer--;
        await response.text();
        throw connectionReset();
      }
      return response;
    },
    close: () => inner.close(),
  };
}

/** One of the four creating mutations, described so that one set of tests can run against each. */
export interface CreateCase {
  /** `createOrder (Channel Manager)`. */
  title: string;
  /** Takes `$input` (and `$key` when `variables` gives one); selects `userErrors { code field message }`. */
  mutation: string;
  /** The payload's field in `data`, e.g. `createOrder`. */
  payloadField: string;
  /** The created object's field in the payload, e.g. `order`. */
  objectField: string;
  /**
   * Variables of a create under the natural key `key`: `content` 'same' always gives equal input, 'other' the
   * same key with different content (a real conflict).
   */
  variables(key: string, content: 'same' | 'other'): Record<string, unknown>;
  /** Which gateway-to-vendor requests are the create. */
  isCreate: (method: string, url: URL) => boolean;
  /** The create's route as the sandbox's fault rules name it (relative to its base URL): `POST /orders`. */
  faultRoute: string;
  /** The create's route in the sandbox's own request counter. */
  sandboxRoute: string;
  sandbox(stack: TestStack): RunningSandbox;
  /** How many objects the vendor holds under `key`, asked of the vendor itself (its API or its own state). */
  vendorCount(stack: TestStack, key: string): Promise<number>;
  /** The user error a real conflict answers: code and field. */
  conflict: { code: string; field: string[] };
  /**
   * Whether a lost answer can be reconciled into success: false for a vendor with no way to look an order up,
   * where the gateway refuses to send the create again (exactly one object, a clear error instead).
   */
  reconcilesLostAnswer: boolean;
  /** Extra stack options (faster pacing, seeds). */
  stackOptions?: StackOptions;
}

interface Payload {
  userErrors: { code: string; field: string[] | null; message: string }[];
  [object: string]: unknown;
}

/**
 * Two gateways on one database and the same sandboxes, each with its own vendor clients and transport: what two
 * gateway processes share. With `databaseUrl`, each opens its own connection pool to that server; otherwise they
 * share one in-memory PGlite (which cannot be shared across processes).
 */
export interface GatewayPair {
  a: TestStack;
  b: TestStack;
  faults: WireFaults;
  close(): Promise<void>;
}

export async function startGatewayPair(testCase: CreateCase, databaseUrl?: string): Promise<GatewayPair> {
  const faults = noFaults();
  const wrapTransport = (inner: Transport) => faultyCreates(inner, testCase.isCreate, faults);
  const a = await startStack({
    ...testCase.stackOptions,
    wrapTransport,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  let secondStore: Store | undefined;
  try {
    secondStore = databaseUrl ? await openStore({ databaseUrl }) : a.store;
    // B starts sandboxes of its own too, left idle: it is pointed at A's, and every count is read from A's.
    const b = await startStack({
      ...testCase.stackOptions,
      wrapTransport,
      store: secondStore,
      endpointOverrides: () => a.endpoints,
    });
    return {
      a,
      b,
      faults,
      async close() {
        await b.close();
        if (databaseUrl) await secondStore?.close();
        await a.close();
      },
    };
  } catch (error) {
    if (databaseUrl) await secondStore?.close();
    await a.close();
    throw error;
  }
}

async function create(stack: TestStack, testCase: CreateCase, variables: Record<string, unknown>) {
  const response = await stack.gql<Record<string, Payload>>(testCase.mutation, variables);
  return { response, payload: response.body.data?.[testCase.payloadField] };
}

/** A fresh natural key per test, so tests sharing a sandbox never see each other's objects. */
let serial = 0;
const freshKey = (prefix: string) => `${prefix}-${process.pid}-${++serial}`;

/**
 * The exactly-once guarantees of one creating mutation: after a lost answer, two identical requests at once (in
 * one gateway and across two sharing a database), a repeat later and a real conflict, exactly one object exists at
 * the vendor, counted there, and the clients saw success (or, for the conflict, a user error naming the field).
 */
export function describeExactlyOnce(testCase: CreateCase): void {
  const objectOf = (payload: Payload | undefined) => payload?.[testCase.objectField] as { id: string } | null;
  /** Creates the vendor has answered so far, by its own counter. */
  const creates = (stack: TestStack) => testCase.sandbox(stack).requestCounts()[testCase.sandboxRoute] ?? 0;

  // The server's first: PGlite's in-process work can hold the event loop past pg's 2 s connect timeout.
  describe(`${testCase.title}: two gateways on one PostgreSQL server`, () => {
    let server: ScratchSchema | undefined;
    let skipReason: string | undefined;
    let pair: GatewayPair | undefined;
    before(async () => {
      const scratch = await scratchSchema();
      if ('skip' in scratch) skipReason = scratch.skip;
      else {
        server = scratch;
        pair = await startGatewayPair(testCase, scratch.url);
      }
    });
    after(async () => {
      await pair?.close();
      await server?.drop();
    });

    it('answers identical requests sent at once to both with the same single object', async (t) => {
      if (!pair) return t.skip(skipReason);
      const key = freshKey('PG-TWICE');
      pair.faults.delayMs = 300;
      const results = await Promise.all(
        [pair.a, pair.b, pair.a, pair.b].map((stack) =>
          create(stack, testCase, testCase.variables(key, 'same')),
        ),
      ).finally(() => {
        pair!.faults.delayMs = 0;
      });
      for (const { response, payload } of results) {
        assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
        assert.deepEqual(payload?.userErrors, []);
      }
      assert.equal(new Set(results.map(({ payload }) => objectOf(payload)?.id)).size, 1);
      assert.equal(await testCase.vendorCount(pair.a, key), 1);
    });
  });

  describe(`${testCase.title}: exactly one vendor object`, () => {
    let pair: GatewayPair;
    before(async () => {
      pair = await startGatewayPair(testCase);
    });
    after(async () => {
      await pair.close();
    });

    if (testCase.reconcilesLostAnswer) {
      it('answers success with the one object the vendor made when its answer was lost', async () => {
        const key = freshKey('LOST');
        const sent = creates(pair.a);
        pair.faults.loseAnswer = 1;
        const { response, payload } = await create(pair.a, testCase, testCase.variables(key, 'same'));
        assert.equal(pair.faults.loseAnswer, 0, 'the fault was injected');
        assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
        assert.deepEqual(payload?.userErrors, []);
        assert.ok(objectOf(payload)?.id);
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
        // The lost create reached the vendor; whatever the gateway did next made nothing more.
        assert.ok(creates(pair.a) - sent >= 1);

        const again = await create(pair.a, testCase, testCase.variables(key, 'same'));
        assert.deepEqual(objectOf(again.payload)?.id, objectOf(payload)?.id);
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      });
    } else {
      it('never sends again a create whose answer was lost: one object, and a clear error', async () => {
        const key = freshKey('LOST');
        const sent = creates(pair.a);
        pair.faults.loseAnswer = 1;
        const lost = await create(pair.a, testCase, testCase.variables(key, 'same'));
        assert.equal(pair.faults.loseAnswer, 0, 'the fault was injected');
        assert.equal(lost.response.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
        const retried = await create(pair.b, testCase, testCase.variables(key, 'same'));
        assert.equal(retried.response.body.errors, undefined);
        assert.equal(retried.payload?.userErrors[0]?.code, 'INVALID_STATE');
        assert.match(retried.payload?.userErrors[0]?.message ?? '', /no answer/);
        assert.equal(creates(pair.a) - sent, 1, 'the create was sent once');
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      });
    }

    it('reconciles an answer the vendor itself lost after committing the create', async () => {
      const key = freshKey('SANDBOX-LOST');
      const sandbox = testCase.sandbox(pair.a);
      const sent = creates(pair.a);
      // The sandbox runs the handler (the write commits), then destroys the socket instead of answering.
      await setFaults(sandbox.origin, [{ route: testCase.faultRoute, count: 1, lostResponse: true }]);
      try {
        const { response, payload } = await create(pair.b, testCase, testCase.variables(key, 'same'));
        assert.equal(sandbox.faults()[0]?.remaining, 0, 'the fault was injected');
        if (testCase.reconcilesLostAnswer) {
          assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
          assert.deepEqual(payload?.userErrors, []);
          const retried = await create(pair.a, testCase, testCase.variables(key, 'same'));
          assert.equal(objectOf(retried.payload)?.id, objectOf(payload)?.id);
        } else {
          assert.equal(response.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
          assert.equal(creates(pair.a) - sent, 1, 'the create was sent once');
        }
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      } finally {
        await clearFaults(sandbox.origin);
      }
    });

    if (testCase.reconcilesLostAnswer) {
      it('gives the client’s own retry the one object when every answer was lost for a while', async () => {
        const key = freshKey('LOST-TWICE');
        const sandbox = testCase.sandbox(pair.a);
        // Lost twice: the gateway's own second try (where it makes one) is lost as well.
        sandbox.setFaults([{ route: testCase.faultRoute, count: 2, lostResponse: true }]);
        let first: Awaited<ReturnType<typeof create>>;
        try {
          first = await create(pair.a, testCase, testCase.variables(key, 'same'));
        } finally {
          sandbox.clearFaults();
        }
        const firstCode = first.response.body.errors?.[0]?.extensions?.code;
        assert.ok(
          firstCode === undefined || firstCode === 'UPSTREAM_UNAVAILABLE',
          JSON.stringify(first.response.body),
        );
        const retried = await create(pair.b, testCase, testCase.variables(key, 'same'));
        assert.equal(retried.response.body.errors, undefined, JSON.stringify(retried.response.body.errors));
        assert.deepEqual(retried.payload?.userErrors, []);
        if (firstCode === undefined) {
          assert.equal(objectOf(retried.payload)?.id, objectOf(first.payload)?.id);
        }
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      });
    }

    it('creates once after looking when the lost request never reached the vendor', async () => {
      const key = freshKey('DROP');
      const sent = creates(pair.a);
      pair.faults.loseRequest = 1;
      const { response, payload } = await create(pair.a, testCase, testCase.variables(key, 'same'));
      assert.equal(pair.faults.loseRequest, 0, 'the fault was injected');
      if (testCase.reconcilesLostAnswer) {
        assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
        assert.deepEqual(payload?.userErrors, []);
        assert.equal(creates(pair.a) - sent, 1, 'one create reached the vendor');
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      } else {
        // Nothing tells the gateway that the request never arrived: it may not risk a second object.
        assert.equal(response.body.errors?.[0]?.extensions?.code, 'UPSTREAM_UNAVAILABLE');
        assert.equal(creates(pair.a) - sent, 0);
        assert.equal(await testCase.vendorCount(pair.a, key), 0);
      }
    });

    it('answers identical requests sent at once, to one gateway and to two, with the same single object', async () => {
      for (const gateways of [
        [pair.a, pair.a],
        [pair.a, pair.b, pair.a, pair.b],
      ]) {
        const key = freshKey('TWICE');
        pair.faults.delayMs = 300;
        const results = await Promise.all(
          gateways.map((stack) => create(stack, testCase, testCase.variables(key, 'same'))),
        ).finally(() => {
          pair.faults.delayMs = 0;
        });
        for (const { response, payload } of results) {
          assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
          assert.deepEqual(payload?.userErrors, []);
        }
        const ids = new Set(results.map(({ payload }) => objectOf(payload)?.id));
        assert.equal(ids.size, 1, `one object for ${gateways.length} requests`);
        assert.ok([...ids][0]);
        assert.equal(await testCase.vendorCount(pair.a, key), 1);
      }
    });

    it('answers the same request sent again later with the same object, without creating again', async () => {
      const key = freshKey('LATER');
      const first = await create(pair.a, testCase, testCase.variables(key, 'same'));
      assert.deepEqual(first.payload?.userErrors, []);
      const sent = creates(pair.a);
      const later = await create(pair.b, testCase, testCase.variables(key, 'same'));
      assert.equal(later.response.body.errors, undefined);
      assert.deepEqual(later.payload?.userErrors, []);
      assert.equal(objectOf(later.payload)?.id, objectOf(first.payload)?.id);
      assert.ok(creates(pair.a) - sent <= 1, 'at most one create the vendor refused as a duplicate');
      assert.equal(await testCase.vendorCount(pair.a, key), 1);
    });

    it('answers other content under the same key with a user error naming the field', async () => {
      const key = freshKey('OTHER');
      const first = await create(pair.a, testCase, testCase.variables(key, 'same'));
      assert.deepEqual(first.payload?.userErrors, []);
      for (const stack of [pair.a, pair.b]) {
        const other = await create(stack, testCase, testCase.variables(key, 'other'));
        assert.equal(other.response.body.errors, undefined);
        assert.equal(objectOf(other.payload), null);
        assert.deepEqual(
          other.payload?.userErrors.map(({ code, field }) => ({ code, field })),
          [testCase.conflict],
        );
        assert.match(other.payload?.userErrors[0]?.message ?? '', /different/);
      }
      assert.equal(await testCase.vendorCount(pair.a, key), 1);
    });

    it('makes one object of a real conflict sent at once to two gateways, and a user error for the other', async () => {
      const key = freshKey('RACE');
      pair.faults.delayMs = 300;
      const [same, other] = await Promise.all([
        create(pair.a, testCase, testCase.variables(key, 'same')),
        create(pair.b, testCase, testCase.variables(key, 'other')),
      ]).finally(() => {
        pair.faults.delayMs = 0;
      });
      const outcomes = [same, other].map(({ response, payload }) => {
        assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
        return payload?.userErrors.map(({ code, field }) => ({ code, field }));
      });
      // Whichever got there first made the object; the other is told, naming the field.
      assert.deepEqual(
        outcomes.map((errors) => (errors?.length === 0 ? 'created' : errors)).sort(),
        ['created', [testCase.conflict]].sort(),
      );
      assert.equal(await testCase.vendorCount(pair.a, key), 1);
    });
  });
}
