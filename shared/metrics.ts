/** Business metrics (Powertools, CloudWatch embedded metric format). */
import { Metrics } from '@aws-lambda-powertools/metrics';

let instance: Metrics | undefined;

export function metrics(): Metrics {
  instance ??= new Metrics({ namespace: 'MskPathway', serviceName: 'msk-pathway' });
  return instance;
}
