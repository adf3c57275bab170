/**
 * The NFC Tagify contract (`contract.ts`, README.md) as an OpenAPI 3.1 document, served by the sandbox at
 * `GET /openapi.json`. `test/vendors/openapi.test.ts` holds it to the sandbox's routes and real answers.
 */
import {
  NT_BASE_PATH,
  NT_DEFAULT_PER_PAGE,
  NT_MAX_PER_PAGE,
  NT_MAX_QUANTITY,
  NT_ORDER_STATUSES,
} from './contract.js';
import type { NtErrorCode } from './contract.js';
import {
  closedObject,
  jsonResponse,
  prefixSchemaNames,
  nullable,
  pathParam,
  queryParam,
  RATE_LIMIT_HEADERS,
  rateLimitHeaderRefs,
  responseRef,
  schemaRef,
  text,
  timestamp,
  operationBuilder,
} from '../openapi-common.js';
import type { JsonSchema, OpenApiDocument, OpenApiResponse } from '../openapi-common.js';

/** `{ success: true, data }`, with `meta` on the paginated list. */
const envelope = (description: string, data: JsonSchema, meta = false): JsonSchema =>
  closedObject(description, {
    success: { const: true, description: 'Always true on success.' },
    data,
    ...(meta ? { meta: schemaRef('PaginationMeta') } : {}),
  });

const schemas: Record<string, JsonSchema> = {
  OrderStatus: {
    type: 'string',
    enum: [...NT_ORDER_STATUSES],
    description: 'pending → processing → dispatched → delivered; cancelled is final.',
  },
  Product: closedObject('A card product, priced for the calling account.', {
    product_id: text('Product id.'),
    name: text('Product name.'),
    description: text('Product description.'),
    price: {
      type: 'number',
      description: 'Unit price for the calling account: its override, else the standard price.',
    },
    currency: text('ISO 4217, e.g. `GBP`.'),
    min_quantity: { type: 'integer', minimum: 1, description: 'Smallest quantity an order may have.' },
  }),
  Price: closedObject('The price schedule entry of one product for the calling account.', {
    product_id: text('Product id.'),
    currency: text('ISO 4217.'),
    standard_price: { type: 'number', description: 'The published price.' },
    price: { type: 'number', description: 'What the calling account pays per unit.' },
    override: { type: 'boolean', description: 'Whether `price` is an override configured for this account.' },
  }),
  ShippingInput: {
    type: 'object',
    description: 'Where to ship the cards.',
    required: ['name', 'address_line1', 'city', 'postcode', 'country'],
    properties: {
      name: text('Recipient.', { minLength: 1 }),
      address_line1: text('First address line.', { minLength: 1 }),
      address_line2: nullable(text('Second address line; null counts as absent.')),
      city: text('City.', { minLength: 1 }),
      postcode: text('Postcode.', { minLength: 1 }),
      country: text('ISO 3166-1 alpha-2, upper case (`GB`).', { pattern: '^[A-Z]{2}$' }),
    },
  },
  Shipping: closedObject('The shipping address of an order.', {
    name: text('Recipient.'),
    address_line1: text('First address line.'),
    address_line2: nullable(text('Second address line, null when not given.')),
    city: text('City.'),
    postcode: text('Postcode.'),
    country: text('ISO 3166-1 alpha-2.'),
  }),
  CreateOrderRequest: {
    type: 'object',
    description: 'A card order.',
    required: ['product_id', 'quantity', 'customer_reference', 'shipping'],
    properties: {
      product_id: text('The product.'),
      quantity: {
        type: 'integer',
        minimum: 1,
        maximum: NT_MAX_QUANTITY,
        description: "At least the product's min_quantity.",
      },
      customer_reference: text('Your own reference, 1–100 characters; not required to be unique.', {
        minLength: 1,
        maxLength: 100,
      }),
      shipping: schemaRef('ShippingInput'),
    },
  },
  CreatedOrder: closedObject('The order as created.', {
    order_id: text('Order id.'),
    status: schemaRef('OrderStatus'),
    created_at: timestamp('When the order was created (UTC, whole seconds).'),
  }),
  LineItem: closedObject('One line of an order; its status follows the order’s.', {
    line_id: text('Line id.'),
    product_id: text('Product id.'),
    name: text('Product name.'),
    quantity: { type: 'integer', minimum: 1, description: 'Cards.' },
    unit_price: { type: 'number', description: 'Price per card.' },
    status: schemaRef('OrderStatus'),
  }),
  Order: closedObject('A card order with its lines.', {
    order_id: text('Order id.'),
    status: schemaRef('OrderStatus'),
    customer_reference: text('Your own reference.'),
    product_id: text('The product.'),
    quantity: { type: 'integer', minimum: 1, description: 'Cards.' },
    shipping: schemaRef('Shipping'),
    created_at: timestamp('When the order was created.'),
    updated_at: timestamp('When the order last changed status.'),
    currency: text('ISO 4217.'),
    total: { type: 'number', description: 'Sum of unit_price × quantity over the lines.' },
    tracking_number: nullable(text('Carrier tracking number once dispatched.')),
    line_items: { type: 'array', items: schemaRef('LineItem'), description: 'Order lines.' },
  }),
  PaginationMeta: closedObject('Paging of `GET /orders`.', {
    page: { type: 'integer', minimum: 1, description: '1-based, as requested.' },
    per_page: { type: 'integer', minimum: 1, description: 'Page size.' },
    total: { type: 'integer', minimum: 0, description: 'Orders matching the filters, over all pages.' },
    total_pages: { type: 'integer', minimum: 0, description: '0 when nothing matches.' },
  }),
  FieldError: closedObject('One problem of a VALIDATION_ERROR.', {
    field: text('Dotted path of the body field (`shipping.postcode`) or the query parameter.'),
    message: text('What is wrong with it.'),
  }),
  Error: closedObject(
    'Every error answer.',
    {
      success: { const: false, description: 'Always false on errors.' },
      error: text('Human-readable; branch on `code`.'),
      code: {
        type: 'string',
        enum: [
          'VALIDATION_ERROR',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'RATE_LIMITED',
          'DAILY_ORDER_LIMIT',
          'SERVER_ERROR',
        ] satisfies NtErrorCode[],
        description:
          'VALIDATION_ERROR 400, UNAUTHORIZED 401, FORBIDDEN 403, NOT_FOUND 404, RATE_LIMITED and DAILY_ORDER_LIMIT 429, SERVER_ERROR 500.',
      },
      field: text('VALIDATION_ERROR: the first offending field.'),
      details: {
        type: 'array',
        items: schemaRef('FieldError'),
        description: 'VALIDATION_ERROR: every problem.',
      },
    },
    ['success', 'error', 'code'],
  ),
};

