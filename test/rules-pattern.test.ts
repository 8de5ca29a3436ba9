import { describe, expect, it } from 'vitest';
import { compilePattern } from '../shared/rules/pattern.js';
import { RulesError } from '../shared/errors.js';

const deleteInstance = {
  eventSource: 'rds.amazonaws.com',
  eventName: 'DeleteDBInstance',
  awsRegion: 'us-east-1',
  sourceIPAddress: '192.0.2.10',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/johndoe', userName: 'johndoe' },
  requestParameters: { dBInstanceIdentifier: 'oradb', skipFinalSnapshot: true, allocatedStorage: 100 },
  responseElements: null,
  resources: [{ type: 'AWS::RDS::DBInstance', ARN: 'arn:aws:rds:us-east-1:123456789012:db:oradb' }],
};

function matches(pattern: unknown, event: unknown = deleteInstance): boolean {
  return compilePattern(pattern, 'test', 'match').matches(event);
}

describe('event patterns (EventBridge syntax)', () => {
  it('matches exact strings, any of the listed values', () => {
    expect(matches({ eventName: ['DeleteDBCluster', 'DeleteDBInstance'] })).toBe(true);
    expect(matches({ eventName: ['DeleteDBCluster'] })).toBe(false);
  });

  it('requires every field of an object to match (AND)', () => {
    expect(matches({ eventSource: ['rds.amazonaws.com'], eventName: ['DeleteDBInstance'] })).toBe(true);
    expect(matches({ eventSource: ['rds.amazonaws.com'], eventName: ['CreateDBInstance'] })).toBe(false);
  });

  it('matches nested objects', () => {
    expect(matches({ requestParameters: { dBInstanceIdentifier: ['oradb'] } })).toBe(true);
    expect(matches({ userIdentity: { type: ['Root'] } })).toBe(false);
  });

  it('does not match a nested pattern against null', () => {
    expect(matches({ responseElements: { publiclyAccessible: [true] } })).toBe(false);
  });

  it('matches booleans, numbers and null exactly', () => {
    expect(matches({ requestParameters: { skipFinalSnapshot: [true] } })).toBe(true);
    expect(matches({ requestParameters: { skipFinalSnapshot: ['true'] } })).toBe(false);
    expect(matches({ requestParameters: { allocatedStorage: [100] } })).toBe(true);
    expect(matches({ responseElements: [null] })).toBe(true);
  });

  it('matches an array field when any element matches', () => {
    expect(matches({ resources: { type: ['AWS::RDS::DBInstance'] } })).toBe(true);
    expect(matches({ resources: { type: ['AWS::RDS::DBCluster'] } })).toBe(false);
    expect(matches({ values: ['all'] }, { values: ['123456789012', 'all'] })).toBe(true);
  });

  it('matches prefix and suffix, optionally ignoring case', () => {
    expect(matches({ eventName: [{ prefix: 'Delete' }] })).toBe(true);
    expect(matches({ eventName: [{ prefix: { 'equals-ignore-case': 'delete' } }] })).toBe(true);
    expect(matches({ eventName: [{ suffix: 'Instance' }] })).toBe(true);
    expect(matches({ eventName: [{ suffix: { 'equals-ignore-case': 'INSTANCE' } }] })).toBe(true);
    expect(matches({ eventName: [{ suffix: 'Cluster' }] })).toBe(false);
  });

  it('matches equals-ignore-case', () => {
    expect(matches({ eventName: [{ 'equals-ignore-case': 'deletedbinstance' }] })).toBe(true);
  });

  it('matches wildcards, with \\* as a literal star', () => {
    expect(matches({ userIdentity: { arn: [{ wildcard: 'arn:aws:iam::*:user/john*' }] } })).toBe(true);
    expect(matches({ userIdentity: { arn: [{ wildcard: 'arn:aws:iam::*:role/*' }] } })).toBe(false);
    expect(matches({ name: [{ wildcard: 'a\\*b' }] }, { name: 'a*b' })).toBe(true);
    expect(matches({ name: [{ wildcard: 'a\\*b' }] }, { name: 'axxb' })).toBe(false);
  });

  it('matches anything-but values, prefixes, suffixes and wildcards, but never a missing field', () => {
    expect(matches({ awsRegion: [{ 'anything-but': ['us-west-2', 'eu-west-1'] }] })).toBe(true);
    expect(matches({ awsRegion: [{ 'anything-but': 'us-east-1' }] })).toBe(false);
    expect(matches({ awsRegion: [{ 'anything-but': { prefix: 'us-' } }] })).toBe(false);
    expect(matches({ eventName: [{ 'anything-but': { suffix: 'Cluster' } }] })).toBe(true);
    expect(matches({ eventName: [{ 'anything-but': { wildcard: '*DB*' } }] })).toBe(false);
    expect(matches({ errorCode: [{ 'anything-but': 'AccessDenied' }] })).toBe(false);
  });

  it('matches numeric ranges', () => {
    expect(matches({ requestParameters: { allocatedStorage: [{ numeric: ['>', 50, '<=', 100] }] } })).toBe(true);
    expect(matches({ requestParameters: { allocatedStorage: [{ numeric: ['=', 0] }] } })).toBe(false);
  });

  it('matches exists true and false, including on objects', () => {
    expect(matches({ errorCode: [{ exists: false }] })).toBe(true);
    expect(matches({ errorCode: [{ exists: true }] })).toBe(false);
    expect(matches({ requestParameters: { skipFinalSnapshot: [{ exists: true }] } })).toBe(true);
    expect(matches({ userIdentity: [{ exists: true }] })).toBe(true);
  });

  it('matches IPv4 and IPv6 CIDR blocks', () => {
    expect(matches({ sourceIPAddress: [{ cidr: '192.0.2.0/24' }] })).toBe(true);
    expect(matches({ sourceIPAddress: [{ cidr: '198.51.100.0/24' }] })).toBe(false);
    expect(matches({ sourceIPAddress: [{ cidr: '2001:db8::/32' }] }, { sourceIPAddress: '2001:db8::1' })).toBe(true);
    expect(matches({ sourceIPAddress: [{ cidr: '10.0.0.0/8' }] }, { sourceIPAddress: 'rds.amazonaws.com' })).toBe(
      false,
    );
  });

  it('matches $or alternatives combined with the other fields', () => {
    const pattern = {
      eventSource: ['rds.amazonaws.com'],
      $or: [
        { requestParameters: { publiclyAccessible: [true] } },
        { requestParameters: { skipFinalSnapshot: [true] } },
      ],
    };
    expect(matches(pattern)).toBe(true);
    expect(matches({ ...pattern, eventSource: ['ec2.amazonaws.com'] })).toBe(false);
  });
});

