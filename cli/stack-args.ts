// The options `trailwatch doctor` and `trailwatch test-alert` share: --stack NAME [--region R] [--profile P].
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
import type { AwsTarget } from './doctor-aws.js';

/** CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most (API_CreateStack). */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

export function parseStackArgs(command: string, args: string[]): AwsTarget {
  let values: { stack?: string; region?: string; profile?: string };
  try {
    ({ values } = parseArgs({
      args,
      allowPositionals: false,
      options: { stack: { type: 'string' }, region: { type: 'string' }, profile: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  if (!values.stack) throw new UsageError(`${command} needs --stack NAME (the stack name you gave sam deploy)`);
  if (!STACK_NAME.test(values.stack))
    throw new UsageError(`${command}: "${values.stack}" is not a CloudFormation stack name`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region))
    throw new UsageError(`${command}: "${values.region}" is not an AWS region (e.g. us-east-1)`);
  if (values.profile !== undefined && values.profile.trim() === '')
    throw new UsageError(`${command}: --profile needs a name`);
  return {
    stackName: values.stack,
    ...(values.region ? { region: values.region } : {}),
    ...(values.profile ? { profile: values.profile } : {}),
  };
}
