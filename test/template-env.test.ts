// Each function's Environment matches its config schema. The config loader (`load*Config(env)` in the function's
// config.ts) is called with a recording Proxy for an env: the names it reads are the variables the code knows,
// and the ones it reports as `required` when the env is empty are the ones the template must set. Then:
// - every required variable is set, for every parameter scenario;
// - every variable the template sets is one the loader reads (or one Node/the runtime reads, listed below);
// - no AWS-reserved variable is set (Lambda refuses them);
// - every variable the loader reads is either set by the template or listed in NOT_SET_BY_TEMPLATE with why;
// - the loader accepts the template's environment as resolved for each scenario (a deploy would not fail at init).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, ROOT, serverlessFunctions, type FunctionInfo, type JsonObject } from './helpers/template.js';
import { Evaluator, SCENARIOS } from './helpers/template-evaluator.js';

const template = loadTemplate();
const functions = serverlessFunctions(template);

/**
 * Reserved by Lambda: a function cannot set them
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
const LAMBDA_RESERVED = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

/** Variables the template may set that no config loader reads: read by Node itself. */
const READ_BY_RUNTIME: Record<string, string> = {
  NODE_OPTIONS: 'Node: --enable-source-maps, what SAM adds for Sourcemap: true',
  TRAILWATCH_STACK:
    "functions/lib/observability.ts: every metric's stack dimension, read beside Powertools' own variables",
};

/** Variables a loader reads that the template leaves unset on purpose. */
const NOT_SET_BY_TEMPLATE: Record<string, string> = {
  CLOUDTRAIL_PUBLIC_KEYS_FILE: "local runs only: the sample day's TEST public key; deployed stacks use ListPublicKeys",
  RULES_FILE:
    'a rules file bundled with the function; SAM esbuild builds ship only the bundle (CustomRules -> RULES_YAML instead)',
  S3_FORCE_PATH_STYLE: 'for S3-compatible emulators (npm start, local runs), never for S3 itself',
  S3_STALL_TIMEOUT_SECONDS:
    'the 30 s default suits S3 (functions/lib/body-watch.ts says why); an override for slow S3-compatible endpoints',
  LAMBDA_TASK_ROOT: 'set by Lambda (reserved); read to find RULES_FILE',
  AWS_LAMBDA_FUNCTION_NAME: 'set by Lambda (reserved); the processor watches its own function for trailwatch-tampered',
};

interface Loader {
  file: string;
  name: string;
  load: (env: Record<string, string | undefined>) => unknown;
}

async function configLoader(fn: FunctionInfo): Promise<Loader> {
  const file = path.posix.join(fn.dir, 'config.ts');
  if (!existsSync(path.join(ROOT, file)))
    throw new Error(`${fn.logicalId}: no ${file} (each function reads its environment in config.ts)`);
  const module = (await import(path.join(ROOT, file))) as Record<string, unknown>;
  const loaders = Object.entries(module).filter(
    ([name, value]) => /^load\w*Config$/.test(name) && typeof value === 'function',
  );
  if (loaders.length !== 1)
    throw new Error(
      `${file} should export one load*Config(env) function, found ${loaders.map(([n]) => n).join(', ') || 'none'}`,
    );
  const [name, load] = loaders[0] as [string, Loader['load']];
  return { file, name, load };
}

/** Calls the loader with a Proxy env that records every name read; returns the names and the error, if any. */
function record(loader: Loader, values: Record<string, string>): { read: Set<string>; error: unknown } {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key) as unknown;
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
  });
  try {
    loader.load(env);
    return { read, error: undefined };
  } catch (error) {
    return { read, error };
  }
}

function problems(error: unknown): Array<{ variable: string; message: string }> {
  return ((error as { problems?: Array<{ variable: string; message: string }> } | undefined)?.problems ?? []).slice();
}

function environment(evaluator: Evaluator, fn: FunctionInfo): Record<string, string> {
  const props = evaluator.properties(fn.logicalId);
  return ((props.Environment as JsonObject | undefined)?.Variables ?? {}) as Record<string, string>;
}

describe.each(functions)('$logicalId environment', (fn) => {
  it('sets no variable Lambda reserves', () => {
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      const set = Object.keys(environment(new Evaluator(template, overrides), fn));
      expect(
        set.filter((v) => LAMBDA_RESERVED.includes(v)),
        name,
      ).toEqual([]);
    }
  });

  it("stays within Lambda's 4 KB for all variables together", () => {
    // "The total size of all environment variables doesn't exceed 4 KB" (configuration-envvars.html, quotas).
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      const env = environment(new Evaluator(template, overrides), fn);
      const bytes = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
      expect(bytes, name).toBeLessThanOrEqual(4096);
    }
  });

  it('sets every variable the config requires, and only variables the code reads', async () => {
    const loader = await configLoader(fn);
    const empty = record(loader, {});
    const required = problems(empty.error)
      .filter((p) => p.message.startsWith('required'))
      .map((p) => p.variable);
    const read = new Set(empty.read);
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      const env = environment(new Evaluator(template, overrides), fn);
      const result = record(loader, env);
      for (const v of result.read) read.add(v);
      expect(
        required.filter((v) => !(v in env)),
        `${name}: required but not set`,
      ).toEqual([]);
      expect(problems(result.error), `${name}: ${loader.name} rejects the template's environment`).toEqual([]);
      expect(result.error, `${name}: ${loader.name} threw`).toBeUndefined();
    }
    for (const [name, overrides] of Object.entries(SCENARIOS)) {
      const set = Object.keys(environment(new Evaluator(template, overrides), fn));
      expect(
        set.filter((v) => !read.has(v) && !READ_BY_RUNTIME[v]),
        `${name}: set by the template, never read by ${loader.file}`,
      ).toEqual([]);
    }
    const everSet = new Set(
      Object.values(SCENARIOS).flatMap((o) => Object.keys(environment(new Evaluator(template, o), fn))),
    );
    expect(
      [...read].filter((v) => !everSet.has(v) && !NOT_SET_BY_TEMPLATE[v]),
      `read by ${loader.file} but never set by the template: set them, or list them in NOT_SET_BY_TEMPLATE with the reason`,
    ).toEqual([]);
  });
});
