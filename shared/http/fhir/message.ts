/**
 * A BaRS-shaped FHIR R4 referral message (a `Bundle` of type `message`: MessageHeader first, the
 * ServiceRequest it focuses on, the Patient, the referring PractitionerRole with its Practitioner
 * and Organization, and a QuestionnaireResponse with the duration, pain and red-flag answers) read
 * as the same `ReferralRequest` POST /referrals takes, checked by the same schema. Every problem
 * comes back with the FHIRPath of the element at fault, never a partial referral.
 */
import { bodySiteOfSnomed, FHIR_SYSTEMS, isRedFlag, NO_RED_FLAGS, QUESTION } from '../../domain/fhir-codes.js';
import { fieldIssues } from '../../domain/field-issues.js';
import { type BodySite, type ReferralRequest, referralRequestSchema } from '../../domain/referral.js';
import { logger } from '../../logger.js';
import { safeErrorDetails } from '../api.js';
import { FhirError, type FhirIssue } from './outcome.js';
import type { Coding, MessageHeader } from './types.js';
import { structureIssues } from './validate.js';

/** The message event a referral is sent with (BaRS: `servicerequest-request`). */
export const REFERRAL_EVENT = { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' } as const;
/**
 * BaRS sends amendments and cancellations with the same event, told apart by MessageHeader.reason
 * (`update`, `cancel`) and the ServiceRequest's status. Only new referrals are taken (hazard H59).
 */
export const NEW_REFERRAL_REASON = { system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code: 'new' } as const;
const ONLY_NEW = 'only new referrals are taken: to change or cancel a referral, phone the service (or send a new referral)';

/** The FHIR R4 id type: what a message id (Bundle.id) must be. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_ID_RULE = 'must be a FHIR id: 1 to 64 letters, digits, "-" or "."';

/**
 * The idempotency key a message is accepted under: its own key space beside POST /referrals'
 * Idempotency-Key headers, which are visible ASCII only (no spaces), so no header can name it.
 */
export const messageIdempotencyKey = (messageId: string) => `fhir message ${messageId}`;

export interface ReferralMessage {
  /** Bundle.id: what a resend repeats, and so what the referral is idempotent on. */
  messageId: string;
  header: MessageHeader;
  request: ReferralRequest;
}

type Json = Record<string, unknown>;
/** A resource in the bundle and its FHIRPath (`Bundle.entry[2].resource`). */
interface Found {
  resource: Json;
  at: string;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const indexOf = (items: unknown, item: Json) => (Array.isArray(items) ? items.indexOf(item) : 0);

/** Entries by fullUrl and by `Type/id`, so that references of either kind resolve. */
function entriesOf(bundle: Json) {
  const all: Found[] = list(bundle.entry).flatMap((entry, i) =>
    isObject(entry.resource) ? [{ resource: entry.resource, at: `Bundle.entry[${i}].resource` }] : [],
  );
  const byReference = new Map<string, Found>();
  list(bundle.entry).forEach((entry) => {
    const found = all.find((f) => f.resource === entry.resource);
    if (!found) return;
    if (typeof entry.fullUrl === 'string') byReference.set(entry.fullUrl, found);
    if (typeof found.resource.id === 'string') byReference.set(`${String(found.resource.resourceType)}/${found.resource.id}`, found);
  });
  return {
    resolve(reference: unknown, type: string): Found | undefined {
      const ref = isObject(reference) ? reference.reference : undefined;
      const found = typeof ref === 'string' ? byReference.get(ref) : undefined;
      return found?.resource.resourceType === type ? found : undefined;
    },
    first: (type: string) => all.find((f) => f.resource.resourceType === type),
  };
}

/** The first element of `items` matching, with its FHIRPath; else the FHIRPath it should have been at. */
function pick(owner: Found, element: string, match: (item: Json) => boolean, where: string): { item?: Json; at: string } {
  const items = list(owner.resource[element]);
  const item = items.find(match);
  return item
    ? { item, at: `${owner.at}.${element}[${indexOf(owner.resource[element], item)}]` }
    : { at: `${owner.at}.${element}${where}` };
}

function identifierValue(owner: Found | undefined, system: string, fallback: string) {
  if (!owner) return { at: fallback };
  const { item, at } = pick(owner, 'identifier', (i) => i.system === system, `.where(system='${system}')`);
  return { value: item?.value, at: `${at}.value` };
}

const telecom = (owner: Found, system: string, use?: string) =>
  pick(
    owner,
    'telecom',
    (t) => t.system === system && (!use || t.use === use),
    `.where(system='${system}'${use ? ` and use='${use}'` : ''})`,
  );

/** The first answer's value, whatever its type, so that the schema names a wrong one. */
function answerOf(item: Json | undefined): unknown {
  const [answer] = list(item?.answer);
  if (!answer) return undefined;
  const key = Object.keys(answer).find((k) => k.startsWith('value'));
  return key ? answer[key] : undefined;
}

/**
 * The referral in a message, or a FhirError: 400 when it is not a well-formed FHIR R4 message
 * (FHIR.js), 422 when it is one but breaks the referral's rules. Whatever the body, never another
 * error: one the mapping did not foresee is still the sender's message, so a 400 (and logged, so
 * that it is foreseen next time).
 */
export function referralFromMessage(body: unknown): ReferralMessage {
  try {
    return readMessage(body);
  } catch (error) {
    if (error instanceof FhirError) throw error;
    logger.warn('FHIR message not readable', safeErrorDetails(error));
    throw new FhirError(400, [{ code: 'structure', expression: 'Bundle', message: 'could not be read as a FHIR R4 referral message' }]);
  }
}

function readMessage(body: unknown): ReferralMessage {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    throw new FhirError(400, [{ code: 'structure', expression: 'Bundle', message: 'must be a FHIR Bundle of type "message"' }]);
  }
  const structure = structureIssues(body);
  if (structure.length) throw new FhirError(400, structure);
  const envelope: FhirIssue[] = [];
  if (body.type !== 'message') envelope.push({ code: 'invalid', expression: 'Bundle.type', message: 'must be "message"' });
  if (typeof body.id !== 'string') envelope.push({ code: 'required', expression: 'Bundle.id', message: 'is required: the message id' });
  // FHIR.js checks ids unanchored; this one becomes part of a DynamoDB key (2 KB at most), so check it whole.
  else if (!FHIR_ID.test(body.id)) envelope.push({ code: 'value', expression: 'Bundle.id', message: FHIR_ID_RULE });
  const [first] = list(body.entry);
  const header = isObject(first?.resource) && first.resource.resourceType === 'MessageHeader' ? first.resource : undefined;
  if (!header) {
    envelope.push({ code: 'required', expression: 'Bundle.entry[0].resource', message: 'must be the MessageHeader' });
  } else {
    if (typeof header.id !== 'string')
      envelope.push({ code: 'required', expression: 'Bundle.entry[0].resource.id', message: 'is required' });
    const event = header.eventCoding as Coding | undefined;
    if (event?.system !== REFERRAL_EVENT.system || event.code !== REFERRAL_EVENT.code) {
      envelope.push({
        code: 'not-supported',
        expression: 'Bundle.entry[0].resource.eventCoding',
        message: `must be the referral event ${REFERRAL_EVENT.system}|${REFERRAL_EVENT.code}`,
      });
    }
  }
  if (envelope.length) throw new FhirError(400, envelope);

  const entries = entriesOf(body);
  const messageHeader = { resource: header!, at: 'Bundle.entry[0].resource' };
  const serviceRequest =
    list(header!.focus)
      .map((f) => entries.resolve(f, 'ServiceRequest'))
      .find(Boolean) ?? entries.first('ServiceRequest');
  if (!serviceRequest) {
    throw new FhirError(422, [
      { code: 'required', expression: 'Bundle.entry.resource.ofType(ServiceRequest)', message: 'a ServiceRequest is required' },
    ]);
  }
  const amendment = notNew(messageHeader, serviceRequest);
  const { request, issues } = mapReferral(entries, messageHeader, serviceRequest);
  if (amendment.length || issues.length) throw new FhirError(422, [...amendment, ...issues]);
  return { messageId: body.id as string, header: header as unknown as MessageHeader, request: request! };
}

/**
 * What says this is not a new referral: a MessageHeader.reason other than BaRS `new` (none is
 * new), or a ServiceRequest that is not an active order (a cancellation is `revoked`).
 */
function notNew(header: Found, sr: Found): FhirIssue[] {
  const issues: FhirIssue[] = [];
  if (header.resource.reason !== undefined) {
    const reasons = list(isObject(header.resource.reason) ? header.resource.reason.coding : undefined).filter(
      (c) => c.system === NEW_REFERRAL_REASON.system,
    );
    if (!reasons.length || reasons.some((c) => c.code !== NEW_REFERRAL_REASON.code)) {
      const message = `must be ${NEW_REFERRAL_REASON.system}|${NEW_REFERRAL_REASON.code} (or left out): ${ONLY_NEW}`;
      issues.push({ code: 'not-supported', expression: `${header.at}.reason`, message });
    }
  }
  if (sr.resource.status !== 'active') {
    issues.push({ code: 'not-supported', expression: `${sr.at}.status`, message: `must be "active": ${ONLY_NEW}` });
  }
  if (sr.resource.intent !== 'order') {
    issues.push({ code: 'not-supported', expression: `${sr.at}.intent`, message: `must be "order": ${ONLY_NEW}` });
  }
  return issues;
}

function mapReferral(
  entries: ReturnType<typeof entriesOf>,
  messageHeader: Found,
  sr: Found,
): { request?: ReferralRequest; issues: FhirIssue[] } {
  const where: Record<string, string> = {};
  /** Issues found while mapping, by referral path; they replace the schema's for the same path. */
  const found: Record<string, FhirIssue> = {};

  const patient = entries.resolve(sr.resource.subject, 'Patient');
  where.patient = `${sr.at}.subject`;
  const role = entries.resolve(sr.resource.requester, 'PractitionerRole');
  const practitioner = role
    ? entries.resolve(role.resource.practitioner, 'Practitioner')
    : entries.resolve(sr.resource.requester, 'Practitioner');
  const organization =
    (role && entries.resolve(role.resource.organization, 'Organization')) ??
    entries.resolve(sr.resource.requester, 'Organization') ??
    entries.resolve(messageHeader.resource.sender, 'Organization');
  where.referrer = `${sr.at}.requester`;

  let referrer: Json | undefined;
  if (role || practitioner || organization) {
    const ods = identifierValue(organization, FHIR_SYSTEMS.odsCode, `${role?.at ?? sr.at}.organization`);
    where['referrer.odsCode'] = ods.at;
    const name = practitioner ? pick(practitioner, 'name', () => true, '') : undefined;
    const nameText = name?.item
      ? typeof name.item.text === 'string'
        ? name.item.text
        : [...[name.item.prefix, name.item.given].flatMap((p) => (Array.isArray(p) ? p : [])), name.item.family].filter(Boolean).join(' ')
      : undefined;
    where['referrer.name'] = name ? name.at : `${role?.at ?? sr.at}.practitioner`;
    const owners = [role, practitioner].filter((o): o is Found => o !== undefined);
    const email = owners.map((owner) => telecom(owner, 'email')).find((e) => e.item) ?? (owners[0] && telecom(owners[0], 'email'));
    where['referrer.email'] = email ? `${email.at}.value` : `${sr.at}.requester`;
    referrer = { odsCode: ods.value, name: nameText || undefined, email: email?.item?.value };
  }

  let patientFields: Json | undefined;
  if (patient) {
    const nhs = identifierValue(patient, FHIR_SYSTEMS.nhsNumber, patient.at);
    const name = pick(patient, 'name', (n) => n.use === 'official', '');
    const anyName = name.item ? name : pick(patient, 'name', () => true, '');
    const given = Array.isArray(anyName.item?.given) ? (anyName.item.given as unknown[]) : undefined;
    const mobile = telecom(patient, 'phone', 'mobile');
    // Another number to call: the first phone that is not the mobile (home, work, or no use given).
    const phone = pick(patient, 'telecom', (t) => t.system === 'phone' && t.use !== 'mobile', ".where(system='phone' and use!='mobile')");
    const address = pick(patient, 'address', (a) => a.use === 'home', '');
    const anyAddress = address.item ? address : pick(patient, 'address', () => true, '');
    Object.assign(where, {
      'patient.nhsNumber': nhs.at,
      'patient.givenName': `${anyName.at}.given`,
      'patient.familyName': `${anyName.at}.family`,
      'patient.dateOfBirth': `${patient.at}.birthDate`,
      'patient.mobile': `${mobile.at}.value`,
      'patient.phone': `${phone.at}.value`,
      'patient.postcode': `${anyAddress.at}.postalCode`,
    });
    patientFields = {
      nhsNumber: nhs.value,
      givenName: given?.every((g) => typeof g === 'string') ? given.join(' ') : given,
      familyName: anyName.item?.family,
      dateOfBirth: patient.resource.birthDate,
      ...(mobile.item ? { mobile: mobile.item.value } : {}),
      ...(phone.item ? { phone: phone.item.value } : {}),
      postcode: anyAddress.item?.postalCode,
    };
  }

  // Body site: SNOMED CT codes from the one table (shared/domain/fhir-codes.ts).
  where['complaint.bodySite'] = `${sr.at}.bodySite`;
  const snomed = list(sr.resource.bodySite).flatMap((site) => list(site.coding).filter((c) => c.system === FHIR_SYSTEMS.snomed));
  const sites = new Set(snomed.map((c) => typeof c.code === 'string' && bodySiteOfSnomed(c.code)).filter((s): s is BodySite => !!s));
  let bodySite: BodySite | undefined;
  if (sites.size === 1) [bodySite] = sites;
  else if (sites.size > 1) {
    found['complaint.bodySite'] = {
      code: 'business-rule',
      expression: `${sr.at}.bodySite`,
      message: 'names more than one body site: send the main one, or SNOMED CT 39352004 (joint structure) for several joints',
    };
  } else if (snomed.length) {
    const codes = snomed.map((c) => (typeof c.code === 'string' ? c.code : JSON.stringify(c.code))).join(', ');
    found['complaint.bodySite'] = {
      code: 'code-invalid',
      expression: `${sr.at}.bodySite`,
      message: `SNOMED CT ${codes} is not a body site this service takes (see the README's table)`,
    };
  }
  const notes = list(sr.resource.note);
  where['complaint.summary'] = notes.length ? `${sr.at}.note[0].text` : `${sr.at}.note`;

  // Duration, pain and red flags: the QuestionnaireResponse the ServiceRequest points to (or the message's one).
  const answers =
    list(sr.resource.supportingInfo)
      .map((ref) => entries.resolve(ref, 'QuestionnaireResponse'))
      .find(Boolean) ?? entries.first('QuestionnaireResponse');
  let complaintAnswers: Json = {};
  let redFlags: unknown;
  if (answers) {
    const item = (linkId: string) => pick(answers, 'item', (i) => i.linkId === linkId, `.where(linkId='${linkId}')`);
    const duration = item(QUESTION.durationWeeks);
    const pain = item(QUESTION.painScore);
    const flags = item(QUESTION.redFlags);
    where['complaint.durationWeeks'] = duration.item ? `${duration.at}.answer[0]` : duration.at;
    where['complaint.painScore'] = pain.item ? `${pain.at}.answer[0]` : pain.at;
    where.redFlags = flags.at;
    complaintAnswers = { durationWeeks: answerOf(duration.item), painScore: answerOf(pain.item) };
    if (flags.item) {
      // In a QuestionnaireResponse an item without an answer was not answered: "none" must be said, as the code `none`.
      const flagAnswers = list(flags.item.answer);
      const codes = flagAnswers.map((answer, i) => {
        const coding = isObject(answer.valueCoding) ? answer.valueCoding : undefined;
        const code = coding?.system === FHIR_SYSTEMS.redFlag && typeof coding.code === 'string' ? coding.code : undefined;
        where[`redFlags.${i}`] = `${flags.at}.answer[${i}].valueCoding`;
        if (!code || (!isRedFlag(code) && code !== NO_RED_FLAGS.code)) {
          found[`redFlags.${i}`] = {
            code: 'code-invalid',
            expression: `${flags.at}.answer[${i}].valueCoding`,
            message: `must be a coding of ${FHIR_SYSTEMS.redFlag} (see the README's red-flag codes, and ${NO_RED_FLAGS.code} for none)`,
          };
        }
        return code;
      });
      const none = codes.indexOf(NO_RED_FLAGS.code);
      if (!flagAnswers.length) {
        found.redFlags = {
          code: 'required',
          expression: flags.at,
          message: `must be answered: each red flag present, or ${FHIR_SYSTEMS.redFlag}|${NO_RED_FLAGS.code} when there are none`,
        };
      } else if (none !== -1 && codes.length > 1) {
        found.redFlags = {
          code: 'business-rule',
          expression: `${flags.at}.answer[${none}].valueCoding`,
          message: `says there are no red flags beside other answers: send the red flags present, or ${NO_RED_FLAGS.code} alone`,
        };
      }
      redFlags = none === -1 ? codes : [];
    }
  } else {
    for (const path of ['complaint.durationWeeks', 'complaint.painScore', 'redFlags']) where[path] = `${sr.at}.supportingInfo`;
  }

  const raw = {
    source: 'gp',
    ...(referrer ? { referrer } : {}),
    patient: patientFields,
    complaint: { bodySite, summary: notes[0]?.text, ...complaintAnswers },
    redFlags,
  };
  const parsed = referralRequestSchema.safeParse(raw, { reportInput: true });
  const schemaIssues = parsed.success ? [] : fieldIssues(parsed.error);
  const issues: FhirIssue[] = Object.values(found);
  for (const { path, message } of schemaIssues) {
    if (Object.keys(found).some((p) => path === p || path.startsWith(`${p}.`))) continue;
    issues.push({ code: message === 'is required' ? 'required' : 'value', expression: expressionFor(path, where, sr.at), message });
  }
  return issues.length ? { issues } : { request: parsed.data, issues };
}

/** The FHIRPath for a referral path: its own, else its nearest parent's, else the ServiceRequest. */
function expressionFor(path: string, where: Record<string, string>, fallback: string): string {
  for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
    const expression = where[parts.join('.')];
    if (expression) return expression;
  }
  return fallback;
}
