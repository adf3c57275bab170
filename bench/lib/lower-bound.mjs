// The lower bound: per scenario, exactly the upstream calls the answer needs, made as fast as they can be made
// (undici Pools, keep-alive, everything independent in parallel), and the answer assembled by hand in the same
// shape as partner-graph's. No GraphQL: it dispatches on the request's `operationName`, so the load generator
// sends it the very same requests. Configured by BENCH_LOWER_BOUND (JSON: port, apiKey, endpoints).
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { DASHBOARD } from './scenario-data.mjs';

const { port, apiKey, endpoints } = JSON.parse(process.env.BENCH_LOWER_BOUND);

/** One keep-alive pool per vendor origin; paths keep each vendor's base path. */
function vendor(endpoint, headers) {
  const base = new URL(endpoint.baseUrl);
  const pool = new Pool(base.origin, { connections: 64 });
  const prefix = base.pathname.replace(/\/$/, '');
  return async (method, path, body) => {
    const response = await pool.request({
      method,
      path: prefix + path,
      headers: {
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.body.json();
    if (response.statusCode >= 400)
      throw Object.assign(new Error(`${method} ${path}: ${response.statusCode}`), { json });
    return json;
  };
}
const cm = vendor(endpoints.channelManager, { 'x-np-api-key': endpoints.channelManager.apiKey });
const pp = vendor(endpoints.partnerPortal, { authorization: `Bearer ${endpoints.partnerPortal.apiKey}` });
const nt = vendor(endpoints.nfcTagify, { authorization: `Bearer ${endpoints.nfcTagify.apiKey}` });
const ne = vendor(endpoints.nationalExpress, { authorization: `Bearer ${endpoints.nationalExpress.apiKey}` });
const enc = encodeURIComponent;

const money = (amount, currency) => ({ amount, currency });
const STATUS = { Draft: 'DRAFT', Issued: 'ISSUED', Error: 'ERROR', Cancelled: 'CANCELLED' };

/** The `order` scenario's answer: every field of one order, from one read. */
function fullOrder(order) {
  return {
    id: order.orderId,
    partnerId: order.partnerId,
    status: STATUS[order.status],
    statusMessage: order.statusMessage || null,
    sellToOrderReference: order.sellToOrderReference,
    sellToName: order.sellToName ?? null,
    sellToEmail: order.sellToEmail ?? null,
    sellToLanguage: order.sellToLanguage ?? null,
    paymentReference: order.paymentReference ?? null,
    receivedAt: order.receivedAt,
    jobId: order.jobId ?? null,
    manifestUrl: order.manifestUrl ?? null,
    items: order.items.map((item) => ({
      lineNo: item.lineNo,
      itemNumber: item.itemNumber,
      isPackage: item.isPackage,
      quantity: item.quantity,
      visitDate: item.visitDate,
      visitTime: item.visitTime,
      wallets: item.wallets.map((wallet) => ({
        id: wallet.walletId,
        seqNo: wallet.seqNo,
        name: wallet.name ?? null,
        externalReferenceNumber: wallet.externalReferenceNumber ?? null,
        walletReferenceNumber: wallet.walletReferenceNumber,
        issuedAt: wallet.issuedAt,
        manifestUrl: wallet.manifestUrl,
        unitPriceExclVat: money(wallet.unitPriceExclVat, wallet.currencyCode),
        unitPriceInclVat: money(wallet.unitPriceInclVat, wallet.currencyCode),
        tickets: wallet.assets.map((asset) => ({
          id: asset.id,
          type: asset.type,
          itemNumber: asset.itemNumber,
          referenceNumber: asset.referenceNumber,
        })),
      })),
    })),
  };
}

const scenarios = {
  Floor: async () => ({ __typename: 'Query' }),

  Order: async ({ id }) => ({ order: fullOrder(await cm('GET', `/channelManager/${enc(id)}`)) }),

  /**
   * The minimum the vendors allow: the partner (1), the partner's order list (1), each of the 50 orders (the
   * Channel Manager has no batch read), the catalogue products of their skus (1), the accounts holding their
   * tickets (1 per 100 references), the card orders (1) and the card products (1).
   */
  Dashboard: async ({ partnerId }) => {
    const partnerCall = pp('GET', `/partners?ids=${enc(partnerId)}&limit=100`);
    const cardOrdersCall = nt('GET', `/orders?page=1&per_page=${DASHBOARD.cardOrders}`);
    const cardProductsCall = nt('GET', '/products');
    // The Channel Manager partner is the gateway's own link; the lower bound is told it, it does not look it up.
    const summaries = await cm('GET', `/channelManager/orders/${enc(process.env.BENCH_CM_PARTNER)}`);
    const latest = summaries
      .slice()
      .sort((a, b) =>
        a.receivedAt === b.receivedAt
          ? a.orderId < b.orderId
            ? 1
            : -1
          : a.receivedAt < b.receivedAt
            ? 1
            : -1,
      )
      .slice(0, DASHBOARD.latest);
    const orders = await Promise.all(
      latest.map((summary) => cm('GET', `/channelManager/${enc(summary.orderId)}`)),
    );
    const skus = new Set();
    const references = [];
    for (const order of orders) {
      for (const item of order.items) {
        skus.add(item.itemNumber);
        for (const wallet of item.wallets)
          for (const asset of wallet.assets) references.push(asset.referenceNumber);
      }
    }
    const chunks = [];
    for (let i = 0; i < references.length; i += 100) chunks.push(references.slice(i, i + 100));
    const [products, accountPages, partners, cardOrders, cardProducts] = await Promise.all([
      pp('GET', `/products?skus=${enc([...skus].join(','))}&limit=100`),
      Promise.all(
        chunks.map((chunk) =>
          ne('GET', `/accounts?ticketReferences=${enc(chunk.join(','))}&page=1&pageSize=100`),
        ),
      ),
      partnerCall,
      cardOrdersCall,
      cardProductsCall,
    ]);
    const productBySku = new Map(
      products.data.map((p) => [
        p.sku,
        { id: p.id, name: p.name, price: money(p.price.amount, p.price.currency) },
      ]),
    );
    const accountByReference = new Map();
    for (const page of accountPages) {
      for (const account of page.data) {
        const shaped = {
          id: account.accountId,
          name: account.displayName ?? `${account.firstName} ${account.lastName}`,
          email: account.email,
          status: account.status,
        };
        for (const reference of account.matchedTicketReferences ?? [])
          accountByReference.set(reference, shaped);
      }
    }
    const cardProductById = new Map(
      cardProducts.data.map((p) => [p.product_id, { id: p.product_id, name: p.name }]),
    );
    const partner = partners.data[0];
    const product = (sku) => {
      const found = productBySku.get(sku);
      return found ? { id: found.id, name: found.name } : null;
    };
    return {
      partner: partner && {
        id: partner.id,
        name: partner.name,
        externalId: partner.external_id,
        email: partner.email,
        ticketOrders: {
          totalCount: summaries.length,
          nodes: orders.map((order) => ({
            id: order.orderId,
            status: STATUS[order.status],
            sellToOrderReference: order.sellToOrderReference,
            receivedAt: order.receivedAt,
            items: order.items.map((item) => ({
              lineNo: item.lineNo,
              itemNumber: item.itemNumber,
              quantity: item.quantity,
              visitDate: item.visitDate,
              visitTime: item.visitTime,
              product: productBySku.get(item.itemNumber) ?? null,
              wallets: item.wallets.map((wallet) => ({
                walletReferenceNumber: wallet.walletReferenceNumber,
                name: wallet.name ?? null,
                unitPriceInclVat: money(wallet.unitPriceInclVat, wallet.currencyCode),
                tickets: wallet.assets.map((asset) => ({
                  referenceNumber: asset.referenceNumber,
                  type: asset.type,
                  product: product(asset.itemNumber),
                  account: accountByReference.get(asset.referenceNumber) ?? null,
                })),
              })),
            })),
          })),
        },
      },
      cardOrders: {
        nodes: (cardOrders.data.orders ?? cardOrders.data).map((order) => ({
          id: order.order_id,
          status: order.status.toUpperCase(),
          customerReference: order.customer_reference,
          quantity: order.quantity,
          createdAt: order.created_at,
          total: money(order.total, order.currency),
          product: cardProductById.get(order.product_id) ?? null,
        })),
      },
    };
  },

  CreateOrder: async ({ input }) => {
    const order = await cm('POST', '/channelManager', input);
    return { createOrder: { order: { id: order.orderId, status: STATUS[order.status] }, userErrors: [] } };
  },

  ConfirmOrder: async ({ id, paymentReference }) => {
    const order = await cm('POST', `/channelManager/${enc(id)}/confirm`, { paymentReference });
    return {
      confirmOrder: {
        order: {
          id: order.orderId,
          status: STATUS[order.status],
          items: order.items.map((item) => ({
            wallets: item.wallets.map((wallet) => ({
              walletReferenceNumber: wallet.walletReferenceNumber,
              tickets: wallet.assets.map((asset) => ({ referenceNumber: asset.referenceNumber })),
            })),
          })),
        },
        userErrors: [],
      },
    };
  },
};

const expectedAuthorization = `Bearer ${apiKey}`;
const server = createServer((req, res) => {
  const send = (status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'ok' });
  if (req.headers.authorization !== expectedAuthorization)
    return send(401, { errors: [{ message: 'unauthenticated' }] });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { errors: [{ message: 'body is not JSON' }] });
    }
    const scenario = scenarios[request.operationName];
    if (!scenario)
      return send(400, { errors: [{ message: `unknown operationName ${request.operationName}` }] });
    scenario(request.variables ?? {}).then(
      (data) => send(200, { data }),
      (error) => send(200, { errors: [{ message: String(error.message) }], data: null }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
