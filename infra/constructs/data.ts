/** The referral table: encrypted with the service's own key, recoverable, never deleted by a stack change. */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

import { referralTable } from '../../shared/tables.js';
import type { FunctionPermissions, Partition } from '../permissions.js';

export class Data extends Construct {
  readonly table: TableV2;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
    super(scope, id);
    this.key = props.key;
    const string = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Referrals', {
      partitionKey: string(referralTable.partitionKey),
      sortKey: string(referralTable.sortKey),
      billing: Billing.onDemand(),
      timeToLiveAttribute: referralTable.timeToLiveAttribute,
      dynamoStream: StreamViewType[referralTable.stream],
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

  /**
   * Exactly the item reads, queries and writes given (see infra/permissions.ts): reads on the
   * table, each query on the table or on its one index, each write only in its partitions
   * (`dynamodb:LeadingKeys`), and the key only through DynamoDB (`kms:ViaService`), for what
   * DynamoDB does with it on the caller's behalf (CDK's table grants give the same key actions,
   * callable directly).
   */
  grantItems(grantee: IGrantable, may: Pick<FunctionPermissions, 'read' | 'query' | 'write'>): void {
    const add = (statement: PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(statement);
    const { tableArn } = this.table;
    if (may.read?.length) add(new PolicyStatement({ actions: may.read.map((a) => `dynamodb:${a}`), resources: [tableArn] }));
    if (may.query?.length) {
      const resources = may.query.map((target) => (target === 'table' ? tableArn : `${tableArn}/index/${target}`));
      add(new PolicyStatement({ actions: ['dynamodb:Query'], resources }));
    }
    // One statement per set of partitions: the writes that may touch the same ones.
    const writes = Object.entries(may.write ?? {}) as [string, readonly Partition[]][];
    const bySet = new Map<string, string[]>();
    for (const [action, partitions] of writes) {
      const patterns = JSON.stringify(partitions.map(Data.leadingKeyPattern).sort());
      bySet.set(patterns, [...(bySet.get(patterns) ?? []), `dynamodb:${action}`]);
    }
    for (const [patterns, actions] of bySet) {
      add(
        new PolicyStatement({
          actions,
          resources: [tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': JSON.parse(patterns) as string[] } },
        }),
      );
    }
    if (!may.read?.length && !may.query?.length && !writes.length) return;
    const writerKeyActions = writes.length ? ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : [];
    add(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey', ...writerKeyActions],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /** `SLOT#` → `SLOT#*` (any partition of that kind); `TIMETABLE` is one partition. */
  static leadingKeyPattern(partition: Partition): string {
    return partition.endsWith('#') ? `${partition}*` : partition;
  }
}
