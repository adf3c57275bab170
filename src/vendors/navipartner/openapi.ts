/**
 * The Channel Manager contract (`contract.ts`, README.md) as an OpenAPI 3.1 document, served by the sandbox at
 * `GET /openapi.json`. `test/vendors/openapi.test.ts` holds it to the sandbox's routes and real answers.
 */
import { CM_API_KEY_HEADER, CM_ORDER_STATUSES } from './contract.js';
import {
  closedObject,
  jsonResponse,
  prefixSchemaNames,
  pathParam,
  queryParam,
  responseRef,
  schemaRef,
  text,
  operationBuilder,
} from '../openapi-common.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiResponse } from '../openapi-common.js';

/** The scope a sandbox serves; the server URL is `<origin>/<tenant>/<environment>/<company>`, each encoded once. */
export interface ChannelManagerOpenApiScope {
  tenant: string;
  environment: string;
  company: string;
}

const TAG = 'Orders';

const schemas: Record<string, JsonSchema> = {
  OrderStatus: {
    type: 'string',
    enum: [...CM_ORDER_STATUSES],
    description:
      'Draft (no payment yet), Issued (wallets and tickets exist), Error (issuance failed), Cancelled.',
  },
  WalletHoldersRequest: {
    type: 'object',
    description: 'Ticket holders of one line: each list, when given, has exactly `quantity` entries.',
    properties: {
      names: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'One name per wallet.' },
      externalReferenceNumbers: {
        type: 'array',
        items: { type: 'string' },
        description: "The partner's own reference for each wallet.",
      },
    },
  },
  OrderItemRequest: {
    type: 'object',
    description: 'One order line: an item booked for a visit date and time, one wallet per ticket holder.',
    required: ['itemNumber', 'visitDate', 'visitTime', 'quantity'],
    properties: {
      itemNumber: text('Catalogue item number (e.g. `31001`); an unknown item fails at issuance.', {
        minLength: 1,
      }),
      // A pattern rather than `format: date`: GraphQL Mesh sends a `format: date` input as a full date-time.
      visitDate: text('Visit date, `YYYY-MM-DD`.', { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      visitTime: text('Visit time of day, `HH:MM:SS`, within the item’s bookable hours.', {
        pattern: '^([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d$',
      }),
      quantity: {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        description: 'Tickets (and wallets) on this line.',
      },
      wallet: schemaRef('WalletHoldersRequest'),
    },
  },
  OrderRequest: {
    type: 'object',
    description:
      'createOrder and replaceOrder body. With `paymentReference` the order is issued at once; without it, it stays Draft. ' +
      'On replace, `partnerId` and `sellToOrderReference` must equal the stored ones and an omitted `paymentReference` keeps the stored one.',
    required: ['partnerId', 'sellToOrderReference', 'items'],
    properties: {
      partnerId: text('The channel partner the order belongs to.', { minLength: 1, maxLength: 100 }),
      sellToOrderReference: text("The partner's own order reference, unique per partner.", {
        minLength: 1,
        maxLength: 50,
      }),
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: schemaRef('OrderItemRequest'),
        description: 'Order lines.',
      },
      sellToEmail: text('Buyer email.', { format: 'email' }),
      sellToName: text('Buyer name.'),
      sellToLanguage: text('Three-letter upper-case language code, e.g. `ENU`.', { pattern: '^[A-Z]{3}$' }),
      paymentReference: text('Payment reference; when present the order is issued.', { minLength: 1 }),
    },
  },
  ConfirmRequest: {
    type: 'object',
    description: 'confirmOrder body.',
    required: ['paymentReference'],
    properties: { paymentReference: text('Payment reference of the settled payment.', { minLength: 1 }) },
  },
  Asset: closedObject('One ticket in a wallet.', {
    id: text('Asset line id.'),
    type: text('Asset type, `ticket`.'),
    assetId: text('Ticket id.'),
    referenceNumber: text('Ticket reference number printed on the ticket, e.g. `ATF-BIL010665L-3`.'),
    itemNumber: text('Catalogue item number of the ticket.'),
  }),
  Wallet: closedObject(
    'One ticket holder’s wallet.',
    {
      seqNo: { type: 'integer', description: 'Position of the wallet within its line, from 1.' },
      assets: { type: 'array', items: schemaRef('Asset'), description: 'Tickets in the wallet.' },
      walletId: text('Wallet id.'),
      walletReferenceNumber: text('18-digit wallet reference number.'),
      externalReferenceNumber: text("The partner's own reference for the holder."),
      name: text('Holder name.'),
      issuedAt: text('When the wallet was issued.', { format: 'date-time' }),
      unitPriceExclVat: { type: 'number', description: 'Unit price excluding VAT.' },
      unitPriceInclVat: { type: 'number', description: 'Unit price including VAT.' },
      currencyCode: text('ISO 4217 currency code.'),
      manifestUrl: text('URL of the wallet’s PDF manifest.', { format: 'uri' }),
    },
    [
      'seqNo',
      'assets',
      'walletId',
      'walletReferenceNumber',
      'issuedAt',
      'unitPriceExclVat',
      'unitPriceInclVat',
      'currencyCode',
      'manifestUrl',
    ],
  ),
  OrderItem: closedObject(
    'One order line with its wallets (none until issued).',
    {
      lineNo: { type: 'integer', description: 'Line number: 10000, 20000, …' },
      itemNumber: text('Catalogue item number.'),
      isPackage: { type: 'boolean', description: 'Whether the item is a package.' },
      quantity: { type: 'integer', description: 'Tickets on the line.' },
      visitDate: text('Visit date.', { format: 'date' }),
      visitTime: text('Visit time, `HH:MM:SS`.'),
      wallets: { type: 'array', items: schemaRef('Wallet'), description: 'One wallet per ticket holder.' },
      sellToName: text('Buyer name, copied from the order.'),
      sellToEmail: text('Buyer email, copied from the order.'),
      sellToLanguage: text('Buyer language, copied from the order.'),
    },
    ['lineNo', 'itemNumber', 'isPackage', 'quantity', 'visitDate', 'visitTime', 'wallets'],
  ),
  Order: closedObject(
    'A ticket order with its lines, wallets and tickets.',
    {
      orderId: text('Order id (UUID).', { format: 'uuid' }),
      status: schemaRef('OrderStatus'),
      statusMessage: text('Why issuance failed; empty unless the status is Error.'),
      partnerId: text('The channel partner.'),
      sellToOrderReference: text("The partner's own order reference."),
      receivedAt: text('When the order was received.', { format: 'date-time' }),
      items: { type: 'array', items: schemaRef('OrderItem'), description: 'Order lines.' },
      sellToEmail: text('Buyer email.'),
      sellToName: text('Buyer name.'),
      sellToLanguage: text('Buyer language.'),
      paymentReference: text('Payment reference.'),
      jobId: text('Ticket import job, `TM-IMPORT-NNNNNN`, once issued.'),
      manifestUrl: text('URL of the order’s PDF manifest while issued.', { format: 'uri' }),
    },
    ['orderId', 'status', 'statusMessage', 'partnerId', 'sellToOrderReference', 'receivedAt', 'items'],
  ),
  OrderSummary: closedObject(
    'A compact order, as listOrdersByPartner answers it (no lines).',
    {
      orderId: text('Order id (UUID).', { format: 'uuid' }),
      partnerId: text('The channel partner.'),
      sellToOrderReference: text("The partner's own order reference."),
      status: schemaRef('OrderStatus'),
      receivedAt: text('When the order was received.', { format: 'date-time' }),
      sellToEmail: text('Buyer email.'),
      sellToName: text('Buyer name.'),
      sellToLanguage: text('Buyer language.'),
      paymentReference: text('Payment reference.'),
      statusMessage: text('Why issuance failed; empty string when there is none.'),
      jobId: text('Ticket import job, once issued.'),
      manifestUrl: text('URL of the order’s PDF manifest.', { format: 'uri' }),
    },
    ['orderId', 'partnerId', 'sellToOrderReference', 'status', 'receivedAt', 'statusMessage'],
  ),
  FieldError: closedObject('One problem with the request.', {
    field: text('JSON path of the offending field (`items[0].visitDate`), a query parameter, or `body`.'),
    message: text('What is wrong with it.'),
  }),
  Error: closedObject(
    'Every error answer.',
    {
      error: closedObject(
        'The error.',
        {
          code: {
            type: 'string',
            enum: [
              'VALIDATION',
              'UNAUTHORIZED',
              'NOT_FOUND',
              'DUPLICATE_ORDER',
              'INVALID_STATE',
              'ISSUANCE_FAILED',
              'INTERNAL',
            ],
            description:
              'VALIDATION 400, UNAUTHORIZED 401, NOT_FOUND 404, DUPLICATE_ORDER 409, INVALID_STATE 409, ISSUANCE_FAILED 422, INTERNAL 500.',
          },
          message: text('Human-readable; branch on `code`.'),
          details: {
            type: 'array',
            items: schemaRef('FieldError'),
            description: 'VALIDATION: every problem found.',
          },
          orderId: text(
            'DUPLICATE_ORDER: the existing order; ISSUANCE_FAILED and INVALID_STATE: the order concerned.',
          ),
          status: schemaRef('OrderStatus'),
        },
        ['code', 'message'],
      ),
    },
    ['error'],
  ),
};

