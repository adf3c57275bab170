import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLEnumType } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import { CreateOrderDocument, OrderDocument, ProductsDocument } from '../../src/client/generated/graphql.js';
import type {
  CardOrderStatus,
  CreateOrderMutation,
  CreateOrderMutationVariables,
  OrderStatus,
  PortalOrderStatus,
  ProductsQuery,
  UserErrorCode,
} from '../../src/client/generated/graphql.js';

// The `@ts-expect-error` lines below are the test: tsc (run over test/) fails on an expectation that no longer
// errors, so a generated client that stopped catching these mistakes breaks the build.

/** Never called: it only has to compile. */
async function _compileTimeChecks(client: GraphQLClient): Promise<void> {
  // @ts-expect-error -- `first` is an Int, not a string.
  await client.request(ProductsDocument, { first: '10' });
  // @ts-expect-error -- not a Vendor.
  await client.request(ProductsDocument, { vendor: 'NFC' });
  // @ts-expect-error -- `id` is required.
  await client.request(OrderDocument, {});
  // graphql-request infers the variables through a rest parameter, where TypeScript skips excess-property checks:
  // variables declared with the generated type get them.
  const variables: CreateOrderMutationVariables = {
    input: {
      partnerId: 'p',
      sellToOrderReference: 'r',
      items: [],
      // @ts-expect-error -- misspelt: OrderInput has `sellToEmail`.
      sellToMail: 'guest@example.com',
    },
  };
  await client.request(CreateOrderDocument, variables);

  const { products } = await client.request(ProductsDocument, { first: 10 });
  // @ts-expect-error -- misspelt: the field is `totalCount`.
  void products.totalCont;
  // @ts-expect-error -- `description` was not selected by the Products operation.
  void products.nodes[0]?.description;
  const { order } = await client.request(OrderDocument, { id: 'x' });
  // @ts-expect-error -- `order` is nullable: it must be checked first.
  void order.status;
}

/** What a client shows for each user error; `never` makes a new code a compile error here. */
export function describeUserError(code: UserErrorCode): string {
  switch (code) {
    case 'VALIDATION':
      return 'Check the highlighted field.';
    case 'DUPLICATE':
      return 'Something with this reference already exists.';
    case 'NOT_FOUND':
      return 'It no longer exists.';
    case 'INVALID_STATE':
      return 'It cannot change in its current state.';
    case 'ISSUANCE_FAILED':
      return 'The tickets could not be issued.';
    case 'REJECTED':
      return 'The vendor refused the request.';
    default: {
      const unhandled: never = code;
      throw new Error(`unknown user error code ${String(unhandled)}`);
    }
  }
}

/** Which ticket-order mutations a client offers for a status; exhaustive over OrderStatus. */
export function nextOrderActions(status: OrderStatus): readonly string[] {
  switch (status) {
    case 'DRAFT':
      return ['confirmOrder', 'replaceOrder', 'cancelOrder'];
    case 'ERROR':
      return ['replaceOrder', 'cancelOrder'];
    case 'ISSUED':
      return ['cancelOrder'];
    case 'CANCELLED':
      return [];
    default: {
      const unhandled: never = status;
      throw new Error(`unknown order status ${String(unhandled)}`);
    }
  }
}

// Records keyed by the unions: a value missing (or one the schema lacks) is a compile error.
const CARD_ORDER_FINAL: Record<CardOrderStatus, boolean> = {
  PENDING: false,
  PROCESSING: false,
  DISPATCHED: false,
  DELIVERED: true,
  CANCELLED: true,
};
const PORTAL_ORDER_FINAL: Record<PortalOrderStatus, boolean> = {
  PENDING: false,
  PROCESSING: false,
  SHIPPED: false,
  DELIVERED: true,
  CANCELLED: true,
};
const USER_ERROR_CODES: Record<UserErrorCode, true> = {
  DUPLICATE: true,
  INVALID_STATE: true,
  ISSUANCE_FAILED: true,
  NOT_FOUND: true,
  REJECTED: true,
  VALIDATION: true,
};
const ORDER_STATUSES: Record<OrderStatus, true> = { DRAFT: true, ISSUED: true, ERROR: true, CANCELLED: true };

function schemaEnum(name: string): string[] {
  const sdl = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
  // Federation directives may be used without definitions in the printed subgraph SDL.
  const type = buildSchema(sdl, { assumeValidSDL: true }).getType(name);
  assert.ok(type instanceof GraphQLEnumType, `${name} is an enum`);
  return type.getValues().map((value) => value.name);
}

describe('the generated types', () => {
  it('carry every value of the schema enums as unions (the records above name them all, and no more)', () => {
    const cases: [string, object][] = [
      ['UserErrorCode', USER_ERROR_CODES],
      ['OrderStatus', ORDER_STATUSES],
      ['CardOrderStatus', CARD_ORDER_FINAL],
      ['PortalOrderStatus', PORTAL_ORDER_FINAL],
    ];
    for (const [name, record] of cases) {
      assert.deepEqual(Object.keys(record).sort(), schemaEnum(name).sort(), name);
    }
  });

  it('let a client switch exhaustively over user error codes and order statuses', () => {
    for (const code of Object.keys(USER_ERROR_CODES) as UserErrorCode[]) {
      assert.ok(describeUserError(code).length > 0, code);
    }
    assert.deepEqual(nextOrderActions('DRAFT'), ['confirmOrder', 'replaceOrder', 'cancelOrder']);
    assert.deepEqual(nextOrderActions('CANCELLED'), []);
  });

  it('type a payload as what was selected: userErrors with code, field and message', () => {
    const payload: CreateOrderMutation = {
      createOrder: {
        order: null,
        userErrors: [{ code: 'VALIDATION', field: ['input', 'items'], message: 'items must not be empty' }],
      },
    };
    const [first] = payload.createOrder.userErrors;
    assert.equal(first && describeUserError(first.code), 'Check the highlighted field.');
    const empty: ProductsQuery = {
      products: { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
    };
    assert.equal(empty.products?.nodes.length, 0);
  });
});
