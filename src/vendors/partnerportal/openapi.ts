/**
 * The PartnerPortal contract (`contract.ts`, README.md) as an OpenAPI 3.1 document, served by the sandbox at
 * `GET /openapi.json`. `test/vendors/openapi.test.ts` holds it to the sandbox's routes and real answers.
 */
import {
  PP_BASE_PATH,
  PP_CLIENT_REQUEST_ID_HEADER,
  PP_DEFAULT_LIMIT,
  PP_MAX_FILTER_VALUES,
  PP_MAX_LIMIT,
  PP_ORDER_STATUSES,
  PP_REQUEST_ID_HEADER,
} from './contract.js';
import type { PpErrorCode } from './contract.js';
import {
  closedObject,
  jsonResponse,
  prefixSchemaNames,
  nullable,
  pathParam,
  queryParam,
  RATE_LIMIT_HEADERS,
  rateLimitHeaderRefs,
  schemaRef,
  text,
  timestamp,
  operationBuilder,
} from '../openapi-common.js';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from '../openapi-common.js';

/** Headers on every answer, errors included (the rate limit runs before the key check). */
const everyAnswer = (retryAfter = false): OpenApiResponse['headers'] => ({
  [PP_REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' },
  ...rateLimitHeaderRefs(retryAfter),
});

const list = (item: string, description: string): JsonSchema =>
  closedObject(description, {
    data: {
      type: 'array',
      items: schemaRef(item),
      description: 'This page, oldest first (`created_at`, then `id`).',
    },
    has_more: { type: 'boolean', description: 'Whether another page follows.' },
    next_cursor: nullable(text('Pass as `cursor` for the next page; null on the last page. Opaque.')),
    total_count: {
      type: 'integer',
      minimum: 0,
      description: 'Everything that matches the filters, across pages.',
    },
  });

const money = (description: string): JsonSchema => ({ ...schemaRef('Money'), description });

const schemas: Record<string, JsonSchema> = {
  Money: closedObject(
    'An amount in the currency’s minor unit: `{ amount: 10000, currency: "DKK" }` is DKK 100.00.',
    {
      amount: { type: 'integer', description: 'Minor units (øre, cents).' },
      currency: text('ISO 4217, upper case.', { pattern: '^[A-Z]{3}$' }),
    },
  ),
  Ping: closedObject('Liveness answer.', {
    ok: { const: true, description: 'Always true.' },
    time: timestamp('The vendor clock.'),
  }),
  Partner: closedObject('A partner record.', {
    id: text('`ptn_` + 26-character ULID.', { pattern: '^ptn_[0-9A-Z]{26}$' }),
    external_id: text("The caller's own key for the partner: unique, immutable."),
    name: text('Display name.'),
    email: nullable(text('Contact email.')),
    phone: nullable(text('Contact phone, as sent.')),
    created_at: timestamp('When the partner was created.'),
    updated_at: timestamp('When the partner last changed.'),
  }),
  PartnerList: list('Partner', 'A page of partners.'),
  CreatePartnerRequest: {
    type: 'object',
    description: 'A new partner. A null email or phone counts as absent.',
    required: ['external_id', 'name'],
    properties: {
      external_id: text('Your own key: unique, immutable, `[A-Za-z0-9._-]{1,64}`.', {
        pattern: '^[A-Za-z0-9._-]{1,64}$',
      }),
      name: text('Display name.', { minLength: 1 }),
      email: nullable(text('Contact email.', { format: 'email' })),
      phone: nullable(text('Contact phone.')),
    },
  },
  UpdatePartnerRequest: {
    type: 'object',
    description: 'Changes to a partner: omitted fields stay, an explicit null clears email or phone.',
    properties: {
      name: text('Display name.', { minLength: 1 }),
      email: nullable(text('Contact email.', { format: 'email' })),
      phone: nullable(text('Contact phone.')),
      external_id: text('May be sent only with its current value.'),
    },
  },
  Product: closedObject('A catalogue product.', {
    id: text('`prd_` + 26-character ULID.', { pattern: '^prd_[0-9A-Z]{26}$' }),
    sku: text('Unique; for tickets, the Channel Manager item number.'),
    name: text('Product name.'),
    description: text('Product description.'),
    price: money('Base unit price, VAT included.'),
    min_quantity: {
      type: 'integer',
      minimum: 1,
      description: 'The least quantity one order line may carry.',
    },
    active: { type: 'boolean', description: 'Inactive products are listed but cannot be ordered.' },
    created_at: timestamp('When the product was created.'),
    updated_at: timestamp('When the product last changed.'),
  }),
  ProductList: list('Product', 'A page of products.'),
  PriceTier: closedObject('A volume price: from `min_quantity` units on, each unit costs `unit_price`.', {
    min_quantity: { type: 'integer', minimum: 1, description: 'Units from which the tier applies.' },
    unit_price: { type: 'integer', description: 'Minor units per unit.' },
  }),
  Pricing: closedObject(
    'The price an order line for an active product will be charged.',
    {
      product_id: text('The product.'),
      sku: text('The product’s sku.'),
      currency: text('ISO 4217.'),
      unit_price: { type: 'integer', description: 'Minor units; the product’s `price.amount`.' },
      tiers: {
        type: 'array',
        items: schemaRef('PriceTier'),
        description: 'Ascending; the highest tier whose `min_quantity` ≤ quantity applies. Absent when none.',
      },
    },
    ['product_id', 'sku', 'currency', 'unit_price'],
  ),
  PricingList: list('Pricing', 'A page of prices.'),
  OrderStatus: {
    type: 'string',
    enum: [...PP_ORDER_STATUSES],
    description: 'pending → processing → shipped → delivered, or cancelled from pending or processing.',
  },
  OrderLineRequest: {
    type: 'object',
    description: 'One line of a new order.',
    required: ['product_id', 'quantity'],
    properties: {
      product_id: text('An active product.'),
      quantity: {
        type: 'integer',
        minimum: 1,
        maximum: 10000,
        description: "At least the product's min_quantity.",
      },
    },
  },
  CreateOrderRequest: {
    type: 'object',
    description: 'A new order, pushed for fulfilment tracking. `external_reference` is unique per partner.',
    required: ['partner_id', 'external_reference', 'lines'],
    properties: {
      partner_id: text('The partner ordering.'),
      external_reference: text('Your own order reference, unique per partner.', { minLength: 1 }),
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: schemaRef('OrderLineRequest'),
        description: 'Lines.',
      },
    },
  },
  UpdateOrderRequest: {
    type: 'object',
    description: 'A status change (forward only; cancelled from pending or processing).',
    required: ['status'],
    properties: { status: schemaRef('OrderStatus') },
  },
  OrderLine: closedObject('A line as priced at creation.', {
    product_id: text('The product.'),
    sku: text('The product’s sku.'),
    name: text('The product’s name.'),
    quantity: { type: 'integer', minimum: 1, description: 'Units.' },
    unit_price: money('Unit price after volume tiers.'),
    line_total: money('unit_price × quantity.'),
  }),
  Order: closedObject('An order pushed to the portal.', {
    id: text('`ord_` + 26-character ULID.', { pattern: '^ord_[0-9A-Z]{26}$' }),
    partner_id: text('The partner.'),
    external_reference: text("The partner's own order reference."),
    status: schemaRef('OrderStatus'),
    lines: { type: 'array', items: schemaRef('OrderLine'), description: 'Order lines.' },
    total: money('Sum of the line totals.'),
    created_at: timestamp('When the order was created.'),
    updated_at: timestamp('When the order last changed.'),
  }),
  OrderList: list('Order', 'A page of orders.'),
  FieldError: closedObject('One problem with the request.', {
    field: text('JSON path in the body (`lines[0].quantity`), a query parameter or a header.'),
    message: text('What is wrong with it.'),
  }),
  Error: closedObject('Every error answer.', {
    error: closedObject(
      'The error.',
      {
        code: {
          type: 'string',
          enum: [
            'validation_error',
            'unauthorized',
            'forbidden',
            'not_found',
            'conflict',
            'rate_limited',
            'internal_error',
          ] satisfies PpErrorCode[],
          description:
            'validation_error 400, unauthorized 401, forbidden 403, not_found 404, conflict 409, rate_limited 429, internal_error 500.',
        },
        message: text('`<field> <problem>` for validation errors.'),
        request_id: text('`req_` + ULID; also in the `request-id` header.'),
        field: text('validation_error: the first offending field; conflict: the field that collides.'),
        details: {
          type: 'array',
          items: schemaRef('FieldError'),
          description: 'validation_error: every problem.',
        },
        existing_id: text('conflict on create: the resource that already holds the unique value.'),
        current_status: schemaRef('OrderStatus'),
      },
      ['code', 'message', 'request_id'],
    ),
  }),
};

