// What the Sigma conversion modules share: the refusal a construct that cannot be converted exactly throws, and
// the shape checks of parsed YAML.

/** A Sigma construct the event pattern language cannot express exactly; its message is the reason. */
export class Refusal extends Error {}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function lower(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** Makes rule ids unique across a batch (two Sigma rules can share a title). */
