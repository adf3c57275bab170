import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/store.js';
import type { Store } from '../../src/store/store.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';
import { pgliteTemplate } from '../support/pglite-template.js';

/**
 * The lease card-order creates take turns under: one holder at a time across stores (processes) sharing a
 * database, free again once released, taken over once a crashed holder's lease runs out, and the old holder
 * fenced out.
 */
function leaseContract(name: string, open: () => Promise<[Store, Store] | { skip: string }>) {
  describe(`the create lease on ${name}`, () => {
    let stores: [Store, Store] | undefined;
    let skipReason: string | undefined;
    before(async () => {
      const opened = await open();
      if ('skip' in opened) skipReason = opened.skip;
      else stores = opened;
    });
    after(async () => {
      if (!stores) return;
      await stores[1].close();
      if (stores[1] !== stores[0]) await stores[0].close();
    });

    it('gives one holder of many asking at once, from both stores, and frees the key on release', async (t) => {
      if (!stores) return t.skip(skipReason);
      const [a, b] = stores;
      const asks = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? b : a).idempotency.acquireLease('lease', 'ref-1', 60_000),
        ),
      );
      const held = asks.filter((attempt) => attempt !== null);
      assert.deepEqual(held, [1]);
      assert.equal(await b.idempotency.acquireLease('lease', 'ref-1', 60_000), null);
      assert.equal(await a.idempotency.releaseLease('lease', 'ref-1', 1), true);
      // Released: the next asker holds it at once, under a new attempt number.
      assert.equal(await b.idempotency.acquireLease('lease', 'ref-1', 60_000), 2);
      assert.equal(
        await a.idempotency.releaseLease('lease', 'ref-1', 1),
        false,
        'a stale release changes nothing',
      );
      assert.equal(await a.idempotency.acquireLease('lease', 'ref-1', 60_000), null);
    });

    it('passes a crashed holder’s lease on once it runs out, fencing the old holder out', async (t) => {
      if (!stores) return t.skip(skipReason);
      const [a, b] = stores;
      assert.equal(await a.idempotency.acquireLease('lease', 'ref-2', 0), 1);
      assert.equal(await b.idempotency.acquireLease('lease', 'ref-2', 60_000), 2);
      assert.equal(await a.idempotency.releaseLease('lease', 'ref-2', 1), false);
      assert.equal(await a.idempotency.acquireLease('lease', 'ref-2', 60_000), null);
    });

    it('refuses a key that holds a submit record rather than treating it as a lease', async (t) => {
      if (!stores) return t.skip(skipReason);
      const [a] = stores;
      assert.deepEqual(await a.idempotency.claim('mixed', 'key', 'hash', 60_000), {
        kind: 'claimed',
        attempt: 1,
      });
      await assert.rejects(a.idempotency.acquireLease('mixed', 'key', 60_000), /not a lease/);
    });
  });
}

let server: ScratchSchema | undefined;
leaseContract('the PostgreSQL server (two stores, as two gateway processes)', async () => {
  const scratch = await scratchSchema();
  if ('skip' in scratch) return scratch;
  server = scratch;
  return [await openStore({ databaseUrl: scratch.url }), await openStore({ databaseUrl: scratch.url })];
});
after(async () => {
  await server?.drop();
});

// After the server's: PGlite's in-process work can hold the event loop past pg's 2 s connect timeout.
leaseContract('embedded PGlite (two callers, one in-memory database)', async () => {
  const store = await openStore({ pgliteTemplate: await pgliteTemplate() });
  return [store, store];
});
