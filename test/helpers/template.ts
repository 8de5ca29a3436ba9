// template.yaml as data, for the template tests: parsing with the CloudFormation YAML tags, walking intrinsics,
// evaluating them for a set of parameter values (as CloudFormation would, with placeholders for what only exists
// after deployment), and walking a function's import graph.
//
// CloudFormation's short forms (`!Ref X`, `!GetAtt A.B`, `!Sub ...`) are the long forms under another spelling
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html):
// each tag below turns into `{ "Fn::X": value }` (or `{ Ref: value }`), so the rest of the code sees one shape.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
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
    value.forEach((item, i) => collectReferences(item, `${at}[${i}]`, out, locals));
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
      branches.forEach((b, i) => collectReferences(b, `${at}.Fn::If[${i + 1}]`, out, locals));
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
// Evaluation: a template's values for one set of parameter values, as CloudFormation would resolve them.

/** Deterministic stand-ins for the pseudo parameters. */
export const PSEUDO_VALUES: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::StackName': 'trailwatch',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/trailwatch/0f6e3a10-c5a4-11ef-9d2e-0a8b1c2d3e4f',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Marks a value removed by `AWS::NoValue`. */
export const NO_VALUE = Symbol('AWS::NoValue');

/**
 * What `Ref` and `Fn::GetAtt` return for the resource types the template uses, with placeholder names (the
 * logical id). Documented return values of each type's "Return values" section in the CloudFormation reference.
 */