describe('invalid patterns', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'a bare value instead of a list',
      { eventName: 'DeleteDBInstance' },
      /match\.eventName: expected an array of values/,
    ],
    ['an empty list', { eventName: [] }, /match\.eventName: an empty array matches nothing/],
    ['an unknown operator', { eventName: [{ contains: 'DB' }] }, /match\.eventName\[0\]: unknown operator "contains"/],
    ['two operators in one filter', { eventName: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator/],
    ['a numeric filter without pairs', { n: [{ numeric: ['>'] }] }, /match\.n\[0\]\.numeric: numeric takes pairs/],
    ['a bad numeric operator', { n: [{ numeric: ['!=', 1] }] }, /expected an operator/],
    ['a bad CIDR block', { ip: [{ cidr: '10.0.0.0/99' }] }, /not a CIDR block/],
    ['exists with a non-boolean', { e: [{ exists: 'yes' }] }, /exists takes true or false/],
    ['a non-string prefix', { e: [{ prefix: 1 }] }, /prefix takes a string/],
    ['$or with one branch', { $or: [{ a: ['b'] }] }, /\$or takes an array of at least two/],
    ['an empty pattern', {}, /non-empty object/],
  ];
  for (const [name, pattern, message] of cases) {
    it(`rejects ${name}, naming the place`, () => {
      expect(() => compilePattern(pattern, 'rules.yaml', 'match')).toThrowError(RulesError);
      expect(() => compilePattern(pattern, 'rules.yaml', 'match')).toThrowError(message);
    });
  }
});
