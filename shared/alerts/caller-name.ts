// The caller's name as people know it, for subjects, email openings and summary tallies.
import type { Principal } from '../classify/types.js';

/** "the caller": a name a person recognises, falling back to the ARN, then the principal type. */
export function principalLabel(principal: Principal): string {
  return principal.name ?? principal.arn ?? principal.type;
}

/** IAM Identity Center creates its roles under this path; the session name is then the signed-in user. */
const IDENTITY_CENTER_ROLE_PATH = ':role/aws-reserved/sso.amazonaws.com/';

/**
 * `principalLabel`, except for IAM Identity Center sessions: their role name (`AWSReservedSSO_DevAdmin_6354...`)
 * is the same for everyone with that permission set, while the session name is the person (`mallory@example.com`).
 */
export function callerName(principal: Principal): string {
  return isIdentityCenterSession(principal) && principal.sessionName
    ? principal.sessionName
    : principalLabel(principal);
}

/** A session of a role IAM Identity Center made for a permission set: one person per session name. */
export function isIdentityCenterSession(principal: Principal): boolean {
  return principal.roleArn?.includes(IDENTITY_CENTER_ROLE_PATH) ?? false;
}
