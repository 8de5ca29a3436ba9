import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';
import { classifyFixture, loadRecord } from './record-fixtures.js';

const logging = (name: string) => classifyFixture(name).facts.dataApiLogging;

/** The exclude-rdsdata fixture with other request parameters. */
function putSelectors(requestParameters: Record<string, JsonValue>): CloudTrailRecord {
  return {
    ...loadRecord('put-event-selectors-exclude-rdsdata'),
    requestParameters: { trailName: 'org-audit', ...requestParameters },
    responseElements: null,
  };
}
const advanced = (...selectors: Array<Record<string, JsonValue>>) =>
  classify(putSelectors({ advancedEventSelectors: selectors })).facts.dataApiLogging;
const management = (...extra: JsonValue[]) => ({
  name: 'm',
  fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, ...extra],
});
const dataApi = (...extra: JsonValue[]) => ({
  name: 'd',
  fieldSelectors: [
    { field: 'eventCategory', equals: ['Data'] },
    { field: 'resources.type', equals: ['AWS::RDS::DBCluster'] },
    ...extra,
  ],
});

describe('Data API logging after PutEventSelectors with basic event selectors', () => {
  it('is excluded for v1 when excludeManagementEventSources lists rdsdata.amazonaws.com', () => {
    expect(logging('put-event-selectors-exclude-rdsdata')).toMatchObject({ v1: 'excluded' });
    expect(logging('put-event-selectors-exclude-rdsdata')?.reasons).toContain(
      'excludeManagementEventSources lists rdsdata.amazonaws.com on trail org-audit',
    );
  });

  it('is excluded for v1 when no selector includes management events', () => {
    const result = logging('put-event-selectors-management-off');
    expect(result?.v1).toBe('excluded');
    expect(result?.reasons[0]).toMatch(/no event selector on trail org-audit includes management events/);
  });

  it('is excluded for v1 when management events are limited to ReadOnly, since Data API calls are writes', () => {
    const result = logging('put-event-selectors-readonly-management');
    expect(result?.v1).toBe('excluded');
    expect(result?.reasons[0]).toMatch(/only ReadOnly management events/);
  });

  it('is recorded for v1 when management events are included without excluding rdsdata', () => {
    expect(logging('put-event-selectors-all-management')?.v1).toBe('recorded');
    expect(logging('put-event-selectors-exclude-kms')?.v1).toBe('recorded');
  });

  it('is recorded for v1 when any one selector includes it', () => {
    const result = classify(
      putSelectors({
        eventSelectors: [
          {
            readWriteType: 'All',
            includeManagementEvents: true,
            excludeManagementEventSources: ['rdsdata.amazonaws.com'],
          },
          { readWriteType: 'WriteOnly', includeManagementEvents: true, excludeManagementEventSources: [] },
        ],
      }),
    ).facts.dataApiLogging;
    expect(result?.v1).toBe('recorded');
  });

  it('is excluded for v1 when the selector list is empty', () => {
    expect(classify(putSelectors({ eventSelectors: [] })).facts.dataApiLogging?.v1).toBe('excluded');
  });

  it('leaves v2 not selected, since basic selectors cannot select AWS::RDS::DBCluster data events', () => {
    const result = logging('put-event-selectors-all-management');
    expect(result?.v2).toBe('not-selected');
    expect(result?.reasons).toEqual([
      'trail RDS-CloudTrail uses basic event selectors, which cannot select AWS::RDS::DBCluster data events, so Data API calls to Aurora Serverless v2 and provisioned clusters (rdsdataapi.amazonaws.com) are not recorded',
    ]);
  });

  it('reads PascalCase selector fields as written by the API', () => {
    const result = classify(
      putSelectors({
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            ExcludeManagementEventSources: ['rdsdata.amazonaws.com'],
          },
        ],
      }),
    ).facts.dataApiLogging;
    expect(result?.v1).toBe('excluded');
  });
});

