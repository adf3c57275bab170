/**
 * NaviPartner Channel Manager wire types, exactly as `001_b214c643168c9f11.txt` shows them.
 * Shared by the client and the sandbox; neither one's logic lives here.
 * Where the document is silent (error bodies, status codes, the removed-draft answer), see README.md.
 */

/** Order states as the vendor spells them. */
export type CmOrderStatus = 'Draft' | 'Issued' | 'Error' | 'Cancelled';
export const CM_ORDER_STATUSES: readonly CmOrderStatus[] = ['Draft', 'Issued', 'Error', 'Cancelled'];

/** One line of a createOrder / replaceOrder body. */
export interface CmOrderItemRequest {
  itemNumber: string;
  /** `YYYY-MM-DD` */
  visitDate: string;
  /** `HH:MM:SS` */
  visitTime: string;
  quantity: number;
  wallet?: {
    names?: string[];
    externalReferenceNumbers?: string[];
  };
}

/** The createOrder body (replaceOrder takes the same shape; partnerId and sellToOrderReference must not change). */
export interface CmOrderRequest {
  partnerId: string;
  sellToOrderReference: string;
  items: CmOrderItemRequest[];
  sellToEmail?: string;
  sellToName?: string;
  sellToLanguage?: string;
  paymentReference?: string;
}

export interface CmConfirmRequest {
  paymentReference: string;
}

export interface CmAsset {
  id: string;
  type: string;
  assetId: string;
  referenceNumber: string;
  itemNumber: string;
}

export interface CmWallet {
  seqNo: number;
  assets: CmAsset[];
  walletId: string;
  walletReferenceNumber: string;
  externalReferenceNumber?: string;
  name?: string;
  issuedAt: string;
  unitPriceExclVat: number;
  unitPriceInclVat: number;
  currencyCode: string;
  manifestUrl: string;
}

export interface CmOrderItem {
  lineNo: number;
  itemNumber: string;
  isPackage: boolean;
  quantity: number;
  visitDate: string;
  visitTime: string;
  wallets: CmWallet[];
  sellToName?: string;
  sellToEmail?: string;
  sellToLanguage?: string;
}

/** The full order, as createOrder, getOrder, confirmOrder, replaceOrder and DELETE (when the order survives) answer it. */
export interface CmOrder {
  orderId: string;
  status: CmOrderStatus;
  statusMessage?: string;
  partnerId: string;
  sellToOrderReference: string;
  receivedAt: string;
  items: CmOrderItem[];
  sellToEmail?: string;
  sellToName?: string;
  sellToLanguage?: string;
  paymentReference?: string;
  jobId?: string;
  manifestUrl?: string;
}

/** The compact summary listOrdersByPartner answers. */
export interface CmOrderSummary {
  orderId: string;
  partnerId: string;
  sellToOrderReference: string;
  status: CmOrderStatus;
  receivedAt: string;
  sellToEmail?: string;
  sellToName?: string;
  sellToLanguage?: string;
  paymentReference?: string;
  statusMessage: string;
  jobId?: string;
  manifestUrl?: string;
}

/** Query parameters of listOrdersByPartner. */
export interface CmListOrdersQuery {
  status?: CmOrderStatus;
  sellToOrderReference?: string;
  receivedAtFrom?: string;
  receivedAtTo?: string;
}

/**
 * Error codes in our error body. The document is silent on error bodies; README.md records this choice.
 * HTTP status per code: VALIDATION 400, UNAUTHORIZED 401, NOT_FOUND 404, DUPLICATE_ORDER 409,
 * INVALID_STATE 409, ISSUANCE_FAILED 422, INTERNAL 500.
 */
export type CmErrorCode =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'DUPLICATE_ORDER'
  | 'INVALID_STATE'
  | 'ISSUANCE_FAILED'
  | 'INTERNAL';

export interface CmFieldError {
  /** JSON path of the offending field in the request body, e.g. `items[0].visitDate`. */
  field: string;
  message: string;
}

export interface CmErrorBody {
  error: {
    code: CmErrorCode;
    message: string;
    /** Field-level problems of a VALIDATION error. */
    details?: CmFieldError[];
    /** The order the error is about: the existing one for DUPLICATE_ORDER, the kept Error order for ISSUANCE_FAILED. */
    orderId?: string;
    /** The order's current status, for INVALID_STATE. */
    status?: CmOrderStatus;
  };
}

/** The header that carries the API key. */
export const CM_API_KEY_HEADER = 'x-np-api-key';
