/**
 * The Partner Orders contract (`contract.ts`, README.md) as an OpenAPI 3.1 document, served by the sandbox at
 * `GET /openapi.json`. `test/vendors/openapi.test.ts` holds it to the sandbox's routes and real answers.
 */
import {
  PO_MAX_EMAIL,
  PO_MAX_EXTERNAL_ID,
  PO_MAX_LINES,
  PO_MAX_NAME,
  PO_MAX_QUANTITY,
  PO_ORDER_PATH,
  PO_ORDER_STATUSES,
  PO_PLANS_PATH,
  PO_PREVIEW_PATH,
  PO_SCOPE_PREVIEW,
  PO_SCOPE_SUBMIT,
  PO_TOKEN_PATH,
} from './contract.js';
import type { PoErrorCode, PoTokenErrorCode } from './contract.js';
import {
  closedObject,
  jsonResponse,
  prefixSchemaNames,
  nullable,
  responseRef,
  schemaRef,
  text,
} from '../openapi-common.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiResponse } from '../openapi-common.js';

const minor = (description: string): JsonSchema => ({
  type: 'integer',
  description: `${description} (minor units).`,
});

const schemas: Record<string, JsonSchema> = {
  TokenRequest: {
    type: 'object',
    description:
      'Client-credentials grant (RFC 6749 §4.4). Authenticate with HTTP Basic or with client_id + client_secret here; never both.',
    required: ['grant_type'],
    properties: {
      grant_type: { const: 'client_credentials', description: 'Always `client_credentials`.' },
      scope: text('Space-separated scopes; omitted or empty grants every scope the client holds.'),
      client_id: text('Client id, when not sent with HTTP Basic.'),
      client_secret: text('Client secret, when not sent with HTTP Basic.'),
    },
  },
  TokenResponse: closedObject('An access token (RFC 6749 §5.1).', {
    access_token: text('Opaque bearer token.'),
    token_type: { const: 'Bearer', description: 'Always `Bearer`.' },
    expires_in: { type: 'integer', minimum: 1, description: 'Seconds until the token stops being accepted.' },
    scope: text('The scopes granted, space-separated.'),
  }),
  TokenError: closedObject(
    'A token endpoint error (RFC 6749 §5.2).',
    {
      error: {
        type: 'string',
        enum: [
          'invalid_request',
          'invalid_client',
          'unsupported_grant_type',
          'invalid_scope',
        ] satisfies PoTokenErrorCode[],
        description: 'invalid_client is 401 (with a Basic challenge); the others are 400.',
      },
      error_description: text('Human-readable; never echoes the secret.'),
    },
    ['error'],
  ),
  Interval: { type: 'string', enum: ['month', 'year'], description: 'Billing interval.' },
  Plan: closedObject('A subscription plan.', {
    plan_id: text('Plan id, as order lines name it.'),
    name: text('Plan name.'),
    description: text('Plan description.'),
    currency: text('ISO 4217, upper case.'),
    unit_amount: minor('Price per seat per interval, excluding tax'),
    interval: schemaRef('Interval'),
  }),
  PlanList: closedObject('The plan catalogue.', {
    plans: { type: 'array', items: schemaRef('Plan'), description: 'Every plan.' },
  }),
  Customer: {
    type: 'object',
    description: 'The customer; the same email (case-insensitive) always maps to the same `owner`.',
    required: ['email'],
    properties: {
      email: text('Customer email.', { format: 'email', maxLength: PO_MAX_EMAIL }),
      name: text('Customer name.', { maxLength: PO_MAX_NAME }),
    },
  },
  OrderLine: {
    type: 'object',
    description: 'Seats of one plan.',
    required: ['plan_id', 'quantity'],
    properties: {
      plan_id: text('A plan of `GET /partner/plans`.'),
      quantity: { type: 'integer', minimum: 1, maximum: PO_MAX_QUANTITY, description: 'Seats.' },
    },
  },
  OrderRequest: {
    type: 'object',
    description: 'The order, for submit and preview alike.',
    required: ['customer', 'lines'],
    properties: {
      external_id: text('Your own reference, echoed back; not deduplicated.', {
        maxLength: PO_MAX_EXTERNAL_ID,
      }),
      customer: schemaRef('Customer'),
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: PO_MAX_LINES,
        items: schemaRef('OrderLine'),
        description: 'Each plan at most once.',
      },
      currency: text('When given, must equal the currency of every plan ordered.'),
    },
  },
  SubmitResponse: closedObject('The submitted order.', {
    id: text('`order-` + 32 hex digits.'),
    order_reference: text('12 upper-case letters and digits.'),
    status: { type: 'string', enum: [...PO_ORDER_STATUSES], description: 'Processing status.' },
    external_id: nullable(text('As sent, or null.')),
    subscriptionReference: text('The new subscription, 12 upper-case letters and digits.'),
    owner: text('`id-` + 32 hex digits: the identity of the customer email.'),
  }),
  PreviewLineItem: closedObject('One priced line.', {
    plan_id: text('The plan.'),
    description: text('e.g. `2 × Team (at GBP 24.99 / month)`.'),
    quantity: { type: 'integer', minimum: 1, description: 'Seats.' },
    unit_amount: minor('Price per seat'),
    amount: minor('unit_amount × quantity, excluding tax'),
    tax: minor('VAT on amount'),
    interval: schemaRef('Interval'),
  }),
  BillingScheduleEntry: closedObject('One charge date of the first year.', {
    date: text('`YYYY-MM-DD`, UTC.', { format: 'date' }),
    amount: minor('Everything due that day, tax included'),
  }),
  PreviewResponse: closedObject('What the order would cost, as the billing provider prices it.', {
    billing_provider: { const: 'stripe', description: 'The billing plugin that priced it.' },
    currency: text('ISO 4217.'),
    subtotal: minor('The first invoice before tax'),
    tax: minor('Tax on the first invoice'),
    total: minor('Due today'),
    tax_rate: { type: 'number', description: 'Percentage applied to every line.' },
    line_items: { type: 'array', items: schemaRef('PreviewLineItem'), description: 'Priced lines.' },
    billing_schedule: {
      type: 'array',
      items: schemaRef('BillingScheduleEntry'),
      description: 'Charges over the next 12 months, by date.',
    },
  }),
  FieldError: closedObject('One problem with the order body.', {
    field: text('JSON path (`lines[1].quantity`, `customer.email`, `body`).'),
    message: text('What is wrong with it.'),
  }),
  Error: closedObject(
    'Every error of the API routes.',
    {
      error: {
        type: 'string',
        enum: [
          'invalid_payload',
          'invalid_request',
          'unauthorized',
          'invalid_token',
          'insufficient_scope',
          'not_found',
          'bad_gateway',
          'internal_error',
        ] satisfies PoErrorCode[],
        description:
          'invalid_payload/invalid_request 400, unauthorized/invalid_token 401, insufficient_scope 403, not_found 404, internal_error 500, bad_gateway 502.',
      },
      message: text('Human-readable; branch on `error`.'),
      details: {
        type: 'array',
        items: schemaRef('FieldError'),
        description: 'invalid_payload: every problem; not_found for an unknown plan: the line naming it.',
      },
    },
    ['error', 'message'],
  ),
};

