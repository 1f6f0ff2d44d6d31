/**
 * What each function may do in AWS, written once. The stack grants exactly this (infra/stack.ts),
 * and test/permissions.test.ts holds it both ways: no function's role may hold more than its entry
 * says, and each entry is what that function's code can call, read from the code (every DynamoDB
 * command, transaction item and port method reachable from its handler), no more and no less.
 *
 * Never a Scan; DeleteItem only where the code deletes; every write confined to the partitions it
 * writes (IAM `dynamodb:LeadingKeys`), so that the referral partitions, where the append-only
 * timeline lives, are writable only by the functions that change referrals.
 */
import type { FunctionName } from '../shared/functions.js';

/** A partition of the table, as `dynamodb:LeadingKeys` sees it: a pk prefix (`SLOT#`) or a whole pk (`TIMETABLE`); see shared/tables.ts. */
export type Partition =
  'REFERRAL#' | 'TASK#' | 'IDEMPOTENCY#' | 'CLINIC#' | 'SLOT#' | 'TIMETABLE' | 'ACCESS#REFERRAL#' | 'ACCESS#USER#' | 'TEXTS#';
/** The table's indexes (shared/tables.ts). */
export type IndexName = 'byStatus' | 'byPractice' | 'byNhsNumber' | 'freeSlots';
export type ItemRead = 'GetItem' | 'BatchGetItem';
export type ItemWrite = 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** What a function does beyond the table, each granted on its one resource (see infra/stack.ts). */
export type Capability =
  /** states:StartExecution on the referral state machine. */
  | 'start-workflow'
  /** states:SendTaskSuccess on the referral state machine: only functions that carry a person's answer. */
  | 'resume-workflow'
  /** sns:Publish to phone numbers (Resource "*", fenced off every SNS ARN by a Deny). */
  | 'sms'
  /** sns:CheckIfPhoneNumberIsOptedOut (Resource "*": it has none). */
  | 'sms-opt-out'
  /** sns:Publish to the staff topics. */
  | 'staff-email'
  /** ses:SendEmail from the sender identity only. */
  | 'referrer-email'
  /** secretsmanager:GetSecretValue on the link-signing key: signs and checks links. */
  | 'link-secret'
  /** sqs:SendMessage on the callback queue: status changes queued for delivery to referrer systems. */
  | 'callback-queue'
  /** sqs:ChangeMessageVisibility on the callback queue: a failed delivery comes back after its wait. */
  | 'callback-retry'
  /** secretsmanager:GetSecretValue on the referrer clients' callback secrets: signs their events. */
  | 'callback-secret';

/**
 * What invokes a function through a Lambda event source mapping, whose poller reads with the
 * function's role: the table's stream, the callback queue or its dead-letter queue (see infra/constructs/callbacks.ts).
 */
export type Trigger = 'table-stream' | 'callback-queue' | 'callback-dead-letters';

export interface FunctionPermissions {
  /** Items read by key. */
  readonly read?: readonly ItemRead[];
  /** Queries, on the table's own key (`table`) or on an index; each is its own resource. */
  readonly query?: readonly ('table' | IndexName)[];
  /** Item writes, each only in the partitions named (transaction items count as the write they make). */
  readonly write?: { readonly [A in ItemWrite]?: readonly Partition[] };
  readonly uses?: readonly Capability[];
  /** The stream or queue that invokes it (read grants for the event source mapping's poller). */
  readonly triggeredBy?: Trigger;
}

/** The referral partition: its META item, its append-only EVENT# timeline, its NOTE# texts and its CLAIM. */
const REFERRAL: Partition = 'REFERRAL#';
/** A referral change: the META update and its event (and note), put in one transaction. */
const changesReferrals = { PutItem: [REFERRAL], UpdateItem: [REFERRAL] } as const;
/** Who saw which patient's details (BatchWriteItem: no conditions, so only these partitions). */
const recordsViews = { BatchWriteItem: ['ACCESS#REFERRAL#', 'ACCESS#USER#'] } as const;

