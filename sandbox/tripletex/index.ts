// Public surface of the Tripletex API v2 sandbox (see README.md). Imports nothing from the app.
export { startTripletexSandbox, type TripletexSandbox, type TripletexSandboxOptions } from './server';
export type {
  TripletexSandboxAdmin, CreateCompanyInput, CompanyView, CompanySettingsUpdate, InvoiceView, InvoiceLineView,
  CustomerView, OrderView, ManualInvoiceInput,
} from './admin';
export { SandboxAdminError } from './admin';
export type { FaultConfig, FaultKind } from '../shared/faults';
export type { RateLimitConfig } from './rate-limit';
export type { RequestLogLine } from '../shared/request-log';
export type { Access } from './store';