const error = (description: string, retryAfter = false): OpenApiResponse =>
  jsonResponse(description, schemaRef('Error'), everyAnswer(retryAfter));

const responses: Record<string, OpenApiResponse> = {
  ValidationError: error(
    'validation_error: a body field, query parameter or header breaks a rule; `details` lists all.',
  ),
  Unauthorized: error('unauthorized: the Bearer key is missing or wrong.'),
  Forbidden: error('forbidden: the key may not make this call.'),
  NotFound: error('not_found: no such resource.'),
  Conflict: error(
    'conflict: a unique value is taken (`existing_id`), or the status change is not allowed (`current_status`).',
  ),
  RateLimited: error(
    'rate_limited: the per-key budget of this minute is spent; retry after `retry-after` seconds.',
    true,
  ),
  InternalError: error('internal_error: retry safely.'),
};

const ERROR_RESPONSE: Record<string, string> = {
  '400': 'ValidationError',
  '404': 'NotFound',
  '409': 'Conflict',
};

const operation = operationBuilder(ERROR_RESPONSE, 'InternalError', {
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '429': 'RateLimited',
  '500': 'InternalError',
});

const ok = (description: string, schema: string): OpenApiResponse =>
  jsonResponse(description, schemaRef(schema), everyAnswer());
const body = (schema: string, description: string): OpenApiOperation['requestBody'] => ({
  required: true,
  description,
  content: { 'application/json': { schema: schemaRef(schema) } },
});
const id = (what: string, prefix: string): OpenApiParameter =>
  pathParam('id', `${what} id (\`${prefix}_…\`).`);
