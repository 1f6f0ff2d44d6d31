/**
 * The HTTPS API, built from the shared route table. Referrers authenticate with OAuth2 client
 * credentials: each GP system gets a Cognito app client, and its access token must carry the
 * referrals scope. Throttled per stage; errors from the gateway itself answer in the API's JSON shape.
 */
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

import { STAFF_ROLES } from '../../shared/domain/staff.js';
import type { FunctionName } from '../../shared/functions.js';
import { HSTS } from '../../shared/http/headers.js';
import { REFERRER_SCOPE, routes } from '../../shared/routes.js';
import { output } from '../outputs.js';

export interface ApiProps {
  restApi: RestApi;
  functions: Record<FunctionName, IFunction>;
  /**
   * Prefix for the Cognito hosted domain that issues tokens; the staff pool's adds "-staff".
   * Prefixes are unique across every AWS account in a region.
   * @default the stack's name and the account id
   */
  authDomainPrefix?: string;
  /** One Cognito app client (client credentials, referrals scope) per referring system, by name. */
  referrerClients: string[];
  /** The public URL links point at; staff sign-in returns to `<it>/staff/signed-in`. */
  publicBaseUrl: string;
}

export class Api extends Construct {
  static readonly STAGE = 'v1';
  readonly userPool: UserPool;
  readonly referrerScope: OAuthScope;
  /** Each referring system's OAuth client id (what a referral records as its sender), by name. */
  readonly referrerClientIds: Record<string, string> = {};