const challenge = {
  'www-authenticate': {
    description: 'RFC 6750 Bearer challenge with the realm, and the error and scope where they apply.',
    schema: { type: 'string' },
  },
};
const error = (description: string, headers?: OpenApiResponse['headers']): OpenApiResponse =>
  jsonResponse(description, schemaRef('Error'), headers);

const responses: Record<string, OpenApiResponse> = {
  InvalidPayload: error(
    'invalid_payload: the body breaks a rule (`details` lists all); invalid_request: a malformed header.',
  ),
  Unauthorized: error(
    'unauthorized (no token) or invalid_token (unknown, revoked or expired): fetch a new token.',
    challenge,
  ),
  InsufficientScope: error('insufficient_scope: the token lacks the scope this call needs.', challenge),
  NotFound: error('not_found: a plan the order names does not exist.'),
  InternalError: error('internal_error.'),
  BadGateway: error('bad_gateway: the billing provider failed; nothing was created or charged. Retry.'),
};

function apiOperation(
  operationId: string,
  summary: string,
  description: string,
  scope: string | undefined,
  ok: OpenApiResponse,
  body: boolean,
): OpenApiOperation {
  return {
    operationId,
    summary,
    description,
    tags: ['Orders'],
    security: [{ oauth2: scope === undefined ? [] : [scope] }],
    ...(body
      ? {
          requestBody: {
            required: true,
            description: 'The order.',
            content: { 'application/json': { schema: schemaRef('OrderRequest') } },
          },
        }
      : {}),
    responses: {
      '200': ok,
      ...(body ? { '400': responseRef('InvalidPayload') } : {}),
      '401': responseRef('Unauthorized'),
      ...(scope === undefined ? {} : { '403': responseRef('InsufficientScope') }),
      ...(body ? { '404': responseRef('NotFound'), '502': responseRef('BadGateway') } : {}),
      '500': responseRef('InternalError'),
    },
  };
}

