import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/store.js';
import type { StoreOptions } from '../../src/store/store.js';
import { scratchSchema } from '../support/postgres.js';
import type { ScratchSchema } from '../support/postgres.js';
import { startStack } from '../support/stack.js';

const LINK = `mutation ($id: ID!, $cm: ID) {
  linkPartner(id: $id, links: { channelManagerPartnerId: $cm }) { partner { links { channelManagerPartnerId } } userErrors { code } } }`;
const READ = `query ($id: ID!) { partner(id: $id) { externalId links { channelManagerPartnerId } } }`;

/** Link through the graph, stop the gateway and its database, start both again, read the link back. */
async function linkSurvivesRestart(storeOptions: StoreOptions): Promise<void> {
  const firstStore = await openStore(storeOptions);
  const first = await startStack({ seed: true, store: firstStore });
  const partners = await first.gql<{ partners: { nodes: { id: string }[] } }>(
    '{ partners(first: 2) { nodes { id } } }',
  );
  const partnerId = partners.body.data!.partners.nodes[1]!.id;
  const linked = await first.gql(LINK, { id: partnerId, cm: 'cm-partner-restart' });
  assert.deepEqual(linked.body, {
    data: {
      linkPartner: { partner: { links: { channelManagerPartnerId: 'cm-partner-restart' } }, userErrors: [] },
    },
  });
  await first.close();
  await firstStore.close();

  const secondStore = await openStore(storeOptions);
  const second = await startStack({ seed: true, store: secondStore });
  try {
    const read = await second.gql<{ partner: { links: { channelManagerPartnerId: string | null } } }>(READ, {
      id: partnerId,
    });
    assert.equal(read.body.errors, undefined);
    assert.equal(read.body.data?.partner.links.channelManagerPartnerId, 'cm-partner-restart');
    // The seeded ACME-001 link is still the one link of the example partner, not seeded twice.
    const acme = await second.gql<{ order: { partner: { externalId: string } } }>(
      '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { partner { externalId } } }',
    );
    assert.equal(acme.body.data?.order.partner.externalId, 'ACME-001');
  } finally {
    await second.close();
    await secondStore.close();
  }
}

describe('partner links across a gateway restart', () => {
  const dirs: string[] = [];
  let server: ScratchSchema | undefined;
  let skip: string | undefined;
  before(async () => {
    const scratch = await scratchSchema();
    if ('skip' in scratch) skip = scratch.skip;
    else server = scratch;
  });
  after(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await server?.drop();
  });

  it('survive on embedded PGlite (DATA_DIR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'links-restart-'));
    dirs.push(dir);
    await linkSurvivesRestart({ dataDir: join(dir, 'pglite') });
  });

  it('survive on the PostgreSQL server (DATABASE_URL)', async (t) => {
    if (skip || !server) return t.skip(skip);
    await linkSurvivesRestart({ databaseUrl: server.url });
  });
});
