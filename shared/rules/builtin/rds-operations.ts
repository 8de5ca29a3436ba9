// Built-in rules for RDS operations that peers detect and trailwatch did not (issue 15): failovers, reboots,
// DB security group ingress, cross-region snapshot copies, global cluster deletion, log file downloads, manual
// snapshots, and one "indeterminate" rule for RDS writes whose parameters CloudTrail omitted.
//
// Read (not copied) against: Panther panther-analysis rules/aws_cloudtrail_rules aws_rds_cluster_failover.yml
// (FailoverDBCluster / FailoverGlobalCluster, Medium), aws_rds_instance_rebooted.yml (RebootDBInstance /
// RebootDBCluster, Medium), aws_rds_log_file_downloaded.yml (DownloadDBLogFilePortion, Low),
// aws_rds_manual_snapshot_created.yml (CreateDBSnapshot, Low, skips snapshotType automated / awsbackup);
// SigmaHQ rules/cloud/aws/cloudtrail (aws_rds_*); Elastic detection-rules rules/integrations/aws (*_rds_*).
// Where those rules drop failed calls, trailwatch keeps them (see builtin-rules.ts: a refused attempt is news).
//
// Severities here are trailwatch's own, chosen so routine operations do not flood: a plain reboot (parameter
// group changes need one) is low, a forced failover medium; calls AWS services make on the account's behalf
// (RDS maintenance, AWS Backup copy jobs: userIdentity.invokedBy backup.amazonaws.com, or the
// AWSServiceRoleForBackup service-linked role) are excepted where they are routine.
import type { EventPattern, RuleDefinition, RuleExceptions } from '../types.js';

const RDS = 'rds.amazonaws.com';

/** AWS Backup: its service-linked role, and any role it assumes (invokedBy backup.amazonaws.com). */
const AWS_BACKUP: RuleExceptions = {
  invokedBy: ['backup.amazonaws.com'],
  principals: [
    'arn:aws:iam::*:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup',
    'arn:aws:sts::*:assumed-role/AWSServiceRoleForBackup/*',
  ],
};

/**
 * Regions in which an RDS snapshot can live (commercial, China, GovCloud). Used only to recognise a copy whose
 * source ARN names the same region as the call: a region missing here makes its same-region ARN copies alert
 * (fails loud, never quiet). https://docs.aws.amazon.com/general/latest/gr/rande.html
 */
export const AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-east-1',
  'us-gov-west-1',
] as const;

/**
 * CopyDBSnapshot / CopyDBClusterSnapshot are called in the DESTINATION region; a source in another region must be
 * named by ARN (Amazon RDS API Reference, CopyDBSnapshot, SourceDBSnapshotIdentifier: "If the source snapshot is
 * in a different AWS Region than the copy, specify a valid DB snapshot ARN"). So a copy is cross-region when the
 * source is an ARN whose region differs from the record's awsRegion. Event patterns cannot compare two fields,
 * hence one "same region" exception per region.
 */
const SAME_REGION_SOURCE: EventPattern[] = AWS_REGIONS.flatMap((region): EventPattern[] => [
  { awsRegion: [region], requestParameters: { sourceDBSnapshotIdentifier: [{ wildcard: `arn:*:rds:${region}:*` }] } },
  {
    awsRegion: [region],
    requestParameters: { sourceDBClusterSnapshotIdentifier: [{ wildcard: `arn:*:rds:${region}:*` }] },
  },
]);

/** CIDR blocks that let every address in. */
const ANY_ADDRESS = ['0.0.0.0/0', '::/0'];

/**
 * RDS writes whose request parameters a built-in rule inspects, grouped by what cannot be checked when CloudTrail
 * omitted them (`"requestParameters": {"reason": "requestParameters too large", "omitted": true}`, ../shared/README.md).
 * One "unreadable" rule per group, so the alert says exactly what went unchecked for that call.
 * test/rules-indeterminate.test.ts checks these lists against every built-in rule.
 */
