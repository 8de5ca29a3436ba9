// template.yaml as data, for the template tests: parsing with the CloudFormation YAML tags, walking intrinsics and
// the functions it declares. Evaluating intrinsics for a set of parameter values is template-evaluator.ts; a
// function's import graph is import-graph.ts.
//
// CloudFormation's short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) are the long forms under another spelling
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html):
// each tag below turns into `{ "Fn::X": value }` (or `{ Ref: value }`), so the rest of the code sees one shape.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TEMPLATE_PATH = path.join(ROOT, 'template.yaml');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Description?: string;
  Metadata?: JsonObject;
  Parameters?: Record<string, Parameter>;
  Rules?: Record<string, JsonObject>;
  Mappings?: Record<string, JsonObject>;
  Conditions?: Record<string, Json>;
  Globals?: Record<string, JsonObject>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, JsonObject>;
}

export interface Parameter {
  Type: string;
  Default?: string | number;
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  MinLength?: number;
  MaxLength?: number;
  Description?: string;
  ConstraintDescription?: string;
  NoEcho?: boolean;
}

export interface Resource {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: JsonObject;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  [key: string]: Json | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

/** Short-form tags -> long-form function names. `!Ref` is `Ref`, `!Condition` is `Condition`, the rest `Fn::X`. */
export const INTRINSIC_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Join': 'Fn::Join',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

function cfnTags(): Array<ScalarTag | CollectionTag> {
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const [tag, fn] of Object.entries(INTRINSIC_TAGS)) {
    // `!GetAtt A.B` is the one short form whose scalar differs from the long form's value (a two-item list).
    const scalar = fn === 'Fn::GetAtt' ? (value: string) => splitGetAtt(value) : (value: string) => value;
    tags.push({ tag, resolve: (value: string) => ({ [fn]: scalar(value) }) });
    tags.push({ tag, collection: 'seq', resolve: (node) => ({ [fn]: node.toJSON() }) });
    tags.push({ tag, collection: 'map', resolve: (node) => ({ [fn]: node.toJSON() }) });
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

export function parseTemplate(text: string): Template {
  return parse(text, { customTags: cfnTags(), prettyErrors: true, strict: true, uniqueKeys: true }) as Template;
}

let cached: Template | undefined;
export function loadTemplate(): Template {
  cached ??= parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));
  return cached;
}

// ---------------------------------------------------------------------------------------------------------
// Intrinsics

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref: x }`, `{ "Fn::X": ... }` or `{ Condition: x }` (the last only inside Conditions). */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === 'Ref' || key.startsWith('Fn::') || key === 'Condition' ? key : undefined;
}

/** The pseudo parameters (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html). */
export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
] as const;

/** `${Name}` and `${Name.Attr}` references of a Fn::Sub string (`${!Literal}` is an escape, not a reference). */
export function subReferences(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = (match[1] as string).trim();
    if (!name.startsWith('!')) names.push(name);
  }
  return names;
}

export interface Reference {
  kind: 'Ref' | 'GetAtt' | 'Sub' | 'Condition';
  target: string;
  attribute?: string;
  /** Where in the template, e.g. `Resources.ProcessorFunction.Properties.Environment`. */
  at: string;
}

/** Every reference in a value: Ref, GetAtt, Sub variables (minus the Sub's own variable map), Fn::If/Condition names. */
export function collectReferences(
  value: unknown,
  at: string,
  out: Reference[] = [],
  locals: ReadonlySet<string> = new Set(),
): Reference[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      collectReferences(item, `${at}[${i}]`, out, locals);
    });
    return out;
  }
  if (!isObject(value)) return out;
  const fn = intrinsicName(value);
  const arg = fn ? value[fn] : undefined;
  switch (fn) {
    case 'Ref':
      if (typeof arg === 'string' && !locals.has(arg)) out.push({ kind: 'Ref', target: arg, at });
      return out;
    case 'Fn::GetAtt': {
      const [target, attribute] = Array.isArray(arg) ? arg : [];
      if (typeof target === 'string')
        out.push({ kind: 'GetAtt', target, attribute: typeof attribute === 'string' ? attribute : undefined, at });
      return out;
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
      const own = new Set(isObject(variables) ? Object.keys(variables) : []);
      if (typeof text === 'string') {
        for (const name of subReferences(text)) {
          if (own.has(name) || locals.has(name)) continue;
          const dot = name.indexOf('.');
          out.push(
            dot < 0
              ? { kind: 'Sub', target: name, at }
              : { kind: 'Sub', target: name.slice(0, dot), attribute: name.slice(dot + 1), at },
          );
        }
      }
      if (isObject(variables)) collectReferences(variables, `${at}.Fn::Sub[1]`, out, locals);
      return out;
    }
    case 'Fn::If': {
      const [condition, ...branches] = Array.isArray(arg) ? arg : [];
      if (typeof condition === 'string') out.push({ kind: 'Condition', target: condition, at });
      branches.forEach((b, i) => {
        collectReferences(b, `${at}.Fn::If[${i + 1}]`, out, locals);
      });
      return out;
    }
    case 'Condition':
      if (typeof arg === 'string') out.push({ kind: 'Condition', target: arg, at });
      return out;
    default:
      for (const [key, item] of Object.entries(value)) collectReferences(item, `${at}.${key}`, out, locals);
      return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Functions

export interface FunctionInfo {
  logicalId: string;
  resource: Resource;
  /** `functions/processor/handler.ts`: the first esbuild entry point. */
  entry: string;
  /** `functions/processor`. */
  dir: string;
  /** `processor`. */
  name: string;
}

export function serverlessFunctions(template: Template): FunctionInfo[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
    .map(([logicalId, resource]) => {
      const props = (resource.Metadata?.BuildProperties ?? {}) as JsonObject;
      const entries = props.EntryPoints;
      const entry = Array.isArray(entries) && typeof entries[0] === 'string' ? entries[0] : '';
      return {
        logicalId,
        resource,
        entry,
        dir: path.posix.dirname(entry),
        name: path.posix.basename(path.posix.dirname(entry)),
      };
    });
}
