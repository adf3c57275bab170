import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { VendorEndpoint, VendorEndpoints } from '../config.js';
import { DOC_PRODUCT_ID, startNfcTagifySandbox } from './nfctagify/sandbox.js';
import type { NfcTagifySandbox, NfcTagifySandboxOptions } from './nfctagify/sandbox.js';
import {
  SEEDED_PARTNER_ID as CM_SEEDED_PARTNER_ID,
  startChannelManagerSandbox,
} from './navipartner/sandbox.js';
import type { ChannelManagerSandbox, ChannelManagerSandboxOptions } from './navipartner/sandbox.js';
import {
  SEEDED_PARTNER_ID as PP_SEEDED_PARTNER_ID,
  startPartnerPortalSandbox,
} from './partnerportal/sandbox.js';
import type { Store } from '../store/store.js';
import type { FaultRule } from './sandbox-faults.js';
import { startNationalExpressSandbox } from './nationalexpress/sandbox.js';
import type { NationalExpressSandbox, NationalExpressSandboxOptions } from './nationalexpress/sandbox.js';
import { PO_SCOPES, PO_TOKEN_PATH } from './partnerorders/contract.js';
import { startPartnerOrdersSandbox } from './partnerorders/sandbox.js';
import type { PartnerOrdersSandbox, PartnerOrdersSandboxOptions } from './partnerorders/sandbox.js';
import type { PartnerPortalSandbox, PartnerPortalSandboxOptions } from './partnerportal/sandbox.js';

export type VendorName = keyof VendorEndpoints;

export interface RunningSandboxes {
  /** The sandboxes that were started, by vendor. */
  channelManager?: ChannelManagerSandbox;
  partnerPortal?: PartnerPortalSandbox;
  nfcTagify?: NfcTagifySandbox;
  nationalExpress?: NationalExpressSandbox;
  partnerOrders?: PartnerOrdersSandbox;
  /** Endpoints of the started sandboxes (URL and a key made for this run), to hand the gateway. */
  endpoints: Partial<VendorEndpoints>;
  close(): Promise<void>;
}

export interface SandboxesOptions {
  /** Which vendors to run as sandboxes. */
  vendors: readonly VendorName[];
  /** Keep each sandbox's state under `<dataDir>/sandboxes/`; memory only when undefined. */
  dataDir?: string;
  seed?: boolean;
  now?: () => Date;
  /** Fault rules for every sandbox (the benchmark's "20 ms vendors": `[{ latencyMs: 20 }]`), after each vendor's own. */
  faults?: FaultRule[];
  /** Serve each sandbox's fault control route `/__sandbox/faults` (tests only). */
  faultControl?: boolean;
  /** Per-vendor overrides, for tests (rate limits, fulfilment timing, …). */
  channelManager?: Partial<ChannelManagerSandboxOptions>;
  partnerPortal?: Partial<PartnerPortalSandboxOptions>;
  nfcTagify?: Partial<NfcTagifySandboxOptions>;
  nationalExpress?: Partial<NationalExpressSandboxOptions>;
  partnerOrders?: Partial<PartnerOrdersSandboxOptions>;
}

/**
 * Starts the sandboxes of the given vendors on loopback, each with a fresh random key. The embedded default
 * (`npm start` with nothing configured) and the tests both come through here, and the gateway receives the
 * result as ordinary endpoints: it cannot tell a sandbox from the vendor.
 */
