// What a derived fact implies about a record's raw JSON text, so rules on facts still let the reader skip
// parsing records that cannot have the fact. Each entry must follow from how the fact is computed: if the
// fact holds, the token (a complete JSON string token, quotes included) is in the record's text, unless the
// record writes it with \u escapes, which the reader's prefilter lets through anyway.
import type { JsonValue } from '../cloudtrail.js';

const FACT_TOKENS: ReadonlyArray<{ path: string; value: JsonValue; token: string }> = [
  // failed: a non-empty errorCode (classify.ts), so the errorCode member is there.
  { path: 'failed', value: true, token: '"errorCode"' },
  // principal.isRoot: userIdentity.type === "Root" (principal.ts).
  { path: 'principal.isRoot', value: true, token: '"Root"' },
];

/**
 * The tokens a record must contain for the fact at `path` (under `trailwatch`) to take one of `values`:
 * one token when every value implies it, none when nothing is known.
 */
export function factTokens(path: string, values: readonly JsonValue[]): string[] {
  const implied = values.map(
    (value) => FACT_TOKENS.find((entry) => entry.path === path && entry.value === value)?.token,
  );
  const [first] = implied;
  return first !== undefined && implied.every((token) => token === first) ? [first] : [];
}
