// Generated prefilter alternatives for the reader's property tests: each names some of the given event sources,
// perhaps some eventNames, and perhaps tokens the record must contain, as record-needs.ts derives them from rules.
import fc from 'fast-check';
import type { PrefilterAlternative } from '../../shared/rules/record-needs.js';

export function prefilterAlternative(
  sources: readonly string[],
  names: readonly string[],
  tokens: readonly string[],
): fc.Arbitrary<PrefilterAlternative> {
  return fc
    .record({
      sources: fc.subarray([...sources], { minLength: 1 }),
      names: fc.option(fc.subarray([...names], { minLength: 1 })),
      tokens: fc.subarray([...tokens]),
    })
    .map(({ sources, names, tokens }) => ({
      eventSources: new Set(sources),
      ...(names ? { eventNames: new Set(names) } : {}),
      ...(tokens.length ? { mustContain: tokens } : {}),
    }));
}