export async function startSandboxes(options: SandboxesOptions): Promise<RunningSandboxes> {
  const key = (): string => randomBytes(24).toString('base64url');
  const file = (name: string): string | undefined =>
    options.dataDir ? join(options.dataDir, 'sandboxes', `${name}.json`) : undefined;
  const common = {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.faultControl === undefined ? {} : { faultControl: options.faultControl }),
  };
  // A vendor's own rules come first: its outcome (a 503 burst) wins, and the latencies of both add up.
  const faults = (own: { faults?: FaultRule[] } | undefined): { faults?: FaultRule[] } =>
    own?.faults === undefined && options.faults === undefined
      ? {}
      : { faults: [...(own?.faults ?? []), ...(options.faults ?? [])] };
  const running: RunningSandboxes = { endpoints: {}, close: async () => {} };
  const closers: (() => Promise<void>)[] = [];
  const endpoint = (baseUrl: string, apiKey: string): VendorEndpoint => ({ baseUrl, apiKey });

  try {
    if (options.vendors.includes('channelManager')) {
      const apiKey = key();
      const sandbox = await startChannelManagerSandbox({
        apiKey,
        dataFile: file('channel-manager'),
        ...common,
        ...options.channelManager,
        ...faults(options.channelManager),
      });
      closers.push(() => sandbox.close());
      running.channelManager = sandbox;
      running.endpoints.channelManager = endpoint(sandbox.baseUrl, apiKey);
    }
    if (options.vendors.includes('partnerPortal')) {
      const apiKey = key();
      const sandbox = await startPartnerPortalSandbox({
        apiKey,
        dataFile: file('partnerportal'),
        ...common,
        ...options.partnerPortal,
        ...faults(options.partnerPortal),
      });
      closers.push(() => sandbox.close());
      running.partnerPortal = sandbox;
      running.endpoints.partnerPortal = endpoint(sandbox.baseUrl, apiKey);
    }
    if (options.vendors.includes('nfcTagify')) {
      const apiKey = key();
      // One partner account, with a negotiated price on the document's card so overrides show in the graph.
      const sandbox = await startNfcTagifySandbox({
        accounts: [{ apiKey, accountId: 'acct_partner_graph', priceOverrides: { [DOC_PRODUCT_ID]: 3.1 } }],
        dataFile: file('nfctagify'),
        ...common,
        ...options.nfcTagify,
        ...faults(options.nfcTagify),
      });
      closers.push(() => sandbox.close());
      running.nfcTagify = sandbox;
      running.endpoints.nfcTagify = endpoint(sandbox.baseUrl, apiKey);
    }
    if (options.vendors.includes('nationalExpress')) {
      const apiKey = key();
      const sandbox = await startNationalExpressSandbox({
        apiKey,
        dataFile: file('nationalexpress'),
        ...common,
        ...options.nationalExpress,
        ...faults(options.nationalExpress),
      });
      closers.push(() => sandbox.close());
      running.nationalExpress = sandbox;
      running.endpoints.nationalExpress = endpoint(sandbox.baseUrl, apiKey);
    }
    if (options.vendors.includes('partnerOrders')) {
      const clientId = 'partner-graph';
      const clientSecret = key();
      const sandbox = await startPartnerOrdersSandbox({
        clients: [{ clientId, clientSecret, scopes: [...PO_SCOPES] }],
        dataFile: file('partnerorders'),
        ...common,
        ...options.partnerOrders,
        ...faults(options.partnerOrders),
      });
      closers.push(() => sandbox.close());
      running.partnerOrders = sandbox;
      running.endpoints.partnerOrders = {
        baseUrl: sandbox.baseUrl,
        tokenUrl: `${sandbox.baseUrl}${PO_TOKEN_PATH}`,
        clientId,
        clientSecret,
      };
    }
  } catch (error) {
    await Promise.allSettled(closers.map((close) => close()));
    throw error;
  }
  running.close = async () => {
    await Promise.allSettled(closers.map((close) => close()));
  };
  return running;
}

/**
 * The sandboxes' partner ACME-001 and the Channel Manager's example partner are one partner; that link is the
 * gateway's own data, so it is seeded in the gateway's store (once: a link changed since is left alone).
 */
export async function seedSandboxLinks(store: Store): Promise<void> {
  const existing = await store.links.byPartnerIds([PP_SEEDED_PARTNER_ID]);
  if (existing.has(PP_SEEDED_PARTNER_ID)) return;
  await store.links.change(PP_SEEDED_PARTNER_ID, { channelManagerPartnerId: CM_SEEDED_PARTNER_ID });
}
