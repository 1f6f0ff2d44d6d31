/** Stack outputs under the names the README uses (`ApiUrl`, not `ApiApiUrlF2D81078`). */
import { CfnOutput, type CfnOutputProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** An output whose key is `name` in PascalCase (`ReferrerClientId-emis-p81001` → `ReferrerClientIdEmisP81001`). */
export function output(scope: Construct, name: string, props: CfnOutputProps): CfnOutput {
  const created = new CfnOutput(scope, name, props);
  const key = name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
  created.overrideLogicalId(key);
  return created;
}