export function partnerOrdersOpenApi(origin: string): OpenApiDocument {
  const noStore = { 'cache-control': { description: 'Always `no-store`.', schema: { type: 'string' } } };
  return prefixSchemaNames('Po', {
    openapi: '3.1.0',
    info: {
      title: 'Partner Orders (sandbox)',
      version: '1.0.0',
      description:
        'Subscription orders priced and billed by the billing provider. OAuth 2.0 client credentials: POST ' +
        `\`${PO_TOKEN_PATH}\` for a bearer token (scopes \`${PO_SCOPE_SUBMIT}\`, \`${PO_SCOPE_PREVIEW}\`), then send ` +
        '`Authorization: Bearer <token>`. Choices the vendor documents leave open are in ' +
        'src/vendors/partnerorders/README.md.',
    },
    servers: [{ url: origin, description: 'This sandbox.' }],
    tags: [
      { name: 'OAuth', description: 'Access tokens.' },
      { name: 'Orders', description: 'Plans, order previews and submissions.' },
    ],
    security: [{ oauth2: [] }],
    paths: {
      [PO_TOKEN_PATH]: {
        post: {
          operationId: 'issueToken',
          summary: 'Get an access token',
          description:
            'Client-credentials grant: HTTP Basic (`client_id:client_secret`) or the credentials in the form body. ' +
            'The token expires after `expires_in` seconds; fetch a new one on 401 invalid_token.',
          tags: ['OAuth'],
          security: [{ clientBasic: [] }, {}],
          requestBody: {
            required: true,
            description: 'The grant.',
            content: { 'application/x-www-form-urlencoded': { schema: schemaRef('TokenRequest') } },
          },
          responses: {
            '200': jsonResponse('The token.', schemaRef('TokenResponse'), noStore),
            '400': jsonResponse(
              'invalid_request, unsupported_grant_type or invalid_scope.',
              schemaRef('TokenError'),
              noStore,
            ),
            '401': jsonResponse('invalid_client: unknown client or wrong secret.', schemaRef('TokenError'), {
              ...noStore,
              'www-authenticate': {
                description: 'Basic challenge with the realm.',
                schema: { type: 'string' },
              },
            }),
            '500': responseRef('InternalError'),
          },
        },
      },
      [PO_PLANS_PATH]: {
        get: apiOperation(
          'listPlans',
          'List plans',
          'The plan catalogue, with prices per seat per interval; any valid token may read it.',
          undefined,
          jsonResponse('The plans.', schemaRef('PlanList')),
          false,
        ),
      },
      [PO_PREVIEW_PATH]: {
        post: apiOperation(
          'previewOrder',
          'Preview an order',
          `Prices the order as the billing provider would: lines, tax, total and the first year's billing schedule. Nothing is created. Scope \`${PO_SCOPE_PREVIEW}\`.`,
          PO_SCOPE_PREVIEW,
          jsonResponse('The priced preview.', schemaRef('PreviewResponse')),
          true,
        ),
      },
      [PO_ORDER_PATH]: {
        post: apiOperation(
          'submitOrder',
          'Submit an order',
          `Creates the subscription and bills it synchronously. Not deduplicated: a retry after a lost answer creates a second order. Scope \`${PO_SCOPE_SUBMIT}\`.`,
          PO_SCOPE_SUBMIT,
          jsonResponse('The submitted order.', schemaRef('SubmitResponse')),
          true,
        ),
      },
    },
    components: {
      schemas,
      responses,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'OAuth 2.0 client credentials; the token goes in `Authorization: Bearer`.',
          flows: {
            clientCredentials: {
              tokenUrl: `${origin}${PO_TOKEN_PATH}`,
              scopes: {
                [PO_SCOPE_SUBMIT]: 'Submit orders.',
                [PO_SCOPE_PREVIEW]: 'Preview orders.',
              },
            },
          },
        },
        clientBasic: {
          type: 'http',
          scheme: 'basic',
          description: 'The OAuth client id and secret, each form-encoded, at the token endpoint only.',
        },
      },
    },
  });
}
