/**
 * The service on its own domain (`mskPathway:publicBaseUrl`): every link in an email or a text
 * points there, so the stack must serve it. An ACM certificate validated by DNS, a regional API
 * Gateway custom domain (TLS 1.2) and the API mapped at its root. With a Route 53 zone the
 * validation record and the alias are made here; without one, the operator adds two CNAMEs (the
 * validation record, shown in the stack's events while the deployment waits, and the output).
 */

import { BasePathMapping, DomainName, EndpointType, type RestApi, SecurityPolicy } from 'aws-cdk-lib/aws-apigateway';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

import { output } from '../outputs.js';

export interface PublicDomainProps {
  readonly restApi: RestApi;
  /** `https://host`, as checked by the settings. */
  readonly publicBaseUrl: string;
  /** The Route 53 zone holding the host. @default none: DNS records are the operator's to add */
  readonly hostedZone?: { id: string; name: string };
}

export class PublicDomain extends Construct {
  readonly domainName: DomainName;

  constructor(scope: Construct, id: string, props: PublicDomainProps) {
    super(scope, id);
    const host = new URL(props.publicBaseUrl).host;
    const zone = props.hostedZone
      ? HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZone.id, zoneName: props.hostedZone.name })
      : undefined;
    const certificate = new Certificate(this, 'Certificate', { domainName: host, validation: CertificateValidation.fromDns(zone) });
    this.domainName = new DomainName(this, 'Domain', {
      domainName: host,
      certificate,
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    new BasePathMapping(this, 'Root', { domainName: this.domainName, restApi: props.restApi, stage: props.restApi.deploymentStage });
    if (zone) {
      new ARecord(this, 'Alias', { zone, recordName: host, target: RecordTarget.fromAlias(new ApiGatewayDomain(this.domainName)) });
    } else {
      output(this, 'DnsRecord', {
        description: `Add this record to the DNS of ${host} (after the certificate's validation record, which the deployment waits for)`,
        value: `${host} CNAME ${this.domainName.domainNameAliasDomainName}`,
      });
    }
  }
}
