// The scenarios: per system, the requests autocannon sends and a check that an answer is the right one.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { DASHBOARD } from './scenario-data.mjs';
import { MESH_DASHBOARD, meshDashboardFigures } from './mesh-queries.mjs';

const query = (path) => readFileSync(new URL(`../queries/${path}`, import.meta.url), 'utf8');

/** The Channel Manager partner the mutation pair books for (apart from the dashboard partner's history). */
export const MUTATION_PARTNER = '7d1f0c8e-5b2a-4c1e-9f3d-0b3e2c4d5e6f';
/** Requests per second of the fixed-rate scenario: well below every system's saturation on one order. */
export const FIXED_RATE = 50;

const body = (operationName, text, variables) => JSON.stringify({ operationName, query: text, variables });

/** A future visit date for the mutation pair's bookings. */
const visitDate = () => new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);

function sum(nodes, count) {
  return nodes.reduce((total, node) => total + count(node), 0);
}

/**
 * What every system's answer to the dashboard must show, whatever its schema: how many orders, tickets, tickets
 * with an account, and card orders. Compared across systems before measuring.
 */
function dashboardFigures(orders, tickets, accounts, cardOrders) {
  return { orders, tickets, accounts, cardOrders };
}

/** Our schema's answers (partner-graph, and the lower bound, which answers in the same shape). */
function ours(fixtures) {
  const orderId = fixtures.orderIds[7];
  return {
    floor: {
      requests: [{ body: body('Floor', query('floor.graphql'), {}) }],
      check: (data) => (data.__typename === 'Query' ? {} : undefined),
    },
    order: {
      requests: [{ body: body('Order', query('order.graphql'), { id: orderId }) }],
      check: (data) =>
        data.order?.id === orderId
          ? { wallets: sum(data.order.items, (item) => item.wallets.length) }
          : undefined,
    },
    dashboard: {
      requests: [{ body: body('Dashboard', query('dashboard.graphql'), { partnerId: fixtures.partnerId }) }],
      check: (data) => {
        const orders = data.partner?.ticketOrders?.nodes;
        if (!orders) return undefined;
        const tickets = orders.flatMap((order) =>
          order.items.flatMap((item) => item.wallets.flatMap((wallet) => wallet.tickets)),
        );
        return dashboardFigures(
          orders.length,
          tickets.length,
          tickets.filter((ticket) => ticket.account).length,
          data.cardOrders.nodes.length,
        );
      },
    },
    mutation: mutationPair(
      (input) => body('CreateOrder', query('create-order.graphql'), { input }),
      (id, paymentReference) =>
        body('ConfirmOrder', query('confirm-order.graphql'), { id, paymentReference }),
      (data) => data.createOrder?.order?.id,
      (data) => data.confirmOrder?.order?.status === 'ISSUED',
    ),
  };
}

/**
 * The create-then-confirm pair as one autocannon sequence per connection: the confirm uses the id the create
 * answered. Every booking has its own reference, so no create is a duplicate.
 */
function mutationPair(createBody, confirmBody, createdId, confirmed) {
  const run = randomBytes(4).toString('hex');
  let counter = 0;
  const input = () => {
    counter += 1;
    return {
      partnerId: MUTATION_PARTNER,
      sellToOrderReference: `PAIR-${run}-${counter}`,
      sellToEmail: 'pair@example.com',
      items: [
        {
          itemNumber: '31001',
          visitDate: visitDate(),
          visitTime: '10:30:00',
          quantity: 1,
          wallet: { names: ['Pair Guest'] },
        },
      ],
    };
  };
  return {
    opsPerCycle: 2,
    requests: [
      {
        setupRequest: (request, context) => {
          context.orderId = undefined;
          return { ...request, body: createBody(input()) };
        },
        onResponse: (_status, text, context) => {
          try {
            context.orderId = createdId(JSON.parse(text).data ?? {});
          } catch {
            context.orderId = undefined;
          }
        },
      },
      {
        setupRequest: (request, context) => ({
          ...request,
          body: confirmBody(context.orderId ?? 'no-order-was-created', `PAY-${run}-${counter}`),
        }),
      },
    ],
    /** One pair, outside the load, to check both answers. */
    async probe(send) {
      const created = await send(createBody(input()));
      const id = createdId(created);
      if (!id) throw new Error(`the create answered no order: ${JSON.stringify(created).slice(0, 200)}`);
      const done = await send(confirmBody(id, `PAY-${run}-probe`));
      if (!confirmed(done))
        throw new Error(`the confirm did not issue: ${JSON.stringify(done).slice(0, 200)}`);
      return {};
    },
  };
}

/**
 * The Mesh peer's equivalents, against the schema Mesh generates from the sandboxes' OpenAPI documents: the same
 * data, asked the way a Mesh user can (Mesh has no links between vendors, so the client stitches them).
 */
function mesh(fixtures) {
  const orderId = fixtures.orderIds[7];
  return {
    floor: {
      requests: [{ body: body('Floor', query('floor.graphql'), {}) }],
      check: (data) => (data.__typename === 'Query' ? {} : undefined),
    },
    order: {
      requests: [{ body: body('Order', query('mesh/order.graphql'), { id: orderId }) }],
      check: (data) => {
        const order = Object.values(data)[0];
        return order?.orderId === orderId
          ? { wallets: sum(order.items, (item) => item.wallets.length) }
          : undefined;
      },
    },
    dashboard: {
      // Written for this run by mesh-queries.mjs once Mesh has composed the schema.
      get requests() {
        return [{ body: body('Dashboard', readFileSync(MESH_DASHBOARD, 'utf8'), {}) }];
      },
      check: (data) => meshDashboardFigures(data),
    },
    mutation: mutationPair(
      (input) => body('CreateOrder', query('mesh/create-order.graphql'), { input }),
      (id, paymentReference) =>
        body('ConfirmOrder', query('mesh/confirm-order.graphql'), { id, input: { paymentReference } }),
      (data) => Object.values(data)[0]?.orderId,
      (data) => Object.values(data)[0]?.status === 'Issued',
    ),
  };
}

export function scenariosFor(system, fixtures) {
  return system === 'mesh' ? mesh(fixtures) : ours(fixtures);
}

export { DASHBOARD };
