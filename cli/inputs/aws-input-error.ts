// An input that AWS refused (a bucket not found, access denied): one line and exit status 1, not a usage error.
// Its own module so that the command line (cli/trailwatch.ts), which tells it apart from the other errors, does not
// load the input planner (and node:fs's streams under it) for `--version` or `--help`.
export class AwsInputError extends Error {
  override name = 'AwsInputError';
}
