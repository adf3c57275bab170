import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { graphiqlRouter } from '../../src/graphiql/graphiql-router.js';
import { TEST_API_KEY, daysFromNow, startStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(process.cwd(), 'test-artifacts', 'graphiql.png');
const ORDER_QUERY = '{ order(id: "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8") { id status } }';

/**
 * A stand-in for the graphql-ws endpoint (being added to the gateway separately): one subscription, and a
 * record of each socket's `connection_init` payload, so the page's subscription client is checked end to end.
 */
const greetingsSchema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      greetings: {
        type: GraphQLString,
        subscribe: async function* () {
          for (const greetings of ['Hi', 'Bonjour', 'Hej']) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            yield { greetings };
          }
        },
      },
    },
  }),
});

/** CodeMirror 5 keeps its editor object on the element: read and write editors the way a user's typing would. */
const editorValues = (page: Page, selector: string): Promise<string[]> =>
  page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((element) => element.CodeMirror.getValue())`,
  );
const responseText = async (page: Page): Promise<string> =>
  (await editorValues(page, '.graphiql-response .CodeMirror'))[0] ?? '';

async function runOperation(page: Page, operation: string, until: string): Promise<string> {
  await page.evaluate(
    `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(operation)})`,
  );
  await page.click('.graphiql-execute-button');
  // Polled from here: waitForFunction evaluates its predicate with eval() in the page, which the CSP refuses.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await responseText(page);
    if (text.includes(until)) return text;
    if (Date.now() > deadline) assert.fail(`no ${until} in the result viewer: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(
  'GraphiQL in a browser (Debian Chromium through playwright-core)',
  {
    skip: existsSync(CHROMIUM)
      ? false
      : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    timeout: 120_000,
  },
  () => {
    let stack: TestStack;
    let server: Server;
    let origin: string;
    let browser: Browser;
    let page: Page;
    const requests: string[] = [];
    const authorizations: (string | undefined)[] = [];
    const connectionParams: unknown[] = [];
    const pageErrors: string[] = [];

    before(async () => {
      stack = await startStack({ seed: true });
      const app = express();
      app.use(graphiqlRouter({ enabled: true, apiKeyForPrefill: TEST_API_KEY }));
      // The page's HTTP traffic goes to the real gateway, Authorization header and all.
      app.post('/graphql', express.json(), async (req, res) => {
        authorizations.push(req.header('authorization'));
        const upstream = await fetch(stack.graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(req.header('authorization') ? { authorization: req.header('authorization') } : {}),
          },
          body: JSON.stringify(req.body),
        });
        res
          .status(upstream.status)
          .type(upstream.headers.get('content-type') ?? 'application/json')
          .send(await upstream.text());
      });
      server = createServer(app);
      const wss = new WebSocketServer({ server, path: '/graphql' });
      useServer(
        {
          schema: greetingsSchema,
          onConnect: (ctx) => {
            connectionParams.push(ctx.connectionParams);
            return true;
          },
        },
        wss,
      );
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--headless=new',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      // A CSP refusal is the sign the page tried something it should not: keep them all.
      await page.addInitScript(
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (event) => " +
          "window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));",
      );
      await page.goto(`${origin}/graphql`);
      await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    });

    after(async () => {
      await browser?.close();
      if (server) {
        server.close();
        server.closeAllConnections();
      }
      await stack?.close();
    });

    it('renders our GraphiQL with the key pre-filled in the Headers editor', async () => {
      assert.equal(await page.title(), 'partner-graph · GraphiQL');
      assert.equal((await page.textContent('.graphiql-logo'))?.trim(), 'partner-graph · GraphiQL');
      const headers = await editorValues(page, '.graphiql-editor-tool .CodeMirror');
      assert.ok(
        headers.includes(JSON.stringify({ Authorization: `Bearer ${TEST_API_KEY}` }, null, 2)),
        `headers editor holds the key: ${JSON.stringify(headers)}`,
      );
      assert.equal(await page.evaluate('document.querySelectorAll(\'a[href^="http"]\').length'), 0);
    });

    it('runs a query against the gateway and shows the result', async () => {
      const result = await runOperation(page, ORDER_QUERY, '"status"');
      assert.match(result, /"status": "ISSUED"/);
      assert.match(result, /"id": "9c6b2f4e-2b71-4d23-9d6a-a3b4c5d6e7f8"/);
      assert.doesNotMatch(result, /"errors"/);
      assert.ok(authorizations.length >= 2, 'introspection and the query both went through');
      assert.ok(
        authorizations.every((value) => value === `Bearer ${TEST_API_KEY}`),
        String(authorizations),
      );
    });

    it('opens the docs explorer with the schema descriptions', async () => {
      await page.click('button[aria-label="Show Documentation Explorer"]');
      await page.waitForSelector('.graphiql-doc-explorer');
      await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name:has-text("Query")');
      await page.waitForSelector('.graphiql-doc-explorer-title:has-text("Query")');
      const text = (await page.textContent('.graphiql-doc-explorer')) ?? '';
      assert.match(text, /Reads across the partner vendors/);
      assert.match(text, /A ticket order by its Channel Manager orderId/);
      mkdirSync(join(process.cwd(), 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });

    it('runs a mutation against the gateway', async () => {
      const mutation = `mutation BuyTickets {
  createOrder(input: {
    partnerId: "21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e"
    sellToOrderReference: "GRAPHIQL-0001"
    items: [{ itemNumber: "31001", visitDate: "${daysFromNow(30)}", visitTime: "10:30:00", quantity: 1,
              wallet: { names: ["Jane Doe"] } }]
    sellToEmail: "guest@example.com"
    paymentReference: "PAY-GRAPHIQL-1"
  }) { order { status } userErrors { code } } }`;
      const result = await runOperation(page, mutation, '"userErrors"');
      assert.match(result, /"status": "ISSUED"/);
      assert.match(result, /"userErrors": \[\]/);
    });

    it('runs a subscription over graphql-ws with the key in connection_init', async () => {
      const result = await runOperation(page, 'subscription { greetings }', 'Hej');
      assert.match(result, /"greetings": "Hej"/);
      assert.deepEqual(connectionParams, [{ authorization: `Bearer ${TEST_API_KEY}` }]);
    });

    it('never left its own origin and broke no rule of its CSP', async () => {
      const outside = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
      assert.deepEqual(outside, []);
      assert.ok(requests.some((url) => url.startsWith(`${origin}/graphiql/assets/`)));
      assert.deepEqual(await page.evaluate('window.__cspViolations'), []);
      assert.deepEqual(pageErrors, []);
    });
  },
);

