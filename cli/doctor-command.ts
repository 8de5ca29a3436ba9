// `trailwatch doctor --stack NAME [--region R] [--profile P]`: checks a deployed stack and prints each check with
// how to fix it. Exit status 0 when no check fails, 1 when one does, 2 for a usage error (thrown as UsageError).
import { evaluateDoctor } from './doctor-checks.js';
import { doctorExitCode, formatDoctor } from './doctor-report.js';
import { gatherDoctorResponses } from './doctor-aws.js';
import { parseStackArgs } from './stack-args.js';

export interface DoctorIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now?: Date;
}

export async function runDoctorCommand(args: string[], io: DoctorIo): Promise<number> {
  const target = parseStackArgs('doctor', args);
  const responses = await gatherDoctorResponses(target, io.now ?? new Date());
  const checks = evaluateDoctor(responses);
  for (const line of formatDoctor(target.stackName, responses.region, checks)) io.out(line);
  return doctorExitCode(checks);
}