export const functionPermissions = {
  // API and pages
  createReferral: {
    read: ['GetItem'],
    write: { PutItem: ['IDEMPOTENCY#', REFERRAL] },
    uses: ['start-workflow'],
  },
  getReferral: { query: ['table'] },
  // The FHIR intake is POST /referrals' intake; its reads need only the referral itself.
  fhirProcessMessage: {
    read: ['GetItem'],
    write: { PutItem: ['IDEMPOTENCY#', REFERRAL] },
    uses: ['start-workflow'],
  },
  fhirRead: { read: ['GetItem'] },
  provideInformation: {
    read: ['GetItem'],
    query: ['table'],
    write: { PutItem: [REFERRAL], UpdateItem: [REFERRAL, 'TASK#'] },
    uses: ['resume-workflow'],
  },
  // The pages after a first contact call show its attempts and notes (the referral's timeline).
  taskPage: { read: ['GetItem'], query: ['freeSlots', 'table'], write: recordsViews, uses: ['link-secret'] },
  // A staff booking for a patient whose clinic cancelled confirms at once: a new appointment link
  // (TASK#) and a text, unless the patient opted out. A senior review finding the patient not yet
  // fit for surgery tells the referrer what to optimise (SES). An unanswered first contact call
  // texts the patient that the service will try again.
  taskDecision: {
    read: ['GetItem'],
    query: ['freeSlots', 'table'],
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL, 'SLOT#', 'TASK#'] },
    uses: ['link-secret', 'referrer-email', 'resume-workflow', 'sms', 'sms-opt-out'],
  },
  publicPages: {},
  // A questionnaire's page reads the timeline (the activities named at baseline, the clinic).
  patientPage: { read: ['GetItem'], query: ['freeSlots', 'table'], uses: ['link-secret'] },
  patientAction: {
    read: ['GetItem'],
    query: ['freeSlots', 'table'],
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL, 'SLOT#', 'TASK#'] },
    uses: ['link-secret', 'referrer-email', 'resume-workflow', 'sms', 'sms-opt-out'],
  },
  selfReferral: {
    read: ['GetItem'],
    write: { PutItem: ['IDEMPOTENCY#', REFERRAL] },
    uses: ['start-workflow'],
  },
  admin: { read: ['BatchGetItem'], write: { PutItem: ['CLINIC#', 'SLOT#', 'TIMETABLE'] } },
  // The waiting list as of a past date reads closed referrals' items in batches (services/waiting-list.ts).
  reporting: { read: ['BatchGetItem'], query: ['byStatus', 'table'], write: recordsViews },
  // Claims are their own item in the referral's partition: taking one is a Put, letting go a Delete.
  // Staff pages sign their forms' tokens with the link key; the workspace links rows to their steps.
  staffWorkspace: {
    read: ['BatchGetItem', 'GetItem'],
    query: ['byNhsNumber', 'byStatus', 'table'],
    write: { ...recordsViews, DeleteItem: [REFERRAL], ...changesReferrals },
    // A person's retry of a stopped journey starts a new execution.
    uses: ['link-secret', 'start-workflow'],
  },
  // Cancelling a booked slot moves its referral back to be rebooked and texts the patient.
  staffTimetable: {
    read: ['GetItem'],
    query: ['table'],
    write: { PutItem: ['CLINIC#', REFERRAL, 'SLOT#', 'TASK#', 'TIMETABLE'], UpdateItem: [REFERRAL, 'SLOT#', 'TIMETABLE'] },
    // Wakes the workflow asleep until a cancelled appointment, to wait on the new booking step.
    uses: ['link-secret', 'resume-workflow', 'sms'],
  },
  staffSignIn: {},
  staffAuthorizer: {},
  // Scheduled
  startStalledReferrals: { query: ['byStatus'], uses: ['start-workflow'] },
  // The session records how far its slots are made (TIMETABLE), so each day writes only the new days.
  topUpTimetable: { query: ['table'], write: { PutItem: ['SLOT#'], UpdateItem: ['TIMETABLE'] } },
  // The retention rule deletes notes (NOTE#), never events, in the transaction that records it.
  removePersonalData: { query: ['byStatus', 'table'], write: { DeleteItem: [REFERRAL], ...changesReferrals } },
  // Status sent back: the stream's status changes queued, delivered signed, and the undeliverable put
  // before the service lead (an email, and an event on the referral's timeline).
  captureStatusChanges: { triggeredBy: 'table-stream', uses: ['callback-queue'] },
  deliverCallbacks: { triggeredBy: 'callback-queue', uses: ['callback-retry', 'callback-secret'] },
  callbackFailed: { triggeredBy: 'callback-dead-letters', query: ['table'], write: changesReferrals, uses: ['staff-email'] },
  // Workflow steps
  screenReferral: { read: ['GetItem'], write: changesReferrals },
  // The self-referral texts' daily allowance per mobile (TEXTS#) is counted here and in redirectEmergency.
  // The acknowledgement makes the baseline questionnaire's link (its task, TASK#).
  notifyPatient: {
    read: ['GetItem'],
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL, 'TEXTS#'] },
    uses: ['link-secret', 'sms'],
  },
  emailStaff: { read: ['GetItem'], write: changesReferrals, uses: ['link-secret', 'staff-email'] },
  // A patient text carries the link to their open booking step, if there is one: hence the link key.
  redirectEmergency: { read: ['GetItem'], write: { ...changesReferrals, UpdateItem: [REFERRAL, 'TEXTS#'] }, uses: ['link-secret', 'sms'] },
  openTask: {
    read: ['GetItem'],
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL, 'TASK#'] },
    uses: ['link-secret', 'referrer-email', 'staff-email'],
  },
  taskTimer: { read: ['GetItem'], write: changesReferrals, uses: ['link-secret', 'staff-email'] },
  bookingStep: {
    read: ['GetItem'],
    query: ['freeSlots'],
    // Sleeping until an appointment: its token on the appointment's task (TASK#).
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL, 'TASK#'] },
    uses: ['link-secret', 'sms', 'sms-opt-out'],
  },
  // After the notice, the follow-up questionnaire's link (TASK#), for a call's advice read from the timeline.
  notifyOutcome: {
    read: ['GetItem'],
    query: ['table'],
    write: { PutItem: [REFERRAL, 'TASK#'], UpdateItem: [REFERRAL] },
    uses: ['link-secret', 'referrer-email', 'sms'],
  },
  recordFailure: { read: ['GetItem'], write: changesReferrals, uses: ['staff-email'] },
} as const satisfies Record<FunctionName, FunctionPermissions>;

/** The functions that may resume the workflow (SendTaskSuccess), from the table above. */
export const resumers = (Object.entries(functionPermissions) as [FunctionName, FunctionPermissions][])
  .filter(([, may]) => may.uses?.includes('resume-workflow'))
  .map(([name]) => name);
