// The RDS Data API in CloudTrail: management events under rdsdata.amazonaws.com (Aurora Serverless v1) and data
// events under rdsdataapi.amazonaws.com (the other clusters), with the SQL text, database and schema masked.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail-data-api.html
import type { CloudTrailResource } from '../../shared/cloudtrail.js';
import { resource } from './record.js';

export const DATA_API_DATA_SOURCE = 'rdsdataapi.amazonaws.com';

/** What CloudTrail writes in place of sql, database and schema. */
export const MASKED = '**********';

/** The masked members of an ExecuteStatement/BatchExecuteStatement request, in the order CloudTrail has them. */
export function maskedStatement(includeResultMetadata: boolean): {
  continueAfterTimeout: boolean;
  database: string;
  includeResultMetadata: boolean;
  parameters: [];
  schema: string;
  sql: string;
} {
  return {
    continueAfterTimeout: false,
    database: MASKED,
    includeResultMetadata,
    parameters: [],
    schema: MASKED,
    sql: MASKED,
  };
}

/** A data event's `resources`: the DB cluster called. */
export function clusterResources(account: string, clusterArn: string): CloudTrailResource[] {
  return [resource('AWS::RDS::DBCluster', clusterArn, account)];
}
