/**
 * The questionnaires as FHIR R4: a `Questionnaire` per questionnaire and version, and a patient's
 * answers as a `QuestionnaireResponse` naming it (`url|version`), for a system that takes outcome
 * measures as FHIR (a PROMs platform, a GP record). The scoring rule, which FHIR's base resource
 * has no element for, travels as an extension.
 */
import type { Answers, Questionnaire, QuestionnaireItem } from './questionnaires.js';

type FhirQuestionnaire = fhir4.Questionnaire;
type FhirItem = fhir4.QuestionnaireItem;
type QuestionnaireResponse = fhir4.QuestionnaireResponse;

export const SCORING_EXTENSION = 'https://msk-pathway.nhs.example/fhir/StructureDefinition/scoring-rule';
const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

const answerSystem = (q: Questionnaire, item: QuestionnaireItem) => `${q.url}/${item.linkId}`;

function fhirItem(q: Questionnaire, item: QuestionnaireItem): FhirItem {
  const base = { linkId: item.linkId, text: item.text, required: false };
  switch (item.type) {
    case 'choice':
      return {
        ...base,
        type: 'choice',
        answerOption: item.options.map((o) => ({ valueCoding: { system: answerSystem(q, item), code: o.code, display: o.display } })),
      };
    case 'integer':
      return {
        ...base,
        type: 'integer',
        extension: [
          { url: MIN_VALUE, valueInteger: item.min },
          { url: MAX_VALUE, valueInteger: item.max },
        ],
      };
    case 'string':
      return { ...base, type: item.maxLength > 200 ? 'text' : 'string', maxLength: item.maxLength };
  }
}

export function toFhirQuestionnaire(q: Questionnaire): FhirQuestionnaire {
  return {
    resourceType: 'Questionnaire',
    url: q.url,
    version: q.version,
    name: q.id.replace(/[^A-Za-z0-9]/g, '_').toUpperCase(),
    title: q.title,
    status: 'active',
    subjectType: ['Patient'],
    description: q.intro,
    extension: [{ url: SCORING_EXTENSION, valueString: JSON.stringify(q.scoring) }],
    item: q.items.map((item) => fhirItem(q, item)),
  };
}

/** A patient's answers (and free text) to one questionnaire, as given at `authored`. */
export function toQuestionnaireResponse(
  q: Questionnaire,
  answers: Answers,
  text: Record<string, string>,
  authored: string,
  subject?: { reference: string },
): QuestionnaireResponse {
  const items = q.items.flatMap((item): NonNullable<QuestionnaireResponse['item']> => {
    if (item.type === 'string')
      return text[item.linkId] ? [{ linkId: item.linkId, text: item.text, answer: [{ valueString: text[item.linkId] }] }] : [];
    const value = answers[item.linkId];
    if (value === undefined) return [];
    if (item.type === 'integer') return [{ linkId: item.linkId, text: item.text, answer: [{ valueInteger: Number(value) }] }];
    const option = item.options.find((o) => o.code === value);
    return option
      ? [
          {
            linkId: item.linkId,
            text: item.text,
            answer: [{ valueCoding: { system: answerSystem(q, item), code: option.code, display: option.display } }],
          },
        ]
      : [];
  });
  return {
    resourceType: 'QuestionnaireResponse',
    questionnaire: `${q.url}|${q.version}`,
    status: 'completed',
    authored,
    ...(subject ? { subject } : {}),
    item: items,
  };
}
