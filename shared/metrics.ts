/** Business metrics (Powertools, CloudWatch embedded metric format). */
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Where the business metrics land in CloudWatch (Powertools adds the `service` dimension). */
export const METRICS_NAMESPACE = 'MskPathway';
export const METRICS_SERVICE = 'msk-pathway';

let instance: Metrics | undefined;

export function metrics(): Metrics {
  instance ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  return instance;
}
