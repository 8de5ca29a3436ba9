// The AWS query protocol as the SNS client speaks it, read and written for the local SNS fake (sns-fake.ts):
// form-encoded POST bodies in, XML out. Lists are flattened into 1-based parameters: `P.member.N.Field`,
// `P.MessageAttributes.entry.M.Name`, `P.MessageAttributes.entry.M.Value.DataType|StringValue|BinaryValue`.
import type { EntryInput } from './sns-limits.js';

export const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export function readBatchEntries(params: URLSearchParams): EntryInput[] {
  // URLSearchParams#get and #has scan every parameter: a batch of 10 alerts has ~300, and each entry asks for ~30.
  // One map (the first value of a name, as `get` gives) makes reading a batch linear in its size.
  const byName = firstValues(params);
  const indexes = new Set<number>();
  for (const key of byName.keys()) {
    const match = /^PublishBatchRequestEntries\.member\.(\d+)\./.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes].sort((a, b) => a - b).map((n) => readEntry(byName, `PublishBatchRequestEntries.member.${n}.`));
}

/** Each parameter name with its first value, as URLSearchParams#get answers. */
function firstValues(params: URLSearchParams): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [name, value] of params) if (!byName.has(name)) byName.set(name, value);
  return byName;
}

export function readEntry(params: URLSearchParams | ReadonlyMap<string, string>, prefix: string): EntryInput {
  const attributeIndexes = new Set<number>();
  const attributePrefix = `${prefix}MessageAttributes.entry.`;
  for (const key of params.keys()) {
    if (!key.startsWith(attributePrefix)) continue;
    const n = Number(key.slice(attributePrefix.length).split('.')[0]);
    if (Number.isInteger(n)) attributeIndexes.add(n);
  }
  const optional = (name: string): string | undefined => params.get(`${prefix}${name}`) ?? undefined;
  const entry: EntryInput = {
    attributes: [...attributeIndexes]
      .sort((a, b) => a - b)
      .map((n) => {
        const p = `${attributePrefix}${n}.`;
        return {
          ...(params.has(`${p}Name`) ? { Name: params.get(`${p}Name`) ?? '' } : {}),
          ...(params.has(`${p}Value.DataType`) ? { DataType: params.get(`${p}Value.DataType`) ?? '' } : {}),
          ...(params.has(`${p}Value.StringValue`) ? { StringValue: params.get(`${p}Value.StringValue`) ?? '' } : {}),
          ...(params.has(`${p}Value.BinaryValue`) ? { BinaryValue: params.get(`${p}Value.BinaryValue`) ?? '' } : {}),
        };
      }),
  };
  for (const field of ['Id', 'Message', 'Subject', 'MessageStructure'] as const) {
    const value = optional(field);
    if (value !== undefined) entry[field] = value;
  }
  return entry;
}

export function metadata(requestId: string): string {
  return `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
}

export function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
