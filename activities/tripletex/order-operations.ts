/** Orders: searched to find what an earlier attempt may have created (brief §8). */
import type { TripletexTransport } from './tripletex-client';
import { ORDER_FIELDS, orderSchema, type TripletexOrder } from './tripletex-schemas';

export interface SearchOrdersFilter {
  /** Inclusive, YYYY-MM-DD. Required by the API. */
  orderDateFrom: string;
  /** EXCLUSIVE, YYYY-MM-DD. Required by the API (brief §6.1). */
  orderDateTo: string;
  customerId?: number;
  /** Order number (exact). */
  number?: string;
}

/** `GET /order`; match `reference` locally, it is not a search parameter (brief §8). */
export function searchOrders(t: TripletexTransport, filter: SearchOrdersFilter): Promise<TripletexOrder[]> {
  return t.listAll('/order', orderSchema, {
    orderDateFrom: filter.orderDateFrom,
    orderDateTo: filter.orderDateTo,
    customerId: filter.customerId,
    number: filter.number,
    fields: ORDER_FIELDS,
  });
}
