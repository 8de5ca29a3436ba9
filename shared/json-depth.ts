// JSON values of any depth, made safe for code that recurses.
//
// CloudTrail records are JSON written partly by callers: the RDS Data API's ArrayValue is recursive
// (https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ArrayValue.html), so a failed
// ExecuteStatement can carry `{"arrayValues":[{"arrayValues":[...]}]}` nested 100,000 deep in valid JSON.
// JSON.parse reads that, but JSON.stringify, and every recursive walk, overflow the stack on it
// (`RangeError: Maximum call stack size exceeded`), which once cost every alert of the file.
//
// So code that stringifies or walks a record first caps its depth: containers nested deeper than
// MAX_JSON_DEPTH are replaced by one marker saying what was cut. Real CloudTrail records nest about 10
// levels; everything here is iterative, so this is safe at any depth.
import type { JsonValue } from './cloudtrail.js';
import { formatCount } from './render/plain-text.js';

/** Deeper containers give way to a marker. Far beyond real records, far below what recursion can take. */
export const MAX_JSON_DEPTH = 64;

/** The marker for a cut container: the json-trim marker (so trimmed-part notes list it), with the reason. */
export function depthMarker(bytes: number, maxDepth = MAX_JSON_DEPTH): string {
  return `[trimmed by trailwatch: ${formatCount(bytes)} bytes nested deeper than ${maxDepth} levels]`;
}

/** True when some container in `value` is nested deeper than `maxDepth` (the root is at depth 0). */
export function isDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * `value` with every container nested deeper than `maxDepth` replaced by a `depthMarker`. Returns `value`
 * itself (no copy) when nothing is that deep, which is every real record.
 */
export function depthCapped<T>(value: T, maxDepth = MAX_JSON_DEPTH): T {
  if (!isDeeperThan(value, maxDepth)) return value;
  // `value` is parsed JSON (a record or part of one); its static type is kept, only deep parts change.
  return copyTo(value as JsonValue, 0, maxDepth) as T;
}

/** Recursion here is bounded by `maxDepth`: below it, containers become markers. */
function copyTo(node: JsonValue, depth: number, maxDepth: number): JsonValue {
  if (node === null || typeof node !== 'object') return node;
  if (depth > maxDepth) return depthMarker(compactJsonBytes(node), maxDepth);
  if (Array.isArray(node)) return node.map((child) => copyTo(child, depth + 1, maxDepth));
  // fromEntries defines own properties: a member named "__proto__" stays a member (assignment would not).
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, copyTo(child, depth + 1, maxDepth)]));
}

/** UTF-8 bytes of `JSON.stringify(value)`, counted without recursion (so for any depth). */
export function compactJsonBytes(value: JsonValue): number {
  let bytes = 0;
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const node = stack.pop() as JsonValue;
    if (node === null || typeof node !== 'object') {
      bytes += Buffer.byteLength(JSON.stringify(node) ?? 'null', 'utf8');
    } else if (Array.isArray(node)) {
      bytes += 2 + Math.max(0, node.length - 1);
      for (const child of node) stack.push(child);
    } else {
      const entries = Object.entries(node);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const [key, child] of entries) {
        bytes += Buffer.byteLength(JSON.stringify(key), 'utf8') + 1;
        stack.push(child);
      }
    }
  }
  return bytes;
}
