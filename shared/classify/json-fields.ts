// Reading request parameters whose key casing is not guaranteed.
import type { JsonObject, JsonValue } from '../cloudtrail.js';

/**
 * `object[key]`, or the value under a key differing only in case. CloudTrail writes request parameters in
 * camelCase (`eventSelectors`, `excludeManagementEventSources`), but the API's own names are PascalCase and
 * a record written by another tool may keep them: the meaning is the same either way.
 */
export function getIgnoringCase(object: JsonObject, key: string): JsonValue | undefined {
  if (Object.hasOwn(object, key)) return object[key];
  const wanted = key.toLowerCase();
  const found = Object.keys(object).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? undefined : object[found];
}