describe(
  'GraphiQL served by the gateway itself, with a live subscription',
  {
    skip: existsSync(CHROMIUM)
      ? false
      : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    timeout: 120_000,
  },
  () => {
    let stack: TestStack;
    let browser: Browser;
    let page: Page;
    const requests: string[] = [];

    before(async () => {
      stack = await startStack({ seed: true });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--headless=new',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`${stack.graphqlUrl}`);
      await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    });
    after(async () => {
      await browser?.close();
      await stack?.close();
    });

    it('receives an orderUpdated event over graphql-ws for an order created meanwhile', async () => {
      // Keys were configured (not generated), so the page offers an empty template: fill it as a user would.
      const editors = await editorValues(page, '.graphiql-editor-tool .CodeMirror');
      const headersIndex = editors.findIndex((value) => value.includes('Authorization'));
      assert.ok(
        headersIndex >= 0,
        `a headers editor with an Authorization template: ${JSON.stringify(editors)}`,
      );
      await page.evaluate(
        `document.querySelectorAll('.graphiql-editor-tool .CodeMirror')[${headersIndex}].CodeMirror.setValue(${JSON.stringify(
          JSON.stringify({ Authorization: `Bearer ${TEST_API_KEY}` }),
        )})`,
      );
      const received = runOperation(
        page,
        'subscription { orderUpdated { id type vendor } }',
        'order.created',
      );
      // Give the socket a moment to subscribe, then change a ticket order through the API.
      const deadline = Date.now() + 10_000;
      while (stack.gateway.openSubscriptions() < 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const created = await stack.gql<{ createOrder: { userErrors: unknown[] } }>(
        `mutation ($input: OrderInput!) { createOrder(input: $input) { userErrors { code } } }`,
        {
          input: {
            partnerId: '21e8c1d2-3f4a-4c5b-9e6d-7f8a9b0c1d2e',
            sellToOrderReference: 'GRAPHIQL-SUB-1',
            items: [{ itemNumber: '31001', visitDate: daysFromNow(30), visitTime: '10:30:00', quantity: 1 }],
          },
        },
      );
      assert.deepEqual(created.body.data?.createOrder.userErrors, []);
      const result = await received;
      assert.match(result, /"type": "order.created"/);
      assert.match(result, /"vendor": "CHANNEL_MANAGER"/);
      const outside = requests.filter(
        (url) => !url.startsWith(`${stack.origin}/`) && !url.startsWith('data:'),
      );
      assert.deepEqual(outside, []);
    });
  },
);
