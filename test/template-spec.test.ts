// Resource types and properties are valid, checked offline (AWS's cfn-lint and the SAM translator are Python):
//
// - Every non-Serverless resource against the CloudFormation resource specification shipped by
//   @aws-cdk/aws-service-spec (`loadAwsServiceSpecSync()`: a database of resource types, their properties with
//   types, required flags and allowed values, nested property types, and attributes): the type exists, every
//   property name is known at every depth, required properties are present, literal values have the right JSON
//   type and one of the allowed values, and every GetAtt names an attribute the type has.
// - AWS::Serverless::Function against the SAM specification: the property names of the SAM translator's schema
//   source (aws/serverless-application-model, samtranslator/internal/schema_source/aws_serverless_function.py, at
//   commit 7000d0a3b0e5 of 2026-05-29: classes Properties, Globals, EventBridgeRuleEventProperties, DeadLetterConfig,
//   DeadLetterQueue, EventInvokeConfig), copied into SAM_FUNCTION below. The spec package also has an
//   AWS::Serverless::Function entry, but it is the 2016-era SAM spec (no LoggingConfig, no DeadLetterConfig or
//   RetryPolicy on EventBridgeRule events), so it is not used. Properties SAM passes through to
//   AWS::Lambda::Function / AWS::Events::Rule are then checked against those types in the resource specification.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  collectReferences,
  intrinsicName,
  isObject,
  loadTemplate,
  type Json,
  type JsonObject,
} from './helpers/template.js';
import { mergeGlobals } from './helpers/template-evaluator.js';

const require = createRequire(import.meta.url);

// The database's shapes (@aws-cdk/service-spec-types), as far as this test reads them.
interface SpecType {
  type: string;
  element?: SpecType;
  types?: SpecType[];
  reference?: { $ref: string };
  allowedValues?: string[];
}
interface SpecProperty {
  type: SpecType;
  required?: boolean;
}
interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}
interface SpecDb {
  lookup(collection: 'resource', index: 'cloudFormationType', op: 'equals', value: string): SpecResource[];
  get(collection: 'typeDefinition', id: string): { name: string; properties: Record<string, SpecProperty> };
}

const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec') as { loadAwsServiceSpecSync: () => SpecDb };
const db = loadAwsServiceSpecSync();
const template = loadTemplate();

