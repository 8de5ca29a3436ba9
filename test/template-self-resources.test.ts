// The processor is told every resource of the stack that trailwatch-tampered must watch: a function, EventBridge
// rule, topic, alarm or queue added to template.yaml without being added to the processor's environment would be
// one an attacker could change unnoticed.
import { describe, expect, it } from 'vitest';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { wildcardRegExp } from '../shared/rules/pattern.js';
import { isObject, loadTemplate, type JsonObject } from './helpers/template.js';
import { Evaluator, PSEUDO_VALUES, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const ofType = (type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe.each(Object.entries(SCENARIOS))("the processor's own resources (%s)", (_scenario, overrides) => {
  const evaluator = new Evaluator(template, overrides);
  const exists = (id: string) => evaluator.exists(template.Resources[id] ?? {});
  const env = ((evaluator.properties('ProcessorFunction').Environment as JsonObject).Variables ?? {}) as Record<
    string,
    string
  >;
  const { trailwatchResources: resources } = loadProcessorConfig({
    ...env,
    AWS_LAMBDA_FUNCTION_NAME: String(evaluator.ref('ProcessorFunction')),
  });

  it('include every function of the stack', () => {
    for (const [id] of ofType('AWS::Serverless::Function'))
      expect(resources.functionNames, id).toContain(evaluator.ref(id));
  });

  it('include the rule of every EventBridge event of every function, and every other EventBridge rule of the stack', () => {
    const ruleNames = ofType('AWS::Serverless::Function').flatMap(([id]) =>
      Object.values((evaluator.properties(id).Events ?? {}) as JsonObject)
        .filter((event): event is JsonObject => isObject(event) && event.Type === 'EventBridgeRule')
        .map((event) => String((event.Properties as JsonObject).RuleName)),
    );
    // The digest, deletion (issue 14) and fast-path (issue 13) rules: disabling one blinds a part of trailwatch too.
    for (const [id] of ofType('AWS::Events::Rule')) ruleNames.push(String(evaluator.properties(id).Name));
    expect(ruleNames.length).toBeGreaterThan(0);
    expect([...resources.eventRuleNames].sort()).toEqual(ruleNames.sort());
  });

  it('include every topic and queue of the stack', () => {
    for (const [id] of ofType('AWS::SNS::Topic').filter(([id]) => exists(id)))
      expect(resources.topicArns, id).toContain(evaluator.ref(id));
    for (const [id] of ofType('AWS::SQS::Queue').filter(([id]) => exists(id)))
      expect(resources.queueUrls, id).toContain(evaluator.ref(id));
  });

  it('name every alarm, as CloudFormation names it (<stack>-<logical id>-<random suffix>) unless the template names it', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([id]) => exists(id));
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id] of alarms) {
      const given = evaluator.properties(id).AlarmName;
      const name = typeof given === 'string' ? given : `${PSEUDO_VALUES['AWS::StackName']}-${id}-1A2B3C4D5E6F7`;
      expect(
        resources.alarmNames.some((pattern) => wildcardRegExp(pattern).test(name)),
        `${id} (${name})`,
      ).toBe(true);
    }
  });

  it('watch the bucket the EventBridge rules deliver log files from', () => {
    const events = (evaluator.properties('ProcessorFunction').Events ?? {}) as JsonObject;
    const pattern = (events.LogFileDelivered as JsonObject).Properties as JsonObject;
    const bucket = (((pattern.Pattern as JsonObject).detail as JsonObject).bucket as JsonObject).name as string[];
    expect(resources.bucketNames).toEqual(bucket);
  });
});
