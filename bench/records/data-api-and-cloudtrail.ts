// RDS Data API (both event sources) and CloudTrail configuration calls.
import type { JsonObject } from '../../shared/cloudtrail.js';
import { LOWER_ALNUM, UPPER_ALNUM } from '../../scripts/cloudtrail-synth/alphabets.js';
import { putEventSelectors, trailArn, trailDescription } from '../../scripts/cloudtrail-synth/cloudtrail-api.js';
import { clusterResources, maskedStatement } from '../../scripts/cloudtrail-synth/data-api.js';
import { rdsArn } from '../../scripts/cloudtrail-synth/rds.js';
import { resource } from '../../scripts/cloudtrail-synth/record.js';
import type { Envelope } from './envelope.js';
import { accountOf, type Context, principalFor } from './principals.js';

export function dataApiEvent(
  ctx: Context,
  region: string,
  source: 'rdsdata.amazonaws.com' | 'rdsdataapi.amazonaws.com',
): Envelope {
  const { rng } = ctx;
  const principal = principalFor(ctx, source);
  const account = accountOf(ctx, principal);
  const cluster = rng.pick(ctx.clusterIds);
  const clusterArn = rdsArn(region, account, 'cluster', cluster);
  const name = rng.weighted<string>([
    [10, 'ExecuteStatement'],
    [3, 'BatchExecuteStatement'],
    [2, 'BeginTransaction'],
    [2, 'CommitTransaction'],
    [1, 'RollbackTransaction'],
  ]);
  const request: JsonObject = {
    resourceArn: clusterArn,
    secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:${cluster}-data-api-${rng.chars(LOWER_ALNUM, 6)}`,
  };
  if (name === 'ExecuteStatement' || name === 'BatchExecuteStatement') {
    // The Data API masks SQL text, database and schema in CloudTrail.
    Object.assign(request, maskedStatement(rng.chance(0.5)));
  } else if (name !== 'BeginTransaction') {
    request.transactionId = rng.chars(LOWER_ALNUM + UPPER_ALNUM, 184);
  }
  const error = rng.chance(0.05)
    ? {
        code: 'BadRequestException',
        message: 'Database error code: 1064. Message: You have an error in your SQL syntax near "**********" at line 1',
      }
    : undefined;
  return {
    source,
    name,
    principal,
    readOnly: false,
    requestParameters: request,
    responseElements: null,
    ...(error ? { error } : {}),
    ...(source === 'rdsdataapi.amazonaws.com'
      ? {
          eventCategory: 'Data' as const,
          resources: clusterResources(account, clusterArn),
        }
      : {}),
  };
}

export function cloudTrailEvent(ctx: Context, region: string): Envelope {
  const { rng } = ctx;
  const principal = principalFor(ctx, 'cloudtrail.amazonaws.com');
  const account = accountOf(ctx, principal);
  const arn = trailArn(region, account, rng.pick(['management-events', 'org-trail', 'security-audit']));
  const base = { source: 'cloudtrail.amazonaws.com', principal };
  const kind = rng.weighted<string>([
    [10, 'DescribeTrails'],
    [6, 'LookupEvents'],
    [5, 'GetEventSelectors'],
    [3, 'PutEventSelectors-basic'],
    [2, 'PutEventSelectors-advanced'],
    [1, 'StopLogging'],
    [1, 'UpdateTrail'],
    [1, 'DeleteTrail'],
  ]);
  switch (kind) {
    case 'PutEventSelectors-basic': {
      const eventSelectors: JsonObject[] = [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: rng.chance(0.5) ? ['rdsdata.amazonaws.com'] : ['kms.amazonaws.com'],
        },
      ];
      return {
        ...base,
        name: 'PutEventSelectors',
        readOnly: false,
        ...selectorChange(arn, { eventSelectors }),
      };
    }
    case 'PutEventSelectors-advanced': {
      const advancedEventSelectors: JsonObject[] = [
        {
          name: 'Management events',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Management'] },
            { field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] },
          ],
        },
        {
          name: 'RDS Data API',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Data'] },
            { field: 'resources.type', equals: ['AWS::RDS::DBCluster'] },
          ],
        },
      ];
      return {
        ...base,
        name: 'PutEventSelectors',
        readOnly: false,
        ...selectorChange(arn, { advancedEventSelectors }),
      };
    }
    case 'StopLogging':
    case 'DeleteTrail':
      return {
        ...base,
        name: kind,
        readOnly: false,
        requestParameters: { name: arn },
        responseElements: null,
        resources: [resource('AWS::CloudTrail::Trail', arn, account)],
      };
    case 'UpdateTrail':
      return {
        ...base,
        name: kind,
        readOnly: false,
        requestParameters: { name: arn, enableLogFileValidation: false },
        responseElements: trailDescription({
          name: arn.split('/')[1] ?? 'trail',
          bucket: `aws-cloudtrail-logs-${account}-${rng.hex(8)}`,
          arn,
          logFileValidation: false,
        }),
      };
    default:
      return {
        ...base,
        name: kind,
        readOnly: true,
        requestParameters:
          kind === 'DescribeTrails'
            ? { trailNameList: [], includeShadowTrails: true }
            : kind === 'LookupEvents'
              ? {
                  lookupAttributes: [{ attributeKey: 'EventSource', attributeValue: 'rds.amazonaws.com' }],
                  maxResults: 50,
                }
              : { trailName: arn },
        responseElements: null,
      };
  }
}

/** PutEventSelectors' requestParameters and responseElements (the trail named by its ARN). */
function selectorChange(
  arn: string,
  selectors: { eventSelectors: JsonObject[] } | { advancedEventSelectors: JsonObject[] },
): Pick<Envelope, 'requestParameters' | 'responseElements'> {
  const change = putEventSelectors(arn, arn, selectors);
  return { requestParameters: change.request, responseElements: change.response };
}
