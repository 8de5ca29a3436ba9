// The day's named resources: the trail, the Aurora clusters and their secrets, the application buckets.
import type { JsonObject } from '../../shared/cloudtrail.js';
import { trailArn, trailDescription } from '../cloudtrail-synth/cloudtrail-api.js';
import { rdsArn } from '../cloudtrail-synth/rds.js';
import { SAMPLE_ACCOUNT, HOME, SAMPLE_BUCKET, SAMPLE_TRAIL, WEST } from './day.js';

export const TRAIL_ARN = trailArn(HOME, SAMPLE_ACCOUNT, SAMPLE_TRAIL);
export const TOPIC_ARN = `arn:aws:sns:${HOME}:${SAMPLE_ACCOUNT}:RDSCloudTrail`;
/** Aurora Serverless v1: its Data API calls are management events of rdsdata.amazonaws.com. */
export const CLUSTER_V1 = rdsArn(HOME, SAMPLE_ACCOUNT, 'cluster', 'my-database-1');
/** Aurora Serverless v2, one per region: Data API data events of rdsdataapi.amazonaws.com. */
export const CLUSTER_V2 = rdsArn(HOME, SAMPLE_ACCOUNT, 'cluster', 'reports-aurora-v2');
export const CLUSTER_WEST = rdsArn(WEST, SAMPLE_ACCOUNT, 'cluster', 'metrics-aurora-v2');
export const DATA_API_SECRET = `arn:aws:secretsmanager:${HOME}:${SAMPLE_ACCOUNT}:secret:dataapisecret-ABC123`;
export const REPORTS_SECRET = `arn:aws:secretsmanager:${HOME}:${SAMPLE_ACCOUNT}:secret:rds!cluster-7c1f0d52-reports-Qx81Zp`;
export const WEST_SECRET = `arn:aws:secretsmanager:${WEST}:${SAMPLE_ACCOUNT}:secret:rds!cluster-3b9e44aa-metrics-Lm02Tr`;
export const APP_BUCKET = `app-data-${SAMPLE_ACCOUNT}`;
export const WEST_BUCKET = `app-backups-${SAMPLE_ACCOUNT}-usw2`;

/** RDS-CloudTrail as UpdateTrail returns it, with `extra` settings. */
export function trailResponse(extra: JsonObject): JsonObject {
  return trailDescription(
    { name: SAMPLE_TRAIL, bucket: SAMPLE_BUCKET, arn: TRAIL_ARN, logFileValidation: true },
    extra,
  );
}

/** The selectors johndoe sets in the morning: management events, S3 objects of the app buckets, the Data API. */
export const ADVANCED_SELECTORS: JsonObject[] = [
  { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
  {
    name: 'S3 object events in the application buckets',
    fieldSelectors: [
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
      { field: 'resources.ARN', startsWith: [`arn:aws:s3:::${APP_BUCKET}/`, `arn:aws:s3:::${WEST_BUCKET}/`] },
    ],
  },
  {
    name: 'RDS Data API events',
    fieldSelectors: [
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::RDS::DBCluster'] },
    ],
  },
];

/** The basic selectors that replace them at 14:10:02, excluding rdsdata.amazonaws.com. */
export const EXCLUDING_SELECTORS: JsonObject[] = [
  {
    readWriteType: 'All',
    includeManagementEvents: true,
    dataResources: [{ type: 'AWS::S3::Object', values: [`arn:aws:s3:::${APP_BUCKET}/`] }],
    excludeManagementEventSources: ['rdsdata.amazonaws.com'],
  },
];
