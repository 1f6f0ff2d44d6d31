/**
 * Structured logs (Powertools). Patient data never goes in: log referral ids, states and error
 * names, never request bodies, names, numbers, phone numbers or task tokens.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'msk-pathway' });
