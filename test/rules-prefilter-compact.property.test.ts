// scanLog hands the reader the rules' prefilter alternatives merged (compactAlternatives): one per source and token
// set instead of one per rule, so each record of a wanted source is tried against ~15 alternatives, not 63. The
// merged list must accept exactly the records the rules' own list accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordPrefilter } from '../shared/reader/prefilter.js';
import { compileRuleset } from '../shared/rules/engine.js';
import { compactAlternatives, type PrefilterAlternative } from '../shared/rules/record-needs.js';
import type { JsonValue } from '../shared/cloudtrail.js';
import { cloudTrailRecord } from './helpers/log-files.js';

const SOURCES = ['rds.amazonaws.com', 'cloudtrail.amazonaws.com', 's3.amazonaws.com'];
const NAMES = ['DeleteDBInstance', 'ModifyDBInstance', 'StopLogging', 'PutBucketPolicy'];
const TOKENS = ['"errorCode"', '"Root"', '"masterUserPassword"'];

const alternative: fc.Arbitrary<PrefilterAlternative> = fc
  .record(
    {
      eventSources: fc.subarray(SOURCES, { minLength: 1 }),
      eventNames: fc.subarray(NAMES, { minLength: 1 }),
      mustContain: fc.subarray(TOKENS, { minLength: 1 }),
    },
    { requiredKeys: ['eventSources'] },
  )
  .map(({ eventSources, eventNames, mustContain }) => ({
    eventSources: new Set(eventSources),
    ...(eventNames ? { eventNames: new Set(eventNames) } : {}),
    ...(mustContain ? { mustContain } : {}),
  }));

/** A record's bytes: its source and name, and some of the tokens as members. */
const recordBytes = fc
  .record({
    eventSource: fc.constantFrom(...SOURCES, 'ec2.amazonaws.com'),
    eventName: fc.constantFrom(...NAMES, 'RunInstances'),
    errorCode: fc.option(fc.constant('AccessDenied'), { nil: undefined }),
    userIdentity: fc.constantFrom({ type: 'Root' }, { type: 'IAMUser' }),
    requestParameters: fc.option(fc.constant({ masterUserPassword: '****' }), { nil: undefined }),
  })
  .map((fields) => {
    const defined: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) defined[key] = value;
    return Buffer.from(JSON.stringify(cloudTrailRecord(defined)));
  });

describe('the prefilter alternatives scanLog gives the reader, merged', () => {
  it('accept exactly the records the unmerged alternatives accept', () => {
    fc.assert(
      fc.property(fc.array(alternative, { minLength: 1, maxLength: 12 }), recordBytes, (alternatives, bytes) => {
        const merged = compactAlternatives(alternatives);
        expect(recordPrefilter(merged)(bytes, 0, bytes.length)).toBe(
          recordPrefilter(alternatives)(bytes, 0, bytes.length),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('leave the built-in rules with one alternative per source and token set, not one per rule', () => {
    const alternatives = compileRuleset().prefilter ?? [];
    const merged = compactAlternatives(alternatives);
    expect(merged.length).toBeLessThan(alternatives.length / 3);
    expect(new Set(merged.flatMap((a) => [...a.eventSources]))).toEqual(
      new Set(alternatives.flatMap((a) => [...a.eventSources])),
    );
  });
});
