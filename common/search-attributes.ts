/**
 * The custom search attributes every workflow of this service sets, so an operator can filter the
 * Temporal UI by shop, order, status and invoice. All Keyword: exact-match filters, no full text.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ShopIdKey = defineSearchAttributeKey('ShopId', SearchAttributeType.KEYWORD);
export const MystoreOrderIdKey = defineSearchAttributeKey('MystoreOrderId', SearchAttributeType.KEYWORD);
export const TransferStatusKey = defineSearchAttributeKey('TransferStatus', SearchAttributeType.KEYWORD);
export const InvoiceNumberKey = defineSearchAttributeKey('InvoiceNumber', SearchAttributeType.KEYWORD);

/** name → type, as `temporal server start-dev --search-attribute` and the operator service want them. */
export const CUSTOM_SEARCH_ATTRIBUTES = {
  ShopId: 'Keyword',
  MystoreOrderId: 'Keyword',
  TransferStatus: 'Keyword',
  InvoiceNumber: 'Keyword',
} as const;