function specResource(type: string): SpecResource | undefined {
  return db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

/** Problems with `value` as a `type`; [] when valid. Intrinsics are valid values of any type (Fn::If: both branches). */
function check(value: Json, type: SpecType, path: string): string[] {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    const [, a, b] = (value as JsonObject)[fn] as Json[];
    return [a, b].flatMap((branch) =>
      intrinsicName(branch) === 'Ref' && (branch as JsonObject).Ref === 'AWS::NoValue'
        ? []
        : check(branch as Json, type, path),
    );
  }
  if (fn) return [];
  switch (type.type) {
    case 'string':
      if (typeof value === 'object' && value !== null)
        return [`${path}: expected a string, got ${JSON.stringify(value).slice(0, 80)}`];
      if (type.allowedValues && !type.allowedValues.includes(String(value)))
        return [`${path}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`];
      return [];
    case 'number':
    case 'integer':
      return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
        ? []
        : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? []
        : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case 'json':
    case 'date-time':
      return [];
    case 'tag':
      return isObject(value) && 'Key' in value && 'Value' in value && Object.keys(value).length === 2
        ? []
        : [`${path}: expected a { Key, Value } tag`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((item, i) => check(item, type.element as SpecType, `${path}[${i}]`));
    case 'map':
      if (!isObject(value)) return [`${path}: expected a map`];
      return Object.entries(value).flatMap(([k, v]) => check(v, type.element as SpecType, `${path}.${k}`));
    case 'union': {
      const results = (type.types ?? []).map((t) => check(value, t, path));
      return results.some((r) => r.length === 0)
        ? []
        : (results.sort((a, b) => a.length - b.length)[0] ?? [`${path}: matches no variant`]);
    }
    case 'ref': {
      const definition = db.get('typeDefinition', (type.reference as { $ref: string }).$ref);
      if (!isObject(value)) return [`${path}: expected a ${definition.name} object`];
      return checkObject(value, definition.properties, path);
    }
    default:
      return [`${path}: the test does not know spec type ${type.type}`];
  }
}

function checkObject(value: JsonObject, properties: Record<string, SpecProperty>, path: string): string[] {
  const problems: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    const property = properties[name];
    if (!property) problems.push(`${path}.${name}: unknown property (known: ${Object.keys(properties).join(', ')})`);
    else problems.push(...check(v, property.type, `${path}.${name}`));
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${path}: required property ${name} missing`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// The SAM specification (see the header for the source).

const SAM_FUNCTION = {
  Properties: [
    'Architectures',
    'AssumeRolePolicyDocument',
    'AutoPublishAlias',
    'AutoPublishAliasAllProperties',
    'AutoPublishCodeSha256',
    'CodeSigningConfigArn',
    'CodeUri',
    'DeadLetterQueue',
    'DeploymentPreference',
    'Description',
    'Environment',
    'EphemeralStorage',
    'EventInvokeConfig',
    'Events',
    'FileSystemConfigs',
    'FunctionName',
    'FunctionUrlConfig',
    'Handler',
    'ImageConfig',
    'ImageUri',
    'InlineCode',
    'KmsKeyArn',
    'Layers',
    'MemorySize',
    'PackageType',
    'RolePath',
    'PermissionsBoundary',
    'Policies',
    'ProvisionedConcurrencyConfig',
    'ReservedConcurrentExecutions',
    'Role',
    'Runtime',
    'SnapStart',
    'RuntimeManagementConfig',
    'Tags',
    'PropagateTags',
    'Timeout',
    'Tracing',
    'VersionDescription',
    'VpcConfig',
    'LoggingConfig',
    'RecursiveLoop',
    'SourceKMSKeyArn',
    'CapacityProviderConfig',
    'FunctionScalingConfig',
    'VersionDeletionPolicy',
    'PublishToLatestPublished',
    'TenancyConfig',
    'DurableConfig',
  ],
  Globals: [
    'Handler',
    'Runtime',
    'CodeUri',
    'DeadLetterQueue',
    'Description',
    'MemorySize',
    'Timeout',
    'VpcConfig',
    'Environment',
    'Tags',
    'PropagateTags',
    'Tracing',
    'KmsKeyArn',
    'Layers',
    'AutoPublishAlias',
    'DeploymentPreference',
    'RolePath',
    'PermissionsBoundary',
    'ReservedConcurrentExecutions',
    'ProvisionedConcurrencyConfig',
    'AssumeRolePolicyDocument',
    'EventInvokeConfig',
    'Architectures',
    'EphemeralStorage',
    'SnapStart',
    'RuntimeManagementConfig',
    'LoggingConfig',
    'RecursiveLoop',
    'SourceKMSKeyArn',
    'CapacityProviderConfig',
    'FunctionScalingConfig',
    'VersionDeletionPolicy',
    'PublishToLatestPublished',
    'TenancyConfig',
    'DurableConfig',
  ],
  EventTypes: [
    'S3',
    'SNS',
    'Kinesis',
    'DynamoDB',
    'DocumentDB',
    'SQS',
    'Api',
    'CloudWatchEvent',
    'Schedule',
    'EventBridgeRule',
    'CloudWatchLogs',
    'IoTRule',
    'AlexaSkill',
    'Cognito',
    'HttpApi',
    'MSK',
    'MQ',
    'SelfManagedKafka',
    'ScheduleV2',
  ],
  EventBridgeRule: [
    'DeadLetterConfig',
    'EventBusName',
    'Input',
    'InputPath',
    'Pattern',
    'RetryPolicy',
    'Target',
    'InputTransformer',
    'RuleName',
  ],
  DeadLetterConfig: ['Arn', 'QueueLogicalId', 'Type'],
  DeadLetterQueue: ['TargetArn', 'Type'],
  EventInvokeConfig: ['DestinationConfig', 'MaximumEventAgeInSeconds', 'MaximumRetryAttempts'],
};

/** SAM function properties passed through unchanged to AWS::Lambda::Function (checked against that type). */
const PASSED_TO_LAMBDA = [
  'Architectures',
  'Description',
  'Environment',
  'Handler',
  'LoggingConfig',
  'MemorySize',
  'Runtime',
  'Timeout',
  'EphemeralStorage',
];

function unknownKeys(value: Json | undefined, known: readonly string[]): string[] {
  return isObject(value) ? Object.keys(value).filter((k) => !known.includes(k)) : [];
}

describe('resources against the CloudFormation resource specification', () => {
  const plain = Object.entries(template.Resources).filter(([, r]) => !r.Type.startsWith('AWS::Serverless::'));

  it('the spec package is the one CloudFormation types come from', () => {
    expect(specResource('AWS::S3::Bucket')?.properties.BucketEncryption).toBeDefined();
    expect(specResource('AWS::No::SuchType')).toBeUndefined();
    // The check itself: a misspelled nested property and a missing required one are reported.
    const bucket = specResource('AWS::S3::Bucket') as SpecResource;
    expect(checkObject({ BucketEncryption: { ServerSideEncryptionConfig: [] } }, bucket.properties, 'B')).toEqual([
      expect.stringContaining('B.BucketEncryption.ServerSideEncryptionConfig: unknown property'),
      'B.BucketEncryption: required property ServerSideEncryptionConfiguration missing',
    ]);
  });

  it.each(plain)(
    '%s: type exists, properties known at every depth, required ones present, values allowed',
    (id, resource) => {
      const spec = specResource(resource.Type);
      expect(spec, `${resource.Type} is not in the CloudFormation resource specification`).toBeDefined();
      expect(checkObject(resource.Properties ?? {}, (spec as SpecResource).properties, id)).toEqual([]);
    },
  );

  it('every GetAtt names an attribute of its resource type', () => {
    const problems: string[] = [];
    const refs = collectReferences(template.Resources, 'Resources').concat(
      collectReferences(template.Outputs ?? {}, 'Outputs'),
    );
    for (const ref of refs) {
      if (ref.attribute === undefined) continue;
      const type = template.Resources[ref.target]?.Type;
      if (!type) continue; // template-structure.test.ts reports unknown resources
      const attributes =
        type === 'AWS::Serverless::Function' ? ['Arn'] : Object.keys(specResource(type)?.attributes ?? {});
      if (!attributes.includes(ref.attribute))
        problems.push(`${ref.at}: ${ref.target}.${ref.attribute}: ${type} has ${attributes.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('AWS::Serverless::Function against the SAM specification', () => {
  const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function');
  const lambda = specResource('AWS::Lambda::Function') as SpecResource;
  const rule = specResource('AWS::Events::Rule') as SpecResource;
  const target = db.get(
    'typeDefinition',
    ((rule.properties.Targets as SpecProperty).type.element as SpecType).reference?.$ref as string,
  );

  it('Globals.Function uses only properties SAM allows in Globals', () => {
    expect(Object.keys(template.Globals ?? {})).toEqual(['Function']);
    expect(unknownKeys(template.Globals?.Function, SAM_FUNCTION.Globals)).toEqual([]);
  });

  it.each(functions)('%s: SAM properties, events and pass-through values are valid', (id, resource) => {
    const props = mergeGlobals(template.Globals?.Function ?? {}, resource.Properties ?? {});
    expect(unknownKeys(resource.Properties, SAM_FUNCTION.Properties)).toEqual([]);
    expect(unknownKeys(props.DeadLetterQueue, SAM_FUNCTION.DeadLetterQueue)).toEqual([]);
    expect(unknownKeys(props.EventInvokeConfig, SAM_FUNCTION.EventInvokeConfig)).toEqual([]);
    const problems: string[] = [];
    for (const name of PASSED_TO_LAMBDA) {
      const property = lambda.properties[name];
      if (name in props && property) problems.push(...check(props[name] as Json, property.type, `${id}.${name}`));
    }
    for (const [eventId, event] of Object.entries((props.Events ?? {}) as Record<string, JsonObject>)) {
      expect(SAM_FUNCTION.EventTypes).toContain(event.Type);
      if (event.Type !== 'EventBridgeRule') continue;
      const properties = event.Properties as JsonObject;
      expect(unknownKeys(properties, SAM_FUNCTION.EventBridgeRule), `${id}.Events.${eventId}`).toEqual([]);
      expect(unknownKeys(properties.DeadLetterConfig, SAM_FUNCTION.DeadLetterConfig)).toEqual([]);
      expect(properties.Pattern).toBeDefined();
      // RetryPolicy is passed to the rule's target (AWS::Events::Rule Target.RetryPolicy).
      if (properties.RetryPolicy !== undefined)
        problems.push(
          ...check(
            properties.RetryPolicy,
            (target.properties.RetryPolicy as SpecProperty).type,
            `${id}.Events.${eventId}.RetryPolicy`,
          ),
        );
    }
    expect(problems).toEqual([]);
  });
});
