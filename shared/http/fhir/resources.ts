/**
 * A referral as FHIR R4 resources for the referrer that sent it: the ServiceRequest, its status as
 * a Task (businessStatus from the one table in shared/domain/fhir-codes.ts), and the response
 * message to a referral message. Codes, ids and times only: the patient is named by NHS number,
 * as the referrer's own record knows them, and no free text goes back.
 */
import { config } from '../../config.js';
import { BODY_SITE_SNOMED, FHIR_SYSTEMS, serviceRequestStatus, TASK_STATUS } from '../../domain/fhir-codes.js';
import type { Referral } from '../../domain/referral.js';
import type { Bundle, MessageHeader, Reference, ServiceRequest, Task } from './types.js';

const base = () => `${config().PUBLIC_BASE_URL}/fhir`;

function patientOf(referral: Referral): Reference {
  return referral.patient
    ? { identifier: { system: FHIR_SYSTEMS.nhsNumber, value: referral.patient.nhsNumber } }
    : { display: 'personal details removed under the retention policy' };
}

const PRIORITY = { emergency: 'stat', urgent: 'urgent', routine: 'routine' } as const;

export function serviceRequestOf(referral: Referral): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id: referral.id,
    meta: { lastUpdated: referral.updatedAt },
    identifier: [{ system: FHIR_SYSTEMS.referralId, value: referral.id }],
    status: serviceRequestStatus(TASK_STATUS[referral.status].task),
    intent: 'order',
    ...(referral.screening ? { priority: PRIORITY[referral.screening.priority] } : {}),
    subject: patientOf(referral),
    authoredOn: referral.receivedAt,
    ...(referral.referrer ? { requester: { identifier: { system: FHIR_SYSTEMS.odsCode, value: referral.referrer.odsCode } } } : {}),
    // One site, as its first code: every code of the table sent back would read as several sites.
    bodySite: [{ coding: [{ system: FHIR_SYSTEMS.snomed, ...BODY_SITE_SNOMED[referral.complaint.bodySite][0] }] }],
  };
}

export function taskOf(referral: Referral): Task {
  const { task, display } = TASK_STATUS[referral.status];
  return {
    resourceType: 'Task',
    id: referral.id,
    meta: { lastUpdated: referral.updatedAt },
    identifier: [{ system: FHIR_SYSTEMS.referralId, value: referral.id }],
    status: task,
    businessStatus: { coding: [{ system: FHIR_SYSTEMS.referralStatus, code: referral.status, display }], text: display },
    intent: 'order',
    focus: { reference: `ServiceRequest/${referral.id}` },
    for: patientOf(referral),
    authoredOn: referral.receivedAt,
    lastModified: referral.updatedAt,
  };
}

/** A search's answer: the matches (none, for another referrer's referral), as a searchset Bundle. */
export function searchSet(tasks: Task[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: tasks.length,
    entry: tasks.map((task) => ({ fullUrl: `${base()}/Task/${task.id}`, resource: task, search: { mode: 'match' } })),
  };
}

/**
 * The answer to a referral message: `ok`, the created ServiceRequest and its Task. Made from the
 * referral and the request only, so that a resent message gets the same answer.
 */
export function responseMessage(referral: Referral, request: MessageHeader): Bundle {
  const serviceRequest = serviceRequestOf(referral);
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id: `${referral.id}-response`,
    eventCoding: request.eventCoding!,
    source: { endpoint: base() },
    ...(request.source?.endpoint ? { destination: [{ endpoint: request.source.endpoint }] } : {}),
    response: { identifier: request.id!, code: 'ok' },
    focus: [{ reference: `ServiceRequest/${referral.id}` }],
  };
  return {
    resourceType: 'Bundle',
    id: `${referral.id}-response`,
    type: 'message',
    timestamp: referral.receivedAt,
    entry: [
      { fullUrl: `${base()}/MessageHeader/${header.id}`, resource: header },
      { fullUrl: `${base()}/ServiceRequest/${referral.id}`, resource: serviceRequest },
      { fullUrl: `${base()}/Task/${referral.id}`, resource: taskOf(referral) },
    ],
  };
}
