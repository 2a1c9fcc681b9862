/**
 * A Mystore order as the rest of the app sees it: everything a transfer needs, already cleaned
 * (HTML entities decoded, languages resolved, control characters dropped) and with every amount
 * in integer øre (or the currency's hundredths). Built by activities/mystore/ from the API's
 * JSON:API documents; the order → invoice mapping (domain/) works only on this type.
 */

/** An amount in the order's currency, in hundredths (øre for NOK). Integer, may be negative. */
export type Minor = number;

/** A VAT rate in basis points: 25 % = 2500, 15 % = 1500, 12 % = 1200, 0 % = 0. Exact. */
export type VatRateBasisPoints = number;

export interface MystoreAddress {
  name: string;
  company: string;
  street: string;
  postcode: string;
  city: string;
  /** As Mystore writes it (a country name such as "Norway" or "Norge", or an ISO code). */
  country: string;
}

export interface MystoreOrderCustomer {
  /** Mystore's internal customer id (the default Tripletex customer number), null for a guest checkout. */
  customerId: string | null;
  email: string;
  phone: string;
  /** Norwegian organisation number (9 digits) for a business customer, else null. */
  organizationNumber: string | null;
  /** Name of the person or the business, as it should stand on the invoice. */
  name: string;
  billingAddress: MystoreAddress;
  shippingAddress: MystoreAddress;
}

export interface MystoreLineOption {
  name: string;
  value: string;
  /** Surcharge per unit excluding VAT (negative for a '-' prefix). Four decimals in Mystore: kept as a decimal string. */
  priceExcludingVat: string;
}

export interface MystoreOrderLine {
  lineId: string;
  productId: string | null;
  name: string;
  sku: string;
  quantity: number;
  /** Per unit, excluding VAT, options included, exactly as Mystore stores it (four decimals, decimal string). */
  unitPriceExcludingVat: string;
  vatRate: VatRateBasisPoints;
  options: MystoreLineOption[];
}

/** An `order-totals` row (osCommerce "order total" class). */
export interface MystoreOrderTotal {
  /** e.g. ot_subtotal, ot_shipping, ot_payment_fee, ot_discount, ot_coupon, ot_gv, ot_tax, ot_total. */
  class: string;
  /** 'line' rows are invoice lines of their own (shipping, fees, discounts); 'total' rows are sums. */
  kind: 'line' | 'total';
  title: string;
  /** Including VAT. */
  value: Minor;
  valueExcludingVat: Minor;
  /** null when Mystore gives no rate (a discount spread over several rates, a gift card). */
  vatRate: VatRateBasisPoints | null;
  sort: number;
}

export interface MystoreOrderStatus {
  statusId: string;
  name: string;
  /** Whether the status carries the "Fullført" (completed) tag: the trigger of a transfer. */
  completed: boolean;
  cancelled: boolean;
}

export interface MystoreOrderAggregate {
  shop: string;
  orderId: string;
  /** ISO 8601 instants. */
  createdAt: string;
  updatedAt: string;
  currency: string;
  /** Mystore's payment module code (e.g. `klarna`, `vipps`, `cod`, `invoice`) and its display name. */
  paymentModule: string;
  paymentMethod: string;
  shippingMethod: string;
  customer: MystoreOrderCustomer;
  lines: MystoreOrderLine[];
  totals: MystoreOrderTotal[];
  status: MystoreOrderStatus;
  /** Set when this is a credit order (refund or return): the order it credits. */
  creditsOrderId: string | null;
  /** The Tripletex invoice written back to the order, if any. */
  invoiceNumber: string | null;
  invoiceDate: string | null;
}