function refValue(logicalId: string, type: string): string {
  const { 'AWS::Region': region, 'AWS::AccountId': account } = PSEUDO_VALUES;
  switch (type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:trailwatch-${logicalId}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${region}.amazonaws.com/${account}/trailwatch-${logicalId}`;
    case 'AWS::Logs::LogGroup':
    case 'AWS::S3::Bucket':
    case 'AWS::Serverless::Function':
    case 'AWS::CloudTrail::Trail':
    case 'AWS::CloudWatch::Dashboard':
    case 'AWS::DynamoDB::Table':
      return `trailwatch-${logicalId.toLowerCase()}`;
    default:
      return `${logicalId}-physical-id`;
  }
}

function getAttValue(logicalId: string, type: string, attribute: string): string {
  const { 'AWS::Region': region, 'AWS::AccountId': account } = PSEUDO_VALUES;
  const name = refValue(logicalId, type);
  switch (`${type}.${attribute}`) {
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${name}`;
    case 'AWS::SQS::Queue.Arn':
      return `arn:aws:sqs:${region}:${account}:trailwatch-${logicalId}`;
    case 'AWS::SQS::Queue.QueueName':
      return `trailwatch-${logicalId}`;
    case 'AWS::SQS::Queue.QueueUrl':
      return name;
    case 'AWS::Logs::LogGroup.Arn':
      return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
    case 'AWS::CloudTrail::Trail.Arn':
      return `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
    case 'AWS::DynamoDB::Table.Arn':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'AWS::Serverless::Function.Arn':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    default:
      return `${logicalId}.${attribute}`;
  }
}

export class Evaluator {
  readonly parameters: Record<string, string>;
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    readonly template: Template,
    overrides: Record<string, string | number> = {},
  ) {
    this.parameters = {};
    for (const [name, p] of Object.entries(template.Parameters ?? {})) {
      const value = Object.hasOwn(overrides, name) ? overrides[name] : p.Default;
      if (value === undefined) throw new Error(`parameter ${name} has no default and no value`);
      this.parameters[name] = String(value);
    }
    for (const name of Object.keys(overrides)) {
      if (!Object.hasOwn(this.parameters, name)) throw new Error(`no parameter ${name}`);
    }
  }

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`no condition ${name}`);
    const result = this.conditionValue(definition);
    this.conditionCache.set(name, result);
    return result;
  }

  private conditionValue(value: Json): boolean {
    const fn = intrinsicName(value);
    const arg = fn ? (value as JsonObject)[fn] : undefined;
    switch (fn) {
      case 'Condition':
        return this.condition(arg as string);
      case 'Fn::Equals': {
        const [a, b] = arg as Json[];
        return String(this.value(a as Json)) === String(this.value(b as Json));
      }
      case 'Fn::Not':
        return !this.conditionValue((arg as Json[])[0] as Json);
      case 'Fn::And':
        return (arg as Json[]).every((c) => this.conditionValue(c));
      case 'Fn::Or':
        return (arg as Json[]).some((c) => this.conditionValue(c));
      default:
        throw new Error(`not a condition function: ${JSON.stringify(value)}`);
    }
  }

  /** Whether a resource (or output) with this Condition exists for these parameters. */
  exists(resource: { Condition?: Json }): boolean {
    return typeof resource.Condition !== 'string' || this.condition(resource.Condition);
  }

  /** The value with every intrinsic resolved; NO_VALUE where AWS::NoValue removes it. */
  value(value: Json): Json | typeof NO_VALUE {
    if (Array.isArray(value)) {
      const items: Json[] = [];
      for (const item of value) {
        const v = this.value(item);
        if (v !== NO_VALUE) items.push(v);
      }
      return items;
    }
    if (!isObject(value)) return value;
    const fn = intrinsicName(value);
    if (!fn) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const v = this.value(item);
        if (v !== NO_VALUE) out[key] = v;
      }
      return out;
    }
    const arg = value[fn] as Json;
    switch (fn) {
      case 'Ref':
        return this.ref(arg as string);
      case 'Fn::GetAtt': {
        const [id, attribute] = arg as string[];
        return getAttValue(id as string, this.resourceType(id as string), attribute as string);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, Json, Json];
        return this.value(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Join': {
        const [separator, items] = arg as [string, Json];
        return (this.value(items) as Json[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = arg as [Json, Json];
        const list = this.value(items) as Json[];
        const i = Number(this.value(index));
        if (!(i >= 0 && i < list.length)) throw new Error(`Fn::Select index ${i} out of range`);
        return list[i] as Json;
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, Json];
        return String(this.value(text)).split(separator);
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Condition':
        return this.conditionValue(value);
      case 'Fn::FindInMap': {
        const [map, key1, key2] = (arg as Json[]).map((a) => String(this.value(a)));
        const found = this.template.Mappings?.[map as string]?.[key1 as string];
        if (!isObject(found) || !Object.hasOwn(found, key2 as string))
          throw new Error(`Fn::FindInMap ${map}.${key1}.${key2} not found`);
        return found[key2 as string] as Json;
      }
      default:
        throw new Error(`the evaluator does not implement ${fn}`);
    }
  }

  ref(name: string): string | typeof NO_VALUE {
    if (name === 'AWS::NoValue') return NO_VALUE;
    const pseudo = PSEUDO_VALUES[name];
    if (pseudo !== undefined) return pseudo;
    if (Object.hasOwn(this.parameters, name)) return this.parameters[name] as string;
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`Ref to unknown ${name}`);
    if (!this.exists(resource)) throw new Error(`Ref to ${name}, which does not exist for these parameters`);
    return refValue(name, resource.Type);
  }

  private resourceType(id: string): string {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`GetAtt of unknown resource ${id}`);
    if (!this.exists(resource)) throw new Error(`GetAtt of ${id}, which does not exist for these parameters`);
    return resource.Type;
  }

  private sub(arg: Json): string {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, JsonObject?]) : [arg as string, undefined];
    const own: Record<string, string> = {};
    for (const [name, v] of Object.entries(variables ?? {})) own[name] = String(this.value(v));
    return text.replace(/\$\{([^}]*)\}/g, (whole, raw: string) => {
      const name = raw.trim();
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (Object.hasOwn(own, name)) return own[name] as string;
      const dot = name.indexOf('.');
      if (dot < 0) return String(this.ref(name));
      const id = name.slice(0, dot);
      return getAttValue(id, this.resourceType(id), name.slice(dot + 1));
    });
  }

  /** A resource's properties, Globals merged in for AWS::Serverless::Function (maps merged, scalars replaced), resolved. */
  properties(logicalId: string): JsonObject {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId}`);
    let props: JsonObject = resource.Properties ?? {};
    if (resource.Type === 'AWS::Serverless::Function')
      props = mergeGlobals(this.template.Globals?.Function ?? {}, props);
    return this.value(props) as JsonObject;
  }
}

/**
 * SAM's Globals: a function's own value replaces a global scalar or list; maps are merged key by key
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html).
 */
