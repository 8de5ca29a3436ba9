import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify } from '../shared/classify/index.js';
import type { CloudTrailRecord, JsonValue } from '../shared/cloudtrail.js';

// Only eventSource, eventName and eventTime are guaranteed on a record; anything else can have any JSON shape.
const anyJson = fc.jsonValue({ maxDepth: 4 });
const record = fc.record(
  {
    eventSource: fc.constantFrom(
      'rds.amazonaws.com',
      'rdsdata.amazonaws.com',
      'rdsdataapi.amazonaws.com',
      'cloudtrail.amazonaws.com',
      'ec2.amazonaws.com',
    ),
    eventName: fc.constantFrom(
      'PutEventSelectors',
      'ModifyDBInstance',
      'DeleteDBCluster',
      'ExecuteStatement',
      'StopLogging',
      'RunInstances',
    ),
    eventTime: fc.constant('2025-03-04T08:00:00Z'),
    userIdentity: anyJson,
    requestParameters: anyJson,
    responseElements: anyJson,
    errorCode: anyJson,
    readOnly: anyJson,
  },
  { requiredKeys: ['eventSource', 'eventName', 'eventTime'] },
);

describe('classify on records of any shape', () => {
  it('never throws, whatever the optional fields hold', () => {
    fc.assert(
      fc.property(record, (r) => {
        const { facts } = classify(r as unknown as CloudTrailRecord);
        expect(Array.isArray(facts.resources)).toBe(true);
        expect(typeof facts.principal.type).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on PutEventSelectors with selectors of any shape', () => {
    const selectors = fc.array(
      fc.dictionary(
        fc.constantFrom(
          'name',
          'fieldSelectors',
          'readWriteType',
          'includeManagementEvents',
          'excludeManagementEventSources',
          'field',
          'equals',
          'notEquals',
        ),
        anyJson,
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(selectors, fc.boolean(), (list, isAdvanced) => {
        const r: CloudTrailRecord = {
          eventSource: 'cloudtrail.amazonaws.com',
          eventName: 'PutEventSelectors',
          eventTime: 't',
          requestParameters: {
            trailName: 'org-audit',
            [isAdvanced ? 'advancedEventSelectors' : 'eventSelectors']: list as unknown as JsonValue,
          },
        };
        expect(classify(r).facts.dataApiLogging).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});
