// Making a JSON document fit a byte budget by replacing its largest parts with a marker that says how much
// was cut, e.g. `"responseElements": "[trimmed by trailwatch: 412,345 bytes]"`.
//
// The marker is in the data itself, so a document trimmed once (the alert collector caps the records it keeps)
// still says what is missing when it is printed later, and `trimmedParts` can list the cuts for a note.
import type { JsonObject, JsonValue } from '../cloudtrail.js';
import { formatCount, utf8Bytes } from './plain-text.js';

/** A marker, possibly with a reason after the size (see json-depth.ts). */
const MARKER = /^\[trimmed by trailwatch: ([\d,]+) bytes(?: [^\]]*)?\]$/;
const OPEN_BRACKET = 0x5b;

export function trimMarker(bytes: number): string {
  return `[trimmed by trailwatch: ${formatCount(bytes)} bytes]`;
}

export interface TrimmedPart {
  /** Where the cut is, e.g. `responseElements.dBInstances[0].tagList`. */
  path: string;
  /** Size of what was cut, as compact JSON. */
  bytes: number;
}

/**
 * Shrinks `root` until `measure(root) <= budget`, cutting the top-level fields named in `order` one after the
 * other (within each, the largest parts first), and returns the result, or null when even cutting all of them
 * is not enough. `root` itself is never modified.
 */
export function trimJsonToFit(
  root: JsonObject,
  budget: number,
  measure: (value: JsonObject) => number,
  order: readonly string[],
): JsonObject | null {
  let current = root;
  let size = measure(current);
  for (const key of order) {
    // A few passes: `measure` may weigh bytes differently from compact JSON (indentation, escapes).
    for (let pass = 0; size > budget && pass < 6; pass++) {
      const value = current[key];
      if (value === undefined || isMarker(value)) break;
      // `shrink` counts compact JSON bytes; `measure` may count more per byte (indentation, escapes).
      const compactPerMeasured = compactBytes(current) / size;
      const need = Math.ceil((size - budget) * compactPerMeasured * 1.05) + 64;
      current = { ...current, [key]: shrink(value, need) };
      size = measure(current);
    }
    if (size <= budget) return current;
  }
  return size <= budget ? current : null;
}

/** The marker cuts in `value`, in document order, at most `limit` of them. */
export function trimmedParts(value: JsonValue, limit = 20): TrimmedPart[] {
  const parts: TrimmedPart[] = [];
  // Every email walks its whole record here and nearly always finds nothing: a node's path is written out only
  // when it is a marker (from the steps that led to it), not for every node passed on the way.
  const steps: Array<string | number> = [];
  const pathOf = (): string => {
    let path = '';
    for (const step of steps) path = typeof step === 'number' ? `${path}[${step}]` : path ? `${path}.${step}` : step;
    return path;
  };
  const visit = (node: JsonValue): void => {
    if (parts.length >= limit) return;
    if (typeof node === 'string') {
      const bytes = markerBytes(node);
      if (bytes !== null) parts.push({ path: pathOf() || '(the record)', bytes });
    } else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        steps.push(i);
        visit(node[i] as JsonValue);
        steps.pop();
      }
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        steps.push(key);
        visit(node[key] as JsonValue);
        steps.pop();
      }
    }
  };
  visit(value);
  return parts;
}

function isMarker(value: JsonValue): boolean {
  return markerBytes(value) !== null;
}

/** The bytes a marker says were cut, or null if `value` is not a marker. */
function markerBytes(value: JsonValue | undefined): number | null {
  // `[` first: a cheap test that nearly every string fails before the expression is tried.
  const match = typeof value === 'string' && value.charCodeAt(0) === OPEN_BRACKET ? MARKER.exec(value) : null;
  return match?.[1] ? Number(match[1].replaceAll(',', '')) : null;
}

function compactBytes(value: JsonValue): number {
  return utf8Bytes(JSON.stringify(value));
}

function isContainer(value: JsonValue): value is JsonObject | JsonValue[] {
  return value !== null && typeof value === 'object';
}

/** Parts smaller than this are not worth a marker of their own (a marker is ~40 bytes). */
const SMALLEST_CUT = 256;

/**
 * `value` made at least `need` bytes smaller where it can be: the largest children first, and inside a child
 * much larger than needed rather than the whole child, so a 400 KB list loses its bulk, not its neighbours.
 */
function shrink(value: JsonValue, need: number): JsonValue {
  const size = compactBytes(value);
  if (!isContainer(value) || size <= need + SMALLEST_CUT) return trimMarker(size);
  const copy = Array.isArray(value) ? [...value] : { ...value };
  const children = (Array.isArray(value) ? value.map((child, i) => [i, child] as const) : Object.entries(value))
    .map(([key, child]) => ({ key, child, bytes: compactBytes(child) }))
    .filter(({ child, bytes }) => bytes >= SMALLEST_CUT && !isMarker(child))
    .sort((a, b) => b.bytes - a.bytes);
  let remaining = need;
  for (const { key, child, bytes } of children) {
    if (remaining <= 0) break;
    const replacement =
      isContainer(child) && bytes > remaining + SMALLEST_CUT ? shrink(child, remaining) : trimMarker(bytes);
    const saved = bytes - compactBytes(replacement);
    if (saved <= 0) continue;
    if (Array.isArray(copy) && typeof key === 'number') copy[key] = replacement;
    // defineProperty, not assignment: a member named "__proto__" (JSON.parse makes it an own member) is replaced too.
    else if (!Array.isArray(copy) && typeof key === 'string')
      Object.defineProperty(copy, key, { value: replacement, enumerable: true, writable: true, configurable: true });
    remaining -= saved;
  }
  if (remaining <= 0) return copy;
  // Many small items (a long list of tags or subnets): keep the first ones, one marker for the rest.
  return Array.isArray(copy) ? withoutTail(copy, remaining) : trimMarker(size);
}

function withoutTail(items: JsonValue[], need: number): JsonValue[] {
  // A tail already cut by an earlier pass is cut further, under one marker for both cuts.
  const earlierCut = markerBytes(items[items.length - 1]);
  let end = earlierCut === null ? items.length : items.length - 1;
  let saved = 0;
  while (end > 0 && saved < need + SMALLEST_CUT) {
    end--;
    saved += compactBytes(items[end] ?? null) + 1;
  }
  return [...items.slice(0, end), trimMarker(saved + (earlierCut ?? 0))];
}
