// userIdentity builders, with fields in the order CloudTrail writes them.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
import type { SessionContext, UserIdentity } from '../../shared/cloudtrail.js';

/** An IAM user calling with its long-term access key (AKIA…) or console session credentials (ASIA…). */
export function iamUser(account: string, userName: string, principalId: string, accessKeyId: string): UserIdentity {
  return {
    type: 'IAMUser',
    principalId,
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
    accessKeyId,
    userName,
  };
}

/** The session context of console credentials: no issuer, only when and whether with MFA. */
export function consoleSession(creationDate: string, mfa: boolean): SessionContext {
  return {
    sessionIssuer: {},
    webIdFederationData: {},
    attributes: { creationDate, mfaAuthenticated: mfa ? 'true' : 'false' },
  };
}

export interface RoleSession {
  account: string;
  role: string;
  /** The role's unique id (AROA…). */
  roleId: string;
  session: string;
  accessKeyId: string;
  creationDate: string;
  mfa: boolean;
  /** The role's path, e.g. `service-role/` (default none). */
  path?: string;
  /** Credentials an EC2 instance got from its instance profile (sessionContext.ec2RoleDelivery "2.0"). */
  ec2?: boolean;
  /** The service that made the call with these credentials on the caller's behalf. */
  invokedBy?: string | undefined;
}

/** A role session (sts:AssumeRole and friends): AssumedRole with its issuer. */
export function assumedRole(s: RoleSession): UserIdentity {
  const identity: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${s.roleId}:${s.session}`,
    arn: `arn:aws:sts::${s.account}:assumed-role/${s.role}/${s.session}`,
    accountId: s.account,
    accessKeyId: s.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: s.roleId,
        arn: `arn:aws:iam::${s.account}:role/${s.path ?? ''}${s.role}`,
        accountId: s.account,
        userName: s.role,
      },
      webIdFederationData: {},
      attributes: { creationDate: s.creationDate, mfaAuthenticated: s.mfa ? 'true' : 'false' },
      ...(s.ec2 === true ? { ec2RoleDelivery: '2.0' } : {}),
    },
  };
  if (s.invokedBy !== undefined) identity.invokedBy = s.invokedBy;
  return identity;
}

/** The account's root user; `sessionContext` for console or temporary credentials. */
export function rootUser(account: string, accessKeyId: string, sessionContext?: SessionContext): UserIdentity {
  const identity: UserIdentity = {
    type: 'Root',
    principalId: account,
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
    accessKeyId,
  };
  if (sessionContext !== undefined) identity.sessionContext = sessionContext;
  return identity;
}

/** An AWS service calling on its own behalf (its records have the service as source IP and user agent too). */
export function awsService(invokedBy: string): UserIdentity {
  return { type: 'AWSService', invokedBy };
}