const error = (description: string, headers?: OpenApiResponse['headers']): OpenApiResponse =>
  jsonResponse(description, schemaRef('Error'), headers);

const responses: Record<string, OpenApiResponse> = {
  ValidationError: error(
    'VALIDATION_ERROR: a field or parameter breaks a rule; `details` lists all.',
    rateLimitHeaderRefs(),
  ),
  Unauthorized: error('UNAUTHORIZED: the Bearer key is missing or wrong.'),
  NotFound: error('NOT_FOUND: no such product or order for this account.', rateLimitHeaderRefs()),
  RateLimited: error(
    'RATE_LIMITED: the per-minute budget is spent; or DAILY_ORDER_LIMIT (create only): the daily order budget is spent.',
    rateLimitHeaderRefs(true),
  ),
  ServerError: error('SERVER_ERROR: retry reads safely.'),
};

const ERROR_RESPONSE: Record<string, string> = {
  '400': 'ValidationError',
  '404': 'NotFound',
};

const operation = operationBuilder(ERROR_RESPONSE, 'ServerError', {
  '401': 'Unauthorized',
  '429': 'RateLimited',
  '500': 'ServerError',
});

const ok = (description: string, schema: JsonSchema): OpenApiResponse =>
  jsonResponse(description, schema, rateLimitHeaderRefs());
const orderId = pathParam('order_id', 'Order id.');