export const UNREADABLE_GROUPS = [
  {
    id: 'rds-modify-unreadable',
    what: 'RDS database change',
    eventNames: ['ModifyDBInstance', 'ModifyDBCluster'],
    unchecked:
      'whether it made the database public, set the master password, turned off deletion protection or automated backups, stopped log exports, or enabled the Data API',
    describe:
      'aws rds describe-db-instances / describe-db-clusters: check PubliclyAccessible, DeletionProtection, BackupRetentionPeriod, EnabledCloudwatchLogsExports, HttpEndpointEnabled and PendingModifiedValues.',
  },
  {
    id: 'rds-create-unreadable',
    what: 'RDS database creation or restore',
    eventNames: [
      'CreateDBInstance',
      'CreateDBInstanceReadReplica',
      'CreateDBCluster',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceFromS3',
      'RestoreDBInstanceToPointInTime',
      'RestoreDBClusterFromSnapshot',
      'RestoreDBClusterToPointInTime',
    ],
    unchecked:
      'whether the request asked for public access or enabled the Data API (the response, when present, is still checked for public access)',
    describe:
      'aws rds describe-db-instances / describe-db-clusters for the new database: check PubliclyAccessible and HttpEndpointEnabled.',
  },
  {
    id: 'rds-snapshot-attribute-unreadable',
    what: 'RDS snapshot permission change',
    eventNames: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'],
    unchecked: 'whether the snapshot was made public or shared with another account, and with which',
    describe:
      'aws rds describe-db-snapshot-attributes / describe-db-cluster-snapshot-attributes: check the restore attribute for "all" and unknown account IDs.',
  },
  {
    id: 'rds-reboot-unreadable',
    what: 'RDS reboot',
    eventNames: ['RebootDBInstance', 'RebootDBCluster'],
    unchecked: 'whether the reboot forced a failover',
    describe: 'aws rds describe-events --source-type db-instance (or db-cluster): a failover shows as its own event.',
  },
  {
    id: 'rds-ingress-unreadable',
    what: 'RDS DB security group ingress change',
    eventNames: ['AuthorizeDBSecurityGroupIngress'],
    unchecked: 'which address range or EC2 security group was let in, and whether it was 0.0.0.0/0 or ::/0',
    describe: 'aws rds describe-db-security-groups: check IPRanges and EC2SecurityGroups.',
  },
  {
    id: 'rds-snapshot-copy-unreadable',
    what: 'RDS snapshot copy',
    eventNames: ['CopyDBSnapshot', 'CopyDBClusterSnapshot'],
    unchecked: 'which region and account the snapshot was copied from',
    describe:
      'aws rds describe-db-snapshots / describe-db-cluster-snapshots for the copy: SourceRegion and SourceDBSnapshotIdentifier say where it came from.',
  },
] as const;

function unreadableRule(group: (typeof UNREADABLE_GROUPS)[number]): RuleDefinition {
  const omitted = { eventName: [...group.eventNames], requestParameters: { omitted: [true] } };
  return {
    id: group.id,
    severity: 'medium',
    title: `${group.what} not checked: CloudTrail omitted its parameters`,
    description:
      `CloudTrail left out the request parameters of this call (too large), so trailwatch could not check ${group.unchecked}. ` +
      'Padding a request so that it is omitted is a known way to hide a change.',
    match:
      group.id === 'rds-create-unreadable'
        ? {
            eventSource: [RDS],
            $or: [
              omitted,
              // Creation and restore are also judged by the response; when that is omitted and the request does not say, nothing can.
              {
                eventName: [...group.eventNames],
                responseElements: { omitted: [true] },
                requestParameters: { publiclyAccessible: [{ exists: false }] },
              },
            ],
          }
        : { eventSource: [RDS], ...omitted },
    nextSteps: [
      `See the resource as it is now: ${group.describe}`,
      'Confirm the change with the caller; a request too large to record is unusual from a person.',
    ],
  };
}

