import { createHash } from 'node:crypto';
import { BadUserInputError } from '../../errors/gateway-errors.js';
import type { Money } from '../../graph/common/money.type.js';
import { UserErrorCode, userError } from '../../graph/common/user-error.type.js';
import type { UserError } from '../../graph/common/user-error.type.js';
import { SubscriptionInterval } from '../../graph/subscription-orders/subscription-interval.enum.js';
import {
  ScheduledCharge,
  SubscriptionOrderPreview,
  SubscriptionOrderPreviewLine,
} from '../../graph/subscription-orders/subscription-order-preview.type.js';
import { SubscriptionOrderStatus } from '../../graph/subscription-orders/subscription-order-status.enum.js';
import type { SubscriptionOrderInput } from '../../graph/subscription-orders/subscription-order.input.js';
import { SubscriptionOrder } from '../../graph/subscription-orders/subscription-order.type.js';
import { moneyFromMinorUnits } from '../money.js';
import type { PartnerOrdersRequestError } from './client.js';
import type {
  PoInterval,
  PoOrderRequest,
  PoOrderStatus,
  PoPreviewResponse,
  PoSubmitResponse,
} from './contract.js';

/** The edge of Partner Orders' dialect: snake_case, minor units and lower-case words stop here. */

const STATUS_FROM_VENDOR: Record<PoOrderStatus, SubscriptionOrderStatus> = {
  complete: SubscriptionOrderStatus.COMPLETE,
  pending: SubscriptionOrderStatus.PENDING,
  failed: SubscriptionOrderStatus.FAILED,
};

const INTERVAL_FROM_VENDOR: Record<PoInterval, SubscriptionInterval> = {
  month: SubscriptionInterval.MONTH,
  year: SubscriptionInterval.YEAR,
};

/** The order body for submit and preview. Absent optional fields are left out: the vendor refuses `null`. */
export function orderRequestFromInput(input: SubscriptionOrderInput): PoOrderRequest {
  const customer =
    input.customerName === undefined || input.customerName === null
      ? { email: input.customerEmail }
      : { email: input.customerEmail, name: input.customerName };
  return {
    ...(input.externalId === undefined || input.externalId === null ? {} : { external_id: input.externalId }),
    customer,
    lines: input.lines.map((line) => ({ plan_id: line.planId, quantity: line.quantity })),
  };
}

/**
 * What an idempotency key is bound to: the SHA-256 of the order body with its keys sorted. Two requests with the
 * same fields mean the same order however the client ordered the JSON; lines keep their order (it is the
 * order of the answer's lines).
 */
export function requestHash(request: PoOrderRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The vendor's document allows other status words than the three it declares: those read as still pending. */
export function subscriptionOrderFromVendor(order: PoSubmitResponse): SubscriptionOrder {
  return Object.assign(new SubscriptionOrder(), {
    id: order.id,
    orderReference: order.order_reference,
    status:
      (STATUS_FROM_VENDOR[order.status] as SubscriptionOrderStatus | undefined) ??
      SubscriptionOrderStatus.PENDING,
    externalId: order.external_id,
    subscriptionReference: order.subscriptionReference,
    owner: order.owner,
  });
}

export function previewFromVendor(preview: PoPreviewResponse): SubscriptionOrderPreview {
  const money = (minor: number): Money => moneyFromMinor(minor, preview.currency);
  return Object.assign(new SubscriptionOrderPreview(), {
    total: money(preview.total),
    subtotal: money(preview.subtotal),
    tax: money(preview.tax),
    taxRate: preview.tax_rate,
    lines: preview.line_items.map((line) =>
      Object.assign(new SubscriptionOrderPreviewLine(), {
        planId: line.plan_id,
        description: line.description,
        quantity: line.quantity,
        unitAmount: money(line.unit_amount),
        amount: money(line.amount),
        tax: money(line.tax),
        interval: INTERVAL_FROM_VENDOR[line.interval],
      }),
    ),
    billingSchedule: preview.billing_schedule.map((entry) =>
      Object.assign(new ScheduledCharge(), { date: entry.date, amount: money(entry.amount) }),
    ),
    billingProvider: preview.billing_provider,
  });
}

/** Minor units (pence) to major (pounds), by the currency's ISO 4217 decimals. */
export function moneyFromMinor(minor: number, currency: string): Money {
  return moneyFromMinorUnits(minor, currency, 'Partner Orders');
}

/** Vendor paths that are one flat field of our input. */
const FLAT_FIELDS: Record<string, string> = {
  external_id: 'externalId',
  'customer.email': 'customerEmail',
  'customer.name': 'customerName',
};
/** Paths about the body as a whole, or parts of it the client does not send separately. */
const WHOLE_INPUT = new Set(['body', 'currency', 'customer']);

/**
 * A vendor field path to our input's: `lines[1].plan_id` → `["input","lines","1","planId"]`,
 * `customer.email` → `["input","customerEmail"]`; `body`, `currency` and `customer` are the input as a whole.
 */
export function inputPath(vendorField: string): string[] {
  const flat = FLAT_FIELDS[vendorField];
  if (flat) return ['input', flat];
  if (WHOLE_INPUT.has(vendorField)) return ['input'];
  const parts = vendorField
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '')
    .map((part) => (part === 'plan_id' ? 'planId' : part));
  return ['input', ...parts];
}

function labelled(path: string[], message: string): string {
  const name = path.slice(1).join('.');
  return name === '' ? message : `${name}: ${message}`;
}

/**
 * A vendor 400/404 about the order body, as user errors: validation details under our input paths, an unknown
 * plan as NOT_FOUND on its line's `planId`. The vendor's wording of each rule is kept; its document defines it
 * as human-readable.
 */
export function userErrorsFromVendor(error: PartnerOrdersRequestError): UserError[] {
  const code = error.status === 404 ? UserErrorCode.NOT_FOUND : UserErrorCode.VALIDATION;
  if (error.details.length === 0) return [userError(code, error.vendorMessage, ['input'])];
  return error.details.map((detail) => {
    const path = inputPath(detail.field);
    return userError(code, labelled(path, detail.message), path);
  });
}

/**
 * The same problems for the preview query, which has no payload: one BAD_USER_INPUT naming the first field
 * and listing every problem.
 */
export function badInputFromUserErrors(problems: UserError[]): BadUserInputError {
  const field = problems[0]?.field?.join('.');
  return new BadUserInputError(problems.map((problem) => problem.message).join('; '), field);
}
