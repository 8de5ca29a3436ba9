// Least privilege, derived from the code: the IAM actions each function's role is granted equal the actions the
// AWS SDK commands its code sends need, no more and no less, on the resources the function is configured to use.
//
// The commands are found by walking the function's import graph from its handler (value imports only, through
// functions/lib and shared/) and collecting the `*Command` classes imported from `@aws-sdk/client-*`. Each maps to
// its IAM actions through COMMAND_ACTIONS below (with the AWS page that says so). A command missing from the table
// fails the test: add it with its action(s) and source, then grant it in template.yaml.
//
// Besides the Policies below, SAM gives each role the AWSLambdaBasicExecutionRole managed policy (the function's
// own logs) and, for DeadLetterQueue, sqs:SendMessage on that queue (samtranslator/model/sam_resources.py,
// _construct_role); nothing else may add permissions (no Role, no managed policies or policy templates, no Tracing,
// no VpcConfig).
import { describe, expect, it } from 'vitest';
import {
  isObject,
  loadTemplate,
  serverlessFunctions,
  type FunctionInfo,
  type Json,
  type JsonObject,
} from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';
import { importGraph, type SdkImport } from './helpers/import-graph.js';

const template = loadTemplate();
const functions = serverlessFunctions(template);

interface CommandActions {
  actions: string[];
  /** Where AWS says so. */
  source: string;
}

