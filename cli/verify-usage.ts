// The usage lines of `trailwatch verify`, apart from the command so that --help loads no AWS SDK client.
export const VERIFY_USAGE = `  trailwatch verify s3://BUCKET[/PREFIX] [--start ISO] [--end ISO] [--public-keys FILE] [--format text|json]
      [--region REGION] [--profile NAME] [--endpoint-url URL]
      Check the trail's files with CloudTrail's signed digests: every digest's signature, location and
      chain, every listed log file's SHA-256, and log files no digest lists. One line per file checked.`;
