// The built-in alert rules, as data: EventBridge event patterns over the CloudTrail record, with trailwatch's
// derived facts (shared/classify/types.ts, EventFacts) under `trailwatch`.
//
// Every rule names its eventSource(s) exactly at the top level, so the reader can skip parsing records no rule
// can match. Failed attempts of dangerous calls match too (nothing filters on errorCode): an attempt that was
// refused is still news, and the alert says the call failed.
//
// Informed by public detections, read against real records: SigmaHQ rules/cloud/aws/cloudtrail (aws_rds_*,
// aws_cloudtrail_disable_logging), Panther panther-analysis rules/aws_cloudtrail_rules (aws_rds_*,
// aws_cloudtrail_stopped, aws_cloudtrail_event_selectors_disabled), Elastic detection-rules
// rules/integrations/aws (*_rds_*, *_cloudtrail_*). Parameter names: Amazon RDS API Reference, in CloudTrail's
// camelCase (`dBInstanceIdentifier`, `publiclyAccessible`, ...).
import type { RuleDefinition } from './types.js';
import { LOG_INTEGRITY_RULES } from './builtin/log-integrity.js';
import { selfProtectionRule } from './builtin/self-protection.js';
import { RDS_OPERATION_RULES } from './builtin/rds-operations.js';
import { UNREADABLE_RECORD_RULES } from './builtin/unreadable-records.js';

const RDS = 'rds.amazonaws.com';
const DATA_API_SOURCES = ['rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'];
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/** Calls that create a DB instance or cluster, where the public access setting of the new database is decided. */
const CREATE_OR_RESTORE = [
  'CreateDBInstance',
  'CreateDBInstanceReadReplica',
  'RestoreDBInstanceFromDBSnapshot',
  'RestoreDBInstanceFromS3',
  'RestoreDBInstanceToPointInTime',
  // Multi-AZ DB clusters (not Aurora) take PubliclyAccessible at cluster level.
  'CreateDBCluster',
  'RestoreDBClusterFromSnapshot',
  'RestoreDBClusterToPointInTime',
];
const MODIFY_DATABASE = ['ModifyDBInstance', 'ModifyDBCluster'];

