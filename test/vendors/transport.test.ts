import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError } from '../../src/config.js';
import {
  DEFAULT_MAX_SOCKETS,
  TransportError,
  createNodeFetchTransport,
  createTransport,
  createUndiciTransport,
} from '../../src/vendors/transport.js';
import type { Transport } from '../../src/vendors/transport.js';

/** Collects the rejection of `promise`, failing the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

/** What a vendor can do to a request: answer, hang, or break the connection before or during the answer. */
function vendorServer(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-vendor-id': 'v-1', 'retry-after': '7' });
        res.end(
          JSON.stringify({
            method: req.method,
            query: new URL(req.url ?? '/', 'http://x').search,
            apiKey: req.headers['x-api-key'],
            contentType: req.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      } else if (path === '/empty') {
        res.writeHead(204).end();
      } else if (path === '/error') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      } else if (path === '/redirect') {
        res.writeHead(302, { location: '/echo' }).end();
      } else if (path === '/hang') {
        // Never answers: only the caller's signal ends this request.
      } else if (path === '/slow-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        // The rest never comes.
      } else if (path === '/reset') {
        req.socket.destroy();
      } else if (path === '/reset-mid-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"partial":');
        setTimeout(() => req.socket.destroy(), 20);
      } else {
        res.writeHead(404).end();
      }
    });
  });
}

const transports: [string, () => Transport, (maxSockets: number) => Transport][] = [
  ['node-fetch', () => createNodeFetchTransport(), (maxSockets) => createNodeFetchTransport({ maxSockets })],
  ['undici', () => createUndiciTransport(), (maxSockets) => createUndiciTransport({ maxSockets })],
];

