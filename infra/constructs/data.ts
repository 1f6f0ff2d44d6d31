/** The referral table: encrypted with the service's own key, recoverable, never deleted by a stack change. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

import { referralTable } from '../../shared/tables.js';

export class Data extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
    super(scope, id);
    const string = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Referrals', {
      partitionKey: string(referralTable.partitionKey),
      sortKey: string(referralTable.sortKey),
      billing: Billing.onDemand(),
      timeToLiveAttribute: referralTable.timeToLiveAttribute,
      globalSecondaryIndexes: referralTable.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        ...(index.projection === 'ALL'
          ? { projectionType: ProjectionType.ALL }
          : index.projection.length
            ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }
            : { projectionType: ProjectionType.KEYS_ONLY }),
      })),
      encryption: TableEncryptionV2.customerManagedKey(props.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
