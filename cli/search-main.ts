// `trailwatch search`: flags to a search, after checking a named profile exists (the SDK would report a
// missing profile as a missing region).
import { UsageError, type ParsedArgs } from './args.js';
import { checkProfile, chosenProfile } from './aws-profile.js';
import type { Io } from './commands.js';
import { parseSearchArgs } from './search-args.js';
import { runSearch } from './search-command.js';

export async function searchMain(args: ParsedArgs, io: Io): Promise<number> {
  const env = io.env ?? process.env;
  const options = parseSearchArgs(args, env);
  const profile = chosenProfile(options.profile, env);
  if (profile) {
    const check = await checkProfile(profile.name, env);
    if (!check.exists) {
      throw new UsageError(
        `${profile.from} ${profile.name}: no such AWS profile in ${check.files.join(' or ')}${check.known.length ? ` (profiles there: ${check.known.join(', ')})` : ''}`,
        'search',
      );
    }
  }
  return runSearch({ ...options, out: io.out, err: io.err });
}
