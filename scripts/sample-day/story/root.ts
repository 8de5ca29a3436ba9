// The sample day's story: 7. Root looks at the databases, with MFA.
import { ROOT_SINCE, rootConsole } from '../actors.js';
import { SAMPLE_ACCOUNT } from '../day.js';
import * as ua from '../../cloudtrail-synth/user-agents.js';
import { rootUser } from '../../cloudtrail-synth/identity.js';
import { CONSOLE_HOME, consoleLoginDetails } from '../../cloudtrail-synth/other-apis.js';
import { snapshotRestoreChange } from '../../cloudtrail-synth/rds.js';
import type { StoryEvent } from './story-event.js';

/** 7. Root looks at the databases, with MFA */
export const ROOT: StoryEvent[] = [
  {
    call: {
      at: ROOT_SINCE,
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      actor: {
        ...rootConsole,
        identity: rootUser(SAMPLE_ACCOUNT, ''),
        userAgent: ua.BROWSER_FIREFOX_WINDOWS,
        console: false,
      },
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      response: { ConsoleLogin: 'Success' },
      additional: consoleLoginDetails(CONSOLE_HOME, true, `arn:aws:iam::${SAMPLE_ACCOUNT}:mfa/root-account-mfa-device`),
      host: 'signin.aws.amazon.com',
    },
    who: 'root (browser)',
    what: 'Root signs in to the console with MFA',
    alerts: [],
  },
  {
    call: {
      at: '17:16:48',
      source: 'rds.amazonaws.com',
      name: 'DescribeDBInstances',
      actor: rootConsole,
      readOnly: true,
      request: { maxRecords: 100 },
    },
    who: 'root (console, MFA)',
    what: 'Root lists the DB instances',
    alerts: ['root-rds-activity'],
  },
  {
    call: {
      at: '17:18:20',
      source: 'rds.amazonaws.com',
      name: 'DescribeDBSnapshotAttributes',
      actor: rootConsole,
      readOnly: true,
      request: { dBSnapshotIdentifier: 'mysqldb-snap' },
    },
    who: 'root (console, MFA)',
    what: 'Root checks who may restore mysqldb-snap',
    alerts: ['root-rds-activity'],
  },
  {
    call: {
      at: '17:19:05',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBSnapshotAttribute',
      actor: rootConsole,
      readOnly: false,
      ...snapshotRestoreChange('mysqldb-snap', { valuesToRemove: ['all'] }, []),
    },
    who: 'root (console, MFA)',
    what: 'Root makes mysqldb-snap private again (valuesToRemove ["all"])',
    alerts: ['root-rds-activity'],
    quiet: 'rds-snapshot-public must not fire: it removes "all"',
  },
];