export const BUILTIN_RULES: readonly RuleDefinition[] = [
  {
    id: 'rds-database-deleted',
    severity: 'high',
    title: 'RDS database deleted',
    description:
      'A DB instance or cluster was deleted, or someone tried to. With skipFinalSnapshot and deleteAutomatedBackups the data may be gone for good.',
    match: { eventSource: [RDS], eventName: ['DeleteDBInstance', 'DeleteDBCluster'] },
    nextSteps: [
      'Confirm with the owner of the database that the deletion was planned.',
      'Check requestParameters: skipFinalSnapshot, finalDBSnapshotIdentifier / finalDBClusterSnapshotIdentifier and deleteAutomatedBackups say what can still be restored.',
      "If it was not planned: restore from the final snapshot or the retained automated backups, and revoke the caller's credentials.",
      'Look for deletion protection being turned off, snapshots deleted or shared by the same principal shortly before.',
    ],
  },
  {
    id: 'rdsdata-logging-excluded',
    severity: 'high',
    title: 'Trail stops recording RDS Data API calls',
    description:
      'A PutEventSelectors call leaves RDS Data API calls out of the trail: excludeManagementEventSources lists rdsdata.amazonaws.com, management events are off or read-only, or advanced selectors filter out rdsdata.amazonaws.com (Aurora Serverless v1) or the AWS::RDS::DBCluster data events of rdsdataapi.amazonaws.com (Serverless v2, provisioned). SQL run through the Data API after this leaves no trace in the trail.',
    match: {
      eventSource: [CLOUDTRAIL],
      eventName: ['PutEventSelectors'],
      trailwatch: { dataApiLogging: { $or: [{ v1: ['excluded'] }, { v2: ['excluded'] }] } },
    },
    nextSteps: [
      'Read the reasons in the alert: they name the selector and the condition that leaves Data API calls out.',
      'Confirm with the trail owner that the change was approved (cost reduction is the usual legitimate reason).',
      'If not: put the previous selectors back (aws cloudtrail get-event-selectors shows the current ones), and restrict cloudtrail:PutEventSelectors.',
      "Data API calls made while the exclusion was in place cannot be recovered from the trail: check the database's own audit logs for that window.",
    ],
  },
  {
    id: 'rdsdataapi-events-not-selected',
    severity: 'info',
    title: 'Trail does not record Data API calls to Aurora Serverless v2 or provisioned clusters',
    description:
      'After this PutEventSelectors the trail has no advanced event selector for data events on AWS::RDS::DBCluster, so Data API calls to Aurora Serverless v2 and provisioned clusters (rdsdataapi.amazonaws.com) are not recorded. This is the default for trails, not a change to alarm about; it is here so the gap is known. When the same call also stops Aurora Serverless v1 Data API events being recorded, rdsdata-logging-excluded reports both instead.',
    match: {
      eventSource: [CLOUDTRAIL],
      eventName: ['PutEventSelectors'],
      trailwatch: { dataApiLogging: { v1: ['recorded'], v2: ['not-selected'] } },
    },
    nextSteps: [
      'If any cluster has the Data API (HTTP endpoint) enabled, consider an advanced event selector with eventCategory = Data and resources.type = AWS::RDS::DBCluster (data events are charged).',
    ],
  },
  {
    id: 'cloudtrail-selectors-unreadable',
    severity: 'medium',
    title: 'Trail event selectors changed, but CloudTrail did not record the new selectors',
    description:
      'CloudTrail omitted the parameters of this PutEventSelectors call (too large), so whether the trail still records the RDS Data API cannot be told from the record. Padding a request to get it omitted is a known way to hide a change.',
    match: {
      eventSource: [CLOUDTRAIL],
      eventName: ['PutEventSelectors'],
      trailwatch: { dataApiLogging: { v1: ['unknown'] } },
    },
    nextSteps: [
      'Run aws cloudtrail get-event-selectors --trail-name <trail> to see what the trail records now.',
      'Confirm with the caller why the selectors were changed.',
    ],
  },
  {
    id: 'cloudtrail-logging-stopped',
    severity: 'critical',
    title: 'CloudTrail logging stopped or trail deleted',
    description: 'StopLogging or DeleteTrail: everything after this call, RDS included, goes unrecorded by the trail.',
    match: { eventSource: [CLOUDTRAIL], eventName: ['StopLogging', 'DeleteTrail'] },
    nextSteps: [
      'If the call succeeded, restart logging (aws cloudtrail start-logging) or recreate the trail at once.',
      'Confirm with the caller and the trail owner that it was intended.',
      'Review what the same principal did just before, and what happened in the account while logging was off (other trails, CloudTrail event history).',
    ],
  },
  {
    id: 'cloudtrail-trail-updated',
    severity: 'medium',
    title: 'CloudTrail trail settings changed',
    description:
      'UpdateTrail can narrow what a trail records (isMultiRegionTrail, includeGlobalServiceEvents) or send its logs elsewhere (S3 bucket, KMS key, CloudWatch Logs, SNS topic).',
    match: { eventSource: [CLOUDTRAIL], eventName: ['UpdateTrail'] },
    nextSteps: [
      "Compare requestParameters with the trail's intended settings: region coverage, destination bucket and prefix, KMS key, log file validation.",
      'Confirm the change with the trail owner.',
    ],
  },
  {
    id: 'rds-snapshot-public',
    severity: 'critical',
    title: 'RDS snapshot made public',
    description:
      'The restore attribute of a DB or cluster snapshot was opened to "all": any AWS account can copy or restore it.',
    match: {
      eventSource: [RDS],
      eventName: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
      requestParameters: { attributeName: ['restore'], valuesToAdd: ['all'] },
    },
    nextSteps: [
      'Remove public access at once: modify-db-snapshot-attribute (or modify-db-cluster-snapshot-attribute) --attribute-name restore --values-to-remove all.',
      'Find out what data the snapshot holds and treat it as exposed for the time it was public.',
      'Check who made the call and what else they did.',
    ],
  },
  {
    id: 'rds-snapshot-shared',
    severity: 'high',
    title: 'RDS snapshot shared with another account',
    description:
      'The restore attribute of a DB or cluster snapshot was granted to an AWS account ID: that account can copy or restore the data.',
    match: {
      eventSource: [RDS],
      eventName: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
      requestParameters: { attributeName: ['restore'], valuesToAdd: [{ 'anything-but': 'all' }] },
    },
    nextSteps: [
      'Check that each account in valuesToAdd belongs to your organisation or an approved partner.',
      "If not: remove the share (--values-to-remove <account>) and treat the snapshot's data as exposed.",
    ],
  },
  {
    id: 'rds-public-access',
    severity: 'high',
    title: 'RDS database publicly accessible',
    description:
      'A DB instance (or Multi-AZ DB cluster) was created, restored or modified with public accessibility on: its endpoint resolves to a public IP. For creation and restores the response is checked too, since the default can make a database public without the request saying so.',
    match: {
      $or: [
        { eventSource: [RDS], eventName: MODIFY_DATABASE, requestParameters: { publiclyAccessible: [true] } },
        { eventSource: [RDS], eventName: CREATE_OR_RESTORE, requestParameters: { publiclyAccessible: [true] } },
        { eventSource: [RDS], eventName: CREATE_OR_RESTORE, responseElements: { publiclyAccessible: [true] } },
      ],
    },
    nextSteps: [
      'Check that the database is meant to be reachable from the internet; if not, modify it with --no-publicly-accessible.',
      'Review its security groups for inbound rules open to 0.0.0.0/0 or ::/0.',
      'A restore of a snapshot into a public instance is a known exfiltration path: check where the snapshot came from.',
    ],
  },
  {
    id: 'rds-master-password-changed',
    severity: 'medium',
    title: 'RDS master user password changed',
    description:
      'The master user password of an existing DB instance or cluster was set. With it, whoever set it can log in as the database owner.',
    match: {
      $or: [
        {
          eventSource: [RDS],
          eventName: MODIFY_DATABASE,
          requestParameters: { masterUserPassword: [{ exists: true }] },
        },
        {
          eventSource: [RDS],
          eventName: MODIFY_DATABASE,
          responseElements: { pendingModifiedValues: { masterUserPassword: [{ exists: true }] } },
        },
      ],
    },
    nextSteps: [
      'Confirm the change with the database owner; a planned rotation usually comes from a known role or Secrets Manager.',
      "If not planned: reset the password, and check the database's logs for logins as the master user since.",
      'Attackers pair this with a restore from a snapshot: look for restores by the same principal.',
    ],
  },
  {
    id: 'rds-failed-call',
    severity: 'low',
    title: 'RDS or Data API call failed',
    description:
      'An RDS or RDS Data API call returned an error. A burst of AccessDenied errors can be someone probing permissions.',
    match: { eventSource: [RDS, ...DATA_API_SOURCES], trailwatch: { failed: [true] } },
    nextSteps: [
      'Read errorCode and errorMessage: AccessDenied from an unexpected principal deserves a look; validation errors are usually mistakes.',
      'Check whether the same principal made many failed calls around this time.',
    ],
  },
  {
    id: 'root-rds-activity',
    severity: 'high',
    title: 'Root user used RDS',
    description:
      "An RDS or RDS Data API call was made with the account's root credentials. Day-to-day work should never need root.",
    match: { eventSource: [RDS, ...DATA_API_SOURCES], trailwatch: { principal: { isRoot: [true] } } },
    nextSteps: [
      'Find out who holds the root credentials and whether they made this call.',
      'Check that root has MFA (trailwatch shows mfaAuthenticated when the record says) and no access keys.',
      'Review everything else root did in the same session.',
    ],
  },
  {
    id: 'rds-deletion-protection-disabled',
    severity: 'medium',
    title: 'RDS deletion protection turned off',
    description:
      'Deletion protection was turned off on a DB instance or cluster; it is often the step before a deletion.',
    match: { eventSource: [RDS], eventName: MODIFY_DATABASE, requestParameters: { deletionProtection: [false] } },
    nextSteps: [
      'Confirm with the owner that the database is meant to be deleted or that protection is not wanted.',
      'If not: turn it back on (--deletion-protection) and watch for DeleteDBInstance / DeleteDBCluster by the same principal.',
    ],
  },
  {
    id: 'rds-backups-disabled',
    severity: 'high',
    title: 'RDS automated backups turned off',
    description:
      'The backup retention period of a DB instance or cluster was set to 0: automated backups stop and the existing ones are deleted.',
    match: {
      eventSource: [RDS],
      eventName: MODIFY_DATABASE,
      requestParameters: { backupRetentionPeriod: [{ numeric: ['=', 0] }] },
    },
    nextSteps: [
      'Restore the retention period (--backup-retention-period) unless the owner confirms the change.',
      'Take a manual snapshot if the database matters, since point-in-time recovery is gone.',
    ],
  },
  {
    id: 'rds-automated-backup-deleted',
    severity: 'high',
    title: 'RDS automated backup deleted',
    description:
      'Retained automated backups of a deleted DB instance or cluster were deleted: point-in-time recovery of that database is no longer possible.',
    match: { eventSource: [RDS], eventName: ['DeleteDBInstanceAutomatedBackup', 'DeleteDBClusterAutomatedBackup'] },
    nextSteps: [
      'Confirm with the owner that the retained backups were no longer needed.',
      'Check for manual snapshots of the database, and whether they were deleted or shared too.',
    ],
  },
  {
    id: 'rds-snapshot-deleted',
    severity: 'medium',
    title: 'RDS snapshot deleted',
    description:
      'A manual DB or cluster snapshot was deleted. Expired AWS Backup recovery points are deleted by AWS Backup itself (the alert shows invokedBy).',
    match: { eventSource: [RDS], eventName: ['DeleteDBSnapshot', 'DeleteDBClusterSnapshot'] },
    nextSteps: [
      'Check whether the snapshot was the last restorable copy of the database.',
      "If the caller is AWS Backup (invokedBy backup.amazonaws.com), the backup plan's retention explains it; consider an exception for it.",
    ],
  },
  {
    id: 'rds-snapshot-exported',
    severity: 'high',
    title: 'RDS snapshot exported to S3',
    description:
      "StartExportTask copies a snapshot's or cluster's data to an S3 bucket as Parquet files, outside the database's access controls.",
    match: { eventSource: [RDS], eventName: ['StartExportTask'] },
    nextSteps: [
      'Check that s3BucketName belongs to your account and is an approved destination, and who can read it.',
      'Confirm the export with the data owner; cancel it (aws rds cancel-export-task) if unexpected.',
    ],
  },
  {
    id: 'rds-activity-stream-stopped',
    severity: 'high',
    title: 'RDS database activity stream stopped',
    description:
      'The database activity stream of a cluster or instance was stopped: its database-level audit trail ends here.',
    match: { eventSource: [RDS], eventName: ['StopActivityStream'] },
    nextSteps: [
      'Confirm with the owner and the security team (who consume the stream) that stopping it was planned.',
      'Restart it (aws rds start-activity-stream) if not, and review database activity since.',
    ],
  },
  {
    id: 'rds-log-exports-disabled',
    severity: 'medium',
    title: 'RDS log export to CloudWatch Logs turned off',
    description:
      'A DB instance or cluster stopped exporting some of its logs (audit, error, postgresql, ...) to CloudWatch Logs.',
    match: {
      eventSource: [RDS],
      eventName: MODIFY_DATABASE,
      requestParameters: { cloudwatchLogsExportConfiguration: { disableLogTypes: [{ wildcard: '*' }] } },
    },
    nextSteps: [
      'Check which log types were disabled (cloudwatchLogsExportConfiguration.disableLogTypes) and whether anything relies on them.',
      'Confirm with the owner; re-enable them if the change was not planned.',
    ],
  },
  {
    id: 'rds-data-api-enabled',
    severity: 'medium',
    title: 'RDS Data API (HTTP endpoint) enabled',
    description:
      'The Data API was enabled on a cluster: anyone with rds-data permissions and the database secret can run SQL over HTTPS, without network access to the cluster. On Serverless v2 and provisioned clusters those calls are data events a trail does not record unless selected.',
    match: {
      $or: [
        { eventSource: [RDS], eventName: ['EnableHttpEndpoint'] },
        {
          eventSource: [RDS],
          eventName: ['ModifyDBCluster', 'CreateDBCluster'],
          requestParameters: { enableHttpEndpoint: [true] },
        },
      ],
    },
    nextSteps: [
      'Confirm the cluster is meant to be reached through the Data API.',
      "Review who has rds-data:* permissions and access to the cluster's secret.",
      'Make sure a trail records the Data API: data events on AWS::RDS::DBCluster for Serverless v2 and provisioned clusters.',
    ],
  },
  {
    id: 'rds-iam-role-added',
    severity: 'medium',
    title: 'IAM role associated with an RDS database',
    description:
      "An IAM role was associated with a DB instance or cluster (for S3 import/export, Lambda, ...): the database engine can now act with that role's permissions, e.g. write query results to S3.",
    match: { eventSource: [RDS], eventName: ['AddRoleToDBInstance', 'AddRoleToDBCluster'] },
    nextSteps: [
      'Check roleArn and featureName, and what the role is allowed to do (especially S3 write access).',
      'Confirm the association with the database owner.',
    ],
  },
  {
    id: 'rds-db-restored',
    severity: 'low',
    title: 'RDS database restored from a snapshot or backup',
    description:
      'A new DB instance or cluster was created from a snapshot, a point in time or S3. Routine for recovery and testing; also how data in a snapshot is read by someone who cannot read the source.',
    match: {
      eventSource: [RDS],
      eventName: [
        'RestoreDBInstanceFromDBSnapshot',
        'RestoreDBInstanceFromS3',
        'RestoreDBInstanceToPointInTime',
        'RestoreDBClusterFromSnapshot',
        'RestoreDBClusterFromS3',
        'RestoreDBClusterToPointInTime',
      ],
    },
    nextSteps: [
      'Check who restored it and why; look for a master password change or public access on the new database right after.',
      'Make sure the restored copy is deleted when no longer needed.',
    ],
  },
  ...LOG_INTEGRITY_RULES,
  selfProtectionRule(),
  ...RDS_OPERATION_RULES,
  ...UNREADABLE_RECORD_RULES,
];
