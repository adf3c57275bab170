import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartnerLinkConflictError } from '../../src/store/partner-links.js';
import { openStore } from '../../src/store/store.js';
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
