// `trailwatch test-alert --stack NAME [--region R] [--profile P]`: publishes a clearly marked test alert to the
// deployed stack's alert topic. Exit status 0 when SNS accepted it, 1 when the stack, its topic or the publish
// failed, 2 for a usage error.
import { describeStack, publishToTopic } from './doctor-aws.js';
import { stackOutputs } from './doctor-checks.js';
import { parseStackArgs } from './stack-args.js';
import { testAlertRequest } from './test-alert-message.js';

export interface TestAlertIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now?: Date;
}

export async function runTestAlertCommand(args: string[], io: TestAlertIo): Promise<number> {
  const target = parseStackArgs('test-alert', args);
  const { region, stack } = await describeStack(target);
  if (!stack.ok) {
    io.err(
      `trailwatch test-alert: cannot describe stack ${target.stackName} in ${region}: ${stack.error.name}: ${stack.error.message}`,
    );
    return 1;
  }
  const topicArn = stackOutputs(stack.value.Stacks?.[0]).AlertTopicArn;
  if (!topicArn) {
    io.err(
      `trailwatch test-alert: stack ${target.stackName} has no AlertTopicArn output; is it a trailwatch stack? (trailwatch doctor --stack ${target.stackName})`,
    );
    return 1;
  }
  const request = testAlertRequest({ stackName: target.stackName, region, topicArn, now: io.now ?? new Date() });
  const published = await publishToTopic(target, region, request);
  if (!published.ok) {
    io.err(`trailwatch test-alert: SNS refused the test alert: ${published.error.name}: ${published.error.message}`);
    if (/AccessDenied|AuthorizationError/.test(published.error.name))
      io.err(
        'It needs sns:Publish on the topic (and kms:GenerateDataKey* and kms:Decrypt when the topic is encrypted).',
      );
    return 1;
  }
  io.out(`Sent "${request.Subject}" to ${topicArn} (message id ${published.value.MessageId ?? '?'}).`);
  io.out(
    'Email subscribers should see it within a minute; if not, check the subscription is confirmed (trailwatch doctor) and the spam folder.',
  );
  return 0;
}
