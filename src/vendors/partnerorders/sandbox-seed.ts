/**
 * What a Partner Orders sandbox starts with: the plan catalogue and two past orders, the first being the
 * document's submit example. Plain data; sandbox.ts owns the state it ends up in. README.md ("Seed") lists both.
 */
import type { PoOrderLine, PoPlan, PoSubmitResponse } from './contract.js';

export const BASIC_MONTHLY_PLAN_ID = 'plan-basic-monthly';
export const TEAM_MONTHLY_PLAN_ID = 'plan-team-monthly';
export const PRO_MONTHLY_PLAN_ID = 'plan-pro-monthly';
export const PRO_YEARLY_PLAN_ID = 'plan-pro-yearly';

export const PLANS: readonly PoPlan[] = Object.freeze([
  Object.freeze<PoPlan>({
    plan_id: BASIC_MONTHLY_PLAN_ID,
    name: 'Basic',
    description: 'One workspace, email support, billed monthly',
    currency: 'GBP',
    unit_amount: 999,
    interval: 'month',
  }),
  Object.freeze<PoPlan>({
    plan_id: TEAM_MONTHLY_PLAN_ID,
    name: 'Team',
    description: 'Shared workspaces and roles, priced per seat, billed monthly',
    currency: 'GBP',
    unit_amount: 2499,
    interval: 'month',
  }),
  Object.freeze<PoPlan>({
    plan_id: PRO_MONTHLY_PLAN_ID,
    name: 'Pro',
    description: 'Everything in Team plus SSO and audit log, billed monthly',
    currency: 'GBP',
    unit_amount: 1999,
    interval: 'month',
  }),
  Object.freeze<PoPlan>({
    plan_id: PRO_YEARLY_PLAN_ID,
    name: 'Pro (annual)',
    description: 'Everything in Team plus SSO and audit log, billed yearly (two months free)',
    currency: 'GBP',
    unit_amount: 19900,
    interval: 'year',
  }),
]);

export function findPlan(planId: string): PoPlan | undefined {
  return PLANS.find((plan) => plan.plan_id === planId);
}

/** A submitted order as the sandbox keeps it: the answer it gave, plus what it was given. */
export interface SandboxOrderRecord {
  response: PoSubmitResponse;
  /** The OAuth client (partner) the order is attributed to. */
  client_id: string;
  customer: { email: string; name?: string };
  lines: PoOrderLine[];
  currency: string;
  /** What the first invoice charged, tax included, in minor units. */
  total: number;
  /** `YYYY-MM-DDTHH:MM:SSZ` on the sandbox clock. */
  created_at: string;
}

/** The document's submit example, verbatim. */
export const DOC_ORDER_ID = 'order-4dd195c3eee4297e33aecb5436cf8092';
export const DOC_OWNER = 'id-62401f8d5bf6b26a37ea0defd66fd005';
export const DOC_CUSTOMER_EMAIL = 'jane.doe@example.com';
export const SEEDED_ORDER_IDS: readonly string[] = [DOC_ORDER_ID, 'order-9b1f0c7e2a4d4e6f8a0b1c2d3e4f5a6b'];

/** Seeded orders for the first client. Totals are what the preview math gives (20% VAT). */
export function seedOrders(clientId: string): SandboxOrderRecord[] {
  return [
    {
      response: {
        id: DOC_ORDER_ID,
        order_reference: '8HK92PL401QW',
        status: 'complete',
        external_id: 'EXT-ORD-12345',
        subscriptionReference: '2TJ25TK632EG',
        owner: DOC_OWNER,
      },
      client_id: clientId,
      customer: { email: DOC_CUSTOMER_EMAIL, name: 'Jane Doe' },
      lines: [{ plan_id: PRO_YEARLY_PLAN_ID, quantity: 1 }],
      currency: 'GBP',
      total: 23880,
      created_at: '2026-05-15T09:30:00Z',
    },
    {
      response: {
        id: 'order-9b1f0c7e2a4d4e6f8a0b1c2d3e4f5a6b',
        order_reference: 'Q7MX3RT58ZKA',
        status: 'complete',
        external_id: null,
        subscriptionReference: '5NW81BD27HQC',
        owner: 'id-0f3c2a9e8d7b4c1a9e6f5d4c3b2a1908',
      },
      client_id: clientId,
      customer: { email: 'sam.lee@example.com' },
      lines: [{ plan_id: BASIC_MONTHLY_PLAN_ID, quantity: 2 }],
      currency: 'GBP',
      total: 2398,
      created_at: '2026-05-20T14:05:00Z',
    },
  ];
}
