// A seeded, deterministic generator of realistic Mystore orders (same seed and options, same
// orders; no Math.random). It produces OrderSpecs, the same typed checkouts `admin.createOrder`
// takes, so every generated order goes through the one code path that computes lines and totals.
// What it covers (the unit test checks every item appears across a few hundred orders): private,
// business (valid organisation numbers) and guest customers, first-time and repeat customers,
// 1–50 lines skewed towards few, VAT 25/15/12/0 % mixed in one order, options with + and −
// surcharges, shipping at 25 % or 0 %, discounts, coupons, payment fees, gift cards (partial and
// covering everything), NOK/EUR/SEK, all payment modules, status changes, HTML entities and
// non-ASCII letters in names.
import type { CustomerSpec, LineSpec, OptionSpec, OrderSpec, PaymentModuleCode, StatusKey } from './order-spec';

export interface GenerateOrderSpecsOptions {
  seed: number;
  count: number;
  /** created_at is spread over [startAt, endAt]. */
  startAt: Date;
  endAt: Date;
  /** Every order ends in this status; default a realistic mix (mostly completed). */
  status?: StatusKey;
}

/** A tiny seeded PRNG (mulberry32) with the helpers the generator needs. */
export class Rng {
  private a: number;
  constructor(seed: number) { this.a = seed >>> 0; }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let roll = this.next() * total;
    for (const [item, w] of items) {
      roll -= w;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
}

const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

/** A Norwegian organisation number: 9 digits, the last a mod-11 check digit (weights 3,2,7,6,5,4,3,2). */
export function isValidOrgNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const sum = ORG_WEIGHTS.reduce((s, w, i) => s + w * (digits[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits[8];
}

export function generateOrgNumber(rng: Rng): string {
  for (;;) {
    const digits = [rng.pick([8, 9]), ...Array.from({ length: 7 }, () => rng.int(0, 9))];
    const sum = ORG_WEIGHTS.reduce((s, w, i) => s + w * (digits[i] ?? 0), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return [...digits, check === 11 ? 0 : check].join('');
  }
}

/** The names and companies generated customers get (exported for the leak scan of the test run). */
export const FIRST_NAMES = ['Ola', 'Kari', 'Bjørn', 'Åse', 'Øystein', 'Sølvi', 'Håkon', 'Ingrid', 'Émile', 'Jürgen', 'Renée', 'Zoë', 'Ærle', 'Per', 'Marte', 'Jonas', 'Nora', 'Sigurd', 'Ida', 'Mohammed', 'Anna'] as const;
export const LAST_NAMES = ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Sæther', 'Økland', 'Åsheim', 'Brænne', 'Løvås', 'Müller', 'Lefèvre', 'Ærøy', 'Berg', 'Dahl', 'Haugen', 'Strøm', 'Nilsen'] as const;
export const COMPANIES = ['Fjordlys AS', 'Nordlys Bygg & Anlegg AS', 'Bakeriet Ærlig AS', 'Øst og Vest Regnskap AS', 'Åsen Gård SA', 'Café Crème AS', 'Müller Elektro AS', 'Tindesport AS', 'Havbris Eiendom AS'] as const;
const STREETS = ['Storgata', 'Kongens gate', 'Bjørnstjerne Bjørnsons vei', 'Møllergata', 'Løkkeveien', 'Åsveien', 'Ærfuglveien', 'Strandgaten', 'Dronning Eufemias gate', 'Fjellstien'] as const;
const PLACES = [['0150', 'Oslo'], ['5003', 'Bergen'], ['7010', 'Trondheim'], ['4006', 'Stavanger'], ['9008', 'Tromsø'], ['1530', 'Moss'], ['2317', 'Hamar'], ['3015', 'Drammen'], ['8006', 'Bodø'], ['6002', 'Ålesund'], ['4610', 'Kristiansand S'], ['1337', 'Sandvika']] as const;
const MAIL_DOMAINS = ['example.no', 'online.no', 'gmail.com', 'hotmail.com', 'live.no'] as const;

interface Product { name: string; sku: string; price: number; rate: number; options?: 'clothes' | 'gift' }
const PRODUCTS: readonly Product[] = [
  { name: 'Genser Korallr&oslash;d', sku: 'GEN-KOR', price: 599, rate: 25, options: 'clothes' },
  { name: 'Ullsokker Bl&aring;', sku: 'ULL-BLA', price: 149, rate: 25, options: 'clothes' },
  { name: 'Skjerf &amp; lue-sett', sku: 'SKJ-LUE', price: 349, rate: 25, options: 'gift' },
  { name: 'Str&#248;mpebukse 40 den', sku: 'STR-40', price: 99.9, rate: 25 },
  { name: 'Vinterjakke Herre', sku: 'VJ-H', price: 2499, rate: 25, options: 'clothes' },
  { name: 'Regnjakke Dame', sku: 'RJ-D', price: 1299, rate: 25, options: 'clothes' },
  { name: 'Tursekk 30 l', sku: 'TS-30', price: 899, rate: 25 },
  { name: 'Kaffekopp i steintøy', sku: 'KOP-ST', price: 179, rate: 25, options: 'gift' },
  { name: 'Håndkle Økologisk', sku: 'HK-OKO', price: 249.5, rate: 25 },
  { name: 'Pledd crème', sku: 'PL-CR', price: 799, rate: 25, options: 'gift' },
  { name: 'Sykkellykt &laquo;Lyn&raquo;', sku: 'SL-LYN', price: 399, rate: 25 },
  { name: 'Espressomaskin Deluxe', sku: 'ESP-DLX', price: 4999, rate: 25 },
  { name: 'Kaffe Colombia 500 g', sku: 'KAF-COL', price: 149.9, rate: 15 },
  { name: 'Sjokolade Mørk 70 %', sku: 'SJO-70', price: 49, rate: 15 },
  { name: 'Te-sampler &amp; honning', sku: 'TE-HON', price: 229, rate: 15 },
  { name: 'Økologisk müsli 750 g', sku: 'MUS-750', price: 89.9, rate: 15 },
  { name: 'Brunost Gudbrandsdal 500 g', sku: 'BRU-500', price: 119, rate: 15 },
  { name: 'Kinobillett', sku: 'KINO', price: 145, rate: 12 },
  { name: 'Hotellovernatting Ålesund', sku: 'HOT-AAL', price: 1490, rate: 12 },
  { name: 'Bussbillett Oslo–Bergen', sku: 'BUS-OB', price: 649, rate: 12 },
  { name: 'Bok: Fjellv&aelig;r og folk', sku: 'BOK-FJ', price: 399, rate: 0 },
  { name: 'Bok: Æsops fabler', sku: 'BOK-AE', price: 249, rate: 0 },
  { name: 'Avisabonnement 3 mnd', sku: 'AVIS-3', price: 497, rate: 0 },
];

const STATUS_MIX: ReadonlyArray<readonly [StatusKey, number]> = [['completed', 60], ['new', 12], ['processing', 10], ['cancelled', 10], ['returned', 8]];
const PAYMENT_MIX: ReadonlyArray<readonly [PaymentModuleCode, number]> = [['klarna', 33], ['vipps', 25], ['card', 20], ['invoice', 10], ['cod', 6], ['giftcard', 6]];

const ascii = (s: string) => s.toLowerCase().replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'a').replace(/é|è/g, 'e').replace(/ü/g, 'u').replace(/ë/g, 'e').replace(/[^a-z0-9]/g, '');

/** Kroner amount with øre as a decimal string: "199.90". */
function kr(amountOre: number): string {
  return `${Math.trunc(amountOre / 100)}.${String(amountOre % 100).padStart(2, '0')}`;
}

function newCustomer(rng: Rng, n: number, seed: number): CustomerSpec {
  const business = rng.chance(0.25);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const [postcode, city] = rng.pick(PLACES);
  const company = business ? rng.pick(COMPANIES) : '';
  return {
    kind: business ? 'business' : 'private',
    firstname: first, lastname: last,
    email: business ? `${ascii(first)}.${seed}x${n}@${ascii(company).slice(0, 12)}.no` : `${ascii(first)}.${ascii(last)}${seed}x${n}@${rng.pick(MAIL_DOMAINS)}`,
    phone: rng.chance(0.5) ? `+47 9${rng.int(0, 9)}${rng.int(0, 9)} ${rng.int(10, 99)} ${rng.int(100, 999)}` : `4${rng.int(1000000, 9999999)}`,
    company,
    orgNumber: business ? generateOrgNumber(rng) : null,
    street: `${rng.pick(STREETS)} ${rng.int(1, 120)}${rng.chance(0.15) ? rng.pick(['A', 'B', 'C']) : ''}`,
    postcode, city, country: 'Norway',
  };
}

function options(rng: Rng, product: Product, scale: number): OptionSpec[] | undefined {
  if (!product.options || !rng.chance(0.6)) return undefined;
  const out: OptionSpec[] = [];
  if (product.options === 'clothes') {
    const size = rng.weighted([['S', 2], ['M', 3], ['L', 3], ['XL', 1], ['XXL', 1]] as const);
    out.push({ name: 'Størrelse', value: size, priceInclVat: size === 'XL' ? kr(5000 / scale) : size === 'XXL' ? kr(10000 / scale) : 0 });
    if (rng.chance(0.5)) out.push({ name: 'Farge', value: rng.pick(['Korallr&oslash;d', 'Sort', 'Gr&oslash;nn', 'Marineblå']), priceInclVat: 0 });
  } else {
    out.push({ name: 'Gaveinnpakning', value: rng.pick(['Ja', 'Ja &amp; kort']), priceInclVat: kr(3900 / scale) });
  }
  // Occasionally an option that lowers the price (a demo item, no original packaging).
  if (rng.chance(0.12)) out.push({ name: 'Tilstand', value: rng.pick(['Uten originalemballasje', 'Demo-eksemplar']), priceInclVat: `-${kr(2000 / scale)}` });
  return out;
}

function linePrice(rng: Rng, product: Product, scale: number): string {
  const base = Math.round(product.price * 100);
  const factor = rng.weighted([[1, 6], [0.8, 1], [0.9, 1], [1.1, 1]] as const);
  let ore = Math.round((base * factor) / scale / 100) * 100; // whole kroner (or euro)
  if (ore <= 0) ore = 100;
  if (rng.chance(0.25)) ore -= 10; // ...,90
  else if (rng.chance(0.08)) ore -= 50; // ...,50
  return kr(Math.max(ore, 90));
}

function iso(ms: number): Date { return new Date(Math.floor(ms / 1000) * 1000); }

/** `count` checkouts, ordered by created_at. */
export function generateOrderSpecs(options_: GenerateOrderSpecsOptions): OrderSpec[] {
  const { seed, count } = options_;
  const rng = new Rng(seed);
  const start = options_.startAt.getTime();
  const end = Math.max(options_.endAt.getTime(), start);
  const created = Array.from({ length: count }, () => start + Math.floor(rng.next() * (end - start))).sort((a, b) => a - b);
  const pool: CustomerSpec[] = [];
  const specs: OrderSpec[] = [];
  for (let i = 0; i < count; i += 1) {
    const createdAt = iso(created[i] ?? start);
    let customer: CustomerSpec;
    if (rng.chance(0.12)) {
      customer = { ...newCustomer(rng, i, seed), kind: 'guest' };
    } else if (pool.length === 0 || rng.chance(0.3)) {
      customer = newCustomer(rng, i, seed);
      pool.push(customer);
    } else {
      customer = rng.pick(pool);
    }
    const business = customer.kind === 'business' || (customer.kind === 'guest' && customer.orgNumber != null);
    const currency = rng.weighted([['NOK', 85], ['EUR', 10], ['SEK', 5]] as const);
    const scale = currency === 'EUR' ? 10 : 1;
    const currencyValue = currency === 'EUR' ? '11.7350' : currency === 'SEK' ? '0.9810' : '1';
    const paymentModule = business && rng.chance(0.6) ? 'invoice' : rng.weighted(PAYMENT_MIX);

    const lineCount = 1 + Math.floor(49 * rng.next() ** 7);
    const lines: LineSpec[] = [];
    for (let n = 0; n < lineCount; n += 1) {
      const product = rng.pick(PRODUCTS);
      const quantity = rng.weighted([[1, 75], [rng.int(2, 3), 18], [rng.int(4, 6), 6], [rng.int(10, 24), business ? 4 : 1]] as const);
      const opts = options(rng, product, scale);
      lines.push({
        name: product.name, sku: product.sku, productId: String(100 + PRODUCTS.indexOf(product)),
        quantity, priceInclVat: linePrice(rng, product, scale), taxRate: product.rate, ...(opts ? { options: opts } : {}),
      });
    }
    // Rough value including VAT, only to size discounts sensibly (the totals are computed exactly elsewhere).
    const approx = lines.reduce((s, l) => s + Math.round(Number(l.priceInclVat) * 100) * l.quantity, 0);

    const shippingKind = rng.weighted([['bring', 70], ['mailbox', 10], ['abroad', 8], ['pickup', 12]] as const);
    const shipping = shippingKind === 'bring' ? { method: 'servicepakke_servicepakke', title: 'Bring Servicepakke:', priceInclVat: kr(rng.pick([9900, 7900, 14900]) / scale), taxRate: 25 }
      : shippingKind === 'mailbox' ? { method: 'pakke_i_postkassen', title: 'Pakke i postkassen:', priceInclVat: kr(6900 / scale), taxRate: 25 }
        : shippingKind === 'abroad' ? { method: 'eksport_eksport', title: 'Sending til utlandet (mva-fritt):', priceInclVat: kr(25000 / scale), taxRate: 0 }
          : { method: 'pickup_pickup', title: 'Hent i butikk:', priceInclVat: '0.00', taxRate: 25 };

    const fees = paymentModule === 'invoice' ? [{ title: 'Fakturagebyr:', priceInclVat: kr(4900 / scale), taxRate: 25 }]
      : paymentModule === 'cod' ? [{ title: 'Oppkravsgebyr:', priceInclVat: kr(6900 / scale), taxRate: 25 }] : [];
    const discounts = rng.chance(0.12) ? [rng.chance(0.5)
      ? { title: 'Rabatt 10 %:', amount: kr(Math.floor(approx / 10)) }
      : { title: 'Kunderabatt:', amount: kr(Math.min(10000 / scale, Math.floor(approx / 4))) }] : [];
    const coupons = rng.chance(0.1) ? [rng.chance(0.5)
      ? { code: 'SOMMER25', title: 'Kupong SOMMER25:', amount: kr(Math.floor(approx / 4)) }
      : { code: 'VELKOMMEN', title: 'Kupong VELKOMMEN:', amount: kr(Math.min(5000 / scale, Math.floor(approx / 5))) }] : [];
    const giftCard = paymentModule === 'giftcard' ? { title: 'Gavekort:', amount: 'all' as const }
      : rng.chance(0.06) ? { title: 'Gavekort:', amount: kr(rng.pick([20000, 50000, 100000]) / scale) } : null;

    const status = options_.status ?? rng.weighted(STATUS_MIX);
    const history = statusHistory(rng, status, createdAt.getTime(), end);
    const last = history[history.length - 1];
    specs.push({
      customer, lines, shipping, fees, discounts, coupons, giftCard,
      currency, currencyValue, paymentModule, status, statusHistory: history,
      createdAt, updatedAt: last ? last.at : createdAt,
      language: 'no',
    });
  }
  return specs;
}

function statusHistory(rng: Rng, status: StatusKey, createdMs: number, endMs: number): Array<{ status: StatusKey; at: Date }> {
  const path: StatusKey[] = status === 'new' ? ['new']
    : status === 'processing' ? ['new', 'processing']
      : status === 'completed' ? (rng.chance(0.5) ? ['new', 'processing', 'completed'] : ['new', 'completed'])
        : status === 'cancelled' ? ['new', 'cancelled']
          : ['new', 'completed', 'returned'];
  let at = createdMs;
  return path.map((s, i) => {
    if (i > 0) at = Math.min(endMs, at + rng.int(10 * 60, 3 * 24 * 3600) * 1000);
    return { status: s, at: iso(Math.max(at, createdMs)) };
  });
}