export const RDS_OPERATION_RULES: readonly RuleDefinition[] = [
  {
    id: 'rds-failover',
    severity: 'medium',
    title: 'RDS cluster failover started by hand',
    description:
      'FailoverDBCluster or FailoverGlobalCluster: the writer moves to another instance or region, connections drop for a while. Routine in disaster-recovery drills; also a way to disrupt a database or move its primary to a region the caller controls.',
    match: { eventSource: [RDS], eventName: ['FailoverDBCluster', 'FailoverGlobalCluster'] },
    except: { awsServices: true },
    nextSteps: [
      'Confirm a drill or an operational change was planned (targetDBInstanceIdentifier / targetDbClusterIdentifier say where the writer went).',
      'Look for health or modification events on the cluster just before, and other failovers by the same principal.',
    ],
  },
  {
    id: 'rds-reboot-with-failover',
    severity: 'medium',
    title: 'RDS database rebooted with a forced failover',
    description:
      'RebootDBInstance or RebootDBCluster with forceFailover: the primary switches to the standby (Multi-AZ) and connections drop. Used to test high availability; unplanned, it is a disruption.',
    match: {
      eventSource: [RDS],
      eventName: ['RebootDBInstance', 'RebootDBCluster'],
      requestParameters: { forceFailover: [true] },
    },
    except: { awsServices: true },
    nextSteps: [
      'Confirm with the owner that a failover test or maintenance was planned.',
      'Check for other reboots or failovers by the same principal around this time.',
    ],
  },
  {
    id: 'rds-rebooted',
    severity: 'low',
    title: 'RDS database rebooted',
    description:
      "RebootDBInstance or RebootDBCluster without a forced failover. Often routine (a static parameter change needs a reboot); calls made by AWS services on the account's behalf are not reported.",
    match: {
      eventSource: [RDS],
      eventName: ['RebootDBInstance', 'RebootDBCluster'],
      requestParameters: { forceFailover: [false, { exists: false }] },
    },
    except: { awsServices: true },
    nextSteps: [
      'Check for a parameter group change on the database shortly before (the usual reason).',
      'Many reboots by one principal in a short time is a disruption, not maintenance.',
    ],
  },
  {
    id: 'rds-ingress-open-to-internet',
    severity: 'high',
    title: 'RDS DB security group opened to the whole internet',
    description:
      'AuthorizeDBSecurityGroupIngress with CIDR 0.0.0.0/0 or ::/0: every address may connect to the databases in this DB security group. (DB security groups are the EC2-Classic mechanism; VPC databases use EC2 security groups.)',
    // CloudTrail writes the API's CIDRIP as `cIDRIP`, by its rule of lower-casing the first letter of the member
    // name (as in `dBInstanceIdentifier`, `iAMDatabaseAuthenticationEnabled`); no published record was found to confirm it.
    match: {
      eventSource: [RDS],
      eventName: ['AuthorizeDBSecurityGroupIngress'],
      requestParameters: { cIDRIP: ANY_ADDRESS },
    },
    nextSteps: [
      'Revoke the rule at once (aws rds revoke-db-security-group-ingress --cidrip ...) unless the owner confirms it.',
      'Check the databases in the group for logins from unknown addresses since.',
    ],
  },
  {
    id: 'rds-ingress-cidr-authorized',
    severity: 'medium',
    title: 'RDS DB security group opened to an address range',
    description:
      'AuthorizeDBSecurityGroupIngress with a CIDR range narrower than the whole internet: addresses in that range may connect.',
    match: {
      eventSource: [RDS],
      eventName: ['AuthorizeDBSecurityGroupIngress'],
      requestParameters: { cIDRIP: [{ 'anything-but': ANY_ADDRESS }] },
    },
    nextSteps: [
      'Check that the range (cIDRIP) belongs to your network or a known partner.',
      'Confirm the change with the database owner.',
    ],
  },
  {
    id: 'rds-ingress-security-group-authorized',
    severity: 'low',
    title: 'RDS DB security group opened to an EC2 security group',
    description:
      'AuthorizeDBSecurityGroupIngress naming an EC2 security group: instances in that group (possibly of another account, eC2SecurityGroupOwnerId) may connect.',
    match: {
      eventSource: [RDS],
      eventName: ['AuthorizeDBSecurityGroupIngress'],
      $or: [
        { requestParameters: { eC2SecurityGroupName: [{ exists: true }] } },
        { requestParameters: { eC2SecurityGroupId: [{ exists: true }] } },
      ],
    },
    nextSteps: ['Check who owns the EC2 security group (eC2SecurityGroupOwnerId) and which instances are in it.'],
  },
  {
    id: 'rds-snapshot-copied-cross-region',
    severity: 'medium',
    title: 'RDS snapshot copied to another region',
    description:
      'CopyDBSnapshot or CopyDBClusterSnapshot whose source ARN names another region than the one the call was made in: a copy of the data now exists in this region, possibly under other keys and outside the monitoring of the source region. AWS Backup cross-region copy jobs are not reported.',
    match: {
      eventSource: [RDS],
      $or: [
        { eventName: ['CopyDBSnapshot'], requestParameters: { sourceDBSnapshotIdentifier: [{ prefix: 'arn:' }] } },
        {
          eventName: ['CopyDBClusterSnapshot'],
          requestParameters: { sourceDBClusterSnapshotIdentifier: [{ prefix: 'arn:' }] },
        },
      ],
    },
    except: { ...AWS_BACKUP, patterns: SAME_REGION_SOURCE },
    nextSteps: [
      'Check that the destination region (awsRegion) is one your organisation uses, and who can read snapshots there.',
      'Look for a share (ModifyDBSnapshotAttribute) or export of the copy by the same principal next.',
    ],
  },
  {
    id: 'rds-global-cluster-deleted',
    severity: 'high',
    title: 'Aurora global database deleted',
    description:
      'DeleteGlobalCluster: the cross-region replication of an Aurora global database is gone (its member clusters must have been removed first).',
    match: { eventSource: [RDS], eventName: ['DeleteGlobalCluster'] },
    nextSteps: [
      'Confirm with the owner; look for RemoveFromGlobalCluster and DeleteDBCluster by the same principal shortly before.',
      'Check that the remaining clusters still have the backups the disaster-recovery plan relies on.',
    ],
  },
  {
    id: 'rds-log-file-downloaded',
    severity: 'low',
    title: 'RDS database log file downloaded',
    description:
      'DownloadDBLogFilePortion or DownloadCompleteDBLogFile: database logs (errors, slow or audited queries) can hold credentials and data from queries. Tools that read logs on a schedule make these too; give them an exception.',
    match: { eventSource: [RDS], eventName: ['DownloadDBLogFilePortion', 'DownloadCompleteDBLogFile'] },
    except: { awsServices: true },
    nextSteps: [
      "Check the caller and source IP against who normally reads this database's logs (logFileName says which log).",
      'Many downloads in a short time from a new place is harvesting, not troubleshooting.',
    ],
  },
  {
    id: 'rds-manual-snapshot-created',
    severity: 'low',
    title: 'RDS manual snapshot created',
    description:
      'CreateDBSnapshot or CreateDBClusterSnapshot by a person or tool: the usual first step of copying a database out (snapshot, then share, copy or export). AWS Backup and automated snapshots are not reported.',
    match: { eventSource: [RDS], eventName: ['CreateDBSnapshot', 'CreateDBClusterSnapshot'] },
    except: {
      ...AWS_BACKUP,
      awsServices: true,
      // Panther's rule reads responseElements.snapshotType the same way: only manual (and public) snapshots matter.
      patterns: [{ responseElements: { snapshotType: [{ 'anything-but': ['manual', 'public'] }] } }],
    },
    nextSteps: [
      'Check who made the snapshot and whether it was shared, copied or exported afterwards.',
      'Delete it when it is no longer needed, or add an exception for the tool that makes it.',
    ],
  },
  ...UNREADABLE_GROUPS.map(unreadableRule),
];
