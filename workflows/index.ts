// Every workflow the worker registers. The worker bundles this file; keep it free of side effects.
export * from './onboarding-workflow';
export * from './shop-workflow';
export * from './transfer-workflow';
export * from './shop-admin-workflows';
export * from './reconciliation-workflow';
export * from './backfill-workflow';
