// The callers of the bench files, weighted: IAM users, role sessions (some via a service), AWS services, root;
// and what every generator of the mix shares (the Context).
import type { UserIdentity } from '../../shared/cloudtrail.js';
import { UPPER32 } from '../../scripts/cloudtrail-synth/alphabets.js';
import { assumedRole, awsService, iamUser, rootUser } from '../../scripts/cloudtrail-synth/identity.js';
import type { Random } from '../../scripts/cloudtrail-synth/random.js';
import { ACCOUNTS, SERVICE_PRINCIPALS } from './vocabulary.js';

export interface Principal {
  identity: UserIdentity;
  /** For AWSService identities: the service, which CloudTrail also puts in sourceIPAddress/userAgent. */
  service?: string;
  console: boolean;
}

export interface Context {
  rng: Random;
  baseTime: number;
  principals: readonly (readonly [number, Principal])[];
  dbIds: readonly string[];
  clusterIds: readonly string[];
}

const USERS = ['alice', 'bob', 'carol.ops', 'deploy-bot', 'jenkins', 'dba_admin', 'svc-reporting', 'mallory'];
const ROLES = [
  'OrganizationAccountAccessRole',
  'AWSReservedSSO_AdministratorAccess_3f2a1b0c9d8e7f6a',
  'github-actions-deploy',
  'ecsTaskRole-orders',
  'lambda-rds-snapshot-exporter',
  'DataPlatformEngineer',
];

/** Every principal of every account with its weight; draws in a fixed order (the files depend on it). */
export function makePrincipals(rng: Random): (readonly [number, Principal])[] {
  const out: (readonly [number, Principal])[] = [];
  for (const account of ACCOUNTS) {
    for (const user of USERS) {
      const identity = iamUser(account, user, `AIDA${rng.chars(UPPER32, 17)}`, `AKIA${rng.chars(UPPER32, 16)}`);
      out.push([3, { identity, console: false }]);
    }
    for (const role of ROLES) {
      const roleId = `AROA${rng.chars(UPPER32, 17)}`;
      for (let s = 0; s < 3; s++) {
        const session = rng.pick([
          `i-0${rng.hex(16)}`,
          `botocore-session-${rng.range(1_700_000_000, 1_720_000_000)}`,
          `${rng.pick(USERS)}@example.com`,
          `aws-go-sdk-${rng.hex(12)}`,
          'GitHubActions',
        ]);
        const viaService = role === 'lambda-rds-snapshot-exporter' || role === 'ecsTaskRole-orders';
        const identity = assumedRole({
          account,
          role,
          roleId,
          session,
          accessKeyId: `ASIA${rng.chars(UPPER32, 16)}`,
          creationDate: '2024-05-14T09:12:44Z',
          mfa: rng.chance(0.3),
          invokedBy: rng.chance(0.15) ? rng.pick(SERVICE_PRINCIPALS) : undefined,
        });
        out.push([viaService ? 6 : 4, { identity, console: role.startsWith('AWSReservedSSO') }]);
      }
    }
    for (const service of SERVICE_PRINCIPALS) {
      out.push([service === 'rds.amazonaws.com' ? 6 : 3, { identity: awsService(service), service, console: false }]);
    }
    const root = rootUser(account, `ASIA${rng.chars(UPPER32, 16)}`, {
      attributes: { creationDate: '2024-05-14T08:01:02Z', mfaAuthenticated: 'true' },
    });
    out.push([1, { identity: root, console: true }]);
  }
  return out;
}

/** A caller for an event of `source`: any principal but the service itself. */
export function principalFor(ctx: Context, source: string): Principal {
  return ctx.rng.weighted(ctx.principals.filter(([, p]) => p.service === undefined || p.service !== source));
}

/** The principal's account, or a random one for an AWS service (which has none). */
export function accountOf(ctx: Context, principal: Principal): string {
  return typeof principal.identity.accountId === 'string' ? principal.identity.accountId : ctx.rng.pick(ACCOUNTS);
}
