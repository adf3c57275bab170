import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { PartnerLinkConflictError } from '../../src/store/partner-links.js';
import { openStore } from '../../src/store/store.js';
import { EVENTS_CHANNEL } from '../../src/store/webhook-inbox.js';
import type { IncomingEvent } from '../../src/store/webhook-inbox.js';
import type { StoreOptions } from '../../src/store/store.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';

/** The same behaviour, asserted against each database the gateway supports. */
function storeContract(name: string, options: () => StoreOptions, skip: () => string | undefined) {
  describe(`the store on ${name}`, () => {
    it('applies the migrations once and opens again without redoing them', async (t) => {
      if (skip()) return t.skip(skip());
      const first = await openStore(options());
      await first.close();
      const second = await openStore(options());
      const tables = await second.db.introspection.getTables();
      assert.ok(tables.some((table) => table.name === 'partner_links'));
      assert.ok(tables.some((table) => table.name === 'idempotency_records'));
      await second.close();
    });

    it('links, reads in batches, unlinks, and keeps links across a restart', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      await store.links.change('ptn_a', { channelManagerPartnerId: 'cm-a' });
      await store.links.change('ptn_b', { channelManagerPartnerId: 'cm-b' });
      await store.links.change('ptn_c', {});
      const rows = await store.links.byPartnerIds(['ptn_a', 'ptn_b', 'ptn_c', 'ptn_none']);
      assert.deepEqual(
        [...rows.values()].map((row) => [row.partner_id, row.channel_manager_partner_id]).sort(),
        [
          ['ptn_a', 'cm-a'],
          ['ptn_b', 'cm-b'],
          ['ptn_c', null],
        ],
      );
      assert.deepEqual(
        [...(await store.links.byChannelManagerPartnerIds(['cm-b', 'cm-a', 'cm-x'])).entries()].sort(),
        [
          ['cm-a', 'ptn_a'],
          ['cm-b', 'ptn_b'],
        ],
      );
      await store.links.change('ptn_b', { channelManagerPartnerId: null });
      await store.close();

      const reopened = await openStore(options());
      const after = await reopened.links.byPartnerIds(['ptn_a', 'ptn_b']);
      assert.equal(after.get('ptn_a')?.channel_manager_partner_id, 'cm-a');
      assert.equal(after.get('ptn_b')?.channel_manager_partner_id, null);
      await reopened.close();
    });

    it('refuses to link one Channel Manager partner to two partners, also when both try at once', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      await store.links.change('ptn_x', { channelManagerPartnerId: 'cm-shared' });
      await assert.rejects(store.links.change('ptn_y', { channelManagerPartnerId: 'cm-shared' }), (error) => {
        assert.ok(error instanceof PartnerLinkConflictError);
        assert.equal(error.linkedPartnerId, 'ptn_x');
        return true;
      });
      const outcomes = await Promise.allSettled([
        store.links.change('ptn_p', { channelManagerPartnerId: 'cm-race' }),
        store.links.change('ptn_q', { channelManagerPartnerId: 'cm-race' }),
      ]);
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
      await store.close();
    });

    it('idempotency: one claim per key, replay of the stored response, another body is a mismatch', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      const records = store.idempotency;
      const first = await records.claim('submit:caller-a', 'key-1', 'hash-a', 60_000);
      assert.deepEqual(first, { kind: 'claimed', attempt: 1 });
      assert.deepEqual(await records.claim('submit:caller-a', 'key-1', 'hash-a', 60_000), {
        kind: 'pending',
      });
      assert.deepEqual(await records.claim('submit:caller-a', 'key-1', 'hash-b', 60_000), {
        kind: 'mismatch',
      });
      // Keys are scoped: another caller's identical key is its own record.
      assert.deepEqual(await records.claim('submit:caller-b', 'key-1', 'hash-b', 60_000), {
        kind: 'claimed',
        attempt: 1,
      });

      const response = { id: 'order-1', lines: [1, 2], nested: { external_id: null } };
      assert.equal(await records.succeed('submit:caller-a', 'key-1', 1, response), true);
      // Settled once: a late second outcome changes nothing.
      assert.equal(await records.fail('submit:caller-a', 'key-1', 1), false);
      assert.deepEqual(await records.claim('submit:caller-a', 'key-1', 'hash-a', 60_000), {
        kind: 'succeeded',
        response,
      });
      assert.deepEqual(await records.claim('submit:caller-a', 'key-1', 'hash-b', 60_000), {
        kind: 'mismatch',
      });
      await store.close();

      const reopened = await openStore(options());
      assert.deepEqual(await reopened.idempotency.claim('submit:caller-a', 'key-1', 'hash-a', 60_000), {
        kind: 'succeeded',
        response,
      });
      await reopened.close();
    });

    it('idempotency: failed records free the key, unknown ones never, expired leases are taken over once', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      const records = store.idempotency;

      assert.deepEqual(await records.claim('s', 'failing', 'hash-a', 60_000), {
        kind: 'claimed',
        attempt: 1,
      });
      assert.equal(await records.fail('s', 'failing', 1), true);
      // Nothing was created, so the key binds nothing: a retry, even with a corrected body, goes through.
      assert.deepEqual(await records.claim('s', 'failing', 'hash-b', 60_000), {
        kind: 'claimed',
        attempt: 2,
      });
      assert.deepEqual(await records.claim('s', 'failing', 'hash-a', 60_000), { kind: 'mismatch' });

      assert.deepEqual(await records.claim('s', 'lost', 'hash-a', 60_000), { kind: 'claimed', attempt: 1 });
      assert.equal(await records.markUnknown('s', 'lost', 1), true);
      assert.deepEqual(await records.claim('s', 'lost', 'hash-a', 60_000), { kind: 'unknown' });
      assert.deepEqual(await records.claim('s', 'lost', 'hash-b', 60_000), { kind: 'mismatch' });

      // A holder that crashed: its lease (0 ms here) is over, so the same body takes the record over, another
      // body may not, and the old holder's late outcome is fenced out.
      assert.deepEqual(await records.claim('s', 'crashed', 'hash-a', 0), { kind: 'claimed', attempt: 1 });
      assert.deepEqual(await records.claim('s', 'crashed', 'hash-b', 60_000), { kind: 'mismatch' });
      assert.deepEqual(await records.claim('s', 'crashed', 'hash-a', 60_000), {
        kind: 'claimed',
        attempt: 2,
      });
      assert.equal(await records.succeed('s', 'crashed', 1, { from: 'old holder' }), false);
      assert.equal(await records.succeed('s', 'crashed', 2, { from: 'new holder' }), true);
      assert.deepEqual(await records.claim('s', 'crashed', 'hash-a', 60_000), {
        kind: 'succeeded',
        response: { from: 'new holder' },
      });
      await store.close();
    });

    it('idempotency: of many identical claims at once exactly one wins, also of takeovers', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      const records = store.idempotency;
      const fresh = await Promise.all(
        Array.from({ length: 8 }, () => records.claim('race', 'new-key', 'hash-a', 60_000)),
      );
      assert.deepEqual(fresh.map((claim) => claim.kind).sort(), [
        'claimed',
        ...Array<string>(7).fill('pending'),
      ]);

      await records.claim('race', 'expired', 'hash-a', 0);
      const takeovers = await Promise.all(
        Array.from({ length: 8 }, () => records.claim('race', 'expired', 'hash-a', 60_000)),
      );
      assert.deepEqual(
        takeovers.filter((claim) => claim.kind === 'claimed'),
        [{ kind: 'claimed', attempt: 2 }],
      );
      await store.close();
    });

    it('keeps each webhook event once, supersedes late ones, and notifies listeners on every process', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      const listener = await openStore(options());
      let heard = 0;
      // PGlite is one process: its own store hears itself. A server is shared: a second store stands for another
      // gateway process.
      const stop = await (store.kind === 'pglite' ? store : listener).listen(EVENTS_CHANNEL, () => heard++);
      const event = (id: string, status: string, rank: number, at: string): IncomingEvent => ({
        eventId: id,
        source: 'partner_portal',
        type: 'order.updated',
        subject: 'order',
        subjectId: 'ord_inbox_1',
        partnerId: 'ptn_inbox',
        status,
        statusRank: rank,
        occurredAt: new Date(at),
        payload: { id, status },
      });
      const first = await store.inbox.record(event('evt_a', 'PROCESSING', 1, '2026-11-01T10:00:00Z'));
      assert.deepEqual([first.inserted, first.superseded], [true, false]);
      const again = await store.inbox.record(event('evt_a', 'PROCESSING', 1, '2026-11-01T10:00:00Z'));
      assert.deepEqual([again.inserted, again.seq], [false, first.seq]);
      const newer = await store.inbox.record(event('evt_c', 'SHIPPED', 2, '2026-11-01T12:00:00Z'));
      const late = await store.inbox.record(event('evt_b', 'PROCESSING', 1, '2026-11-01T11:00:00Z'));
      assert.deepEqual([late.inserted, late.superseded], [true, true]);
      const [x, y] = await Promise.all([
        store.inbox.record(event('evt_d', 'DELIVERED', 3, '2026-11-01T13:00:00Z')),
        store.inbox.record(event('evt_d', 'DELIVERED', 3, '2026-11-01T13:00:00Z')),
      ]);
      assert.deepEqual([x.inserted, y.inserted].sort(), [false, true]);
      const published = await store.inbox.list({ partnerId: 'ptn_inbox', limit: 10 });
      assert.deepEqual(
        published.map((row) => row.event_id),
        ['evt_a', 'evt_c', 'evt_d'],
      );
      assert.deepEqual(
        (await store.inbox.list({ partnerId: 'ptn_inbox', afterSeq: newer.seq, limit: 10 })).map(
          (r) => r.event_id,
        ),
        ['evt_d'],
      );
      assert.equal(await store.inbox.seqOf('evt_c'), newer.seq);
      // Three published events, three notifications (the duplicate and the superseded one are silent).
      const deadline = Date.now() + 5_000;
      while (heard < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(heard, 3);
      await stop();
      await listener.close();
      await store.close();
    });

    it('writes events recorded at once together, each with its own outcome, as if one by one', async (t) => {
      if (skip()) return t.skip(skip());
      const store = await openStore(options());
      const event = (id: string, order: string, rank: number | null, at: string): IncomingEvent => ({
        eventId: id,
        source: 'partner_portal',
        type: 'order.updated',
        subject: 'order',
        subjectId: order,
        partnerId: 'ptn_batch',
        status: 'SHIPPED',
        statusRank: rank,
        occurredAt: new Date(at),
        payload: { id },
      });
      const events = Array.from({ length: 40 }, (_, i) =>
        event(`evt_batch_${i}`, `ord_batch_${i % 4}`, null, '2026-11-01T10:00:00Z'),
      );
      // Within one burst: a redelivery of the first event, and a late event for an order already ranked higher.
      events.push(event('evt_batch_0', 'ord_batch_0', null, '2026-11-01T10:00:00Z'));
      events.push(event('evt_batch_ranked', 'ord_batch_ranked', 2, '2026-11-01T12:00:00Z'));
      events.push(event('evt_batch_late', 'ord_batch_ranked', 1, '2026-11-01T11:00:00Z'));
      const values = await Promise.all(events.map((each) => store.inbox.record(each)));
      const seqs = values.slice(0, 40).map((outcome) => Number(outcome.seq));
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'sequence numbers follow the order of recording',
      );
      assert.deepEqual(
        values
          .slice(40)
          .map((outcome) => [outcome.inserted, outcome.superseded, outcome.seq === values[0]!.seq]),
        [
          [false, false, true],
          [true, false, false],
          [true, true, false],
        ],
      );
      // Each event's transaction id is its row's xmin: fewer transactions than events means shared commits.
      const { rows } = await sql<{ commits: string }>`
        select count(distinct xmin::text) as commits from webhook_events where partner_id = 'ptn_batch'`.execute(
        store.db,
      );
      assert.ok(Number(rows[0]?.commits) < 20, `${rows[0]?.commits} commits for 43 events`);

      // An event the database refuses (no sender id) fails its own write, not those it was sent with.
      const refused = { ...event('x', 'ord_batch_9', null, '2026-11-01T10:00:00Z'), eventId: null };
      const mixed = await Promise.allSettled([
        store.inbox.record(event('evt_batch_a', 'ord_batch_9', null, '2026-11-01T10:00:00Z')),
        store.inbox.record(event('evt_batch_b', 'ord_batch_9', null, '2026-11-01T10:00:00Z')),
        store.inbox.record(refused as unknown as IncomingEvent),
        store.inbox.record(event('evt_batch_c', 'ord_batch_9', null, '2026-11-01T10:00:00Z')),
      ]);
      assert.deepEqual(
        mixed.map((outcome) => outcome.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual(
        (await store.inbox.list({ subject: 'order', partnerId: 'ptn_batch', limit: 100 }))
          .filter((row) => row.subject_id === 'ord_batch_9')
          .map((row) => row.event_id),
        ['evt_batch_a', 'evt_batch_b', 'evt_batch_c'],
      );
      await store.close();
    });
  });
}

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let pgliteDir = '';
before(() => {
  pgliteDir = mkdtempSync(join(tmpdir(), 'store-pglite-'));
  dirs.push(pgliteDir);
});
storeContract(
  'embedded PGlite',
  () => ({ dataDir: pgliteDir }),
  () => undefined,
);

let server: ScratchSchema | undefined;
let skipReason: string | undefined;
before(async () => {
  const scratch = await scratchSchema();
  if ('skip' in scratch) skipReason = scratch.skip;
  else server = scratch;
});
after(async () => {
  await server?.drop();
});
storeContract(
  'the PostgreSQL server (DATABASE_URL)',
  () => ({ databaseUrl: server?.url ?? '' }),
  () => skipReason,
);

describe('the store on a PostgreSQL server it shares', () => {
  it("migrates its own schema although another schema holds a Kysely migration table (another app's)", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const other = await scratchSchema();
    const mine = await scratchSchema();
    assert.ok(!('skip' in other) && !('skip' in mine));
    try {
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      await client.query(
        'create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)',
      );
      await client.end();
      const store = await openStore({ databaseUrl: mine.url });
      try {
        const { rows } = await sql<{
          table: string | null;
        }>`select to_regclass('partner_links')::text as table`.execute(store.db);
        assert.equal(rows[0]?.table, 'partner_links');
      } finally {
        await store.close();
      }
    } finally {
      await other.drop();
      await mine.drop();
    }
  });
});