/** SDK command -> the IAM actions it needs, as this code calls it. */
const COMMAND_ACTIONS: Record<string, CommandActions> = {
  '@aws-sdk/client-s3 GetObjectCommand': {
    // s3:GetObject for the current version; s3:GetObjectVersion when VersionId is given, which s3-object.ts does
    // whenever the event names a version (versioned buckets); s3:ListBucket so a missing key is 404 NoSuchKey
    // rather than 403 AccessDenied, which the retry with the key's other reading depends on.
    actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html ("Permissions" and "versionId")',
  },
  '@aws-sdk/client-s3 HeadObjectCommand': {
    actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html ("Permissions")',
  },
  // issue 18: `--mode report` writes alerts as JSON Lines (functions/processor/batch-report.ts).
  '@aws-sdk/client-s3 PutObjectCommand': {
    actions: ['s3:PutObject'],
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html ("Permissions")',
  },
  '@aws-sdk/client-sns PublishCommand': {
    actions: ['sns:Publish'],
    source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html',
  },
  '@aws-sdk/client-sns PublishBatchCommand': {
    // "sns:Publish: Grants permission to both publish and publish batch to a topic or endpoint."
    actions: ['sns:Publish'],
    source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html',
  },
  // issue 13: the dedupe table (functions/processor/dedupe-store.ts).
  '@aws-sdk/client-dynamodb UpdateItemCommand': {
    actions: ['dynamodb:UpdateItem'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html',
  },
  '@aws-sdk/client-dynamodb GetItemCommand': {
    actions: ['dynamodb:GetItem'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html',
  },
  '@aws-sdk/client-cloudwatch-logs CreateLogStreamCommand': {
    actions: ['logs:CreateLogStream'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html',
  },
  '@aws-sdk/client-cloudwatch-logs PutLogEventsCommand': {
    actions: ['logs:PutLogEvents'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html',
  },
  '@aws-sdk/client-cloudtrail ListPublicKeysCommand': {
    // No resource type: the action is granted on "*".
    actions: ['cloudtrail:ListPublicKeys'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html',
  },
  '@aws-sdk/client-cloudwatch-logs DescribeLogStreamsCommand': {
    actions: ['logs:DescribeLogStreams'],
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html',
  },
};

/**
 * Actions that configuration adds to a command's: reading SSE-KMS objects needs kms:Decrypt on the key
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms); publishing to an
 * SSE topic needs kms:GenerateDataKey* and kms:Decrypt on the topic's key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
const IMPLIED_BY_CONFIGURATION: Array<{ parameter: string; whenAction: string; actions: string[] }> = [
  { parameter: 'TrailKmsKeyArn', whenAction: 's3:GetObject', actions: ['kms:Decrypt'] },
  { parameter: 'AlertTopicKmsKeyArn', whenAction: 'sns:Publish', actions: ['kms:GenerateDataKey*', 'kms:Decrypt'] },
];

/** The SDK commands a function's code can send, from its import graph. */
function sdkCommands(fn: FunctionInfo): { commands: SdkImport[]; unsupported: SdkImport[] } {
  const { sdkImports } = importGraph(fn.entry, { dynamic: true });
  const commands = sdkImports.filter((i) => i.module.startsWith('@aws-sdk/client-') && i.name.endsWith('Command'));
  // Ways to call AWS that hide the command: aggregated clients (`new S3().getObject()`), paginators, waiters,
  // namespace imports, and the higher-level @aws-sdk/lib-* helpers.
  const unsupported = sdkImports.filter(
    (i) =>
      !i.module.startsWith('@aws-sdk/client-') ||
      i.name === '*' ||
      /^(paginate|waitFor|waitUntil)/.test(i.name) ||
      (!i.name.endsWith('Command') &&
        !i.name.endsWith('Client') &&
        !/^[A-Z]\w*(Exception|Error|Fault)$|^NoSuch|^[A-Z]\w*NotFound/.test(i.name) &&
        !i.name.startsWith('$')),
  );
  return { commands, unsupported };
}

/** action -> resources, from a resolved Policies list; throws on anything that is not a plain Allow statement. */
function grants(policies: Json): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const policy of policies as Json[]) {
    if (!isObject(policy) || !Array.isArray(policy.Statement))
      throw new Error(`not an inline policy document: ${JSON.stringify(policy)}`);
    for (const statement of policy.Statement as JsonObject[]) {
      expect(statement.Effect, JSON.stringify(statement)).toBe('Allow');
      expect(
        statement.NotAction ?? statement.NotResource ?? statement.Principal,
        'NotAction/NotResource/Principal in a role policy',
      ).toBeUndefined();
      for (const action of [statement.Action].flat() as string[]) {
        const set = out.get(action) ?? new Set<string>();
        for (const resource of [statement.Resource].flat() as string[]) set.add(resource);
        out.set(action, set);
      }
    }
  }
  return out;
}

function variables(props: JsonObject): Record<string, string> {
  return ((props.Environment as JsonObject | undefined)?.Variables ?? {}) as Record<string, string>;
}

/** The bucket and key prefix the function's EventBridge rule accepts (`<prefix>AWSLogs/*\/CloudTrail/*.json.gz`). */
function deliveredObjects(props: JsonObject): { bucket: string; objects: string } {
  const events = Object.values(props.Events as JsonObject) as JsonObject[];
  const rule = events.find((e) => e.Type === 'EventBridgeRule') as {
    Properties: { Pattern: { detail: { bucket: { name: string[] }; object: { key: Array<{ wildcard: string }> } } } };
  };
  const detail = rule.Properties.Pattern.detail;
  const wildcard = (detail.object.key[0] as { wildcard: string }).wildcard;
  const prefix = wildcard.slice(0, wildcard.indexOf('AWSLogs/'));
  return { bucket: detail.bucket.name[0] as string, objects: `${prefix}AWSLogs/*` };
}

/** The resources an action may be granted on, for this function and these parameters. */
function expectedResources(
  action: string,
  props: JsonObject,
  parameters: Record<string, string>,
  granted: ReadonlyMap<string, unknown>,
): string[] {
  const env = variables(props);
  const { bucket, objects } = deliveredObjects(props);
  switch (action) {
    case 's3:GetObject':
    case 's3:GetObjectVersion':
      return [`arn:aws:s3:::${bucket}/${objects}`];
    case 's3:ListBucket':
      return [`arn:aws:s3:::${bucket}`];
    case 's3:PutObject':
      // issue 18: report-mode alert lines, under alerts/ of the stack's backfill bucket only.
      return ['arn:aws:s3:::trailwatch-backfillbucket/alerts/*'];
    case 'cloudtrail:ListPublicKeys':
      return ['*'];
    case 'sns:Publish':
      // The topics the function is configured to publish to, and only those.
      return Object.entries(env)
        .filter(([name]) => /_TOPIC_ARN$/.test(name))
        .map(([, arn]) => arn);
    case 'dynamodb:UpdateItem':
    case 'dynamodb:GetItem':
      // issue 13: the table named by ALERT_DEDUPE_TABLE, and only it.
      return [`arn:aws:dynamodb:us-east-1:123456789012:table/${env.ALERT_DEDUPE_TABLE}`];
    case 'logs:CreateLogStream':
    case 'logs:PutLogEvents':
    case 'logs:DescribeLogStreams':
      return [`arn:aws:logs:us-east-1:123456789012:log-group:${env.INDEX_LOG_GROUP}:*`];
    default:
      return IMPLIED_BY_CONFIGURATION.filter(
        (i) => i.actions.includes(action) && parameters[i.parameter] && granted.has(i.whenAction),
      ).map((i) => parameters[i.parameter] as string);
  }
}

describe.each(functions)('$logicalId role', (fn) => {
  it('is the role SAM creates (basic execution + DLQ) plus inline statements only', () => {
    const props = fn.resource.Properties ?? {};
    expect(props.Role, 'a Role of its own would bypass these checks').toBeUndefined();
    for (const key of ['Tracing', 'VpcConfig', 'PermissionsBoundary', 'AssumeRolePolicyDocument'])
      expect(props[key], key).toBeUndefined();
    for (const policy of props.Policies as Json[]) {
      // A string is a managed policy; an object with one *Policy key is a SAM policy template (wider than needed,
      // e.g. S3ReadPolicy grants List/GetObjectVersion/GetLifecycleConfiguration on the whole bucket).
      expect(isObject(policy) && Array.isArray(policy.Statement), JSON.stringify(policy)).toBe(true);
    }
  });

  it('imports AWS SDK commands only in ways this check can see', () => {
    const { commands, unsupported } = sdkCommands(fn);
    expect(
      unsupported,
      'aggregated clients, paginators, waiters and lib-* helpers hide which commands are sent',
    ).toEqual([]);
    const unmapped = commands.map((c) => `${c.module} ${c.name}`).filter((k) => !COMMAND_ACTIONS[k]);
    expect(
      unmapped,
      'add these commands to COMMAND_ACTIONS with their IAM actions and the AWS page that says so',
    ).toEqual([]);
  });

  describe.each(Object.entries(SCENARIOS))('with parameters: %s', (_scenario, overrides) => {
    const evaluator = new Evaluator(template, overrides);
    const props = evaluator.properties(fn.logicalId);
    const granted = grants(props.Policies as Json);

    it('grants exactly the actions its SDK commands need (plus what KMS encryption adds)', () => {
      const needed = new Set(
        sdkCommands(fn).commands.flatMap((c) => COMMAND_ACTIONS[`${c.module} ${c.name}`]?.actions ?? []),
      );
      for (const implied of IMPLIED_BY_CONFIGURATION) {
        if (evaluator.parameters[implied.parameter] && needed.has(implied.whenAction))
          for (const a of implied.actions) needed.add(a);
      }
      expect([...granted.keys()].sort()).toEqual([...needed].sort());
    });

    it('scopes every action to the resources the function is configured for, never *', () => {
      for (const [action, resources] of granted) {
        // cloudtrail:ListPublicKeys has no resource type (list_awscloudtrail.html): "*" is the only resource it takes.
        if (action !== 'cloudtrail:ListPublicKeys')
          expect(
            // A key prefix (the trail's AWSLogs/, issue 18's alerts/) or a log group's streams: never a whole service.
            [...resources].filter(
              (r) => r.includes('*') && !r.endsWith('/AWSLogs/*') && !r.endsWith('/alerts/*') && !r.endsWith(':*'),
            ),
            action,
          ).toEqual([]);
        expect([...resources].sort(), action).toEqual(
          expectedResources(action, props, evaluator.parameters, granted).sort(),
        );
      }
    });
  });
});

describe('the dead-letter queues', () => {
  it("are the function's own, for both its EventBridge rule and its async invocations", () => {
    const queues = new Set<string>();
    for (const fn of functions) {
      const p = new Evaluator(template, SCENARIOS.defaults).properties(fn.logicalId);
      const dlq = p.DeadLetterQueue as JsonObject;
      expect(dlq.Type).toBe('SQS');
      const rule = (Object.values(p.Events as JsonObject) as JsonObject[]).find(
        (e) => e.Type === 'EventBridgeRule',
      ) as { Properties: JsonObject };
      expect((rule.Properties.DeadLetterConfig as JsonObject).Arn, fn.logicalId).toBe(dlq.TargetArn);
      queues.add(String(dlq.TargetArn));
    }
    expect(queues.size, 'one queue per function').toBe(functions.length);
  });
});
