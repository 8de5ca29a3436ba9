// AWS SDK errors in the user's words: what went wrong and what to do, without SDK class names
// (CredentialsProviderError, S3ServiceException) or stack traces.

export interface AwsErrorContext {
  /** What was being done, for the message: "list s3://bucket/prefix", "search /trailwatch/x". */
  action: string;
  region?: string;
  profile?: string;
  /** The IAM action the call needs, for access-denied hints: "s3:ListBucket". */
  permission?: string;
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
}

/**
 * Where a failed connection was going, from the fields Node's net and dns errors carry: `hostname` for a name
 * that did not resolve (ENOTFOUND, EAI_AGAIN), `address` and `port` for a connection refused or timed out
 * (https://nodejs.org/api/errors.html#class-systemerror). With AWS_ENDPOINT_URL or --endpoint-url set, this is
 * the endpoint the user chose, so the message shows which one was tried.
 */
function destination(shape: ErrorShape): string | undefined {
  if (typeof shape.hostname === 'string' && shape.hostname) return shape.hostname;
  if (typeof shape.address !== 'string' || !shape.address) return undefined;
  const host = shape.address.includes(':') ? `[${shape.address}]` : shape.address;
  return typeof shape.port === 'number' ? `${host}:${shape.port}` : host;
}

export function describeAwsError(error: unknown, context: AwsErrorContext): string {
  const shape = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.code === 'string' ? shape.code : typeof shape.Code === 'string' ? shape.Code : name;
  const message = typeof shape.message === 'string' ? shape.message : '';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const cannot = `cannot ${context.action}`;
  const profile = context.profile ? ` (profile "${context.profile}")` : '';

  if (/Region is missing/i.test(message))
    return `${cannot}: no AWS region is set${profile}; pass --region REGION, set AWS_REGION, or give the profile a region`;
  if (
    name === 'CredentialsProviderError' ||
    /Could not (load|resolve) credentials|Unable to load credentials/i.test(message)
  ) {
    return `${cannot}: no AWS credentials found${profile}; sign in (aws sso login, aws configure) or set AWS_PROFILE or AWS_ACCESS_KEY_ID`;
  }
  if (
    /^(ExpiredToken|ExpiredTokenException|TokenRefreshRequired)$/.test(code) ||
    /token.*(expired|is invalid)|session has expired/i.test(message)
  ) {
    return `${cannot}: the AWS credentials have expired${profile}; sign in again (aws sso login)`;
  }
  if (
    /^(InvalidAccessKeyId|SignatureDoesNotMatch|UnrecognizedClientException|InvalidClientTokenId|InvalidSignatureException)$/.test(
      code,
    )
  ) {
    return `${cannot}: AWS did not accept the credentials${profile} (${code}); check the access key and secret`;
  }
  if (/^(AccessDenied|AccessDeniedException|AllAccessDisabled)$/.test(code) || status === 403) {
    return `${cannot}: access denied${context.permission ? ` (needs ${context.permission})` : ''}${message && message !== code ? `: ${message}` : ''}`;
  }
  if (code === 'NoSuchBucket') return `${cannot}: the bucket does not exist`;
  if (code === 'ResourceNotFoundException')
    return `${cannot}: ${message || 'not found'}${context.region ? ` (region ${context.region})` : ''}`;
  if (
    /^(PermanentRedirect|AuthorizationHeaderMalformed|IllegalLocationConstraintException)$/.test(code) ||
    status === 301
  ) {
    return `${cannot}: the bucket is in another region; pass --region with the bucket's region`;
  }
  if (/^(ThrottlingException|Throttling|SlowDown|TooManyRequestsException)$/.test(code))
    return `${cannot}: AWS is throttling the requests; try again in a minute`;
  if (
    /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code) ||
    /getaddrinfo|connect ECONNREFUSED/.test(message)
  ) {
    const where = destination(shape);
    return `${cannot}: cannot reach AWS${where ? ` at ${where}` : ''} (${code || message}); check the network${context.region ? ` and the region (${context.region})` : ''}`;
  }
  if (/^(InvalidParameterException|ValidationException|InvalidBucketName)$/.test(code)) return `${cannot}: ${message}`;
  return `${cannot}: ${message || code || 'unknown error'}${status ? ` (HTTP ${status})` : ''}`;
}
