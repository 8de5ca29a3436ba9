// Parameters: defaults (and the test scenarios' values) satisfy their own constraints, the values the template
// allows are the values the code accepts (severities, the storm threshold's range, rule ids), and retention values
// are those CloudWatch Logs accepts.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { DEFAULT_STORM_THRESHOLD } from '../shared/alerts/index.js';
import { BUILTIN_RULES } from '../shared/rules/builtin-rules.js';
import { DEFAULT_MIN_SEVERITY, SEVERITIES } from '../shared/rules/types.js';
import { loadTemplate, type Parameter } from './helpers/template.js';
import { SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const parameters = template.Parameters ?? {};
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

/** CloudFormation matches AllowedPattern against the whole value. */
function allowed(p: Parameter, raw: string | number): string[] {
  const value = String(raw);
  const problems: string[] = [];
  if (p.AllowedValues && !p.AllowedValues.map(String).includes(value))
    problems.push(`${value} is not in AllowedValues`);
  if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern})$`, 'u').test(value))
    problems.push(`${JSON.stringify(value)} does not match ${p.AllowedPattern}`);
  if (p.Type === 'Number') {
    const n = Number(value);
    if (!Number.isFinite(n)) problems.push(`${value} is not a number`);
    if (p.MinValue !== undefined && n < p.MinValue) problems.push(`${n} < MinValue ${p.MinValue}`);
    if (p.MaxValue !== undefined && n > p.MaxValue) problems.push(`${n} > MaxValue ${p.MaxValue}`);
  }
  if (p.MaxLength !== undefined && value.length > p.MaxLength) problems.push(`longer than ${p.MaxLength}`);
  return problems;
}

function processorAccepts(env: Record<string, string>): boolean {
  try {
    loadProcessorConfig({ ALERT_TOPIC_ARN: TOPIC, ...env });
    return true;
  } catch {
    return false;
  }
}

describe('template parameters', () => {
  it.each(Object.entries(parameters).filter(([name]) => name !== 'AlertEmail'))(
    '%s: has a valid default and a description',
    (_name, p) => {
      expect(['String', 'Number']).toContain(p.Type);
      expect(p.Default, 'every parameter but AlertEmail has a default').toBeDefined();
      expect(allowed(p, p.Default as string | number)).toEqual([]);
      expect(p.Description?.length ?? 0).toBeGreaterThan(10);
    },
  );

  it.each(Object.entries(SCENARIOS))('the values of the scenario "%s" are allowed', (_name, values) => {
    for (const [name, value] of Object.entries(values))
      expect(allowed(parameters[name] as Parameter, value), name).toEqual([]);
  });

  it("severity parameters offer exactly the code's severities, with the code's default", () => {
    for (const name of ['MinAlertSeverity', 'AlertEventsMinSeverity'])
      expect(parameters[name]?.AllowedValues, name).toEqual([...SEVERITIES]);
    expect(parameters.MinAlertSeverity?.Default).toBe(DEFAULT_MIN_SEVERITY);
    for (const severity of SEVERITIES) expect(processorAccepts({ MIN_SEVERITY: severity }), severity).toBe(true);
  });

  it('AlertStormThreshold allows exactly the range the processor accepts, with its default', () => {
    const p = parameters.AlertStormThreshold as Parameter;
    expect(p.Default).toBe(DEFAULT_STORM_THRESHOLD);
    const [min, max] = [p.MinValue as number, p.MaxValue as number];
    expect(processorAccepts({ ALERT_STORM_THRESHOLD: String(min) })).toBe(true);
    expect(processorAccepts({ ALERT_STORM_THRESHOLD: String(max) })).toBe(true);
    expect(processorAccepts({ ALERT_STORM_THRESHOLD: String(min - 1) })).toBe(false);
    expect(processorAccepts({ ALERT_STORM_THRESHOLD: String(max + 1) })).toBe(false);
  });

  it('DisabledRules and SeverityOverrides accept every built-in rule id in the form the processor reads', () => {
    const ids = BUILTIN_RULES.map((r) => r.id);
    const disabled = ids.slice(0, 3).join(', ');
    const overrides = ids.map((id, i) => `${id}=${SEVERITIES[i % SEVERITIES.length]}`).join(',');
    expect(allowed(parameters.DisabledRules as Parameter, ids.join(','))).toEqual([]);
    expect(allowed(parameters.SeverityOverrides as Parameter, overrides)).toEqual([]);
    expect(processorAccepts({ DISABLED_RULES: disabled, SEVERITY_OVERRIDES: overrides })).toBe(true);
  });

  it('IndexRetentionDays offers the retention values CloudWatch Logs accepts', () => {
    const require = createRequire(import.meta.url);
    const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec') as {
      loadAwsServiceSpecSync: () => {
        lookup: (...a: string[]) => Array<{ properties: Record<string, { type: { allowedValues?: number[] } }> }>;
      };
    };
    const logGroup = loadAwsServiceSpecSync().lookup(
      'resource',
      'cloudFormationType',
      'equals',
      'AWS::Logs::LogGroup',
    )[0];
    expect(parameters.IndexRetentionDays?.AllowedValues).toEqual(
      logGroup?.properties.RetentionInDays?.type.allowedValues,
    );
  });

  it('keeps memory and timeout within what Lambda allows', () => {
    // 128-10,240 MB and up to 900 s (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
    expect(parameters.FunctionMemorySize?.MinValue).toBeGreaterThanOrEqual(128);
    expect(parameters.FunctionMemorySize?.MaxValue).toBeLessThanOrEqual(10240);
    expect(parameters.FunctionTimeout?.MaxValue).toBeLessThanOrEqual(900);
  });
});
