/**
 * The first deployment into a new account: each defect an offline review of the template found
 * (alarms that reached nobody, a configuration that could not send, colliding Cognito domains, a
 * public URL nobody served, WAF refusing the API's own bodies, executions ending unseen) is fixed
 * in the template or refused at synth; these are the CDK assertions that hold it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';

import { MANAGED_BODY_SIZE_RULE } from '../infra/constructs/firewall.js';
import { addNagChecks } from '../infra/nag.js';
import { CONTEXT_PREFIX, parseSettings, SettingsError } from '../infra/settings.js';
import { REPO_ROOT } from '../local/runtime.js';
import { EXAMPLE_CONTEXT, exampleApp, exampleStack } from './support/cdk-context.js';

type Resource = { Type: string; Properties: Record<string, any> };
const templateOf = (context: Record<string, unknown> = {}, id = 'Test') => Template.fromStack(exampleStack(exampleApp(context), id));
const resources = (template: Template, type: string) => Object.values(template.findResources(type)) as Resource[];
const withoutPrefix = (context: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(context).map(([key, value]) => [key.replace(CONTEXT_PREFIX, ''), value]));
const refusal = (context: Record<string, unknown>): string => {
  try {
    parseSettings(withoutPrefix(context));
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
};

describe('first deployment: configuration refused at synth', () => {
  it('refuses the shipped cdk.json, naming every context value that is missing', () => {
    const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
    const message = refusal(shipped);
    for (const key of [
      'senderEmail',
      'triageEmails',
      'serviceLeadEmails',
      'seniorClinicianEmails',
      'bookingTeamEmails',
      'clinicEmails',
      'referrerClients',
    ])
      expect(message).toContain(`mskPathway:${key}:`);
    expect(message).not.toContain('mskPathway:serviceName');
  });

  it('refuses an audience with no address, or an address that is not one, naming the value', () => {
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:bookingTeamEmails': '' })).toMatch(
      /mskPathway:bookingTeamEmails: at least one address is needed/,
    );
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:clinicEmails': 'clinics at example' })).toMatch(
      /mskPathway:clinicEmails: "clinics at example" is not an email address/,
    );
  });

  it('accepts lists from cdk.json (arrays) and from -c (comma-separated) alike', () => {
    const fromJson = parseSettings(
      withoutPrefix({ ...EXAMPLE_CONTEXT, 'mskPathway:triageEmails': ['a@example.nhs.uk', 'b@example.nhs.uk'] }),
    );
    const fromCli = parseSettings(withoutPrefix({ ...EXAMPLE_CONTEXT, 'mskPathway:triageEmails': 'a@example.nhs.uk, b@example.nhs.uk' }));
    expect(fromJson.emails['triage-team']).toEqual(['a@example.nhs.uk', 'b@example.nhs.uk']);
    expect(fromCli.emails).toEqual(fromJson.emails);
  });

  it('refuses a public URL the stack cannot serve (not https, or with a path)', () => {
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:publicBaseUrl': 'http://msk.example.nhs.uk' })).toContain('mskPathway:publicBaseUrl:');
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:publicBaseUrl': 'https://example.nhs.uk/msk' })).toContain(
      'mskPathway:publicBaseUrl: the host only',
    );
  });

  it("refuses a self-referral rate limit that is not below the API's, or below what WAF takes", () => {
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:selfReferralRateLimit': '1000' })).toContain(
      'mskPathway:selfReferralRateLimit: must be below wafRateLimit',
    );
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:selfReferralRateLimit': '5' })).toContain('mskPathway:selfReferralRateLimit:');
    expect(parseSettings(withoutPrefix({ ...EXAMPLE_CONTEXT, 'mskPathway:wafRateLimit': '5000' })).selfReferralRateLimit).toBe(20);
  });

  it('refuses a Cognito prefix Cognito would refuse, and a triage reminder after the target', () => {
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:authDomainPrefix': 'aws-msk' })).toContain('mskPathway:authDomainPrefix:');
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:authDomainPrefix': 'MSK_Pathway' })).toContain('mskPathway:authDomainPrefix:');
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:triageReminderHours': '30' })).toContain('mskPathway:triageReminderHours:');
  });

  it('turns phone first on by context, for the sources and priorities named, with its own call-back number', () => {
    const off = parseSettings(withoutPrefix(EXAMPLE_CONTEXT)).firstContact;
    expect(off).toMatchObject({ sources: [], priorities: ['routine'], hours: 48, attempts: 3 });
    const on = {
      ...EXAMPLE_CONTEXT,
      'mskPathway:firstContactCall': 'gp,self',
      'mskPathway:firstContactPriorities': ['routine'],
      'mskPathway:servicePhone': '01772 000000',
    };
    expect(parseSettings(withoutPrefix(on)).firstContact).toMatchObject({ sources: ['gp', 'self'], priorities: ['routine'] });
    // Every Lambda reads it from its environment, as the local runtime reads FIRST_CONTACT_CALL.
    const env = resources(templateOf(on, 'PhoneFirst'), 'AWS::Lambda::Function').map((f) => f.Properties.Environment?.Variables ?? {});
    expect(env.filter((v) => v.FIRST_CONTACT_CALL === 'gp,self' && v.SERVICE_PHONE === '01772 000000').length).toBeGreaterThan(5);
    const unknownSource = refusal({ ...on, 'mskPathway:firstContactCall': 'gp,hospital' });
    expect(unknownSource).toContain('mskPathway:firstContactCall: "hospital" is not one of');
    expect(refusal({ ...on, 'mskPathway:firstContactReminderHours': '48' })).toContain('mskPathway:firstContactReminderHours:');
    // Patients are texted the number to call back: not the documentation default.
    expect(refusal({ ...on, 'mskPathway:servicePhone': undefined })).toContain('mskPathway:servicePhone:');
  });

  it('asks outcome measures by default, and the MSK-HQ only with a licensed wording file it has checked', () => {
    expect(parseSettings(withoutPrefix(EXAMPLE_CONTEXT)).questionnaires).toEqual({ timepoints: ['baseline', 'follow-up'], linkDays: 28 });
    const wording = join(REPO_ROOT, 'test/support/msk-hq-test-wording.json');
    const licensed = { ...EXAMPLE_CONTEXT, 'mskPathway:mskHqWordingFile': 'test/support/msk-hq-test-wording.json' };
    expect(parseSettings(withoutPrefix(licensed)).questionnaires.mskHqWordingFile).toBe(wording);
    const env = resources(templateOf(licensed, 'Licensed'), 'AWS::Lambda::Function').map((f) => f.Properties.Environment?.Variables ?? {});
    expect(
      env.filter((v) => v.MSKHQ_WORDING_FILE === 'msk-hq-wording.json' && v.PATIENT_QUESTIONNAIRES === 'baseline,follow-up').length,
    ).toBeGreaterThan(5);
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:mskHqWordingFile': 'no/such/file.json' })).toContain('mskPathway:mskHqWordingFile:');
    // Wording that is not the MSK-HQ's shape (here: a referral message) is refused before it reaches a patient.
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:mskHqWordingFile': 'docs/fhir/example-referral-message.json' })).toMatch(
      /mskPathway:mskHqWordingFile: .*items/,
    );
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:patientQuestionnaires': 'baseline,weekly' })).toContain(
      'mskPathway:patientQuestionnaires: "weekly" is not one of',
    );
  });

  it("sets the outcome figures' thresholds by context (a string from -c, an object from cdk.json) for every Lambda", () => {
    expect(parseSettings(withoutPrefix(EXAMPLE_CONTEXT)).outcomes).toEqual({ meaningfulChange: {}, fftTargetPercent: 90 });
    const fromCli = { ...EXAMPLE_CONTEXT, 'mskPathway:meaningfulChange': 'msk-hq=7,pain=1.5', 'mskPathway:fftTargetPercent': '93.7' };
    const fromJson = { ...fromCli, 'mskPathway:meaningfulChange': { 'msk-hq': 7, pain: 1.5 } };
    expect(parseSettings(withoutPrefix(fromCli)).outcomes).toEqual({
      meaningfulChange: { 'msk-hq': 7, pain: 1.5 },
      fftTargetPercent: 93.7,
    });
    expect(parseSettings(withoutPrefix(fromJson)).outcomes).toEqual(parseSettings(withoutPrefix(fromCli)).outcomes);
    // Read by the reporting function as the local runtime reads MEANINGFUL_CHANGE and FFT_TARGET_PERCENT.
    const env = resources(templateOf(fromJson, 'Outcomes'), 'AWS::Lambda::Function').map((f) => f.Properties.Environment?.Variables ?? {});
    expect(env.filter((v) => v.MEANINGFUL_CHANGE === 'msk-hq=7,pain=1.5' && v.FFT_TARGET_PERCENT === '93.7').length).toBeGreaterThan(5);
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:meaningfulChange': 'oxford-knee=5' })).toContain(
      'mskPathway:meaningfulChange: "oxford-knee" is not one of',
    );
    expect(refusal({ ...EXAMPLE_CONTEXT, 'mskPathway:fftTargetPercent': '101' })).toContain('mskPathway:fftTargetPercent:');
  });
});

describe('first deployment: the template', () => {
  const template = templateOf();

  it('lets CloudWatch alarms of this account publish to the service lead topic, keeping the TLS-only deny', () => {
    const leadTopic = Object.entries(template.findResources('AWS::SNS::Topic')).find(
      ([, t]) => t.Properties.DisplayName === 'MSK service lead',
    )![0];
    const policies = resources(template, 'AWS::SNS::TopicPolicy');
    const leadPolicy = policies.find((p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: leadTopic }]))!;
    const statements = leadPolicy.Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const allow = statements.find((s) => s.Effect === 'Allow')!;
    expect(allow).toMatchObject({
      Action: 'sns:Publish',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Resource: { Ref: leadTopic },
    });
    expect(JSON.stringify(allow.Condition.ArnLike['aws:SourceArn'])).toContain(':alarm:*');
    expect(allow.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    // No other topic is opened to CloudWatch.
    const opened = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('cloudwatch.amazonaws.com'));
    expect(opened).toHaveLength(1);
  });

  it('creates the SES identity referrer emails come from, and says how to verify it', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'msk.referrals@example.nhs.uk' });
    template.hasOutput('*', { Value: Match.stringLikeRegexp('SES has emailed msk.referrals@example.nhs.uk a verification link') });
    const domain = templateOf({ 'mskPathway:senderEmail': 'msk.example.nhs.uk' });
    domain.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'msk.example.nhs.uk' });
    expect(Object.keys(domain.findOutputs('*')).filter((id) => id.includes('SenderDkimRecord'))).toHaveLength(3);
    templateOf({ 'mskPathway:createSenderIdentity': 'false' }).resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('derives Cognito domain prefixes unique to the account and stack unless one is given', () => {
    const prefixes = (t: Template) => resources(t, 'AWS::Cognito::UserPoolDomain').map((d) => JSON.stringify(d.Properties.Domain));
    const [referrers, staff] = prefixes(template);
    expect(referrers).toContain('AWS::AccountId');
    expect(referrers).toContain('test-');
    expect(staff).toContain('-staff');
    const [other] = prefixes(templateOf({}, 'OtherService'));
    expect(other).toContain('otherservice-');
    expect(other).not.toEqual(referrers);
    expect(prefixes(templateOf({ 'mskPathway:authDomainPrefix': 'lancs-msk' }))).toEqual(['"lancs-msk"', '"lancs-msk-staff"']);
  });

  it('serves a given public URL: DNS-validated certificate, regional TLS 1.2 domain, API mapped at its root', () => {
    const custom = templateOf({ 'mskPathway:publicBaseUrl': 'https://msk.example.nhs.uk/' });
    custom.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'msk.example.nhs.uk', ValidationMethod: 'DNS' });
    custom.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'msk.example.nhs.uk',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    const [mapping] = resources(custom, 'AWS::ApiGateway::BasePathMapping');
    expect(mapping!.Properties.BasePath).toBeUndefined();
    expect(mapping!.Properties.Stage).toBeDefined();
    custom.hasOutput('*', { Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['msk.example.nhs.uk CNAME '])]) }) });
    // Links and the staff sign-in callback use it.
    const fn = resources(custom, 'AWS::Lambda::Function').find((f) => f.Properties.Environment?.Variables?.PUBLIC_BASE_URL)!;
    expect(fn.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://msk.example.nhs.uk');
    // With a Route 53 zone, validation and the alias record are made by the stack.
    const zoned = templateOf({
      'mskPathway:publicBaseUrl': 'https://msk.example.nhs.uk',
      'mskPathway:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
      'mskPathway:hostedZoneName': 'example.nhs.uk',
    });
    zoned.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [{ DomainName: 'msk.example.nhs.uk', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    zoned.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'msk.example.nhs.uk.', Type: 'A', AliasTarget: Match.anyValue() });
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
  });

  it("lets the API's own 64 KB bodies through WAF and answers larger ones 413, as the API does", () => {
    const [acl] = resources(template, 'AWS::WAFv2::WebACL');
    const rules = acl!.Properties.Rules as any[];
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: MANAGED_BODY_SIZE_RULE, ActionToUse: { Count: {} } },
    ]);
    const size = rules.find((r) => r.Name === 'BodyOver64KB');
    expect(size.Statement.SizeConstraintStatement).toMatchObject({
      ComparisonOperator: 'GT',
      Size: 65536,
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
    });
    expect(size.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 413, CustomResponseBodyKey: 'payloadTooLarge' });
    expect(JSON.parse(acl!.Properties.CustomResponseBodies.payloadTooLarge.Content).error).toBe('payload_too_large');
    expect(acl!.Properties.AssociationConfig).toEqual({ RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } });
  });

  it('alarms to the service lead when an execution times out (the one-year limit) or is aborted', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    for (const metric of ['ExecutionsTimedOut', 'ExecutionsAborted']) {
      const alarm = alarms.find((a) => JSON.stringify(a.Properties).includes(`"MetricName":"${metric}"`));
      expect(alarm, metric).toBeDefined();
      expect(alarm!.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('creates one client-credentials app client per referring system named in context', () => {
    const clients = resources(template, 'AWS::Cognito::UserPoolClient').filter(
      (c) => c.Properties.AllowedOAuthFlows?.[0] === 'client_credentials',
    );
    expect(clients.map((c) => c.Properties.ClientName).sort()).toEqual(['emis-p81001', 'smoke-check']);
    for (const client of clients) {
      expect(client.Properties.GenerateSecret).toBe(true);
      expect(JSON.stringify(client.Properties.AllowedOAuthScopes)).toContain('/referrals.write');
    }
    const outputs = Object.values(template.findOutputs('*')).map((o) => String(o.Description));
    expect(outputs).toContain('Client id of referring system emis-p81001');
  });

  it("names its outputs as the README's deploy steps use them", () => {
    expect(Object.keys(template.findOutputs('*'))).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TokenUrl',
        'ReferrerScope',
        'ReferrerUserPoolId',
        'ReferrerClientIdEmisP81001',
        'ReferrerClientIdSmokeCheck',
        'StaffSignInUrl',
        'StaffUserPoolId',
        'StaffClientId',
        'SmokeAlarmName',
        'SenderVerification',
        'StaffSubscriptionConfirmation',
        'StaffTopicTriageTeam',
        'StaffTopicServiceLead',
        'StaffTopicSeniorClinicians',
        'StaffTopicBookingTeam',
        'StaffTopicClinicTeam',
      ]),
    );
  });

  it('says how to confirm staff subscriptions so that a forwarded email cannot unsubscribe them (CloudFormation cannot)', () => {
    // AWS::SNS::Subscription has no AuthenticateOnUnsubscribe: it is a ConfirmSubscription parameter.
    for (const subscription of resources(template, 'AWS::SNS::Subscription')) {
      expect(subscription.Properties.Protocol).toBe('email');
      expect(Object.keys(subscription.Properties).sort()).toEqual(['Endpoint', 'Protocol', 'TopicArn']);
    }
    const confirmation = template.findOutputs('StaffSubscriptionConfirmation').StaffSubscriptionConfirmation!;
    expect(confirmation.Value).toContain('aws sns confirm-subscription --authenticate-on-unsubscribe true');
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('--authenticate-on-unsubscribe true');
  });

  it('passes cdk-nag with a custom domain in a Route 53 zone too', () => {
    const app = exampleApp({
      'mskPathway:publicBaseUrl': 'https://msk.example.nhs.uk',
      'mskPathway:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
      'mskPathway:hostedZoneName': 'example.nhs.uk',
    });
    addNagChecks(app);
    exampleStack(app, 'NaggedDomain');
    expect(() => app.synth()).not.toThrow();
  });
});
