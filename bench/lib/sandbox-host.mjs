// The five vendor sandboxes in a process of their own (so their work does not share an event loop with the load
// generator), seeded through the vendors' own HTTP APIs, driven by the harness over IPC:
//   → { type: 'latency', ms }   every sandbox adds `ms` before each request (sandbox fault injection)
//   → { type: 'counts' }        ← { type: 'counts', total, byRoute }   requests the vendors have served so far
//   → { type: 'probe' }         ← { type: 'probe', ms }                one timed vendor call (checks the latency)
// On start it answers { type: 'ready', endpoints, fixtures } once seeding is done.
import { DASHBOARD } from './scenario-data.mjs';

const dist = new URL('../../dist/src/', import.meta.url);
const { startSandboxes } = await import(new URL('vendors/sandboxes.js', dist).href);
const { SEEDED_PARTNER_ID: CM_PARTNER_ID } = await import(
  new URL('vendors/navipartner/sandbox.js', dist).href
);
const { SEEDED_PARTNER_ID: PP_PARTNER_ID } = await import(
  new URL('vendors/partnerportal/sandbox.js', dist).href
);
const { SEEDED_ACTIVE_ACCOUNT_ID } = await import(
  new URL('vendors/nationalexpress/sandbox-seed.js', dist).href
);

// The vendors' own rate limits would otherwise be what the benchmark measures (NFC Tagify allows 60 a minute).
const UNLIMITED = 10_000_000;
const sandboxes = await startSandboxes({
  vendors: ['channelManager', 'partnerPortal', 'nfcTagify', 'nationalExpress', 'partnerOrders'],
  seed: true,
  partnerPortal: { rateLimitPerMinute: UNLIMITED },
  nfcTagify: { requestsPerMinute: UNLIMITED },
  nationalExpress: { requestsPerMinute: UNLIMITED },
});
const { endpoints } = sandboxes;
const running = () =>
  ['channelManager', 'partnerPortal', 'nfcTagify', 'nationalExpress', 'partnerOrders'].map(
    (name) => sandboxes[name],
  );

async function call(endpoint, headers, method, path, body) {
  const response = await fetch(endpoint.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`seeding: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
const cm = (method, path, body) =>
  call(endpoints.channelManager, { 'x-np-api-key': endpoints.channelManager.apiKey }, method, path, body);
const ne = (method, path, body) =>
  call(
    endpoints.nationalExpress,
    { authorization: `Bearer ${endpoints.nationalExpress.apiKey}` },
    method,
    path,
    body,
  );

/** A visit date comfortably in the future (issuance refuses past dates). */
const visitDate = (offsetDays) =>
  new Date(Date.now() + (30 + offsetDays) * 86_400_000).toISOString().slice(0, 10);

/**
 * The dashboard partner's history: `DASHBOARD.orders` issued ticket orders, created as drafts and confirmed,
 * like a partner's shop would, mixing the three catalogue items, four tickets each; the tickets of every
 * fifth order are linked to a National Express account.
 */
async function seed() {
  const items = [
    { itemNumber: '31001', visitTime: '10:30:00' },
    { itemNumber: '31002', visitTime: '18:00:00' },
    { itemNumber: '31003', visitTime: '11:00:00' },
  ];
  const orderIds = [];
  for (let n = 0; n < DASHBOARD.orders; n += 1) {
    // Two lines of two holders each: every order has four tickets, whichever 50 are the latest.
    const holders = 2;
    const draft = await cm('POST', '/channelManager', {
      partnerId: CM_PARTNER_ID,
      sellToOrderReference: `BENCH-${String(n).padStart(4, '0')}`,
      sellToEmail: `guest${n}@example.com`,
      items: [0, 1].map((line) => ({
        ...items[(n + line) % items.length],
        visitDate: visitDate(n % 60),
        quantity: holders,
        wallet: { names: Array.from({ length: holders }, (_, h) => `Guest ${n}-${line}-${h}`) },
      })),
    });
    const issued = await cm('POST', `/channelManager/${encodeURIComponent(draft.orderId)}/confirm`, {
      paymentReference: `PAY-BENCH-${n}`,
    });
    orderIds.push(issued.orderId);
    if (n % 5 === 0) {
      for (const item of issued.items) {
        for (const wallet of item.wallets) {
          for (const asset of wallet.assets) {
            await ne('POST', `/accounts/${encodeURIComponent(SEEDED_ACTIVE_ACCOUNT_ID)}/tickets`, {
              ticketReference: asset.referenceNumber,
            });
          }
        }
      }
    }
  }
  return { orderIds };
}

const { orderIds } = await seed();

process.on('message', async (message) => {
  if (message.type === 'latency') {
    const rules = message.ms > 0 ? [{ latencyMs: message.ms }] : [];
    const missing = running().filter((sandbox) => typeof sandbox.setFaults !== 'function');
    if (missing.length > 0 && message.ms > 0) {
      process.send({ type: 'latency', error: 'this build has no sandbox fault injection (setFaults)' });
      return;
    }
    for (const sandbox of running()) sandbox.setFaults?.(rules);
    process.send({ type: 'latency', ms: message.ms });
  } else if (message.type === 'counts') {
    const byRoute = {};
    let total = 0;
    for (const sandbox of running()) {
      for (const [route, count] of Object.entries(sandbox.requestCounts())) {
        byRoute[route] = (byRoute[route] ?? 0) + count;
        total += count;
      }
    }
    process.send({ type: 'counts', total, byRoute });
  } else if (message.type === 'forget') {
    // Orders a scenario booked (the mutation pair's partner): each measured run starts from the seeded vendor.
    const forgotten = sandboxes.channelManager.forgetPartnerOrders(message.partnerId);
    process.send({ type: 'forget', forgotten });
  } else if (message.type === 'probe') {
    const started = performance.now();
    await cm('GET', `/channelManager/${encodeURIComponent(orderIds[0])}`);
    process.send({ type: 'probe', ms: performance.now() - started });
  } else if (message.type === 'stop') {
    await sandboxes.close();
    process.exit(0);
  }
});

process.send({
  type: 'ready',
  endpoints,
  fixtures: {
    channelManagerPartnerId: CM_PARTNER_ID,
    partnerId: PP_PARTNER_ID,
    orderIds,
    openapi: Object.fromEntries(
      Object.entries(sandboxes)
        .filter(([, sandbox]) => sandbox && typeof sandbox === 'object' && 'origin' in sandbox)
        .map(([name, sandbox]) => [name, `${sandbox.origin}/openapi.json`]),
    ),
  },
});