export function mergeGlobals(globals: JsonObject, own: JsonObject): JsonObject {
  const out: JsonObject = { ...globals };
  for (const [key, value] of Object.entries(own)) {
    const global = out[key];
    out[key] =
      isObject(global) && isObject(value) && !intrinsicName(global) && !intrinsicName(value)
        ? mergeGlobals(global, value)
        : value;
  }
  return out;
}

/**
 * Parameter sets the tests evaluate the template with: defaults (but AlertEmail, which has none on purpose), and every
 * option turned on.
 */
export const SCENARIOS: Record<string, Record<string, string | number>> = {
  defaults: { AlertEmail: 'none' },
  'existing trail, every option on': {
    AlertEmail: 'ops@example.com',
    MinAlertSeverity: 'medium',
    DisabledRules: 'rds-failed-call, rds-db-restored',
    SeverityOverrides: 'rds-snapshot-deleted=high',
    AlertStormThreshold: 50,
    CustomRules: '{"overrides":{"rds-database-deleted":{"except":{"resources":["ci-*"]}}}}',
    ExistingBucketName: 'my-org-trail-bucket',
    ExistingBucketRegion: 'us-east-1',
    ExistingBucketKeyPrefix: 'trails/main',
    FunctionArchitecture: 'x86_64',
    HeartbeatMinutes: 180,
    TrailKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    IndexScope: 'all',
    IndexRetentionDays: 365,
    AlertTopicKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321',
    CreateAlertEventsTopic: 'true',
    AlertEventsMinSeverity: 'info',
  },
  'new trail with Data API data events': { RecordDataApiDataEvents: 'true', AlertEmail: 'ops@example.com' },
};

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

// ---------------------------------------------------------------------------------------------------------
// Import graphs

export interface SdkImport {
  /** `@aws-sdk/client-s3`. */
  module: string;
  /** `GetObjectCommand`. */
  name: string;
  /** Repository-relative path of the importing file. */
  file: string;
}

export interface ImportGraph {
  /** Repository-relative paths of every source file reached (value imports only; `import type` brings no code). */
  files: string[];
  /** Every value import from `@aws-sdk/*`. */
  sdkImports: SdkImport[];
}

/**
 * Walks the value imports from `entry` through the project's own files (relative specifiers; `.js` resolved to the
 * `.ts` beside it), recording what each file imports from the AWS SDK. Type-only imports and specifiers are skipped:
 * TypeScript erases them, so they cannot send a command.
 */
export function importGraph(entry: string): ImportGraph {
  const files = new Set<string>();
  const sdkImports: SdkImport[] = [];
  const queue = [path.resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    if (files.has(rel)) continue;
    files.add(rel);
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      ts.ScriptKind.TS,
    );
    for (const statement of source.statements) {
      let specifier: string | undefined;
      const names: string[] = [];
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.isTypeOnly) continue;
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        if (clause?.name) names.push('default');
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements)
            if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
        } else if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
        // `import x from`/`import {}` with only type specifiers left brings in nothing worth following.
        if (clause && names.length === 0) continue;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
        if (statement.isTypeOnly) continue;
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        const clause = statement.exportClause;
        if (clause && ts.isNamedExports(clause)) {
          for (const element of clause.elements)
            if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
          if (names.length === 0) continue;
        } else names.push('*');
      } else continue;
      if (specifier === undefined) continue;
      if (specifier.startsWith('@aws-sdk/')) {
        for (const name of names) sdkImports.push({ module: specifier, name, file: rel });
      } else if (specifier.startsWith('.')) {
        queue.push(resolveSource(path.dirname(file), specifier));
      }
    }
  }
  return { files: [...files].sort(), sdkImports };
}

function resolveSource(dir: string, specifier: string): string {
  const target = path.resolve(dir, specifier);
  const candidates = [
    target.replace(/\.js$/, '.ts'),
    target.replace(/\.mjs$/, '.mts'),
    target,
    `${target}.ts`,
    path.join(target, 'index.ts'),
  ];
  const found = candidates.find((c) => existsSync(c) && !c.endsWith('/'));
  if (!found) throw new Error(`cannot resolve ${specifier} from ${dir}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------