for (const [name, make, makeCapped] of transports) {
  describe(`${name} transport keeps the transport contract`, () => {
    let server: Server;
    let base: string;
    let transport: Transport;
    const signal = (): AbortSignal => new AbortController().signal;

    before(async () => {
      server = vendorServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      transport = make();
    });
    after(async () => {
      transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('sends method, headers, query and body, and returns status, headers and body', async () => {
      const response = await transport.send({
        url: `${base}/echo?page=2&q=a%20b`,
        method: 'POST',
        headers: { 'x-api-key': 'key-1', 'content-type': 'application/json' },
        body: '{"a":1}',
        signal: signal(),
      });
      assert.equal(response.status, 201);
      assert.equal(response.header('x-vendor-id'), 'v-1');
      assert.equal(response.header('Retry-After'), '7', 'header names are case-insensitive');
      assert.equal(response.header('x-not-sent'), null);
      assert.deepEqual(JSON.parse(await response.text()), {
        method: 'POST',
        query: '?page=2&q=a%20b',
        apiKey: 'key-1',
        contentType: 'application/json',
        body: '{"a":1}',
      });
    });

    it('returns error statuses and empty bodies as they came', async () => {
      const down = await transport.send({
        url: `${base}/error`,
        method: 'GET',
        headers: {},
        signal: signal(),
      });
      assert.equal(down.status, 503);
      assert.equal(await down.text(), 'down for maintenance');
      const empty = await transport.send({
        url: `${base}/empty`,
        method: 'DELETE',
        headers: {},
        signal: signal(),
      });
      assert.equal(empty.status, 204);
      assert.equal(await empty.text(), '');
    });

    it('does not follow redirects: a 3xx is the answer, or an error, never the redirected body', async () => {
      const outcome = await transport
        .send({ url: `${base}/redirect`, method: 'GET', headers: {}, signal: signal() })
        .then(
          (response) => ({ status: response.status }),
          (error: unknown) => ({ error }),
        );
      if ('status' in outcome) assert.equal(outcome.status, 302);
      else assert.ok(outcome.error instanceof Error);
    });

    it('rejects with ABORT_ERR when the signal fires before the answer (a timeout)', async () => {
      const error = await failure(
        transport.send({ url: `${base}/hang`, method: 'GET', headers: {}, signal: AbortSignal.timeout(50) }),
      );
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'ABORT_ERR');
      assert.equal(error.name, 'AbortError');
    });

    it('rejects the body with ABORT_ERR when the signal fires mid-body', async () => {
      const controller = new AbortController();
      const response = await transport.send({
        url: `${base}/slow-body`,
        method: 'GET',
        headers: {},
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      const body = response.text();
      controller.abort();
      const error = await failure(body);
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'ABORT_ERR');
    });

    it('rejects with ECONNREFUSED when nothing listens', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const error = await failure(
        transport.send({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {}, signal: signal() }),
      );
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'ECONNREFUSED');
      assert.equal(error.message, 'connection refused');
    });

    it('rejects with ECONNRESET when the vendor drops the connection before answering', async () => {
      const error = await failure(
        transport.send({ url: `${base}/reset`, method: 'GET', headers: {}, signal: signal() }),
      );
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'ECONNRESET');
    });

    it('rejects the body with ECONNRESET when the vendor drops the connection mid-body', async () => {
      const response = await transport.send({
        url: `${base}/reset-mid-body`,
        method: 'GET',
        headers: {},
        signal: signal(),
      });
      const error = await failure(response.text());
      assert.ok(error instanceof TransportError);
      assert.equal(error.code, 'ECONNRESET');
    });

    it('reuses connections (keep-alive) across sequential requests', async () => {
      const sockets = new Set<unknown>();
      const onConnection = (socket: unknown): void => void sockets.add(socket);
      server.on('connection', onConnection);
      try {
        for (let i = 0; i < 5; i += 1) {
          const response = await transport.send({
            url: `${base}/echo`,
            method: 'GET',
            headers: {},
            signal: signal(),
          });
          await response.text();
        }
      } finally {
        server.off('connection', onConnection);
      }
      assert.ok(sockets.size <= 1, `expected one kept-alive connection, saw ${sockets.size}`);
    });

    it('opens no more than maxSockets connections to a vendor: further calls wait their turn', async () => {
      // A vendor of its own that answers after 30 ms and counts the requests it holds at once.
      let holding = 0;
      let peak = 0;
      const sockets = new Set<unknown>();
      const slow = createServer((req, res) => {
        holding += 1;
        peak = Math.max(peak, holding);
        req.resume();
        setTimeout(() => {
          holding -= 1;
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }, 30);
      });
      slow.on('connection', (socket) => void sockets.add(socket));
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const capped = makeCapped(3);
      try {
        const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/orders`;
        const bodies = await Promise.all(
          Array.from({ length: 12 }, async () => {
            const response = await capped.send({ url, method: 'GET', headers: {}, signal: signal() });
            return response.text();
          }),
        );
        assert.deepEqual(new Set(bodies), new Set(['{"ok":true}']));
        assert.equal(bodies.length, 12);
        assert.equal(peak, 3, `expected 3 requests held at once, saw ${peak}`);
        assert.equal(sockets.size, 3, `expected 3 connections, saw ${sockets.size}`);
      } finally {
        capped.close();
        slow.closeAllConnections();
        await new Promise<void>((resolve) => slow.close(() => resolve()));
      }
    });
  });
}

describe('VENDOR_MAX_SOCKETS', () => {
  it(`defaults to ${DEFAULT_MAX_SOCKETS} connections per vendor and accepts another count`, () => {
    assert.equal(DEFAULT_MAX_SOCKETS, 128);
    assert.equal(loadConfig({}).vendorMaxSockets, 128);
    assert.equal(loadConfig({ VENDOR_MAX_SOCKETS: '16' }).vendorMaxSockets, 16);
  });

  it('rejects a count that is not a whole number from 1 to 10000, naming the variable and the rule', () => {
    for (const raw of ['0', '-4', '2.5', 'many', '10001']) {
      assert.throws(
        () => loadConfig({ VENDOR_MAX_SOCKETS: raw }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message === `VENDOR_MAX_SOCKETS must be an integer between 1 and 10000, got "${raw}".`,
      );
    }
  });
});

describe('VENDOR_TRANSPORT', () => {
  it('defaults to undici and accepts node-fetch', () => {
    assert.equal(loadConfig({}).vendorTransport, 'undici');
    assert.equal(loadConfig({ VENDOR_TRANSPORT: 'node-fetch' }).vendorTransport, 'node-fetch');
    createTransport('node-fetch').close();
  });

  it('rejects anything else, naming the variable and the choices', () => {
    assert.throws(
      () => loadConfig({ VENDOR_TRANSPORT: 'axios' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'VENDOR_TRANSPORT must be one of node-fetch, undici, got "axios".',
    );
  });
});