describe('Data API logging after PutEventSelectors with advanced event selectors', () => {
  it('is excluded for v1 when the management selector has eventSource notEquals rdsdata.amazonaws.com', () => {
    const result = logging('put-event-selectors-advanced-exclude-rdsdata');
    expect(result?.v1).toBe('excluded');
    expect(result?.reasons[0]).toBe(
      'advanced event selector "Management events without Data API" on trail org-audit leaves out Aurora Serverless v1 Data API calls (rdsdata.amazonaws.com): eventSource notEquals rdsdata.amazonaws.com',
    );
  });

  it('is excluded for v1 when the management selector excludes rdsdata by notStartsWith or notEndsWith', () => {
    expect(advanced(management({ field: 'eventSource', notStartsWith: ['rdsdata.'] }))?.v1).toBe('excluded');
    expect(advanced(management({ field: 'eventSource', notEndsWith: ['data.amazonaws.com'] }))?.v1).toBe('excluded');
  });

  it('is excluded for v1 when the management selector only includes other sources', () => {
    expect(advanced(management({ field: 'eventSource', equals: ['iam.amazonaws.com'] }))?.v1).toBe('excluded');
  });

  it('is excluded for v1 when no selector selects management events', () => {
    const result = logging('put-event-selectors-advanced-no-management');
    expect(result?.v1).toBe('excluded');
    expect(result?.reasons[0]).toMatch(/no advanced event selector on trail org-audit selects management events/);
  });

  it('is excluded for v1 when management events are limited to readOnly true', () => {
    expect(logging('put-event-selectors-advanced-readonly-management')?.v1).toBe('excluded');
  });

  it('is recorded for v1 when management events are limited to writes (readOnly false)', () => {
    expect(advanced(management({ field: 'readOnly', equals: ['false'] }))?.v1).toBe('recorded');
  });

  it('is recorded for v1 when only KMS is excluded', () => {
    expect(logging('put-event-selectors-advanced-exclude-kms')?.v1).toBe('recorded');
  });

  it('is recorded for v1 when another management selector still selects it', () => {
    expect(advanced(management({ field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] }), management())?.v1).toBe(
      'recorded',
    );
  });

  it('is not-selected for v2 when no selector selects data events on AWS::RDS::DBCluster', () => {
    expect(logging('put-event-selectors-advanced-exclude-kms')?.v2).toBe('not-selected');
    expect(
      advanced(management(), {
        name: 's3',
        fieldSelectors: [
          { field: 'eventCategory', equals: ['Data'] },
          { field: 'resources.type', equals: ['AWS::S3::Object'] },
        ],
      })?.v2,
    ).toBe('not-selected');
  });

  it('is recorded for v2 with the AWS docs selector for Data API data events', () => {
    expect(logging('put-event-selectors-advanced-rdsdataapi')).toEqual({ v1: 'recorded', v2: 'recorded', reasons: [] });
  });

  it('is excluded for v2 when the Data API selector leaves out some calls by eventName', () => {
    const result = logging('put-event-selectors-advanced-rdsdataapi-eventname-excluded');
    expect(result?.v2).toBe('excluded');
    expect(result?.reasons).toEqual([
      'advanced event selector "RDS Data API without statements" on trail org-audit leaves out Data API calls to Aurora Serverless v2 and provisioned clusters (rdsdataapi.amazonaws.com): eventName notEquals ExecuteStatement, BatchExecuteStatement',
    ]);
  });

  it('is excluded for v2 when the Data API selector only includes some calls by eventName', () => {
    expect(
      advanced(management(), dataApi({ field: 'eventName', startsWith: ['Begin', 'Commit', 'Rollback'] }))?.v2,
    ).toBe('excluded');
  });

  it('is excluded for v2 when the Data API selector records only read-only events', () => {
    expect(logging('put-event-selectors-advanced-rdsdataapi-readonly')?.v2).toBe('excluded');
  });

  it('is excluded for v2 when the Data API selector filters eventSource away from rdsdataapi', () => {
    expect(advanced(management(), dataApi({ field: 'eventSource', notEquals: ['rdsdataapi.amazonaws.com'] }))?.v2).toBe(
      'excluded',
    );
  });

  it('is excluded for v2 when the Data API selector covers only some clusters, and says which', () => {
    const result = logging('put-event-selectors-advanced-rdsdataapi-one-cluster');
    expect(result?.v2).toBe('excluded');
    expect(result?.reasons[0]).toMatch(
      /records only some Data API calls .*: resources\.ARN startsWith arn:aws:rds:us-east-1:123456789012:cluster:reporting-serverless$/,
    );
  });

  it('is excluded for v2 when the Data API selector leaves out some callers', () => {
    expect(
      advanced(
        management(),
        dataApi({ field: 'userIdentity.arn', notStartsWith: ['arn:aws:sts::123456789012:assumed-role/Batch/'] }),
      )?.v2,
    ).toBe('excluded');
  });

  it('is recorded for v2 when another selector records every Data API call', () => {
    expect(advanced(management(), dataApi({ field: 'readOnly', equals: ['true'] }), dataApi())?.v2).toBe('recorded');
  });

  it('is recorded for v2 when the Data API selector keeps writes (readOnly false)', () => {
    expect(advanced(management(), dataApi({ field: 'readOnly', equals: ['false'] }))?.v2).toBe('recorded');
  });
});

describe('Data API logging that cannot be decided', () => {
  it('is unknown for both when CloudTrail omitted the request and the response', () => {
    const result = logging('put-event-selectors-omitted');
    expect(result).toMatchObject({ v1: 'unknown', v2: 'unknown' });
    expect(result?.reasons[0]).toMatch(/CloudTrail did not record the new event selectors of the trail/);
  });

  it('falls back to the selectors echoed in the response when the request was omitted', () => {
    const record = loadRecord('put-event-selectors-exclude-rdsdata');
    const result = classify({ ...record, requestParameters: { reason: 'requestParameters too large', omitted: true } })
      .facts.dataApiLogging;
    expect(result?.v1).toBe('excluded');
  });

  it('is unknown when the request names no selectors at all', () => {
    expect(classify(putSelectors({})).facts.dataApiLogging?.v1).toBe('unknown');
  });
});

describe('Data API logging scope', () => {
  it('is judged for a failed PutEventSelectors too: the attempt is what an alert reports', () => {
    expect(logging('put-event-selectors-exclude-rdsdata-failed')).toMatchObject({ v1: 'excluded' });
  });

  it('is absent for calls that do not set event selectors', () => {
    expect(logging('stop-logging')).toBeUndefined();
    expect(logging('update-trail')).toBeUndefined();
    expect(logging('delete-db-instance')).toBeUndefined();
  });
});
