// What the sample day (events/logs/) must produce, shared by the local pipeline's tests (test/local-run.test.ts) and
// the test of the handlers `sam build` built (test/sam-built-handlers.test.ts).

/** events/logs/README.md, "Alerts the day should raise": 20 alerts, by time. `resource` is the alert's resource id. */
export const EXPECTED_ALERTS: ReadonlyArray<{
  time: string;
  rule: string;
  eventName: string;
  resource: string | null;
  file: string;
}> = [
  {
    time: '09:01:37',
    rule: 'cloudtrail-trail-updated',
    eventName: 'UpdateTrail',
    resource: 'RDS-CloudTrail',
    file: '0905Z',
  },
  {
    time: '09:11:05',
    rule: 'cloudtrail-trail-updated',
    eventName: 'UpdateTrail',
    resource: 'RDS-CloudTrail',
    file: '0920Z',
  },
  { time: '09:14:48', rule: 'rds-public-access', eventName: 'CreateDBInstance', resource: 'oradb', file: '0920Z' },
  { time: '09:58:40', rule: 'rds-rebooted', eventName: 'RebootDBInstance', resource: 'oradb', file: '1005Z' },
  { time: '10:27:55', rule: 'rds-failed-call', eventName: 'ModifyDBInstance', resource: 'oradb', file: '1030Z' },
  { time: '11:02:30', rule: 'rds-database-deleted', eventName: 'DeleteDBInstance', resource: 'oradb', file: '1110Z' },
  { time: '11:28:03', rule: 'rds-failed-call', eventName: 'CreateDBInstance', resource: 'mysql-db', file: '1140Z' },
  { time: '11:30:41', rule: 'rds-public-access', eventName: 'CreateDBInstance', resource: 'mysql-db', file: '1140Z' },
  {
    time: '13:21:02',
    rule: 'rds-master-password-changed',
    eventName: 'ModifyDBInstance',
    resource: 'mysqldb',
    file: '1335Z',
  },
  {
    time: '14:10:02',
    rule: 'rdsdata-logging-excluded',
    eventName: 'PutEventSelectors',
    resource: 'RDS-CloudTrail',
    file: '1420Z',
  },
  {
    time: '14:58:10',
    rule: 'rds-manual-snapshot-created',
    eventName: 'CreateDBSnapshot',
    resource: 'mysqldb-snap',
    file: '1513Z',
  },
  {
    time: '15:01:02',
    rule: 'rds-manual-snapshot-created',
    eventName: 'CreateDBSnapshot',
    resource: 'mysqldb-audit-snap',
    file: '1513Z',
  },
  {
    time: '15:06:40',
    rule: 'rds-snapshot-public',
    eventName: 'ModifyDBSnapshotAttribute',
    resource: 'mysqldb-snap',
    file: '1513Z',
  },
  {
    time: '15:09:12',
    rule: 'rds-snapshot-shared',
    eventName: 'ModifyDBSnapshotAttribute',
    resource: 'mysqldb-audit-snap',
    file: '1513Z',
  },
  {
    time: '16:41:16',
    rule: 'rds-deletion-protection-disabled',
    eventName: 'ModifyDBInstance',
    resource: 'orders-prod',
    file: '1648Z',
  },
  {
    time: '16:45:37',
    rule: 'cloudtrail-logging-stopped',
    eventName: 'StopLogging',
    resource: 'RDS-CloudTrail',
    file: '1648Z',
  },
  { time: '17:16:48', rule: 'root-rds-activity', eventName: 'DescribeDBInstances', resource: null, file: '1726Z' },
  {
    time: '17:18:20',
    rule: 'root-rds-activity',
    eventName: 'DescribeDBSnapshotAttributes',
    resource: 'mysqldb-snap',
    file: '1726Z',
  },
  {
    time: '17:19:05',
    rule: 'root-rds-activity',
    eventName: 'ModifyDBSnapshotAttribute',
    resource: 'mysqldb-snap',
    file: '1726Z',
  },
  {
    time: '18:09:27',
    rule: 'cloudtrail-logging-stopped',
    eventName: 'DeleteTrail',
    resource: 'RDS-CloudTrail',
    file: '1812Z',
  },
];
