// Calls the story makes more than once, as functions of what changes between them.
import type { JsonObject } from '../../../shared/cloudtrail.js';
import { BASE64 } from '../../cloudtrail-synth/alphabets.js';
import { clusterResources, DATA_API_DATA_SOURCE, MASKED } from '../../cloudtrail-synth/data-api.js';
import { charsFor } from '../../cloudtrail-synth/labelled.js';
import { assumeRoleResponse } from '../../cloudtrail-synth/other-apis.js';
import { ciDeployer, DBADMIN_ROLE_ID, reportsFn } from '../actors.js';
import type { Call } from '../call.js';
import { SAMPLE_ACCOUNT, awsDate, HOME } from '../day.js';
import { CLUSTER_V2, CLUSTER_WEST, REPORTS_SECRET, WEST_SECRET } from '../resources.js';

/** reports-fn's Data API call (a data event, SQL masked) on the Aurora Serverless v2 cluster of its region. */
export function reportsFnDataApi(at: string, region: string, name: string, options: JsonObject = {}): Call {
  const [cluster, secret] = region === HOME ? [CLUSTER_V2, REPORTS_SECRET] : [CLUSTER_WEST, WEST_SECRET];
  return {
    at,
    region,
    source: DATA_API_DATA_SOURCE,
    name,
    actor: reportsFn(region),
    readOnly: false,
    data: true,
    request: { resourceArn: cluster, secretArn: secret, sql: MASKED, database: MASKED, ...options },
    resources: clusterResources(SAMPLE_ACCOUNT, cluster),
  };
}

/** ci-deployer's AssumeRole that starts a DBAdminRole ops-maintenance session (the `dbAdmin` actor's calls). */
export function dbAdminAssumeRole(since: string, key: string, tokenLabel: string): Call {
  return {
    at: since,
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    actor: ciDeployer('sts.assume-role'),
    readOnly: true,
    request: {
      roleArn: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DBAdminRole`,
      roleSessionName: 'ops-maintenance',
      durationSeconds: 3600,
    },
    response: assumeRoleResponse({
      accessKeyId: key,
      sessionToken: charsFor(tokenLabel, 96, BASE64),
      expiration: awsDate(since, 3600),
      assumedRoleId: `${DBADMIN_ROLE_ID}:ops-maintenance`,
      arn: `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/DBAdminRole/ops-maintenance`,
    }),
    // In this record the resource's members come in another order than usual: kept as the sample has it.
    resources: [
      { ARN: `arn:aws:iam::${SAMPLE_ACCOUNT}:role/DBAdminRole`, accountId: SAMPLE_ACCOUNT, type: 'AWS::IAM::Role' },
    ],
    host: `sts.${HOME}.amazonaws.com`,
  };
}
