// What `sam deploy --guided` (and the console) lets through. SAM shows bare parameter names and validates nothing
// itself; CloudFormation checks AllowedPattern, AllowedValues, MinValue/MaxValue and MaxLength when the change set is
// created, before any resource, and shows the ConstraintDescription. So the patterns are tested here as
// specifications: values AWS accepts pass, typical mistakes fail. Then the Rules section (an existing trail in
// another region fails the deploy) and the AlertEmail choice (no default: Enter gives an error, not silence).
//
// CloudFormation matches AllowedPattern against the whole value with Java regular expressions; the patterns use only
// constructs that mean the same in JavaScript (classes, groups, quantifiers, lookaheads), tested as ^(?:pattern)$.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isObject, loadTemplate, type Json, type Parameter } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const parameters = template.Parameters ?? {};
const param = (name: string): Parameter => {
  const p = parameters[name];
  if (!p) throw new Error(`no parameter ${name}`);
  return p;
};

/** The problems CloudFormation would report for `value` of parameter `name` (empty: accepted). */
function problems(name: string, raw: string | number): string[] {
  const p = param(name);
  const value = String(raw);
  const out: string[] = [];
  if (p.AllowedValues && !p.AllowedValues.map(String).includes(value)) out.push('not in AllowedValues');
  if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern})$`, 'u').test(value)) out.push('AllowedPattern');
  if (p.MaxLength !== undefined && value.length > p.MaxLength) out.push('MaxLength');
  if (p.Type === 'Number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) out.push('not a number');
    else if ((p.MinValue !== undefined && n < p.MinValue) || (p.MaxValue !== undefined && n > p.MaxValue))
      out.push('range');
  }
  return out;
}
const accepts = (name: string, value: string | number): boolean => problems(name, value).length === 0;

describe('AlertEmail', () => {
  it('has no default: pressing Enter in sam deploy --guided sends "", which CloudFormation rejects with the constraint text', () => {
    expect(param('AlertEmail').Default).toBeUndefined();
    expect(accepts('AlertEmail', '')).toBe(false);
    expect(param('AlertEmail').ConstraintDescription).toMatch(/required.*none/s);
  });

  it.each([
    'ops@example.com',
    'first.last+trailwatch@security.example.co.uk',
    "o'brien@example.org",
    'alerts@xn--bcher-kva.example',
    'none',
  ])('accepts %s', (value) => {
    expect(problems('AlertEmail', value)).toEqual([]);
  });

  it.each([
    'ops',
    'ops@',
    '@example.com',
    'ops@example',
    'ops@example.c',
    'ops @example.com',
    'ops@exa mple.com',
    'a@b@example.com',
    'None',
    ' none',
  ])('refuses %j', (value) => {
    expect(accepts('AlertEmail', value)).toBe(false);
  });

  it('accepts every dot-atom address fast-check generates (RFC 5322 local parts, RFC 1123 domains)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        fc.pre(email.length <= 254);
        return accepts('AlertEmail', email);
      }),
    );
  });

  it('subscribes the address, and nothing for none', () => {
    const subscription = template.Resources.AlertEmailSubscription as { Condition?: Json };
    expect(new Evaluator(template, { AlertEmail: 'none' }).exists(subscription)).toBe(false);
    const withEmail = new Evaluator(template, { AlertEmail: 'ops@example.com' });
    expect(withEmail.exists(subscription)).toBe(true);
    expect(withEmail.properties('AlertEmailSubscription')).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('ExistingBucketName', () => {
  /** A name that follows S3's rules: labels of lowercase letters and digits joined by single dots or hyphens. */
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const validName = fc
    .array(label, { minLength: 1, maxLength: 6 })
    .map((labels) => labels.join('.'))
    .filter(
      (n) =>
        n.length >= 3 && n.length <= 63 && !/^(xn--|sthree-|amzn-s3-demo-)/.test(n) && !/^\d+\.\d+\.\d+\.\d+$/.test(n),
    );

  it('accepts every name S3 allows (property), and empty for a new trail', () => {
    expect(accepts('ExistingBucketName', '')).toBe(true);
    fc.assert(fc.property(validName, (name) => accepts('ExistingBucketName', name)));
  });

  it.each(['aws-cloudtrail-logs-123456789012-3f2a1b0c', 'my.org.trail', 'abc', 'a'.repeat(63), '123456789012-trail'])(
    'accepts %s',
    (value) => {
      expect(problems('ExistingBucketName', value)).toEqual([]);
    },
  );

  it.each([
    ['uppercase', 'My-Trail-Bucket'],
    ['underscore', 'my_trail_bucket'],
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['hyphen first', '-trail'],
    ['dot last', 'trail.'],
    ['two adjacent dots', 'my..trail'],
    ['an IP address', '192.168.5.4'],
    ['reserved prefix xn--', 'xn--trail'],
    ['an S3 URI', 's3://my-trail'],
    ['an ARN', 'arn:aws:s3:::my-trail'],
    ['a space', 'my trail'],
  ])('refuses %s (%s)', (_why, value) => {
    expect(accepts('ExistingBucketName', value)).toBe(false);
  });

  it('refuses any valid name with an uppercase letter or underscore put in (property)', () => {
    fc.assert(
      fc.property(validName, fc.nat(), fc.constantFrom('A', '_', ' ', '/'), (name, at, bad) => {
        const i = at % name.length;
        return !accepts('ExistingBucketName', name.slice(0, i) + bad + name.slice(i + 1));
      }),
    );
  });
});

describe('ExistingBucketRegion', () => {
  it.each([
    'us-east-1',
    'eu-west-2',
    'ap-southeast-3',
    'us-gov-west-1',
    'cn-north-1',
    'il-central-1',
    'mx-central-1',
    '',
  ])('accepts %j', (value) => {
    expect(problems('ExistingBucketRegion', value)).toEqual([]);
  });

  it.each(['US-EAST-1', 'us-east', 'useast1', 'us-east-1a', ' us-east-1', 'Virginia'])('refuses %j', (value) => {
    expect(accepts('ExistingBucketRegion', value)).toBe(false);
  });
});

describe('ExistingBucketKeyPrefix', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9!_.'()-]{1,20}$/).filter((s) => s !== 'AWSLogs');

  it('accepts any prefix of slash-separated key segments (property), and empty', () => {
    expect(accepts('ExistingBucketKeyPrefix', '')).toBe(true);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const prefix = segments.join('/');
        return accepts('ExistingBucketKeyPrefix', prefix) === prefix.length <= 200;
      }),
    );
  });

  it.each(['trails', 'trails/main', 'org-trail/o-a1b2c3d4e5', 'cloudtrail.logs'])('accepts %s', (value) => {
    expect(problems('ExistingBucketKeyPrefix', value)).toEqual([]);
  });

  it.each([
    ['a leading slash', '/trails'],
    ['a trailing slash', 'trails/'],
    ['an empty segment', 'trails//main'],
    ['AWSLogs itself', 'AWSLogs'],
    ['the prefix with /AWSLogs', 'trails/AWSLogs'],
    ['the full path to the logs', 'trails/AWSLogs/123456789012'],
    ['a wildcard', 'trails/*'],
    ['a space', 'my trails'],
    ["over CloudTrail's 200 characters", 'p'.repeat(201)],
  ])('refuses %s (%j)', (_why, value) => {
    expect(accepts('ExistingBucketKeyPrefix', value)).toBe(false);
  });
});

describe.each(['TrailKmsKeyArn', 'AlertTopicKmsKeyArn'])('%s', (name) => {
  it('accepts the ARN of any key id (property), a multi-Region key, other partitions, and empty', () => {
    expect(accepts(name, '')).toBe(true);
    fc.assert(fc.property(fc.uuid(), (id) => accepts(name, `arn:aws:kms:eu-west-1:123456789012:key/${id}`)));
    expect(accepts(name, 'arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab')).toBe(true);
    expect(
      accepts(name, 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    ).toBe(true);
    expect(accepts(name, 'arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
  });

  it.each([
    ['an alias ARN (IAM needs the key ARN)', 'arn:aws:kms:us-east-1:123456789012:alias/trail'],
    ['a bare key id', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['an 11-digit account', 'arn:aws:kms:us-east-1:12345678901:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['another service', 'arn:aws:sns:us-east-1:123456789012:key/1234abcd'],
    ['no region', 'arn:aws:kms::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  ])('refuses %s', (_why, value) => {
    expect(accepts(name, value)).toBe(false);
  });
});

describe('DisabledRules and SeverityOverrides', () => {
  it.each(['', 'rds-failed-call', 'rds-failed-call,rds-db-restored', ' rds-failed-call , rds-db-restored '])(
    'DisabledRules accepts %j',
    (value) => {
      expect(problems('DisabledRules', value)).toEqual([]);
    },
  );

  it.each([
    'RDS-FAILED-CALL',
    'rds_failed_call',
    'rds-failed-call,,rds-db-restored',
    'rds-failed-call;rds-db-restored',
    'rds-failed-call=',
  ])('DisabledRules refuses %j', (value) => {
    expect(accepts('DisabledRules', value)).toBe(false);
  });

  it.each(['', 'rds-snapshot-deleted=high', 'rds-snapshot-deleted=high, rds-failed-call=info'])(
    'SeverityOverrides accepts %j',
    (value) => {
      expect(problems('SeverityOverrides', value)).toEqual([]);
    },
  );

  it.each([
    'rds-snapshot-deleted',
    'rds-snapshot-deleted=urgent',
    'rds-snapshot-deleted:high',
    '=high',
    'rds-snapshot-deleted=high,',
  ])('SeverityOverrides refuses %j', (value) => {
    expect(accepts('SeverityOverrides', value)).toBe(false);
  });
});

describe('sizes and durations', () => {
  it.each([
    ['FunctionMemorySize', [256, 512, 10240], [128, 10241, 'lots']],
    ['FunctionTimeout', [30, 300, 900], [29, 901]],
    ['TrailLogRetentionDays', [1, 365, 3653], [0, 3654, -1]],
    ['HeartbeatMinutes', [15, 60, 1440], [14, 1441, 0]],
    ['AlertStormThreshold', [1, 20, 10000], [0, 10001]],
  ] as const)('%s accepts %j and refuses %j', (name, good, bad) => {
    for (const v of good) expect(problems(name, v), String(v)).toEqual([]);
    for (const v of bad) expect(accepts(name, v), String(v)).toBe(false);
  });

  it('FunctionArchitecture offers the two Lambda architectures, and the functions use it', () => {
    expect(param('FunctionArchitecture').AllowedValues).toEqual(['arm64', 'x86_64']);
    expect(template.Globals?.Function?.Architectures).toEqual([{ Ref: 'FunctionArchitecture' }]);
  });
});

describe('every constrained parameter says what it wants', () => {
  it.each(
    Object.entries(parameters).filter(
      ([, p]) => p.AllowedPattern || p.MinValue !== undefined || p.MaxValue !== undefined,
    ),
  )('%s has a ConstraintDescription (CloudFormation shows it instead of the bare pattern)', (_name, p) => {
    expect(p.ConstraintDescription?.length ?? 0).toBeGreaterThan(10);
  });

  it('no description points at documentation that does not exist', () => {
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/docs\/deploy\.md/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Rules: evaluated as CloudFormation does before a create or update (rule-specific Fn::Equals, Fn::Not, Ref).

function ruleValue(value: Json, params: Record<string, string>): Json {
  if (!isObject(value)) return value;
  const [fn] = Object.keys(value);
  const arg = value[fn as string];
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      if (!(name in params)) throw new Error(`Rules refer to ${name}, which this check does not know`);
      return params[name] as string;
    }
    case 'Fn::Equals': {
      const [a, b] = (arg as Json[]).map((x) => ruleValue(x, params));
      return String(a) === String(b);
    }
    case 'Fn::Not':
      return !ruleValue((arg as Json[])[0] as Json, params);
    case 'Fn::And':
      return (arg as Json[]).every((x) => ruleValue(x, params) === true);
    case 'Fn::Or':
      return (arg as Json[]).some((x) => ruleValue(x, params) === true);
    default:
      throw new Error(`rule function ${fn} is not evaluated by this check`);
  }
}

/** The AssertDescriptions of the assertions that fail, for a deploy with `overrides` into `region`. */
function failedAssertions(overrides: Record<string, string>, region: string): string[] {
  const params: Record<string, string> = { 'AWS::Region': region };
  for (const [name, p] of Object.entries(parameters)) params[name] = overrides[name] ?? String(p.Default ?? '');
  const failed: string[] = [];
  for (const rule of Object.values(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && ruleValue(rule.RuleCondition, params) !== true) continue;
    for (const assertion of rule.Assertions as Array<{ Assert: Json; AssertDescription: string }>) {
      if (ruleValue(assertion.Assert, params) !== true) failed.push(assertion.AssertDescription);
    }
  }
  return failed;
}

describe("an existing trail outside the stack's region fails the deploy (Rules)", () => {
  const bucket = { AlertEmail: 'none', ExistingBucketName: 'org-trail-logs' };

  it('lets a new-trail deploy through in any region', () => {
    for (const region of ['us-east-1', 'eu-west-1'])
      expect(failedAssertions({ AlertEmail: 'none' }, region)).toEqual([]);
  });

  it("lets an existing-trail deploy through when the bucket is in the stack's region", () => {
    expect(failedAssertions({ ...bucket, ExistingBucketRegion: 'eu-west-1' }, 'eu-west-1')).toEqual([]);
  });

  it('stops it when the bucket is in another region, saying why', () => {
    const failed = failedAssertions({ ...bucket, ExistingBucketRegion: 'us-east-1' }, 'eu-west-1');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/bucket's own region/);
  });

  it("stops it when the bucket's region is not given, saying how to find it", () => {
    const failed = failedAssertions(bucket, 'us-east-1');
    expect(failed[0]).toMatch(/ExistingBucketRegion is required.*get-bucket-location/s);
  });

  it('the test scenarios are deployable in us-east-1 (where the tests evaluate the template)', () => {
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      expect(
        failedAssertions(Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, String(v)])), 'us-east-1'),
        name,
      ).toEqual([]);
    }
  });
});