const csv = (name: string, what: string): OpenApiParameter =>
  queryParam(
    name,
    `Comma-separated ${what}, at most ${PP_MAX_FILTER_VALUES}; unknown ones are simply absent.`,
    {
      type: 'string',
    },
  );
const paging: OpenApiParameter[] = [
  queryParam(
    'limit',
    `Page size, 1–${PP_MAX_LIMIT}; default ${PP_DEFAULT_LIMIT} (${PP_MAX_LIMIT} when an id or sku filter is given).`,
    { type: 'integer', minimum: 1, maximum: PP_MAX_LIMIT },
  ),
  queryParam('cursor', '`next_cursor` of the previous page.', { type: 'string' }),
];

export function partnerPortalOpenApi(origin: string): OpenApiDocument {
  return prefixSchemaNames('Pp', {
    openapi: '3.1.0',
    info: {
      title: 'PartnerPortal (sandbox)',
      version: '1.0.0',
      description:
        'Partners, the orders pushed for fulfilment tracking, and the catalogue with its pricing. Authenticate with ' +
        '`Authorization: Bearer <API key>`. Lists page with `limit` and an opaque `cursor`. Choices the vendor ' +
        'document leaves open are in src/vendors/partnerportal/README.md.',
    },
    servers: [{ url: `${origin}${PP_BASE_PATH}`, description: 'This sandbox.' }],
    tags: [
      { name: 'Service', description: 'Liveness.' },
      { name: 'Partners', description: 'Partner records.' },
      { name: 'Catalogue', description: 'Products and pricing.' },
      { name: 'Orders', description: 'Orders and their fulfilment status.' },
    ],
    security: [{ bearer: [] }],
    paths: {
      '/ping': {
        get: operation(
          'ping',
          'Service',
          'Check the API',
          'Answers `ok` and the vendor clock; checks the key too.',
          { '200': ok('Alive.', 'Ping') },
          [],
        ),
      },
      '/partners': {
        get: operation(
          'listPartners',
          'Partners',
          'List partners',
          'Partners, oldest first; filters combine with AND.',
          { '200': ok('A page of partners.', 'PartnerList') },
          ['400'],
          {
            parameters: [
              queryParam('external_id', 'Exact, case-sensitive match on your own key.', { type: 'string' }),
              csv('ids', 'partner ids'),
              ...paging,
            ],
          },
        ),
        post: operation(
          'createPartner',
          'Partners',
          'Create a partner',
          'Creates a partner; a taken `external_id` answers 409 with `existing_id`.',
          { '201': ok('The new partner.', 'Partner') },
          ['400', '409'],
          { requestBody: body('CreatePartnerRequest', 'The partner.') },
        ),
      },
      '/partners/{id}': {
        get: operation(
          'getPartner',
          'Partners',
          'Get a partner',
          'One partner by its `ptn_` id; 404 when there is none.',
          { '200': ok('The partner.', 'Partner') },
          ['404'],
          {
            parameters: [id('Partner', 'ptn')],
          },
        ),
        patch: operation(
          'updatePartner',
          'Partners',
          'Update a partner',
          'Changes name, email or phone; omitted fields stay, null clears email or phone.',
          { '200': ok('The partner as it is now.', 'Partner') },
          ['400', '404'],
          { parameters: [id('Partner', 'ptn')], requestBody: body('UpdatePartnerRequest', 'The changes.') },
        ),
      },
      '/products': {
        get: operation(
          'listProducts',
          'Catalogue',
          'List products',
          'Catalogue products, inactive ones included unless filtered.',
          { '200': ok('A page of products.', 'ProductList') },
          ['400'],
          {
            parameters: [
              csv('ids', 'product ids'),
              csv('skus', 'skus'),
              queryParam('active', 'Only active (`true`) or inactive (`false`) products.', {
                type: 'string',
                enum: ['true', 'false'],
              }),
              ...paging,
            ],
          },
        ),
      },
      '/products/{id}': {
        get: operation(
          'getProduct',
          'Catalogue',
          'Get a product',
          'One product by its `prd_` id, active or not; 404 when there is none.',
          { '200': ok('The product.', 'Product') },
          ['404'],
          {
            parameters: [id('Product', 'prd')],
          },
        ),
      },
      '/pricing': {
        get: operation(
          'listPricing',
          'Catalogue',
          'List prices',
          'What an order line will be charged, with volume tiers; active products only.',
          { '200': ok('A page of prices.', 'PricingList') },
          ['400'],
          { parameters: [csv('product_ids', 'product ids'), csv('skus', 'skus'), ...paging] },
        ),
      },
      '/orders': {
        get: operation(
          'listPortalOrders',
          'Orders',
          'List orders',
          'Orders, oldest first; filters combine with AND.',
          { '200': ok('A page of orders.', 'OrderList') },
          ['400'],
          {
            parameters: [
              queryParam('partner_id', 'Only this partner’s orders.', { type: 'string' }),
              queryParam('status', 'Only orders in this status.', schemaRef('OrderStatus')),
              queryParam('external_reference', 'Exact match on your own order reference.', {
                type: 'string',
              }),
              csv('ids', 'order ids'),
              ...paging,
            ],
          },
        ),
        post: operation(
          'createPortalOrder',
          'Orders',
          'Create an order',
          'Creates a pending order priced from the catalogue; a taken `external_reference` (per partner) answers 409.',
          { '201': ok('The new order.', 'Order') },
          ['400', '404', '409'],
          { requestBody: body('CreateOrderRequest', 'The order.') },
        ),
      },
      '/orders/{id}': {
        get: operation(
          'getPortalOrder',
          'Orders',
          'Get an order',
          'One order by its `ord_` id, with its priced lines; 404 when there is none.',
          { '200': ok('The order.', 'Order') },
          ['404'],
          {
            parameters: [id('Order', 'ord')],
          },
        ),
        patch: operation(
          'updatePortalOrder',
          'Orders',
          'Change an order’s status',
          'Moves the status forward, or cancels a pending or processing order; otherwise 409 with `current_status`.',
          { '200': ok('The order as it is now.', 'Order') },
          ['400', '404', '409'],
          { parameters: [id('Order', 'ord')], requestBody: body('UpdateOrderRequest', 'The new status.') },
        ),
      },
    },
    components: {
      schemas,
      responses,
      headers: {
        ...RATE_LIMIT_HEADERS,
        RequestId: {
          description: `\`req_\` + ULID, fresh per request; equals \`error.request_id\`. A client's \`${PP_CLIENT_REQUEST_ID_HEADER}\` is echoed besides.`,
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The partner API key.' },
      },
    },
  });
}
