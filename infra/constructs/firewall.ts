/**
 * AWS WAF in front of the API: AWS managed rules for common exploits, known bad inputs and IP
 * reputation, the API's own body limit, and a per-address rate limit (the self-referral form is
 * open to the internet).
 */
import { Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

import { MAX_BODY_BYTES } from '../../shared/config.js';

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

/** The managed rule that blocks bodies over 8 KB with a bare 403; the API takes 64 KB. */
export const MANAGED_BODY_SIZE_RULE = 'SizeRestrictions_BODY';

export class Firewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { restApi: RestApi; requestsPerFiveMinutesPerAddress: number }) {
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
          name: 'RatePerAddress',
          priority: 5,
          statement: { rateBasedStatement: { limit: props.requestsPerFiveMinutesPerAddress, aggregateKeyType: 'IP' } },
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
