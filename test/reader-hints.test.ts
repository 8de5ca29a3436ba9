// The splitter notes where a record's top-level eventSource and eventName values are, so the prefilter need
// not search for them; it must give no hints whenever it cannot be sure.
import { describe, expect, it } from 'vitest';
import { RecordSplitter, type RecordSpan } from '../shared/reader/record-splitter.js';

function spans(text: string, chunkSize = text.length): RecordSpan[] {
  const splitter = new RecordSplitter('test.json');
  const bytes = Buffer.from(text);
  const found: RecordSpan[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) {
    splitter.push(bytes.subarray(at, at + chunkSize));
    for (let span = splitter.next(); span; span = splitter.next()) if (span.kind === 'record') found.push(span);
  }
  splitter.finish();
  return found;
}

function hinted(span: RecordSpan | undefined) {
  if (!span?.hints) return undefined;
  const text = (start: number, end: number) => (start < 0 ? null : span.bytes.toString('utf8', start, end));
  const { sourceStart, sourceEnd, nameStart, nameEnd } = span.hints;
  return { eventSource: text(sourceStart, sourceEnd), eventName: text(nameStart, nameEnd) };
}

const log = (...records: string[]) => `{"Records":[${records.join(',')}]}`;
const plain =
  '{"eventVersion":"1.08","userIdentity":{"eventSource":"decoy.amazonaws.com"},"eventSource":"rds.amazonaws.com","eventName":"DeleteDBInstance","eventTime":"t"}';

describe('top-level hints from the record splitter', () => {
  it('points at the top-level values, not at nested members of the same name', () => {
    expect(hinted(spans(log(plain))[0])).toEqual({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance' });
  });

  it('gives correct hints, or none, whatever the chunk size, also with whitespace around the colon', () => {
    const spaced = '{ "eventName" : "StopLogging" ,\n "eventSource":\t"cloudtrail.amazonaws.com", "eventTime": "t" }';
    for (const size of [1, 3, 7, 64]) {
      const [first, second] = spans(log(plain, spaced), size);
      if (first?.hints)
        expect(hinted(first)).toEqual({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance' });
      if (second?.hints)
        expect(hinted(second)).toEqual({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging' });
    }
    expect(hinted(spans(log(plain, spaced))[1])).toEqual({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
    });
  });

  it('keeps hints, at the right place, for a record joined from chunks split inside a nested string', () => {
    const text = log(plain);
    const cut = text.indexOf('decoy.amazon') + 5;
    const splitter = new RecordSplitter('test.json');
    splitter.push(Buffer.from(text.slice(0, cut)));
    expect(splitter.next()).toBeUndefined();
    splitter.push(Buffer.from(text.slice(cut)));
    const span = splitter.next();
    expect(span?.kind).toBe('record');
    expect(hinted(span as RecordSpan)).toEqual({ eventSource: 'rds.amazonaws.com', eventName: 'DeleteDBInstance' });
  });

  it('says a member is absent when the record has no such top-level string', () => {
    expect(hinted(spans(log('{"eventSource":null,"eventTime":"t"}'))[0])).toEqual({
      eventSource: null,
      eventName: null,
    });
  });

  const unsure: Array<[string, string]> = [
    [
      'a top-level key with escapes, which could spell eventSource',
      '{"event\\u0053ource":"rds.amazonaws.com","eventName":"X","eventTime":"t"}',
    ],
    ['a value with escapes', '{"eventSource":"rds\\u002eamazonaws.com","eventName":"X","eventTime":"t"}'],
    [
      'a duplicate key, where JSON.parse keeps the last',
      '{"eventSource":"s3.amazonaws.com","eventSource":"rds.amazonaws.com","eventName":"X","eventTime":"t"}',
    ],
  ];
  for (const [name, record] of unsure) {
    it(`gives no hints for ${name}`, () => {
      expect(spans(log(record))[0]?.hints).toBeUndefined();
    });
  }

  it('gives no hints when a top-level key or value is split across chunks', () => {
    const text = log(plain);
    const cut = text.indexOf('rds.amazonaws') + 3;
    const splitter = new RecordSplitter('test.json');
    splitter.push(Buffer.from(text.slice(0, cut)));
    expect(splitter.next()).toBeUndefined();
    splitter.push(Buffer.from(text.slice(cut)));
    const span = splitter.next();
    expect(span?.kind === 'record' && span.hints).toBeFalsy();
  });
});
