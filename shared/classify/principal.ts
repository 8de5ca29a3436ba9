// Who made the call, from the record's userIdentity element:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
import { isJsonObject, type UserIdentity } from '../cloudtrail.js';
import type { Principal } from './types.js';

export function principalOf(identity: UserIdentity | undefined): Principal {
  if (!identity || typeof identity !== 'object') return { type: 'Unknown', isRoot: false, isAwsService: false };
  const type = text(identity.type) ?? 'Unknown';
  const issuer = identity.sessionContext?.sessionIssuer;
  const invokedBy = text(identity.invokedBy);
  const principal: Principal = {
    type,
    isRoot: type === 'Root',
    // invokedBy names the service that made the call for the identity (e.g. "backup.amazonaws.com" running
    // a backup plan's lifecycle). "AWS Internal" is not counted: it also fronts calls a person made through
    // the console, and an `awsServices` exception must never silence a person.
    isAwsService: type === 'AWSService' || invokedBy?.endsWith('.amazonaws.com') === true,
  };
  const arn = text(identity.arn);
  const accountId = text(identity.accountId);
  // An empty accessKeyId appears on some records (the docs' own IAM user example): not a key.
  const accessKeyId = text(identity.accessKeyId);
  const mfa = identity.sessionContext?.attributes?.mfaAuthenticated;
  if (arn) principal.arn = arn;
  if (accountId) principal.accountId = accountId;
  if (accessKeyId) principal.accessKeyId = accessKeyId;
  if (invokedBy) principal.invokedBy = invokedBy;
  if (mfa === 'true' || mfa === 'false') principal.mfaAuthenticated = mfa === 'true';

  const name = nameFor(type, identity, arn, invokedBy);
  if (name) principal.name = name;
  if (type === 'AssumedRole') {
    const roleArn = text(issuer?.arn);
    const sessionName = arn ? lastArnSegment(arn) : afterColon(text(identity.principalId));
    if (roleArn) principal.roleArn = roleArn;
    if (sessionName) principal.sessionName = sessionName;
  }
  return principal;
}

/** A name a person recognises, per identity type. */
function nameFor(
  type: string,
  identity: UserIdentity,
  arn: string | undefined,
  invokedBy: string | undefined,
): string | undefined {
  switch (type) {
    case 'Root':
      // userName holds the account alias when one is set; "root" says more about the risk.
      return 'root';
    case 'AssumedRole':
      // The role, not the session: sessions are per call site (often random), the role is what people know.
      return (
        text(identity.sessionContext?.sessionIssuer?.userName) ?? (arn ? roleNameFromAssumedRoleArn(arn) : undefined)
      );
    case 'FederatedUser':
      // arn:aws:sts::123456789012:federated-user/Name; sessionIssuer is the IAM user who called GetFederationToken.
      return arn ? lastArnSegment(arn) : afterColon(text(identity.principalId));
    case 'AWSService':
      return invokedBy;
    case 'AWSAccount':
      return text(identity.accountId) ?? text(identity.principalId);
    case 'IdentityCenterUser': {
      const onBehalfOf = identity.onBehalfOf;
      return (isJsonObject(onBehalfOf) ? text(onBehalfOf.userId) : undefined) ?? text(identity.userName);
    }
    default:
      // IAMUser, SAMLUser, WebIdentityUser and types added later: userName is the documented name field.
      return text(identity.userName) ?? (arn ? lastArnSegment(arn) : undefined);
  }
}

function roleNameFromAssumedRoleArn(arn: string): string | undefined {
  // arn:aws:sts::123456789012:assumed-role/RoleName/SessionName
  const [, role] = arn.split(':assumed-role/');
  return role?.split('/')[0] || undefined;
}

function lastArnSegment(arn: string): string | undefined {
  return arn.slice(arn.lastIndexOf('/') + 1) || undefined;
}

function afterColon(principalId: string | undefined): string | undefined {
  const index = principalId?.indexOf(':') ?? -1;
  return principalId && index >= 0 ? principalId.slice(index + 1) || undefined : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
