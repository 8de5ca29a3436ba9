// Reading a function's environment once, at cold start, into typed settings. Every variable is checked and
// every problem collected, so a bad deploy fails its first invocation with one ConfigError listing them all
// (Lambda reports an init error, and the function is not left half-configured).
//
// Only trailwatch's own variables are read here. Region, endpoint and credentials are the AWS SDK's own
// (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SNS, AWS_ACCESS_KEY_ID, ...): the SDK
// reads them, so the same bundle runs against AWS or any S3/SNS-compatible endpoint
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
import { SEVERITIES, type Severity } from '../../shared/rules/types.js';
import { DEFAULT_STALL_TIMEOUT_MS } from './body-watch.js';
import { ConfigError, type ConfigProblem } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A parser's complaint about a value; EnvReader files it under the variable. */
export class InvalidValue extends Error {
  override name = 'InvalidValue';
}

export type ValueParser<T> = (value: string) => T;

/**
 * Reads variables and collects problems; `finish()` throws them all as one ConfigError. A variable that is
 * unset or blank counts as unset: CloudFormation passes an empty string for an empty parameter.
 */
export class EnvReader {
  private readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly env: Env,
    /** Names the function in the error: `trailwatch processor`. */
    private readonly scope: string,
  ) {}

  /** The trimmed value, or undefined when unset or blank. */
  value(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** A required variable; undefined (and a problem filed) when it is missing or invalid. */
  required<T>(name: string, parse: ValueParser<T>, hint: string): T | undefined {
    const value = this.value(name);
    if (value === undefined) {
      this.problem(name, `required, not set (${hint})`);
      return undefined;
    }
    return this.parse(name, value, parse);
  }

  /** An optional variable: `fallback` when unset; when invalid, a problem is filed and `fallback` returned. */
  optional<T>(name: string, parse: ValueParser<T>, fallback: T): T {
    const value = this.value(name);
    if (value === undefined) return fallback;
    return this.parse(name, value, parse) ?? fallback;
  }

  problem(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  hasProblem(variable: string): boolean {
    return this.problems.some((p) => p.variable === variable);
  }

  /** Throws a ConfigError listing every problem filed, if any. */
  finish(): void {
    if (this.problems.length > 0) throw new ConfigError(this.scope, [...this.problems]);
  }

  private parse<T>(name: string, value: string, parse: ValueParser<T>): T | undefined {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      this.problem(
        name,
        `${error.message} (got ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}...` : value)})`,
      );
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Value parsers

/**
 * `arn:<partition>:sns:<region>:<account>:<topic>`; topic names are 1-256 letters, digits, `-` and `_`, and
 * `.fifo` for FIFO topics (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
 */
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

export const snsTopicArn: ValueParser<string> = (value) => {
  if (!SNS_TOPIC_ARN.test(value)) {
    throw new InvalidValue('must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic name>');
  }
  return value;
};

export const severity: ValueParser<Severity> = (value) => {
  const lower = value.toLowerCase();
  const match = SEVERITIES.find((s) => s === lower);
  if (!match) throw new InvalidValue(`must be one of ${SEVERITIES.join(', ')}`);
  return match;
};

/** `a, b,c` -> `['a', 'b', 'c']`; blanks dropped. */
export const commaList: ValueParser<string[]> = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `key=value,key=value` with each value parsed; a key given twice is an error. */
export function keyValueList<T>(parseValue: ValueParser<T>): ValueParser<Record<string, T>> {
  return (value) => {
    const result: Record<string, T> = {};
    for (const item of commaList(value)) {
      const eq = item.indexOf('=');
      const key = eq > 0 ? item.slice(0, eq).trim() : '';
      const raw = eq > 0 ? item.slice(eq + 1).trim() : '';
      if (!key || !raw)
        throw new InvalidValue(`"${item}" is not key=value (expected e.g. rule-id=high,other-rule=low)`);
      if (Object.hasOwn(result, key)) throw new InvalidValue(`"${key}" is given twice`);
      try {
        result[key] = parseValue(raw);
      } catch (error) {
        if (error instanceof InvalidValue) throw new InvalidValue(`${key}: ${error.message}`);
        throw error;
      }
    }
    return result;
  };
}

export function integer(min: number, max: number): ValueParser<number> {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidValue(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export const booleanFlag: ValueParser<boolean> = (value) => {
  const lower = value.toLowerCase();
  if (['true', '1', 'yes'].includes(lower)) return true;
  if (['false', '0', 'no'].includes(lower)) return false;
  throw new InvalidValue('must be true or false');
};

// ---------------------------------------------------------------------------------------------------------
// Settings every function shares

export interface AwsClientSettings {
  /**
   * S3_FORCE_PATH_STYLE: address buckets as `endpoint/bucket/key`, for S3-compatible endpoints without
   * virtual-hosted buckets (emulators, MinIO). The SDK has no environment variable of its own for it.
   */
  s3ForcePathStyle: boolean;
  /**
   * S3_STALL_TIMEOUT_SECONDS (1-900, default 30): a log file's body that sends no byte for this long, while the
   * function waits for one, fails the read with BODY_STALLED (body-watch.ts says why 30 s).
   */
  s3StallTimeoutMs: number;
}

export function readAwsClientSettings(env: EnvReader): AwsClientSettings {
  return {
    s3ForcePathStyle: env.optional('S3_FORCE_PATH_STYLE', booleanFlag, false),
    s3StallTimeoutMs: env.optional('S3_STALL_TIMEOUT_SECONDS', integer(1, 900), DEFAULT_STALL_TIMEOUT_MS / 1000) * 1000,
  };
}
