import type { CloudTrailRecord } from '../cloudtrail.js';

export type Category = 'rds' | 'rds-data-api' | 'cloudtrail-config' | 'other';

/** Who made the call, from `userIdentity`. */
export interface Principal {
  /** userIdentity.type: Root, IAMUser, AssumedRole, FederatedUser, AWSService, AWSAccount, IdentityCenterUser, ... or Unknown. */
  type: string;
  arn?: string;
  accountId?: string;
  /** A name a person recognises: user name, role name (for an assumed role), or the service for AWSService. */
  name?: string;
  isRoot: boolean;
  /** True for calls made by an AWS service (userIdentity.type AWSService, or invokedBy `*.amazonaws.com`; not "AWS Internal"). */
  isAwsService: boolean;
  /** For assumed roles: the role's ARN (sessionIssuer.arn) and the session name. */
  roleArn?: string;
  sessionName?: string;
  accessKeyId?: string;
  invokedBy?: string;
  mfaAuthenticated?: boolean;
}

export type RdsResourceKind =
  | 'db-instance'
  | 'db-cluster'
  | 'db-snapshot'
  | 'db-cluster-snapshot'
  | 'db-parameter-group'
  | 'db-cluster-parameter-group'
  | 'db-subnet-group'
  | 'db-proxy'
  | 'global-cluster'
  | 'db-instance-automated-backup'
  | 'db-cluster-automated-backup'
  | 'trail';

/** A resource the event touches. `id` is the identifier as RDS shows it (e.g. `oradb`); `arn` when known. */
export interface RdsResource {
  kind: RdsResourceKind;
  id: string;
  arn?: string;
}

/** What a PutEventSelectors / trail change means for recording RDS Data API events. */
export interface DataApiLogging {
  /** rdsdata.amazonaws.com (Aurora Serverless v1), a management event source. */
  v1: 'recorded' | 'excluded' | 'unknown';
  /** rdsdataapi.amazonaws.com (Serverless v2 / provisioned), data events on AWS::RDS::DBCluster. */
  v2: 'recorded' | 'excluded' | 'not-selected' | 'unknown';
  /** Why, in words, for alerts: one sentence per way a Data API source goes unrecorded. Empty when both are recorded. */
  reasons: string[];
}

/** Facts derived from a record: everything rules and the index need beyond the raw record fields. */
export interface EventFacts {
  category: Category;
  principal: Principal;
  /** Every RDS resource (or trail, for cloudtrail-config) named in the request or response, primary first. */
  resources: RdsResource[];
  failed: boolean;
  /** Only for CloudTrail selector changes (PutEventSelectors). */
  dataApiLogging?: DataApiLogging;
}

export interface ClassifiedEvent {
  record: CloudTrailRecord;
  facts: EventFacts;
}
