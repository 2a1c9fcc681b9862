/**
 * The validation of identifiers operators and webhooks hand in (zod). Apart from common/ids.ts,
 * which workflows import: the workflow sandbox evaluates every module a workflow imports once per
 * workflow in the worker's cache, and zod cost about 0.5 MB each (BENCHMARKS.md, Memory).
 */
import { z } from 'zod';

/** A shop id as used in workflow ids, search attributes and webhook URLs. */
export const shopIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a shop id is 1-63 lower-case letters, digits or dashes, starting with a letter or digit');
