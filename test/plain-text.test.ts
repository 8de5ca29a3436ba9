// Small text helpers of the alert emails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount, oneLine, toPrintableAscii, wrap } from '../shared/render/plain-text.js';

describe('formatCount', () => {
  it('groups digits as en-US does, for any whole number', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, 999, 1000, -1000, Number.MAX_SAFE_INTEGER)),
        (n) => {
          expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
        },
      ),
    );
  });

  it('leaves other numbers to toLocaleString', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});

// The texts every email is made of: oneLine and wrap take a shortcut for the common value (nothing to clean, fits on
// its first line). These specs are the implementations before the shortcut; the helpers must give exactly what they
// give, for any text.
const SPEC_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const SPEC_INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SPEC_LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function specOneLine(value: string): string {
  return value
    .replace(SPEC_LONE_SURROGATE, '\ufffd')
    .replace(SPEC_BREAKS, ' ')
    .replace(SPEC_INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function specWrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let lineHasWord = false;
  for (const word of specOneLine(text).split(' ').filter(Boolean)) {
    if (lineHasWord && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      lineHasWord = false;
    }
    line += (lineHasWord ? ' ' : '') + word;
    lineHasWord = true;
  }
  lines.push(line);
  return lines;
}

/** Text as records hold it: mostly plain words, with spaces, breaks, controls, bidi marks and surrogates mixed in. */
const recordText = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 3, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u0085', '\u2028', '\u2029') },
      { weight: 2, arbitrary: fc.constantFrom('\u0000', '\u001f', '\u007f', '\u009f', '\u200e', '\u202e', '\u2066') },
      { weight: 2, arbitrary: fc.constantFrom('\ud83d', '\ude00', '\ud83d\ude00', 'é', 'José', '日本') },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('oneLine', () => {
  it('gives what replacing surrogates, breaks and invisible characters in turn gives, for any text', () => {
    fc.assert(
      fc.property(recordText, (text) => {
        expect(oneLine(text)).toBe(specOneLine(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a value with nothing to clean as it is, and still cleans one that has something', () => {
    expect(oneLine('aws-cli/2.15.0 Python/3.11')).toBe('aws-cli/2.15.0 Python/3.11');
    expect(oneLine('a\nb\u202ec\ud800')).toBe('a b\\u202ec\ufffd');
  });
});

describe('wrap', () => {
  it('gives the word-by-word layout for any text, width and indents', () => {
    fc.assert(
      fc.property(
        recordText,
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom('', ' ', '  ', '    - '),
        fc.option(fc.constantFrom('', '  Label         ', '  1. ', '  a-label-longer-than-the-width-of-a-line  '), {
          nil: undefined,
        }),
        (text, width, indent, firstIndent) => {
          expect(wrap(text, width, indent, firstIndent)).toEqual(specWrap(text, width, indent, firstIndent));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps a value that fits on its first line as one line, and breaks one that does not', () => {
    expect(wrap('DeleteDBInstance (rds.amazonaws.com)', 72, '    ', '  Call          ')).toEqual([
      '  Call          DeleteDBInstance (rds.amazonaws.com)',
    ]);
    expect(wrap('one two three', 9, '  ', '')).toEqual(['one two', '  three']);
    expect(wrap(' padded  words ', 72, '', '')).toEqual(['padded words']);
  });
});

function specToPrintableAscii(text: string): string {
  return text
    .replace(SPEC_LONE_SURROGATE, '?')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[^\u0020-\u007e]/gu, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

describe('toPrintableAscii', () => {
  it('gives what folding, replacing and collapsing in turn gives, for any text, printable ASCII or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(recordText, fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode) })),
        (text) => {
          expect(toPrintableAscii(text)).toBe(specToPrintableAscii(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('collapses and trims the spaces of a printable ASCII name too', () => {
    expect(toPrintableAscii('  orders   prod ')).toBe('orders prod');
  });
});
