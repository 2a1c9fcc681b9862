// Fixed catalogues every fake company shares: VAT types (ids differ from numbers, brief §5 table:
// code 33 has id 32), currencies (NOK id 1, brief §6.1), the chart of accounts the flow touches.

export interface VatTypeDef {
  id: number; number: string; name: string; percentage: number; deductionPercentage: number;
  typeOfVat: 'OUTGOING' | 'INCOMING' | 'NONE';
}

export const VAT_TYPES: readonly VatTypeDef[] = [
  { id: 0, number: '0', name: 'Ingen avgiftsbehandling', percentage: 0, deductionPercentage: 0, typeOfVat: 'NONE' },
  { id: 1, number: '1', name: 'Fradrag inngående avgift, høy sats', percentage: 25, deductionPercentage: 100, typeOfVat: 'INCOMING' },
  { id: 11, number: '11', name: 'Fradrag inngående avgift, middels sats', percentage: 15, deductionPercentage: 100, typeOfVat: 'INCOMING' },
  { id: 13, number: '13', name: 'Fradrag inngående avgift, lav sats', percentage: 12, deductionPercentage: 100, typeOfVat: 'INCOMING' },
  { id: 3, number: '3', name: 'Utgående avgift, høy sats', percentage: 25, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
  { id: 31, number: '31', name: 'Utgående avgift, middels sats', percentage: 15, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
  { id: 32, number: '33', name: 'Utgående avgift, lav sats', percentage: 12, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
  { id: 5, number: '5', name: 'Ingen utgående avgift (innenfor mva-loven)', percentage: 0, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
  { id: 52, number: '52', name: 'Avgiftsfri utførsel av varer og tjenester', percentage: 0, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
  { id: 6, number: '6', name: 'Ingen utgående avgift (utenfor mva-loven)', percentage: 0, deductionPercentage: 100, typeOfVat: 'OUTGOING' },
];

export function vatDisplayName(v: VatTypeDef): string {
  return `${v.number}: (${v.percentage}%) ${v.name}`;
}

export interface CurrencyDef { id: number; code: string; description: string; factor: number }
export const CURRENCIES: readonly CurrencyDef[] = [
  { id: 1, code: 'NOK', description: 'Norske kroner', factor: 1 },
  { id: 2, code: 'SEK', description: 'Svenske kroner', factor: 100 },
  { id: 3, code: 'DKK', description: 'Danske kroner', factor: 100 },
  { id: 4, code: 'USD', description: 'Amerikanske dollar', factor: 1 },
  { id: 5, code: 'EUR', description: 'Euro', factor: 1 },
];
export const NOK_ID = 1;
export const NORWAY_COUNTRY_ID = 161; // observed in [AINM] responses (brief §4)

export interface AccountDef {
  number: number; name: string; type: 'ASSETS' | 'OPERATING_REVENUES'; isBankAccount: boolean; isInvoiceAccount: boolean;
  vatTypeId: number;
}
export const ACCOUNTS: readonly AccountDef[] = [
  { number: 1500, name: 'Kundefordringer', type: 'ASSETS', isBankAccount: false, isInvoiceAccount: false, vatTypeId: 0 },
  { number: 1900, name: 'Kontanter', type: 'ASSETS', isBankAccount: false, isInvoiceAccount: false, vatTypeId: 0 },
  // 1920 is the invoice bank account: its bankAccountNumber gates invoicing (brief §6.2).
  { number: 1920, name: 'Bankinnskudd', type: 'ASSETS', isBankAccount: true, isInvoiceAccount: true, vatTypeId: 0 },
  { number: 3000, name: 'Salgsinntekt, avgiftspliktig', type: 'OPERATING_REVENUES', isBankAccount: false, isInvoiceAccount: false, vatTypeId: 3 },
];
export const SANDBOX_BANK_ACCOUNT_NUMBER = '15032080119';