const error = (description: string): OpenApiResponse => jsonResponse(description, schemaRef('Error'));

const responses: Record<string, OpenApiResponse> = {
  Validation: error('VALIDATION: the body or a parameter breaks a rule; `details` names every field.'),
  Unauthorized: error('UNAUTHORIZED: the `x-np-api-key` header is missing or wrong.'),
  NotFound: error('NOT_FOUND: no such order (or tenant, environment, company).'),
  Conflict: error('DUPLICATE_ORDER (the reference is taken: `orderId` names the order) or INVALID_STATE.'),
  IssuanceFailed: error(
    'ISSUANCE_FAILED: the order is kept with status Error; `message` is its statusMessage.',
  ),
  Internal: error('INTERNAL: unexpected failure; safe to retry reads.'),
};

const orderId = pathParam('orderId', 'Order id (UUID).');
const orderBody = (description: string): OpenApiOperation['requestBody'] => ({
  required: true,
  description,
  content: { 'application/json': { schema: schemaRef('OrderRequest') } },
});

const ERROR_RESPONSE: Record<string, string> = {
  '400': 'Validation',
  '401': 'Unauthorized',
  '404': 'NotFound',
  '409': 'Conflict',
  '422': 'IssuanceFailed',
};

const channelManagerOperation = operationBuilder(ERROR_RESPONSE, 'Internal', { '500': 'Internal' });
const operation = (
  operationId: string,
  summary: string,
  description: string,
  success: Record<string, OpenApiResponse>,
  errors: string[],
  rest: Partial<OpenApiOperation> = {},
): OpenApiOperation => channelManagerOperation(operationId, TAG, summary, description, success, errors, rest);

