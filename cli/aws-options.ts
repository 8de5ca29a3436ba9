// --region, --profile and --endpoint-url as `scan`, `report` and `verify` read them: checked here before any SDK
// client exists, so a mistake is one line naming the option, not an SDK error from the first call.
import { UsageError } from './args.js';
import { checkProfile, chosenProfile, type Env } from './aws-profile.js';

/** --endpoint-url: an http(s) URL with a host (an S3-compatible endpoint, e.g. an emulator), else a usage error. */
export function endpointUrlOption(value: string | undefined, command?: string): string | undefined {
  if (value !== undefined && !/^https?:\/\/[^/\s]+/.test(value))
    throw new UsageError(`--endpoint-url must be an http(s) URL, not "${value}"`, command);
  return value;
}

/**
 * The profile a command will use (--profile, else AWS_PROFILE) exists, or a usage error naming it, the files
 * looked in and the profiles there: the SDK itself reports a missing profile as "Region is missing".
 */
export async function requireProfile(flag: string | undefined, env: Env): Promise<void> {
  const profile = chosenProfile(flag, env);
  if (!profile) return;
  const check = await checkProfile(profile.name, env);
  if (!check.exists) {
    throw new UsageError(
      `${profile.from} ${profile.name}: no such AWS profile in ${check.files.join(' or ')}${check.known.length ? ` (profiles there: ${check.known.join(', ')})` : ''}`,
    );
  }
}