  /**
   * The REST API itself, made before the functions so that they can be told its URL (built from
   * its id, which does not depend on the functions behind it).
   */
  static createRestApi(scope: Construct, throttle: { rateLimit: number; burstLimit: number }, logKey: IKey): RestApi {
    const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR, encryptionKey: logKey });
    const restApi = new RestApi(scope, 'RestApi', {
      restApiName: 'msk-pathway',
      description: 'MSK Pathway: referral API, decision pages and patient pages',
      cloudWatchRole: true,
      // Pages and the stylesheet compress well (the NHS.UK stylesheet: 272 KB to about 35 KB).
      minCompressionSize: Size.kibibytes(1),
      deployOptions: {
        stageName: Api.STAGE,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        // No X-Ray at the gateway: its segments record each request's full URL, and a patient's or
        // a decision page's URL is the link's capability (/a/{link}, /tasks/{link}). Tracing is per
        // stage, not per route, so it is off for all; functions and the state machine are still
        // traced, and their segments hold no URLs (test/infra.test.ts).
        tracingEnabled: false,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Standard fields only: no request bodies, so no patient data.
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    Validations.of(restApi.deploymentStage).acknowledge({
      id: 'HIPAA.Security-APIGWXrayEnabled',
      reason:
        'API Gateway X-Ray segments record full request URLs, and a link route URL is the capability itself (/a/{link}, /tasks/{link}); tracing is per stage, so it is off, and every function (Active) and the state machine are traced instead.',
    });
    return restApi;
  }

  /**
   * A hosted domain prefix no other deployment has: the stack's name (lowercase, Cognito's
   * reserved words removed, 30 characters at most) and the account id, e.g. mskpathway-123456789012.
   */
  static defaultDomainPrefix(stack: Stack): string {
    const name = stack.stackName
      .toLowerCase()
      .replace(/aws|amazon|cognito/g, '')
      .replace(/[^a-z0-9-]/g, '')
      .slice(0, 30)
      .replace(/^-+|-+$/g, '');
    return `${name || 'msk-pathway'}-${stack.account}`;
  }

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { restApi } = props;

    // Machine-to-machine only: no self sign-up, no users; app clients are the referring systems.
    this.userPool = new UserPool(this, 'Referrers', {
      selfSignUpEnabled: false,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    const referralsScope = new ResourceServerScope({
      scopeName: REFERRER_SCOPE.scope,
      scopeDescription: 'Send referrals and read their status',
    });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: REFERRER_SCOPE.resourceServer,
      scopes: [referralsScope],
    });
    this.referrerScope = OAuthScope.resourceServer(resourceServer, referralsScope);
    const domainPrefix = props.authDomainPrefix ?? Api.defaultDomainPrefix(Stack.of(this));
    const domain = this.userPool.addDomain('TokenDomain', { cognitoDomain: { domainPrefix } });

    // Each referring system's client is written here from context, never clicked in the console,
    // so that a redeployment cannot drift from what is running.
    for (const name of props.referrerClients) {
      const client = new UserPoolClient(this, `ReferrerClient-${name}`, {
        userPool: this.userPool,
        userPoolClientName: name,
        generateSecret: true,
        oAuth: { flows: { clientCredentials: true }, scopes: [this.referrerScope] },
        accessTokenValidity: Duration.hours(1),
      });
      this.referrerClientIds[name] = client.userPoolClientId;
      output(this, `ReferrerClientId-${name}`, {
        description: `Client id of referring system ${name}`,
        value: client.userPoolClientId,
      });
    }

    for (const [type, code, message] of [
      [ResponseType.UNAUTHORIZED, 'unauthorized', 'a valid bearer token is required'],
      [ResponseType.ACCESS_DENIED, 'forbidden', 'this token may not do that'],
      [ResponseType.REQUEST_TOO_LARGE, 'payload_too_large', 'request body too large'],
      [ResponseType.THROTTLED, 'throttled', 'too many requests; retry later'],
      [ResponseType.DEFAULT_4XX, 'refused', 'the request was refused'],
      [ResponseType.DEFAULT_5XX, 'gateway_error', 'the service could not answer; retry later'],
    ] as const) {
      restApi.addGatewayResponse(`${code}Response`, {
        type,
        templates: { 'application/json': JSON.stringify({ error: code, message }) },
        // API Gateway's own answers (the authorizers', throttling) say HTTPS only too, as every
        // function's answer does; header values here are quoted literals.
        responseHeaders: { 'Strict-Transport-Security': `'${HSTS}'`, 'X-Content-Type-Options': "'nosniff'" },
      });
    }

    const authorizer = new CognitoUserPoolsAuthorizer(this, 'ReferrerAuthorizer', { cognitoUserPools: [this.userPool] });
    // Staff sign in as users of their own pool (invited by an administrator; MFA required).
    const staffPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      // Staff sign-ins are checked for compromised credentials and risky sign-ins.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Roles are the pool's groups (the ID token's cognito:groups): add each person to theirs.
    for (const [role, label] of Object.entries(STAFF_ROLES)) {
      new CfnUserPoolGroup(this, `StaffGroup-${role}`, { userPoolId: staffPool.userPoolId, groupName: role, description: label });
    }
    // Browsers sign in through the staff pool's hosted page (authorization code with PKCE, no
    // secret in the browser); the ID token is kept in an HttpOnly cookie by /staff/signed-in.
    const staffDomain = staffPool.addDomain('StaffSignInDomain', { cognitoDomain: { domainPrefix: `${domainPrefix}-staff` } });
    const dashboardClient = new UserPoolClient(this, 'StaffClient', {
      userPool: staffPool,
      // SRP for the hosted page; admin password auth (IAM-signed, never from a browser) lets an
      // operator get a staff token from the AWS CLI to load clinics and slots.
      authFlows: { userSrp: true, adminUserPassword: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.publicBaseUrl}/staff/signed-in`],
        logoutUrls: [`${props.publicBaseUrl}/staff/signed-out`],
      },
      idTokenValidity: Duration.hours(1),
    });
    const staffSettings = {
      STAFF_POOL_ID: staffPool.userPoolId,
      STAFF_CLIENT_ID: dashboardClient.userPoolClientId,
      STAFF_AUTH_URL: staffDomain.baseUrl(),
    };
    for (const [key, value] of Object.entries(staffSettings)) {
      // The authorizer, sign-in, and every function that checks a session itself.
      const sessionFunctions = routes.filter((r) => r.auth === 'session').map((r) => props.functions[r.function]);
      for (const fn of new Set([props.functions.staffAuthorizer, props.functions.staffSignIn, ...sessionFunctions]))
        (fn as Function).addEnvironment(key, value);
    }
    // Staff routes: a staff-pool ID token from the Authorization header (scripts) or the session
    // cookie (browsers), checked by a Lambda; not cached, so a signed-out cookie stops at once.
    const staffAuthorizer = new RequestAuthorizer(this, 'StaffAuthorizer', {
      handler: props.functions.staffAuthorizer,
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    for (const route of routes) {
      const resource = route.path
        .split('/')
        .filter(Boolean)
        .reduce<IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), restApi.root);
      const auth =
        route.auth === 'staff'
          ? { authorizer: staffAuthorizer, authorizationType: AuthorizationType.CUSTOM }
          : route.auth === 'referrer'
            ? {
                authorizer,
                authorizationType: AuthorizationType.COGNITO,
                // The literal scope string: a token here would make each method wait on the resource server.
                authorizationScopes: [`${REFERRER_SCOPE.resourceServer}/${REFERRER_SCOPE.scope}`],
              }
            : // Session routes check the staff session in the handler (to send browsers to sign in); link
              // routes carry their own capability (a signed, expiring link); public routes hold no data.
              { authorizationType: AuthorizationType.NONE };
      const method = resource.addMethod(route.method, new LambdaIntegration(props.functions[route.function]), auth);
      if (route.auth === 'staff')
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'Staff routes use a Lambda authorizer that verifies a Cognito staff-pool ID token (signature, expiry, issuer, client) from the Authorization header or the HttpOnly session cookie, which a Cognito authorizer cannot read.',
        });
      if (route.auth === 'link' || route.auth === 'public' || route.auth === 'session') {
        const reason = {
          link: 'Opened from a texted link by patients with no account; the signed, expiring link in the path is the capability, checked by the handler before anything is read.',
          session:
            'Staff pages check the staff-pool ID token from the HttpOnly session cookie in the handler (aws-jwt-verify: signature, expiry, issuer, client; roles from groups), so that a browser without a session is sent to sign in and back; forms carry a session-bound token.',
          public: 'Public pages (self-referral form, self-care advice, stylesheet) hold no patient data; WAF rate-limits them.',
        }[route.auth];
        for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) Validations.of(method).acknowledge({ id, reason });
      }
    }

    output(this, 'ApiUrl', { value: restApi.url });
    output(this, 'TokenUrl', { value: `${domain.baseUrl()}/oauth2/token` });
    output(this, 'ReferrerScope', { value: this.referrerScope.scopeName });
    output(this, 'StaffSignInUrl', { value: `${props.publicBaseUrl}/staff/sign-in` });
    output(this, 'ReferrerUserPoolId', { description: "Referring systems' pool (client secrets)", value: this.userPool.userPoolId });
    output(this, 'StaffUserPoolId', { description: 'Staff pool (create users here)', value: staffPool.userPoolId });
    output(this, 'StaffClientId', {
      description: "Staff sign-in client (the operator's CLI token too)",
      value: dashboardClient.userPoolClientId,
    });
  }
}
