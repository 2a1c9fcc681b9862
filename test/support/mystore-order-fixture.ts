/**
 * One Mystore order with every kind of line and total, as JSON:API resources shaped like
 * docs/mystore-api-model.md, plus the exact aggregate it must map to. Totals follow the doc's
 * "how the totals add up" (worked out by hand in the comments).
 */
import type { MystoreOrderAggregate } from '../../domain/mystore-order';

export interface Resource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { type: string; id: string } | { type: string; id: string }[] | null }>;
}

const ref = (type: string, id: string) => ({ type, id });

export const ORDER_ID = '1001';

export function statusResources(): Resource[] {
  return [
    { type: 'order-status', id: '1', attributes: { name: { no: 'Ikke behandlet', en: 'Not processed' }, tag: 'standard' } },
    { type: 'order-status', id: '2', attributes: { name: { no: 'Under behandling', en: 'In processing' }, tag: null } },
    { type: 'order-status', id: '3', attributes: { name: { no: 'Sendt', en: 'Sent' }, tag: 'completed' } },
    { type: 'order-status', id: '4', attributes: { name: { no: 'Kansellert', en: 'Cancelled' }, tag: 'cancelled' } },
    { type: 'order-status', id: '5', attributes: { name: { no: 'Returnert' }, tag: null } },
  ];
}

