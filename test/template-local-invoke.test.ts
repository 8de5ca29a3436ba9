// events/env.json, the `--env-vars` file for `sam local invoke` (README "Deploy to AWS"). SAM applies a function's
// entry only to variables its template declares (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-invoke.html,
// "Environment variable file"): every key must be one the template sets for that function, and the values must pass
// the function's own configuration loader, or the invoke would stop at its cold start.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIndexerConfig } from '../functions/indexer/config.js';
import { loadProcessorConfig } from '../functions/processor/config.js';
import { isObject, loadTemplate, ROOT } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const evaluator = new Evaluator(template, SCENARIOS.defaults);
const envFile = JSON.parse(readFileSync(path.join(ROOT, 'events/env.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;
const loaders: Record<string, (env: Record<string, string>) => unknown> = {
  ProcessorFunction: (env) => loadProcessorConfig(env),
  IndexerFunction: (env) => loadIndexerConfig(env),
};

describe('events/env.json', () => {
  it('has an entry for each function of the template, and nothing else', () => {
    expect(Object.keys(envFile).sort()).toEqual(Object.keys(loaders).sort());
  });

  describe.each(Object.keys(loaders))('%s', (logicalId) => {
    const entry = envFile[logicalId] ?? {};
    const environment = evaluator.properties(logicalId).Environment;
    const declared = isObject(environment) && isObject(environment.Variables) ? Object.keys(environment.Variables) : [];

    it('sets only variables the template declares for it (SAM ignores the others)', () => {
      expect(Object.keys(entry).filter((k) => !declared.includes(k))).toEqual([]);
    });

    it('sets every variable the template fills from another resource (which sam local cannot resolve), as a placeholder to replace', () => {
      const fromResources = declared.filter((k) => ['ALERT_TOPIC_ARN', 'INDEX_LOG_GROUP'].includes(k));
      for (const k of fromResources) expect(entry[k], k).toMatch(/REPLACE/);
    });

    it("passes the function's configuration loader", () => {
      expect(() => loaders[logicalId]?.(entry)).not.toThrow();
    });
  });
});
