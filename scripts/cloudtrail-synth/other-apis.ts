// The request/response shapes other services' records share between the generators: STS AssumeRole, S3
// requests' additionalEventData, console sign-in.
import type { JsonObject } from '../../shared/cloudtrail.js';

export interface IssuedCredentials {
  accessKeyId: string;
  sessionToken: string;
  /** In the responseElements date form (times.ts responseDate). */
  expiration: string;
  /** `<role id>:<session name>` */
  assumedRoleId: string;
  arn: string;
}

/** AssumeRole's responseElements (the secret access key is never recorded). */
export function assumeRoleResponse(c: IssuedCredentials): JsonObject {
  return {
    credentials: { accessKeyId: c.accessKeyId, sessionToken: c.sessionToken, expiration: c.expiration },
    assumedRoleUser: { assumedRoleId: c.assumedRoleId, arn: c.arn },
  };
}

/** An S3 request's additionalEventData (SigV4 in the Authorization header). */
export function s3RequestDetails(d: {
  cipherSuite: string;
  bytesIn: number;
  requestIdHost: string;
  bytesOut: number;
}): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: d.cipherSuite,
    bytesTransferredIn: d.bytesIn,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': d.requestIdHost,
    bytesTransferredOut: d.bytesOut,
  };
}

export const CONSOLE_HOME = 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true';

/** ConsoleLogin's additionalEventData; `mfaDevice` when MFA was used with a named device. */
export function consoleLoginDetails(loginTo: string, mfaUsed: boolean, mfaDevice?: string): JsonObject {
  return {
    LoginTo: loginTo,
    MobileVersion: 'No',
    ...(mfaDevice === undefined ? {} : { MFAIdentifier: mfaDevice }),
    MFAUsed: mfaUsed ? 'Yes' : 'No',
  };
}
