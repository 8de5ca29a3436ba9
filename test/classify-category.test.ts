import { describe, expect, it } from 'vitest';
import { CATEGORY_EVENT_SOURCES, classify } from '../shared/classify/index.js';
import { classifyFixture } from './record-fixtures.js';

const bare = (eventSource: string, eventName: string) =>
  classify({ eventSource, eventName, eventTime: '2025-03-04T08:00:00Z' });

describe('category', () => {
  it('is rds for rds.amazonaws.com calls', () => {
    expect(classifyFixture('delete-db-instance').facts.category).toBe('rds');
  });

  it('is rds-data-api for Aurora Serverless v1 Data API calls (rdsdata.amazonaws.com)', () => {
    expect(classifyFixture('rdsdata-execute-statement').facts.category).toBe('rds-data-api');
  });

  it('is rds-data-api for Data API data events (rdsdataapi.amazonaws.com)', () => {
    expect(classifyFixture('rdsdataapi-execute-statement').facts.category).toBe('rds-data-api');
  });

  it('is cloudtrail-config for trail changes', () => {
    for (const name of [
      'stop-logging',
      'delete-trail',
      'update-trail',
      'create-trail',
      'put-event-selectors-exclude-rdsdata',
      'start-logging',
    ]) {
      expect(classifyFixture(name).facts.category, name).toBe('cloudtrail-config');
    }
  });

  it('is other for read-only CloudTrail calls, which change nothing and are polled constantly', () => {
    expect(classifyFixture('get-trail-status').facts.category).toBe('other');
    for (const name of ['DescribeTrails', 'GetEventSelectors', 'ListTrails', 'LookupEvents', 'StartQuery']) {
      expect(bare('cloudtrail.amazonaws.com', name).facts.category, name).toBe('other');
    }
  });

  it('is other for every other service', () => {
    expect(classifyFixture('aws-service-assume-role').facts.category).toBe('other');
    expect(bare('rds-data.amazonaws.com', 'ExecuteStatement').facts.category).toBe('other');
  });

  it('lists for each category the eventSources that can yield it', () => {
    for (const [category, sources] of Object.entries(CATEGORY_EVENT_SOURCES)) {
      for (const source of sources) expect(bare(source, 'SomeWriteCall').facts.category).toBe(category);
    }
  });
});

describe('failed', () => {
  it('is true when the record has an errorCode', () => {
    expect(classifyFixture('delete-db-instance-failed').facts.failed).toBe(true);
  });

  it('is false without an errorCode', () => {
    expect(classifyFixture('delete-db-instance').facts.failed).toBe(false);
  });

  it('is false for an empty errorCode', () => {
    expect(
      classify({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance', eventTime: 't', errorCode: '' }).facts
        .failed,
    ).toBe(false);
  });
});