export function nfcTagifyOpenApi(origin: string): OpenApiDocument {
  return prefixSchemaNames('Nt', {
    openapi: '3.1.0',
    info: {
      title: 'NFC Tagify Partner API (sandbox)',
      version: '1.0.0',
      description:
        'NFC card products with the partner’s prices, card orders and their fulfilment status. Authenticate with ' +
        '`Authorization: Bearer <API key>`. Every answer is `{ success, data }` or `{ success: false, error, code }`; ' +
        'authenticated answers carry rate-limit headers (60 requests a minute, 500 orders a day by default). ' +
        'Choices the vendor document leaves open are in src/vendors/nfctagify/README.md.',
    },
    servers: [{ url: `${origin}${NT_BASE_PATH}`, description: 'This sandbox.' }],
    tags: [
      { name: 'Products', description: 'Card products and pricing.' },
      { name: 'Orders', description: 'Card orders.' },
      { name: 'Sandbox', description: 'Test levers of the sandbox, not part of the vendor API.' },
    ],
    security: [{ bearer: [] }],
    paths: {
      '/products': {
        get: operation(
          'listCardProducts',
          'Products',
          'List products',
          'Every card product, priced for the calling account (its override where it has one).',
          {
            '200': ok(
              'The products.',
              envelope('The products.', { type: 'array', items: schemaRef('Product') }),
            ),
          },
          [],
        ),
      },
      '/products/{product_id}': {
        get: operation(
          'getCardProduct',
          'Products',
          'Get a product',
          'One card product, priced for the calling account; 404 NOT_FOUND when there is none.',
          { '200': ok('The product.', envelope('The product.', schemaRef('Product'))) },
          ['404'],
          { parameters: [pathParam('product_id', 'Product id.')] },
        ),
      },
      '/pricing': {
        get: operation(
          'getCardPricing',
          'Products',
          'Get the price schedule',
          'Standard and account prices of every product, with whether an override applies.',
          { '200': ok('The prices.', envelope('The prices.', { type: 'array', items: schemaRef('Price') })) },
          [],
        ),
      },
      '/orders': {
        post: operation(
          'createCardOrder',
          'Orders',
          'Create a card order',
          'Places a pending order. Not idempotent: `customer_reference` is not deduplicated. Counts against the ' +
            'daily order budget (429 DAILY_ORDER_LIMIT when spent).',
          {
            '201': {
              ...ok('The created order.', envelope('The created order.', schemaRef('CreatedOrder'))),
              headers: {
                ...rateLimitHeaderRefs(),
                location: { description: 'Path of the new order.', schema: { type: 'string' } },
              },
            },
          },
          ['400', '404'],
          {
            requestBody: {
              required: true,
              description: 'The order.',
              content: { 'application/json': { schema: schemaRef('CreateOrderRequest') } },
            },
          },
        ),
        get: operation(
          'listCardOrders',
          'Orders',
          'List card orders',
          "The account's orders, newest first, a page at a time; filters combine with AND.",
          {
            '200': ok(
              'A page of orders.',
              envelope('A page of orders.', { type: 'array', items: schemaRef('Order') }, true),
            ),
          },
          ['400'],
          {
            parameters: [
              queryParam('page', '1-based page; default 1. A page past the end answers `data: []`.', {
                type: 'integer',
                minimum: 1,
              }),
              queryParam(
                'per_page',
                `Page size, default ${NT_DEFAULT_PER_PAGE}, at most ${NT_MAX_PER_PAGE}.`,
                {
                  type: 'integer',
                  minimum: 1,
                  maximum: NT_MAX_PER_PAGE,
                },
              ),
              queryParam('status', 'Only orders in this status.', schemaRef('OrderStatus')),
              queryParam('from', 'Created on or after: `YYYY-MM-DD` (UTC day) or a date-time with zone.', {
                type: 'string',
              }),
              queryParam(
                'to',
                'Created on or before: `YYYY-MM-DD` (the whole UTC day) or a date-time with zone.',
                {
                  type: 'string',
                },
              ),
              queryParam('customer_reference', 'Exact match on your own reference.', { type: 'string' }),
            ],
          },
        ),
      },
      '/orders/{order_id}': {
        get: operation(
          'getCardOrder',
          'Orders',
          'Get a card order',
          'One of the account’s orders with its lines, status and tracking number; 404 for another account’s.',
          { '200': ok('The order.', envelope('The order.', schemaRef('Order'))) },
          ['404'],
          { parameters: [orderId] },
        ),
      },
      '/__sandbox/orders/{order_id}/cancel': {
        servers: [{ url: origin, description: 'Sandbox levers hang off the origin.' }],
        post: {
          operationId: 'sandboxCancelCardOrder',
          summary: 'Cancel an order (sandbox only)',
          description:
            'A test lever, not part of the vendor API and outside the rate limit: cancels a pending or processing ' +
            'order (a repeat answers it unchanged); a dispatched or delivered order answers 403 FORBIDDEN.',
          tags: ['Sandbox'],
          parameters: [orderId],
          responses: {
            '200': jsonResponse('The cancelled order.', envelope('The cancelled order.', schemaRef('Order'))),
            '401': responseRef('Unauthorized'),
            '403': error('FORBIDDEN: the order is already dispatched or delivered.'),
            '404': error('NOT_FOUND: no such order for this account.'),
            '500': responseRef('ServerError'),
          },
        },
      },
    },
    components: {
      schemas,
      responses,
      headers: RATE_LIMIT_HEADERS,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The partner API key.' },
      },
    },
  });
}
