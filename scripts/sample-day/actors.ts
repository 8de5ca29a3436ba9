// The people and programs of the day, with the identities, addresses and tools their records show.
import type { UserIdentity } from '../../shared/cloudtrail.js';
import { assumedRole, awsService, consoleSession, iamUser, rootUser } from '../cloudtrail-synth/identity.js';
import * as ua from '../cloudtrail-synth/user-agents.js';
import type { Actor } from './call.js';
import { SAMPLE_ACCOUNT, HOME, iso } from './day.js';

/** An IAM role session of the sample account; `since` is when the session started ('HH:MM:SS'). */
export function roleSession(
  role: string,
  roleId: string,
  session: string,
  accessKeyId: string,
  since: string,
  options: { mfa?: boolean; ec2?: boolean; path?: string; invokedBy?: string } = {},
): UserIdentity {
  return assumedRole({
    account: SAMPLE_ACCOUNT,
    role,
    roleId,
    session,
    accessKeyId,
    creationDate: iso(since),
    mfa: options.mfa === true,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.ec2 === undefined ? {} : { ec2: options.ec2 }),
    invokedBy: options.invokedBy,
  });
}

/** An AWS service calling on its own behalf: it is the identity, the source IP and the user agent. */
export function awsServiceActor(service: string): Actor {
  return { identity: awsService(service), ip: service, userAgent: service, service: true };
}

/** Someone in the AWS console: the console's user agent, and console session credentials. */
function consoleActor(identity: UserIdentity, ip: string): Actor {
  return { identity, ip, userAgent: ua.CONSOLE, console: true };
}

/** Someone running an AWS CLI command (`command` as in its user agent, e.g. rds.describe-db-instances) on `host`. */
function cliActor(identity: UserIdentity, ip: string, command: string, host: ua.CliHost): Actor {
  return { identity, ip, userAgent: ua.awsCli(command, host), tls: 'TLSv1.3' };
}

const JOHNDOE_ID = 'AIDAJ45Q7YFFAREXAMPLE';
const JOHNDOE_KEY = 'AKIAI44QH8DHBEXAMPLE';
const JOHNDOE_SINCE = '08:41:07';
export const johndoeConsole = consoleActor(
  {
    ...iamUser(SAMPLE_ACCOUNT, 'johndoe', JOHNDOE_ID, 'ASIAQ3EGRNTY5JD0CNSL'),
    sessionContext: consoleSession(iso(JOHNDOE_SINCE), true),
  },
  '203.0.113.25',
);
/** johndoe's access key, configured with `aws configure` on the Amazon Linux EC2 instance (public IP 198.51.100.23). */
export const johndoeEc2 = (command: string): Actor =>
  cliActor(iamUser(SAMPLE_ACCOUNT, 'johndoe', JOHNDOE_ID, JOHNDOE_KEY), '198.51.100.23', command, 'al2023');
/** The same key from johndoe's laptop, as in the Data API document's ExecuteStatement example. */
export const johndoeLaptop = (command: string): Actor =>
  cliActor(iamUser(SAMPLE_ACCOUNT, 'johndoe', JOHNDOE_ID, JOHNDOE_KEY), '192.0.2.10', command, 'windows');

export const MARIA_ID = 'AIDA5LQ2WZ6TEXAMPLE7';
export const MARIA_SINCE = '12:03:44';
export const mariaConsole = consoleActor(
  {
    ...iamUser(SAMPLE_ACCOUNT, 'maria.garcia', MARIA_ID, 'ASIA5LQ2WZ6TMG4CNSL1'),
    sessionContext: consoleSession(iso(MARIA_SINCE), false),
  },
  '203.0.113.57',
);

export const DBADMIN_ROLE_ID = 'AROA6DBADMNROLEXMPL7';
const CI_USER_ID = 'AIDA6CIDEPLOYEREXMPL';
const CI_KEY = 'AKIA6CIDEPLOYEXAMPLE';
export const ciDeployer = (command: string): Actor =>
  cliActor(iamUser(SAMPLE_ACCOUNT, 'ci-deployer', CI_USER_ID, CI_KEY), '198.51.100.177', command, 'macos');
/** The DBAdminRole session ops-maintenance that ci-deployer starts at `since` with access key `key`. */
export const dbAdmin = (since: string, key: string, command: string): Actor =>
  cliActor(
    roleSession('DBAdminRole', DBADMIN_ROLE_ID, 'ops-maintenance', key, since),
    '198.51.100.177',
    command,
    'macos',
  );

export const ROOT_SINCE = '17:15:31';
export const rootConsole = consoleActor(
  rootUser(SAMPLE_ACCOUNT, 'ASIAR00TC0NS0LE7EXMP', consoleSession(iso(ROOT_SINCE), true)),
  '203.0.113.80',
);

const REPORTS_ROLE_ID = 'AROA6REPORTSFNEXAMPL';
/** The reports Lambda function, deployed in both regions. */
export const reportsFn = (region: string): Actor => ({
  identity: roleSession(
    'reports-fn-role',
    REPORTS_ROLE_ID,
    'reports-fn',
    region === HOME ? 'ASIA6REPORTSFNKEY001' : 'ASIA6REPORTSFNKEYW02',
    '12:31:40',
  ),
  ip: region === HOME ? '198.51.100.61' : '198.51.100.141',
  userAgent: ua.jsSdkInLambda('rds-data'),
  tls: 'TLSv1.3',
});
