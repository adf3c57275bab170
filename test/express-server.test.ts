import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { createExpressServer } from '../src/express-server.js';

describe('createExpressServer', () => {
  it("creates each request and response with the app's prototypes, before Express sees them", async () => {
    const app = express();
    app.post('/echo', express.json(), (req, res) => {
      res
        .status(201)
        .set('x-seen', req.get('x-probe') ?? '')
        .json({ body: req.body as unknown, ip: req.ip, q: req.query });
    });
    const server = createExpressServer(app);
    const born: Array<{ request: boolean; response: boolean }> = [];
    // Runs before the app's own listener, so it sees the objects as Node made them.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      born.push({
        request: Object.getPrototypeOf(req) === app.request,
        response: Object.getPrototypeOf(res) === app.response,
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const n of [1, 2]) {
        const response = await fetch(`${base}/echo?n=${n}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-probe': `p${n}` },
          body: JSON.stringify({ n }),
        });
        assert.equal(response.status, 201);
        assert.equal(response.headers.get('x-seen'), `p${n}`);
        assert.deepEqual(await response.json(), { body: { n }, ip: '127.0.0.1', q: { n: String(n) } });
      }
      const missing = await fetch(`${base}/nowhere`);
      assert.equal(missing.status, 404);
      await missing.arrayBuffer();
      assert.deepEqual(born, [
        { request: true, response: true },
        { request: true, response: true },
        { request: true, response: true },
      ]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
