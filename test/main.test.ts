import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Started {
  child: ChildProcess;
  url: string;
  key: string;
  output: () => string;
}

/** `npm start` as a newcomer runs it (built code, nothing configured), on a free port and a scratch data dir. */
async function start(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/API key: +\S+/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`main did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /GraphQL: +(\S+)/.exec(output)?.[1] ?? '';
  const key = /API key: +(\S+)/.exec(output)?.[1] ?? '';
  return { child, url, key, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  const [code] = (await Promise.race([
    once(started.child, 'exit'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no exit within 10 s of SIGTERM')), 10_000)),
  ])) as [number | null];
  return code;
}

async function gql(
  started: Started,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<unknown> {
  const response = await fetch(started.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${started.key}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

describe('npm start with nothing configured', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'partner-graph-main-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the sandboxes, prints the key, stops cleanly on SIGTERM, and keeps its data across a restart', async () => {
    const first = await start(dataDir);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.match(first.output(), /Vendors: .*channelManager \(sandbox\)/);
    const seeded = await gql(first, '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { status } }');
    assert.deepEqual(seeded, { data: { order: { status: 'ISSUED' } } });
    const created = (await gql(
      first,
      `mutation ($input: OrderInput!) { createOrder(input: $input) { order { id status } userErrors { code } } }`,
      {
        input: {
          partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
          sellToOrderReference: 'RESTART-1',
          items: [{ itemNumber: '31001', visitDate: '2099-01-01', visitTime: '10:00:00', quantity: 1 }],
        },
      },
    )) as { data: { createOrder: { order: { id: string; status: string } } } };
    assert.equal(created.data.createOrder.order.status, 'DRAFT');
    assert.equal(await stop(first), 0);

    const second = await start(dataDir);
    try {
      assert.notEqual(second.key, first.key, 'a generated key is per run');
      const again = await gql(second, 'query ($id: ID!) { order(id: $id) { status } }', {
        id: created.data.createOrder.order.id,
      });
      assert.deepEqual(again, { data: { order: { status: 'DRAFT' } } });
    } finally {
      assert.equal(await stop(second), 0);
    }
  });
});
