/**
 * What the chaos run reports besides the final counts: the faults the sandboxes injected (from
 * their request logs), and the retries they caused (from the transfer workflows' histories:
 * every activity attempt after the first, by activity and by what failed the attempt before;
 * local activities too, from the markers core records for them).
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { RequestLogReader } from './lib/request-log';

const { temporal } = proto;

const add = (record: Record<string, number>, key: string, n = 1) => {
  record[key] = (record[key] ?? 0) + n;
};

/** Requests, and faults by kind, in one sandbox's request log. */
export interface FaultTally {
  requests: number;
  faults: Record<string, number>;
}

export function tallyFaults(requestLog: string): FaultTally {
  const reader = new RequestLogReader(requestLog);
  try {
    const requests = reader.readNew();
    const faults: Record<string, number> = {};
    for (const { fault } of requests) if (fault) add(faults, fault);
    return { requests: requests.length, faults };
  } finally {
    reader.close();
  }
}

export interface RetryTally {
  transfers: number;
  /** Activities scheduled on the server (ActivityTaskScheduled). */
  activities: number;
  /** Local activities (core's markers); one that a killed worker left unfinished runs again from attempt 1, seen as a workflow task timeout. */
  localActivities: number;
  /** Activities that needed more than one attempt. */
  activitiesRetried: number;
  /** Attempts beyond the first, summed. */
  extraAttempts: number;
  /** Extra attempts by activity type. */
  byActivity: Record<string, number>;
  /** Retried activities by what failed their previous attempt (a failure type, or a timeout: the worker was killed). Local activities' failures are not recorded. */
  byLastFailure: Record<string, number>;
  /** Workflow tasks that timed out (their worker was killed) or failed. */
  workflowTaskTimeouts: number;
  workflowTaskFailures: number;
}

const TIMEOUT_NAMES: Record<number, string> = {
  [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE]: 'timeout: start-to-close',
  [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START]: 'timeout: schedule-to-start',
  [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE]: 'timeout: schedule-to-close',
  [temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT]: 'timeout: heartbeat',
};

function describeFailure(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): string {
  if (!failure) return 'unknown';
  if (failure.timeoutFailureInfo) return TIMEOUT_NAMES[failure.timeoutFailureInfo.timeoutType ?? 0] ?? 'timeout';
  if (failure.applicationFailureInfo) return failure.applicationFailureInfo.type || 'application failure';
  if (failure.canceledFailureInfo) return 'cancelled';
  if (failure.serverFailureInfo) return 'server failure';
  return 'other';
}

/** Core's bookkeeping of a local activity, written as plain JSON in the marker's `data` (outside the codec). */
const localActivityMarkerSchema = z.object({ attempt: z.number().int(), activity_type: z.string() });

function localActivityMarker(marker: proto.temporal.api.history.v1.IMarkerRecordedEventAttributes): z.infer<typeof localActivityMarkerSchema> | undefined {
  if (marker.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const parsed = localActivityMarkerSchema.safeParse(JSON.parse(Buffer.from(data).toString('utf8')));
  return parsed.success ? parsed.data : undefined;
}

/** Reads every transfer workflow's history (`concurrency` at a time) and counts its retries. */
export async function tallyRetries(client: Client, concurrency = 8): Promise<RetryTally> {
  const tally: RetryTally = { transfers: 0, activities: 0, localActivities: 0, activitiesRetried: 0, extraAttempts: 0, byActivity: {}, byLastFailure: {}, workflowTaskTimeouts: 0, workflowTaskFailures: 0 };
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: 'WorkflowType = "transferOrder"' })) ids.push(execution.workflowId);
  tally.transfers = ids.length;
  let next = 0;
  const reader = async () => {
    while (next < ids.length) {
      const history = await client.workflow.getHandle(ids[next++]!).fetchHistory();
      const activityTypes = new Map<string, string>();
      for (const event of history.events ?? []) {
        if (event.activityTaskScheduledEventAttributes) {
          activityTypes.set(String(event.eventId), event.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
          tally.activities += 1;
        }
        const started = event.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) {
          const extra = (started.attempt ?? 1) - 1;
          tally.activitiesRetried += 1;
          tally.extraAttempts += extra;
          add(tally.byActivity, activityTypes.get(String(started.scheduledEventId)) ?? '?', extra);
          add(tally.byLastFailure, describeFailure(started.lastFailure));
        }
        const local = event.markerRecordedEventAttributes ? localActivityMarker(event.markerRecordedEventAttributes) : undefined;
        if (local) {
          tally.localActivities += 1;
          if (local.attempt > 1) {
            tally.activitiesRetried += 1;
            tally.extraAttempts += local.attempt - 1;
            add(tally.byActivity, `${local.activity_type} (local)`, local.attempt - 1);
            add(tally.byLastFailure, 'local activity (not recorded)');
          }
        }
        if (event.workflowTaskTimedOutEventAttributes) tally.workflowTaskTimeouts += 1;
        if (event.workflowTaskFailedEventAttributes) tally.workflowTaskFailures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, reader));
  return tally;
}
