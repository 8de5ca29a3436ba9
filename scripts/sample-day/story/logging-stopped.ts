// The sample day's story: 7. Deletion protection off, then 6. logging stopped.
import { dbAdmin, johndoeConsole } from '../actors.js';
import { dbResponse, ORDERS } from '../databases.js';
import { TRAIL_ARN } from '../resources.js';
import { dbAdminAssumeRole } from './calls.js';
import type { StoryEvent } from './story-event.js';

const session2 = '16:38:40';
const session2Key = 'ASIA6DBADMNSESSN0002';

/** 7. Deletion protection off, then 6. logging stopped */
export const LOGGING_STOPPED: StoryEvent[] = [
  {
    call: dbAdminAssumeRole(session2, session2Key, 'token:dbadmin2'),
    who: 'ci-deployer (CLI)',
    what: 'Assumes DBAdminRole again (new ops-maintenance session)',
    alerts: [],
  },
  {
    call: {
      at: '16:41:16',
      source: 'rds.amazonaws.com',
      name: 'ModifyDBInstance',
      actor: dbAdmin(session2, session2Key, 'rds.modify-db-instance'),
      readOnly: false,
      request: { dBInstanceIdentifier: 'orders-prod', deletionProtection: false, applyImmediately: true },
      response: dbResponse({ ...ORDERS, deletionProtection: false }, 'available', { endpoint: true }),
    },
    who: 'DBAdminRole/ops-maintenance (CLI)',
    what: 'Turns off deletion protection on the production instance orders-prod',
    alerts: ['rds-deletion-protection-disabled'],
  },
  {
    call: {
      at: '16:44:02',
      source: 'cloudtrail.amazonaws.com',
      name: 'DescribeTrails',
      actor: dbAdmin(session2, session2Key, 'cloudtrail.describe-trails'),
      readOnly: true,
      request: { trailNameList: [], includeShadowTrails: true },
    },
    who: 'DBAdminRole/ops-maintenance (CLI)',
    what: 'Lists the trails',
    alerts: [],
    quiet: 'read-only CloudTrail call',
  },
  {
    call: {
      at: '16:45:37',
      source: 'cloudtrail.amazonaws.com',
      name: 'StopLogging',
      actor: dbAdmin(session2, session2Key, 'cloudtrail.stop-logging'),
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    who: 'DBAdminRole/ops-maintenance (CLI)',
    what: 'Stops logging on RDS-CloudTrail: nothing is recorded until 17:12:09',
    alerts: ['cloudtrail-logging-stopped'],
  },
  {
    call: {
      at: '17:12:09',
      source: 'cloudtrail.amazonaws.com',
      name: 'StartLogging',
      actor: johndoeConsole,
      readOnly: false,
      request: { name: TRAIL_ARN },
    },
    who: 'johndoe (console)',
    what: 'Turns logging back on',
    alerts: [],
    quiet: 'turns logging on',
  },
];
