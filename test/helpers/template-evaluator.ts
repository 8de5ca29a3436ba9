// template.yaml's values for one set of parameter values, as CloudFormation would resolve them: intrinsics evaluated,
// with placeholders for what only exists after deployment, and the parameter scenarios the template tests use.
import { intrinsicName, isObject, type Json, type JsonObject, type Template } from './template.js';

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
    return text.replace(/\$\{([^}]*)\}/g, (_whole, raw: string) => {
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
