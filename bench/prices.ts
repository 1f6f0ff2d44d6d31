/**
 * AWS list prices used for the cost per 1,000 referrals. On-demand, us-east-1 (N. Virginia), as
 * published on the AWS pricing pages; eu-west-2 (London), where this service should run, is
 * typically 5-20% higher. Recorded on the date below, without internet access to recheck:
 * check https://aws.amazon.com/pricing before relying on them.
 */
export const PRICES_DATE = '2026-11-22';
export const PRICES_REGION = 'us-east-1';

export const PRICES = {
  stateTransition: { usd: 0.025 / 1000, per: 'Step Functions Standard state transition', source: 'aws.amazon.com/step-functions/pricing' },
  lambdaRequest: { usd: 0.2 / 1_000_000, per: 'Lambda request', source: 'aws.amazon.com/lambda/pricing' },
  lambdaGbSecondArm: { usd: 0.0000133334, per: 'Lambda GB-second (arm64)', source: 'aws.amazon.com/lambda/pricing' },
  apiRequest: { usd: 3.5 / 1_000_000, per: 'API Gateway REST request', source: 'aws.amazon.com/api-gateway/pricing' },
  writeUnit: { usd: 0.625 / 1_000_000, per: 'DynamoDB on-demand write request unit', source: 'aws.amazon.com/dynamodb/pricing/on-demand' },
  readUnit: { usd: 0.125 / 1_000_000, per: 'DynamoDB on-demand read request unit', source: 'aws.amazon.com/dynamodb/pricing/on-demand' },
  wafRequest: { usd: 0.6 / 1_000_000, per: 'AWS WAF request inspected', source: 'aws.amazon.com/waf/pricing' },
  snsEmail: {
    usd: 2 / 100_000 + 0.5 / 1_000_000,
    per: 'staff email through an SNS topic (publish + email delivery)',
    source: 'aws.amazon.com/sns/pricing',
  },
  sesEmail: { usd: 0.1 / 1000, per: 'SES email to a referrer', source: 'aws.amazon.com/ses/pricing' },
  smsFragmentUk: {
    usd: 0.0428,
    per: 'SNS SMS fragment to a UK mobile (approximate; varies by carrier)',
    source: 'aws.amazon.com/sns/sms-pricing',
  },
} as const;

/** What a Lambda invocation is assumed to bill: 512 MB (infra/constructs/functions.ts) for 100 ms. */
export const LAMBDA_ASSUMED = { memoryGb: 0.5, seconds: 0.1 };

export interface Usage {
  transitions: number;
  lambdaInvocations: number;
  apiRequests: number;
  readUnits: number;
  writeUnits: number;
  smsFragments: number;
  staffEmails: number;
  referrerEmails: number;
}

/** Dollars per 1,000 referrals for a path's usage: infrastructure, and SMS on its own. */
export function costPerThousand(u: Usage): { infrastructure: number; sms: number } {
  const p = PRICES;
  const lambda = u.lambdaInvocations * (p.lambdaRequest.usd + LAMBDA_ASSUMED.memoryGb * LAMBDA_ASSUMED.seconds * p.lambdaGbSecondArm.usd);
  const infrastructure =
    u.transitions * p.stateTransition.usd +
    lambda +
    u.apiRequests * (p.apiRequest.usd + p.wafRequest.usd) +
    u.readUnits * p.readUnit.usd +
    u.writeUnits * p.writeUnit.usd +
    u.staffEmails * p.snsEmail.usd +
    u.referrerEmails * p.sesEmail.usd;
  return { infrastructure: infrastructure * 1000, sms: u.smsFragments * p.smsFragmentUk.usd * 1000 };
}
