/**
 * AWS WAF in front of the API: AWS managed rules for common exploits, known bad inputs and IP
 * reputation, and a per-address rate limit (the self-referral form is open to the internet).
 */
import { Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
  name,
  priority,
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  overrideAction: { none: {} },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: false },
});

export class Firewall extends Construct {
  constructor(scope: Construct, id: string, props: { restApi: RestApi; requestsPerFiveMinutesPerAddress: number }) {
    super(scope, id);
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      // Sampled requests off: they would copy request data (patient details) into WAF.
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'msk-pathway', sampledRequestsEnabled: false },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managed('AWSManagedRulesAmazonIpReputationList', 3),
        {
          name: 'RatePerAddress',
          priority: 4,
          statement: { rateBasedStatement: { limit: props.requestsPerFiveMinutesPerAddress, aggregateKeyType: 'IP' } },
          action: { block: {} },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RatePerAddress', sampledRequestsEnabled: false },
        },
      ],
    });
    const stage = props.restApi.deploymentStage;
    new CfnWebACLAssociation(this, 'ApiAssociation', {
      webAclArn: acl.attrArn,
      resourceArn: `arn:${Stack.of(this).partition}:apigateway:${Stack.of(this).region}::/restapis/${props.restApi.restApiId}/stages/${stage.stageName}`,
    });
  }
}
