import { describe, expect, it } from 'vitest';
import { logStreamName } from '../shared/index/index.js';
import { loadRecord } from './record-fixtures.js';

describe('log stream name', () => {
  it("is <account>_CloudTrail_<region>, like CloudTrail's own CloudWatch Logs integration", () => {
    expect(logStreamName({ recipientAccountId: '123456789012', awsRegion: 'eu-west-1' })).toBe(
      '123456789012_CloudTrail_eu-west-1',
    );
  });

  it('takes the account from recipientAccountId, not from the caller', () => {
    const record = loadRecord('aws-account-assume-role');
    expect(record.userIdentity?.accountId).not.toBe(record.recipientAccountId);
    expect(logStreamName(record)).toBe(`${record.recipientAccountId}_CloudTrail_${record.awsRegion}`);
  });

  it('falls back to the account and region the caller knows (e.g. from the S3 key)', () => {
    expect(logStreamName({}, { account: '111122223333', region: 'us-east-2' })).toBe(
      '111122223333_CloudTrail_us-east-2',
    );
  });

  it('says unknown rather than failing when nobody knows', () => {
    expect(logStreamName({ recipientAccountId: '', awsRegion: 'us-east-1' })).toBe(
      'unknown-account_CloudTrail_us-east-1',
    );
  });

  it('replaces the characters CloudWatch Logs forbids in stream names', () => {
    expect(logStreamName({ recipientAccountId: 'a:b*c', awsRegion: 'us-east-1' })).toBe('a_b_c_CloudTrail_us-east-1');
  });

  it('is at most 512 characters', () => {
    expect(logStreamName({ recipientAccountId: '1'.repeat(600), awsRegion: 'us-east-1' })).toHaveLength(512);
  });
});
