/**
 * Patients' answers to their questionnaires, one item per referral and timepoint: the codes and
 * numbers given, each with the version of the questionnaire it answers (FHIR's
 * QuestionnaireResponse.questionnaire). Free text is not here: it is the answering event's note.
 */
import type { Answers, Timepoint } from '../domain/questionnaires.js';
import { keys } from '../tables.js';
import { tableName } from './dynamo.js';
import type { TransactItem } from './referrals.js';

export interface StoredResponse {
  referralId: string;
  timepoint: Timepoint;
  authored: string;
  /** By questionnaire id. */
  answers: Record<string, { version: string; answers: Answers }>;
}

/** Written with the answering event; a second answer at the same timepoint is refused. */
export function putResponse(response: StoredResponse): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.response(response.referralId, response.timepoint), entity: 'response', ...response },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
