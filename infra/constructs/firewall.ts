/**
 * AWS WAF in front of the API: AWS managed rules for common exploits, known bad inputs and IP
 * reputation, the API's own body limit, a per-address rate limit, and a tighter one for posting
 * the self-referral form (open to the internet: each post makes a referral, triage work and a
 * text to whatever number it gives).
 */
import { Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

import { MAX_BODY_BYTES } from '../../shared/config.js';
import { routes } from '../../shared/routes.js';

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  // Sampled requests off: they would copy request data (patient details) into WAF.
  sampledRequestsEnabled: false,
});

const managed = (name: string, priority: number, overrides: CfnWebACL.RuleActionOverrideProperty[] = []): CfnWebACL.RuleProperty => ({
  name,
  priority,
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: overrides.length ? overrides : undefined } },
  overrideAction: { none: {} },
  visibilityConfig: visibility(name),
});

/** Percent-encoding and case aside: `/Self%2Dreferral` is matched as `/self-referral`. */
const NORMALISED: CfnWebACL.TextTransformationProperty[] = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'LOWERCASE' },
];

/** The managed rule that blocks bodies over 8 KB with a bare 403; the API takes 64 KB. */
export const MANAGED_BODY_SIZE_RULE = 'SizeRestrictions_BODY';

/**
 * The form's path. WAF sees `/self-referral` on the custom domain and `/v1/self-referral` on the
 * stage URL: the rule matches the path's end (and a trailing slash).
 */
const SELF_REFERRAL_PATH = routes.find((r) => r.function === 'selfReferral' && r.method === 'POST')!.path;

export interface FirewallProps {
  readonly restApi: RestApi;
  /** Requests one address may make in five minutes, to any route. */
  readonly requestsPerFiveMinutesPerAddress: number;
  /** Self-referral forms one address may post in five minutes (answered 429 with a page saying so). */
  readonly selfReferralsPerFiveMinutesPerAddress: number;
}

export class Firewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('msk-pathway'),
      // WAF sees the whole of a body the API accepts (64 KB), so that the size rule below is exact.
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_64' } } },
      customResponseBodies: {
        payloadTooLarge: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: 'payload_too_large', message: `the body must be at most ${MAX_BODY_BYTES} bytes` }),
        },
        tooManySelfReferrals: {
          contentType: 'TEXT_HTML',
          content:
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Please try again later</title>' +
            '<h1>Please try again in a few minutes</h1><p>Too many forms have been sent from this connection. ' +
            'If your symptoms get worse, contact your GP or call 111. In an emergency, call 999.</p></html>',
        },
      },
      rules: [
        // Counted, not blocked: referrals, answers and slot batches run past 8 KB within the API's
        // own 64 KB limit, which the next rule enforces with the API's answer (413), not a bare 403.
        managed('AWSManagedRulesCommonRuleSet', 1, [{ name: MANAGED_BODY_SIZE_RULE, actionToUse: { count: {} } }]),
        {
          name: 'BodyOver64KB',
          priority: 2,
          statement: {
            sizeConstraintStatement: {
              fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
              comparisonOperator: 'GT',
              size: MAX_BODY_BYTES,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'payloadTooLarge' } } },
          visibilityConfig: visibility('BodyOver64KB'),
        },
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
        managed('AWSManagedRulesAmazonIpReputationList', 4),
        {
          // Counts (and blocks) only posts of the form, per address; the form page itself stays readable.
          name: 'SelfReferralRatePerAddress',
          priority: 5,
          statement: {
            rateBasedStatement: {
              limit: props.selfReferralsPerFiveMinutesPerAddress,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    {
                      byteMatchStatement: {
                        searchString: 'post',
                        fieldToMatch: { method: {} },
                        positionalConstraint: 'EXACTLY',
                        textTransformations: NORMALISED,
                      },
                    },
                    {
                      regexMatchStatement: {
                        regexString: `${SELF_REFERRAL_PATH}/?$`,
                        fieldToMatch: { uriPath: {} },
                        textTransformations: NORMALISED,
                      },
                    },
                  ],
                },
              },
            },
          },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'tooManySelfReferrals' } } },
          visibilityConfig: visibility('SelfReferralRatePerAddress'),
        },
        {
          name: 'RatePerAddress',
          priority: 6,
          statement: {
            rateBasedStatement: { limit: props.requestsPerFiveMinutesPerAddress, evaluationWindowSec: 300, aggregateKeyType: 'IP' },
          },
          action: { block: {} },
          visibilityConfig: visibility('RatePerAddress'),
        },
      ],
    });
    const stage = props.restApi.deploymentStage;
    const { partition, region } = Stack.of(this);
    new CfnWebACLAssociation(this, 'ApiAssociation', {
      webAclArn: this.webAcl.attrArn,
      resourceArn: `arn:${partition}:apigateway:${region}::/restapis/${props.restApi.restApiId}/stages/${stage.stageName}`,
    });
  }
}
