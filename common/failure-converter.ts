/**
 * Failure messages and stack traces go into Temporal history too, and a Tripletex validation
 * message can quote a customer's name or e-mail. With encodeCommonAttributes they are moved into
 * an encoded payload, which the payload codec then encrypts like every other payload.
 * Loaded by path (the workflow sandbox imports it), so it must stay free of Node built-ins.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