const manifest = (operationId: string, summary: string, param: string, what: string): OpenApiOperation => ({
  operationId,
  summary,
  description: `A one-page PDF listing ${what}. A shareable link: no key needed.`,
  tags: ['Manifests'],
  security: [],
  parameters: [pathParam(param, `${param === 'orderId' ? 'Order' : 'Wallet'} id (UUID).`)],
  responses: {
    '200': {
      description: 'The manifest.',
      content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
    },
    '404': responseRef('NotFound'),
  },
});

/** The document, with its server at `<origin>/<tenant>/<environment>/<company>` (the company encoded once more). */
export function channelManagerOpenApi(origin: string, scope: ChannelManagerOpenApiScope): OpenApiDocument {
  const base = [scope.tenant, scope.environment, scope.company]
    .map((part) => encodeURIComponent(part))
    .join('/');
  const atOrigin = [
    { url: origin, description: 'Manifests hang off the origin, outside the company scope.' },
  ];
  return prefixSchemaNames('Cm', {
    openapi: '3.1.0',
    info: {
      title: 'NaviPartner Channel Manager (sandbox)',
      version: '1.0.0',
      description:
        'Ticket orders: createOrder issues synchronously (with a paymentReference) or keeps a Draft; confirmOrder, ' +
        'replaceOrder and DELETE move it through Draft, Issued, Error and Cancelled. Authenticate with the ' +
        '`x-np-api-key` header. Choices the vendor document leaves open are in src/vendors/navipartner/README.md.',
    },
    servers: [
      {
        url: `${origin}/${base}`,
        description: 'This sandbox, scoped to its tenant, environment and company.',
      },
    ],
    tags: [
      { name: TAG, description: 'Ticket orders and their wallets.' },
      { name: 'Manifests', description: 'PDF manifests of issued orders and wallets.' },
    ],
    security: [{ apiKey: [] }],
    paths: {
      '/channelManager': {
        post: operation(
          'createOrder',
          'Create a ticket order',
          'Creates an order. With `paymentReference` it is issued at once (201 Issued, or 422 with the order kept as ' +
            'Error); without, it is a Draft. `partnerId` + `sellToOrderReference` is unique: a repeat answers 409 ' +
            'DUPLICATE_ORDER naming the existing order.',
          { '201': jsonResponse('The order, Issued or Draft.', schemaRef('Order')) },
          ['400', '401', '404', '409', '422'],
          { requestBody: orderBody('The order.') },
        ),
      },
      '/channelManager/orders/{partnerId}': {
        get: operation(
          'listOrdersByPartner',
          "List a partner's orders",
          'Compact summaries of every order of the partner (removed Drafts and Errors excepted), by `receivedAt` ' +
            'then `orderId`; filters combine with AND. No pagination. An unknown partner answers `[]`.',
          {
            '200': jsonResponse('The summaries.', { type: 'array', items: schemaRef('OrderSummary') }),
          },
          ['400', '401', '404'],
          {
            parameters: [
              pathParam('partnerId', 'The channel partner.'),
              queryParam('status', 'Only orders in this status.', schemaRef('OrderStatus')),
              queryParam('sellToOrderReference', 'Only the order with this reference (exact).', {
                type: 'string',
              }),
              queryParam('receivedAtFrom', 'Received at or after (ISO-8601 with zone).', {
                type: 'string',
                format: 'date-time',
              }),
              queryParam('receivedAtTo', 'Received at or before (ISO-8601 with zone).', {
                type: 'string',
                format: 'date-time',
              }),
            ],
          },
        ),
      },
      '/channelManager/{orderId}': {
        get: operation(
          'getOrder',
          'Get a ticket order',
          'The full order with lines, wallets and tickets.',
          { '200': jsonResponse('The order.', schemaRef('Order')) },
          ['401', '404'],
          { parameters: [orderId] },
        ),
        put: operation(
          'replaceOrder',
          'Replace a Draft or Error order',
          'Replaces header fields and lines (not merged); wallets are destroyed. With a payment reference (sent or ' +
            'kept) the order is issued again, otherwise it returns to Draft. Issued and Cancelled orders answer 409.',
          { '200': jsonResponse('The replaced order.', schemaRef('Order')) },
          ['400', '401', '404', '409', '422'],
          { parameters: [orderId], requestBody: orderBody('The whole order as it should be.') },
        ),
        delete: operation(
          'deleteOrder',
          'Cancel or remove an order',
          'An Issued order is cancelled (wallets torn down, 200 with the order); a Cancelled one answers 200 ' +
            'unchanged; a Draft or Error order is removed (204) and its reference becomes free.',
          {
            '200': jsonResponse('The cancelled order.', schemaRef('Order')),
            '204': { description: 'The Draft or Error order was removed.' },
          },
          ['401', '404'],
          { parameters: [orderId] },
        ),
      },
      '/channelManager/{orderId}/confirm': {
        post: operation(
          'confirmOrder',
          'Confirm a Draft order',
          'Stores the payment reference and issues a Draft (200, or 422 with the order now in Error). On an Issued ' +
            'order a no-op; Error and Cancelled orders answer 409 INVALID_STATE.',
          { '200': jsonResponse('The order.', schemaRef('Order')) },
          ['400', '401', '404', '409', '422'],
          {
            parameters: [orderId],
            requestBody: {
              required: true,
              description: 'The payment reference.',
              content: { 'application/json': { schema: schemaRef('ConfirmRequest') } },
            },
          },
        ),
      },
      '/manifests/orders/{orderId}/manifest.pdf': {
        servers: atOrigin,
        get: manifest('getOrderManifest', "An issued order's PDF manifest", 'orderId', "the order's tickets"),
      },
      '/manifests/wallets/{walletId}/manifest.pdf': {
        servers: atOrigin,
        get: manifest('getWalletManifest', "A wallet's PDF manifest", 'walletId', "the wallet's ticket"),
      },
    },
    components: {
      schemas,
      responses,
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: CM_API_KEY_HEADER,
          description: 'The partner API key.',
        },
      },
    },
  });
}
