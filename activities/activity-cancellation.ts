/**
 * The running activity's cancellation signal, for the API clients' `abortSignal` option:
 * `createTripletexClient({ …, abortSignal: currentActivitySignal })` (same for Mystore). The
 * clients call it per request, so one client shared by several activity calls always gets the
 * signal of the activity that is making the request (the SDK keeps the context in an
 * AsyncLocalStorage, which follows the request's async chain).
 *
 * What fires it (@temporalio/worker 1.24, worker/src/activity.ts and sdk-core activities.rs): the
 * SDK aborts the signal with `new CancelledFailure(reason)` as its `reason`, where reason is
 * - 'CANCELLED': the workflow asked for the cancellation (reaches the worker only through a
 *   heartbeat, so only activities that heartbeat learn of it);
 * - 'TIMED_OUT' / 'NOT_FOUND': the server or the worker's local timers gave up on this attempt;
 * - 'PAUSED' / 'RESET': the activity was paused or reset;
 * - 'WORKER_SHUTDOWN': the worker is shutting down and `shutdownGraceTime` (default 0, so at
 *   once) has passed; core then cancels every activity still running, no heartbeat needed.
 */
import { Context } from '@temporalio/activity';

/** The running activity's `Context.current().cancellationSignal`, or undefined outside an activity. */
export function currentActivitySignal(): AbortSignal | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch (error) {
    // Context.current() throws a plain Error('Activity context not initialized') outside an
    // activity (@temporalio/activity 1.24); anything else is a real fault and propagates.
    if (error instanceof Error && /activity context not initialized/i.test(error.message)) return undefined;
    throw error;
  }
  return context.cancellationSignal;
}