export function orderFixture() {
  const order: Resource = {
    type: 'orders',
    id: ORDER_ID,
    attributes: {
      created_at: '2026-12-03T14:05:00+01:00',
      updated_at: '2026-12-04T09:30:00+01:00',
      currency: 'NOK',
      currency_value: 1,
      payment_method: 'Faktura',
      payment_module: 'invoice',
      shipping_method: 'Servicepakke &amp; sporing',
      customer_email: 'kari@strikk.example',
      customer_phone: '+47 912 34 567',
      customer_org_number: 'NO 999 888 777 MVA',
      customer_address_name: 'Kari Nordmann',
      customer_address_company: 'Strikk &amp; Garn AS',
      customer_address_street: 'Storgata 1',
      customer_address_postcode: '0155',
      customer_address_city: 'Oslo',
      customer_address_country: 'Norway',
      billing_address_name: 'Kari Nordmann',
      billing_address_company: 'Strikk &amp; Garn AS',
      billing_address_street: 'Postboks 12\r\nSentrum',
      billing_address_postcode: '0101',
      billing_address_city: 'Oslo',
      billing_address_country: 'Norway',
      shipping_address_name: '',
      shipping_address_company: '',
      shipping_address_street: '',
      shipping_address_postcode: '',
      shipping_address_city: '',
      shipping_address_country: '',
      language: 'no',
      order_type: 'order',
      invoice_number: null,
      invoice_date: null,
    },
    relationships: {
      customer: { data: ref('customers', '55') },
      'order-status': { data: ref('order-status', '3') },
      'order-products': { data: [ref('order-products', '11'), ref('order-products', '12'), ref('order-products', '13')] },
      'order-totals': { data: ['101', '102', '103', '104', '105', '106', '107', '108', '109'].map((id) => ref('order-totals', id)) },
      'credited-order': { data: null },
    },
  };

  const products: Resource[] = [
    // 422 = 200 + 111 + 111 per unit ex VAT; incl. VAT round2(422 × 1.25) = 527.50, × 2 = 1055.00, VAT 211.00.
    {
      type: 'order-products', id: '11',
      attributes: { name: 'Genser Korallr&oslash;d', sku: 'GEN-1', original_price: 200, price: 200, final_price: 422, quantity: 2, tax_rate: 25 },
      relationships: {
        order: { data: ref('orders', ORDER_ID) }, product: { data: ref('products', '501') },
        'order-product-attributes': { data: [ref('order-product-attributes', '21'), ref('order-product-attributes', '22')] },
      },
    },
    // 79.992 ex VAT (four decimals) at 15 %: round2(91.9908) = 91.99, VAT 12.00.
    {
      type: 'order-products', id: '12',
      attributes: { name: { no: 'Kaffe &#248;kologisk', en: 'Organic coffee' }, sku: 'KAF-2', original_price: 79.992, price: 79.992, final_price: 79.992, quantity: 1, tax_rate: 15 },
      relationships: { order: { data: ref('orders', ORDER_ID) }, product: { data: null }, 'order-product-attributes': { data: [] } },
    },
    // 60 − 10 = 50 at 0 %.
    {
      type: 'order-products', id: '13',
      attributes: { name: 'Gavekort\tutskrift', sku: 'KORT', original_price: 60, price: 60, final_price: 50, quantity: 1, tax_rate: 0 },
      relationships: {
        order: { data: ref('orders', ORDER_ID) }, product: { data: ref('products', '503') },
        'order-product-attributes': { data: [ref('order-product-attributes', '23')] },
      },
    },
  ];

  const options: Resource[] = [
    {
      type: 'order-product-attributes', id: '21',
      attributes: { option_name: 'Farge', option_value_name: 'Bl&aring;', option_values_price: 111, option_values_price_prefix: '+' },
      relationships: { order: { data: ref('orders', ORDER_ID) }, 'order-product': { data: ref('order-products', '11') } },
    },
    {
      type: 'order-product-attributes', id: '22',
      attributes: { option_name: 'St&oslash;rrelse', option_value_name: 'L', option_values_price: 111.0001, option_values_price_prefix: '+' },
      relationships: { order: { data: ref('orders', ORDER_ID) }, 'order-product': { data: ref('order-products', '11') } },
    },
    {
      type: 'order-product-attributes', id: '23',
      attributes: { option_name: 'Konvolutt', option_value_name: 'Uten', option_values_price: 10, option_values_price_prefix: '-' },
      relationships: { order: { data: ref('orders', ORDER_ID) }, 'order-product': { data: ref('order-products', '13') } },
    },
  ];

  const total = (id: string, attributes: Record<string, unknown>): Resource => ({
    type: 'order-totals', id, attributes, relationships: { order: { data: ref('orders', ORDER_ID) } },
  });
  // Discount −100.00 over the product rates by Σ line values (1055 / 91.99 / 50): 88.14 / 7.68 / 4.18,
  // VAT 17.63 + 1.00. Coupon −50.00: 44.07 / 3.84 / 2.09, VAT 8.81 + 0.50.
  const totals: Resource[] = [
    total('101', { title: 'Delsum:', text: '<b>kr 1 196,99</b>', value: 1196.99, value_without_tax: 1005.19, sort: 10, tax_rate: '', class: 'ot_subtotal', order_total_type: 'total' }),
    total('102', { title: 'Fast fraktpris:', text: 'kr 99,00', value: 99, value_without_tax: 79.2, sort: 20, tax_rate: '25', class: 'ot_shipping', order_total_type: 'line' }),
    total('103', { title: 'Fakturagebyr', text: 'kr 29,00', value: 29, value_without_tax: 23.2, sort: 25, tax_rate: '25', class: 'ot_payment_fee', order_total_type: 'line' }),
    total('104', { title: 'Rabatt 100,-', text: '-kr 100,00', value: -100, value_without_tax: -81.37, sort: 30, tax_rate: '', class: 'ot_discount', order_total_type: 'line' }),
    total('105', { title: 'Kupong &laquo;JUL&raquo;', text: '-kr 50,00', value: -50, value_without_tax: -40.69, sort: 31, tax_rate: '', class: 'ot_coupon', order_total_type: 'line' }),
    total('106', { title: 'Gavekort', text: '-kr 200,00', value: -200, value_without_tax: -200, sort: 35, tax_rate: '', class: 'ot_gv', order_total_type: 'line' }),
    total('107', { title: 'Herav 25% mva:', text: 'kr 210,16', value: 210.16, value_without_tax: 0, sort: 40, tax_rate: '25', class: 'ot_tax', order_total_type: 'total' }),
    total('108', { title: 'Herav 15% mva:', text: 'kr 10,50', value: 10.5, value_without_tax: 0, sort: 40, tax_rate: '15', class: 'ot_tax', order_total_type: 'total' }),
    total('109', { title: 'Totalt:', text: '<b>kr 974,99</b>', value: 974.99, value_without_tax: 754.33, sort: 50, tax_rate: '', class: 'ot_total', order_total_type: 'total' }),
  ];

  const customer: Resource = {
    type: 'customers', id: '55',
    attributes: {
      firstname: 'Kari', lastname: 'Nordmann', email: 'kari@strikk.example', telephone: '91234567', company: 'Strikk & Garn AS',
      org_number: '999888777', street_address: 'Storgata 1', postcode: '0155', city: 'Oslo', country: 'Norway',
      created_at: '2024-01-01T10:00:00+01:00', updated_at: '2026-12-01T10:00:00+01:00',
    },
  };
  const status = statusResources()[2] as Resource;

  const expected: MystoreOrderAggregate = {
    shop: 'testbutikk',
    orderId: ORDER_ID,
    createdAt: '2026-12-03T13:05:00.000Z',
    updatedAt: '2026-12-04T08:30:00.000Z',
    currency: 'NOK',
    paymentModule: 'invoice',
    paymentMethod: 'Faktura',
    shippingMethod: 'Servicepakke & sporing',
    customer: {
      customerId: '55',
      email: 'kari@strikk.example',
      phone: '+47 912 34 567',
      organizationNumber: '999888777',
      name: 'Strikk & Garn AS',
      billingAddress: { name: 'Kari Nordmann', company: 'Strikk & Garn AS', street: 'Postboks 12 Sentrum', postcode: '0101', city: 'Oslo', country: 'Norway' },
      shippingAddress: { name: 'Kari Nordmann', company: 'Strikk & Garn AS', street: 'Postboks 12 Sentrum', postcode: '0101', city: 'Oslo', country: 'Norway' },
    },
    lines: [
      {
        lineId: '11', productId: '501', name: 'Genser Korallrød', sku: 'GEN-1', quantity: 2, unitPriceExcludingVat: '422.0000', vatRate: 2500,
        options: [
          { name: 'Farge', value: 'Blå', priceExcludingVat: '111.0000' },
          { name: 'Størrelse', value: 'L', priceExcludingVat: '111.0001' },
        ],
      },
      { lineId: '12', productId: null, name: 'Kaffe økologisk', sku: 'KAF-2', quantity: 1, unitPriceExcludingVat: '79.9920', vatRate: 1500, options: [] },
      {
        lineId: '13', productId: '503', name: 'Gavekort utskrift', sku: 'KORT', quantity: 1, unitPriceExcludingVat: '50.0000', vatRate: 0,
        options: [{ name: 'Konvolutt', value: 'Uten', priceExcludingVat: '-10.0000' }],
      },
    ],
    totals: [
      { class: 'ot_subtotal', kind: 'total', title: 'Delsum:', value: 119699, valueExcludingVat: 100519, vatRate: null, sort: 10 },
      { class: 'ot_shipping', kind: 'line', title: 'Fast fraktpris:', value: 9900, valueExcludingVat: 7920, vatRate: 2500, sort: 20 },
      { class: 'ot_payment_fee', kind: 'line', title: 'Fakturagebyr', value: 2900, valueExcludingVat: 2320, vatRate: 2500, sort: 25 },
      { class: 'ot_discount', kind: 'line', title: 'Rabatt 100,-', value: -10000, valueExcludingVat: -8137, vatRate: null, sort: 30 },
      { class: 'ot_coupon', kind: 'line', title: 'Kupong «JUL»', value: -5000, valueExcludingVat: -4069, vatRate: null, sort: 31 },
      { class: 'ot_gv', kind: 'line', title: 'Gavekort', value: -20000, valueExcludingVat: -20000, vatRate: null, sort: 35 },
      { class: 'ot_tax', kind: 'total', title: 'Herav 25% mva:', value: 21016, valueExcludingVat: 0, vatRate: 2500, sort: 40 },
      { class: 'ot_tax', kind: 'total', title: 'Herav 15% mva:', value: 1050, valueExcludingVat: 0, vatRate: 1500, sort: 40 },
      { class: 'ot_total', kind: 'total', title: 'Totalt:', value: 97499, valueExcludingVat: 75433, vatRate: null, sort: 50 },
    ],
    status: { statusId: '3', name: 'Sendt', completed: true, cancelled: false },
    creditsOrderId: null,
    invoiceNumber: null,
    invoiceDate: null,
  };

  /** GET /orders/{id}?include=… : everything in one compound document (included shuffled on purpose). */
  const compoundDocument = () => ({
    data: order,
    included: [customer, ...[...totals].reverse(), status, options[2], ...products, options[0], options[1]],
    links: { self: `/orders/${ORDER_ID}` },
  });

  return { order, products, options, totals, customer, status, expected, compoundDocument };
}
