// The prefilter's hinted path (a record the splitter is sure of) answers from a lookup compiled once from the
// alternatives. Specified here against the definition: a record passes when one alternative holds for it
// (its eventSource, its eventName when the alternative names some, every token in its bytes), or when its
// eventSource is one some alternative names and it holds a `\u` escape (a token could hide behind one).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrefilterAlternative } from '../shared/rules/record-needs.js';
import { prefilterAlternative } from './helpers/prefilter-alternatives.js';
import { recordPrefilter } from '../shared/reader/index.js';
import { RecordSplitter, type RecordSpan } from '../shared/reader/record-splitter.js';

const SOURCES = ['rds.amazonaws.com', 's3.amazonaws.com', 'lambda.amazonaws.com'];
const NAMES = ['DeleteDBInstance', 'PutBucketPolicy', 'Invoke', 'DescribeDBInstances'];
// Noted tokens (a whole string of 1..31 bytes) and one the splitter cannot note, which is searched for.
const TOKENS = ['"errorCode"', '"Root"', '"masterUserPassword"', '"x\\"y"'];

const alternative = prefilterAlternative(SOURCES, NAMES, TOKENS);

const record = fc
  .record({
    eventSource: fc.constantFrom(...SOURCES),
    eventName: fc.constantFrom(...NAMES),
    failed: fc.boolean(),
    root: fc.boolean(),
    password: fc.boolean(),
    quoted: fc.boolean(),
    unicode: fc.boolean(),
  })
  .map(({ eventSource, eventName, failed, root, password, quoted, unicode }) =>
    [
      `{"eventVersion":"1.08","userIdentity":{"type":"${root ? 'Root' : 'IAMUser'}"}`,
      `"eventTime":"2026-12-03T10:00:00Z","eventSource":"${eventSource}","eventName":"${eventName}"`,
      `"requestParameters":{${password ? '"masterUserPassword":"*"' : '"dBInstanceIdentifier":"db-1"'}}`,
      `"userAgent":"${quoted ? 'x\\"y' : 'aws-cli'}${unicode ? '\\u00e9' : ''}"`,
      `${failed ? '"errorCode":"AccessDenied",' : ''}"readOnly":false}`,
    ].join(','),
  );

function spanOf(text: string, tokens: readonly string[] | undefined): RecordSpan {
  const splitter = new RecordSplitter('test.json', tokens ? { tokens } : {});
  splitter.push(Buffer.from(`{"Records":[${text}]}`));
  const span = splitter.next();
  while (splitter.next() !== undefined);
  splitter.finish();
  if (span?.kind !== 'record') throw new Error('expected a record span');
  return span;
}

function holds(alternatives: readonly PrefilterAlternative[], text: string): boolean {
  const { eventSource, eventName } = JSON.parse(text) as { eventSource: string; eventName: string };
  // The source is known for sure: a source no alternative names rules the record out, escapes or not.
  if (!alternatives.some((alt) => alt.eventSources.has(eventSource))) return false;
  return (
    text.includes('\\u') ||
    alternatives.some(
      (alt) =>
        alt.eventSources.has(eventSource) &&
        (!alt.eventNames || alt.eventNames.has(eventName)) &&
        (alt.mustContain ?? []).every((token) => text.includes(token)),
    )
  );
}

describe('the prefilter on a record the splitter gave hints for', () => {
  it('passes it exactly when an alternative holds, or a \\u escape could hide a token (property)', () => {
    fc.assert(
      fc.property(fc.array(alternative, { minLength: 1, maxLength: 6 }), record, (alternatives, text) => {
        const prefilter = recordPrefilter(alternatives);
        const span = spanOf(text, prefilter.tokens);
        expect(span.hints).toBeDefined();
        expect(prefilter(span.bytes, span.start, span.end, span.hints)).toBe(holds(alternatives, text));
      }),
      { numRuns: 500 },
    );
  });

  it('answers the same when the splitter noted no tokens, and they are searched for (property)', () => {
    fc.assert(
      fc.property(fc.array(alternative, { minLength: 1, maxLength: 6 }), record, (alternatives, text) => {
        const span = spanOf(text, undefined);
        expect(span.hints?.tokens).toBe(-1);
        expect(recordPrefilter(alternatives)(span.bytes, span.start, span.end, span.hints)).toBe(
          holds(alternatives, text),
        );
      }),
      { numRuns: 300 },
    );
  });
});
